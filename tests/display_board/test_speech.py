"""Announcement audio: real WAVs from espeak-ng through the one-thread engine, the chime, the fallback."""

import logging
import queue
import shutil
import threading
from types import SimpleNamespace

import pytest

from display_board.announcement import sentence
from display_board.speech import Speaker, ensure_chime, pick_voice, wav_stats

SILENCE_RMS = 0.01  # espeak-ng speech measures ~0.09 of full scale here


def require_espeak():
    if not shutil.which("espeak-ng"):
        pytest.fail("espeak-ng is not installed: apt-get install espeak-ng (Windows: an Indonesian SAPI5 voice)")



def test_an_announcement_becomes_a_spoken_wav(tmp_path):
    require_espeak()
    box = queue.Queue()
    speaker = Speaker(tmp_path, box.put).start()
    try:
        texts = [sentence("A-123", "loket tiga"), sentence("DK-1000", "Loket 12")]
        jobs = [speaker.say(text) for text in texts]  # two at once: the second must not replace the first
        results = [box.get(timeout=20) for _ in texts]
    finally:
        assert speaker.stop(), "the speech thread did not end"
    assert speaker.available is True
    assert [r.job for r in results] == jobs and [r.text for r in results] == texts
    for result in results:
        assert result.error is None and result.wav is not None and result.wav.exists()
        seconds, rms = wav_stats(result.wav)
        assert 2.5 <= seconds <= 8, seconds
        assert rms > SILENCE_RMS, rms
    assert results[0].wav != results[1].wav


def test_two_boards_in_one_process_share_one_engine_and_both_get_their_wavs(tmp_path):
    """Regression: zone 2's board ran silent, since pyttsx3 allows one engine per process."""
    require_espeak()
    boxes = [queue.Queue(), queue.Queue()]
    speakers = [Speaker(tmp_path / f"board-{n}", box.put).start() for n, box in enumerate(boxes)]
    try:
        assert [t.name for t in threading.enumerate()].count("mpp-speech") == 1, "one engine, one thread"
        jobs = [speaker.say(sentence(code, "loket satu")) for speaker, code in zip(speakers, ("A-001", "P-002"))]
        results = [box.get(timeout=20) for box in boxes]
    finally:
        assert all([speaker.stop() for speaker in speakers]), "the speech thread did not end"
    assert [r.job for r in results] == jobs
    for n, result in enumerate(results):
        assert result.wav is not None and result.wav.parent == tmp_path / f"board-{n}"
        assert wav_stats(result.wav)[1] > SILENCE_RMS
    assert "mpp-speech" not in [t.name for t in threading.enumerate()]


def test_synthesis_prints_nothing_on_stdout(tmp_path, capfd, caplog):
    """pyttsx3's espeak driver print()s "Audio saved to …" for every WAV: it goes to the log."""
    require_espeak()
    caplog.set_level(logging.DEBUG, logger="display_board.speech")
    box = queue.Queue()
    speaker = Speaker(tmp_path, box.put).start()
    try:
        capfd.readouterr()
        speaker.say(sentence("A-007", "loket tujuh"))
        assert box.get(timeout=20).wav is not None
    finally:
        assert speaker.stop(), "the speech thread did not end"
    printed = capfd.readouterr()
    assert "Audio saved" not in printed.out + printed.err
    assert "Audio saved to" in caplog.text


def test_the_chime_is_a_short_audible_ding_dong_made_once(tmp_path):
    path = ensure_chime(tmp_path)
    seconds, rms = wav_stats(path)
    assert 1.0 <= seconds <= 2.5 and rms > 0.05
    stamp = path.stat().st_mtime_ns
    assert ensure_chime(tmp_path).stat().st_mtime_ns == stamp


class NoIndonesian:
    def getProperty(self, name):
        return [SimpleNamespace(id="english", name="English", languages=["en"])] if name == "voices" else None

    def stop(self):
        pass


def test_without_an_indonesian_voice_the_board_falls_back_to_the_chime(tmp_path, caplog):
    box = queue.Queue()
    speaker = Speaker(tmp_path, box.put, engine_factory=NoIndonesian).start()
    speaker.say("Nomor antrean, a, satu, silakan menuju loket satu.")
    result = box.get(timeout=5)
    assert speaker.stop()
    assert result.wav is None and speaker.available is False
    assert "chime only" in caplog.text


def test_a_broken_engine_falls_back_to_the_chime(tmp_path, caplog):
    def broken():
        raise OSError("libespeak-ng.so.1: cannot open shared object file")

    box = queue.Queue()
    speaker = Speaker(tmp_path, box.put, engine_factory=broken).start()
    speaker.say("x")
    assert box.get(timeout=5).wav is None
    assert speaker.stop()
    assert "unavailable" in caplog.text


@pytest.mark.parametrize(("voices", "expected"), [
    ([SimpleNamespace(id="poz/id", name="Indonesian", languages=["id"])], "poz/id"),
    ([SimpleNamespace(id="x", name="en", languages=[b"\x05en"]), SimpleNamespace(id="y", languages=[b"\x05id"])], "y"),
    ([SimpleNamespace(id="HKEY/TTS_MS_ID-ID_ANDIKA", name="Andika", languages=["id-ID"])], "HKEY/TTS_MS_ID-ID_ANDIKA"),
    ([SimpleNamespace(id="gmw/en", name="English", languages=["en"])], None),
])
def test_pick_voice(voices, expected):
    found = pick_voice(voices, "id")
    assert (found.id if found else None) == expected


class FlakyEngine:
    """Like pyttsx3 2.99's espeak driver now and then: a WAV with only its header."""

    def __init__(self, empty_writes: int):
        self.empty_writes, self.target, self.runs = empty_writes, None, 0

    def getProperty(self, name):
        return [SimpleNamespace(id="id", name="Indonesian", languages=["id"])] if name == "voices" else None

    def setProperty(self, name, value):
        pass

    def save_to_file(self, text, path):
        self.target = path

    def runAndWait(self):
        import wave

        self.runs += 1
        with wave.open(self.target, "wb") as out:
            out.setnchannels(1)
            out.setsampwidth(2)
            out.setframerate(22050)
            if self.runs > self.empty_writes:
                out.writeframes(b"\x10\x00" * 22050)

    def stop(self):
        pass


@pytest.mark.parametrize(("empty_writes", "spoken"), [(0, True), (1, True), (2, False)])
def test_an_empty_wav_is_synthesised_once_more_before_the_chime_stands_alone(tmp_path, empty_writes, spoken):
    engine = FlakyEngine(empty_writes)
    box = queue.Queue()
    speaker = Speaker(tmp_path, box.put, engine_factory=lambda: engine).start()
    speaker.say("Nomor antrean, a, dua, silakan menuju loket satu.")
    result = box.get(timeout=5)
    assert speaker.stop()
    assert (result.wav is not None) is spoken
    assert engine.runs == min(empty_writes + 1, 2)
