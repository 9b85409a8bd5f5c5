"""Announcement audio: the chime, and one TTS engine in one thread making a WAV per announcement.

pyttsx3 with espeak-ng has three bugs that shape this (DESIGN, hard-won facts): two `say()`
before one `runAndWait()` keep only the last; `runAndWait()` with nothing queued hangs; the
engine must stay in the thread that made it. So `Speaker` owns one engine in one daemon
thread, fed by a queue, and does exactly one `save_to_file` + `runAndWait` per announcement.
Playback is not done here: the board plays chime + WAV itself (QtMultimedia). No Qt here:
results go back through a plain callback, called in the speaker's thread.

When the Indonesian voice is missing (a Windows PC without one) or synthesis fails, the
result has `wav=None`: the board plays the chime only and the log says why.
"""

from __future__ import annotations

import logging
import math
import queue
import struct
import sys
import threading
import time
import wave
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

log = logging.getLogger("display_board.speech")

SAMPLE_RATE = 22050
DEFAULT_RATE = 150  # words per minute: a little slower than espeak's 175 carries better in a hall


# -- the chime -----------------------------------------------------------------------------

def chime_samples(rate: int = SAMPLE_RATE) -> list[int]:
    """A two-tone "ding-dong" (E5 then C5, like a bell with a soft octave overtone), 16-bit mono."""
    notes = [(659.25, 0.0, 0.9), (523.25, 0.55, 1.2)]  # frequency, start s, ring s
    length = int(rate * max(start + ring for _, start, ring in notes)) + 1
    mix = [0.0] * length
    for freq, start, ring in notes:
        first = int(start * rate)
        for i in range(int(ring * rate)):
            t = i / rate
            envelope = min(1.0, t / 0.008) * math.exp(-3.2 * t)  # quick strike, bell-like decay
            mix[first + i] += envelope * (math.sin(2 * math.pi * freq * t)
                                          + 0.35 * math.sin(2 * math.pi * 2 * freq * t)
                                          + 0.12 * math.sin(2 * math.pi * 3 * freq * t))
    peak = max(abs(v) for v in mix) or 1.0
    return [int(v / peak * 0.6 * 32767) for v in mix]


def write_wav(path: Path, samples: list[int], rate: int = SAMPLE_RATE) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    with wave.open(str(path), "wb") as out:
        out.setnchannels(1)
        out.setsampwidth(2)
        out.setframerate(rate)
        out.writeframes(struct.pack(f"<{len(samples)}h", *samples))
    return path


def ensure_chime(directory: Path) -> Path:
    """The chime WAV, made once per directory."""
    path = Path(directory) / "chime.wav"
    if not path.exists() or path.stat().st_size <= 44:
        write_wav(path.with_suffix(".tmp"), chime_samples()).replace(path)
    return path


# -- measuring a WAV (tests, and a sanity check on what the engine wrote) -------------------

def wav_stats(path: Path) -> tuple[float, float]:
    """(duration in seconds, RMS of 16-bit samples as a fraction of full scale)."""
    with wave.open(str(path), "rb") as src:
        frames, rate, width = src.getnframes(), src.getframerate(), src.getsampwidth()
        data = src.readframes(frames)
    if width != 2 or not frames:
        return frames / (rate or 1), 0.0
    values = struct.unpack(f"<{len(data) // 2}h", data[: len(data) // 2 * 2])
    rms = math.sqrt(sum(v * v for v in values) / len(values)) / 32768
    return frames / rate, rms


# -- the engine's thread --------------------------------------------------------------------

@dataclass(frozen=True)
class SpeechResult:
    job: int
    text: str
    wav: Path | None  # None: play the chime only
    seconds: float  # synthesis time
    error: str | None = None


def pick_voice(voices, language: str):
    """The first voice for `language` ("id"): by its languages list, else by its id or name."""
    language = language.lower()
    for voice in voices:
        langs = [(lang.decode(errors="ignore") if isinstance(lang, bytes) else str(lang)).lower().lstrip("\x05")
                 for lang in (getattr(voice, "languages", None) or [])]
        if language in langs or any(lang.startswith(language + "-") or lang.startswith(language + "_")
                                    for lang in langs):
            return voice
    for voice in voices:
        vid = str(getattr(voice, "id", "")).lower()
        if vid == language or vid.endswith("/" + language):
            return voice
    return None


def _default_engine():
    import pyttsx3  # here, not at import: a board without TTS still starts (chime only)
    engine = pyttsx3.init()
    log_driver_prints(engine)
    return engine


def log_driver_prints(engine) -> None:
    """pyttsx3 2.99's drivers `print()` ("Audio saved to …" for every WAV) onto the program's stdout.

    The driver module's own `print` name is pointed at our log: only the driver's lines move, from
    whichever thread, while `redirect_stdout` would swallow every thread's output for as long.
    """
    module = getattr(getattr(engine, "proxy", None), "_module", None)
    if module is not None:
        module.print = _driver_print


def _driver_print(*values, sep=" ", end="\n", file=None, flush=False) -> None:
    if file is not None and file is not sys.stdout:
        print(*values, sep=sep, end=end, file=file, flush=flush)
        return
    log.debug("pyttsx3: %s", (sep or " ").join(map(str, values)))


class Speaker:
    """`start()`; `say(text) -> job id`; results arrive at `on_result(SpeechResult)`; `stop()`."""

    def __init__(self, out_dir: Path, on_result: Callable[[SpeechResult], None], *, voice: str = "id",
                 rate: int = DEFAULT_RATE, engine_factory: Callable[[], object] = _default_engine):
        self.out_dir = Path(out_dir)
        self.on_result = on_result
        self.voice, self.rate = voice, rate
        self.engine_factory = engine_factory
        self.available: bool | None = None  # known once the thread has made the engine
        self._jobs: queue.Queue = queue.Queue()
        self._next = 0
        self._lock = threading.Lock()
        self._thread: threading.Thread | None = None

    def start(self) -> Speaker:
        self.out_dir.mkdir(parents=True, exist_ok=True)
        self._thread = threading.Thread(target=self._run, name="mpp-speech", daemon=True)
        self._thread.start()
        return self

    def say(self, text: str) -> int:
        with self._lock:
            self._next += 1
            job = self._next
        self._jobs.put((job, text))
        return job

    def stop(self, timeout: float = 5.0) -> bool:
        self._jobs.put(None)
        if self._thread is None:
            return True
        self._thread.join(timeout)
        return not self._thread.is_alive()

    def _run(self) -> None:
        engine = self._make_engine()
        while True:
            item = self._jobs.get()
            if item is None:
                break
            job, text = item
            self._emit(self._synthesise(engine, job, text) if engine is not None
                       else SpeechResult(job, text, None, 0.0, "no voice"))
        if engine is not None:
            try:
                engine.stop()
            except Exception:  # ending the program: nothing to rescue
                pass

    def _make_engine(self):
        try:
            engine = self.engine_factory()
            voice = pick_voice(engine.getProperty("voices") or [], self.voice)
            if voice is None:
                log.warning("no %r voice for text-to-speech: announcements will be the chime only", self.voice)
                self.available = False
                return None
            engine.setProperty("voice", voice.id)
            engine.setProperty("rate", self.rate)
        except Exception as exc:  # no espeak-ng / SAPI5 at all
            log.warning("text-to-speech unavailable (%s): announcements will be the chime only", exc)
            self.available = False
            return None
        self.available = True
        log.info("text-to-speech voice %s at %d words/min", voice.id, self.rate)
        return engine

    def _synthesise(self, engine, job: int, text: str) -> SpeechResult:
        path = self.out_dir / f"announcement-{job % 50:02d}.wav"  # a ring of files: no growth, no clash
        started = time.perf_counter()
        try:
            # pyttsx3 2.99's espeak driver writes the file from espeak's callback and now and
            # then writes only a header: one more try before the chime has to stand alone.
            for attempt in (1, 2):
                path.unlink(missing_ok=True)
                engine.save_to_file(text, str(path))
                engine.runAndWait()  # exactly one item queued: never the empty-queue hang
                if path.exists() and path.stat().st_size > 44:
                    break
                if attempt == 1:
                    log.info("the engine wrote no audio for %r: trying once more", text)
            else:
                raise RuntimeError("the engine wrote no audio")
        except Exception as exc:
            log.warning("announcement %r not synthesised (%s): chime only", text, exc)
            return SpeechResult(job, text, None, time.perf_counter() - started, str(exc))
        return SpeechResult(job, text, path, time.perf_counter() - started)

    def _emit(self, result: SpeechResult) -> None:
        try:
            self.on_result(result)
        except Exception:
            log.exception("speech result callback failed")
