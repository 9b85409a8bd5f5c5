"""Announcement audio: the chime, and one TTS engine in one thread making a WAV per announcement.

pyttsx3 with espeak-ng has three bugs that shape this (DESIGN, hard-won facts): two `say()`
before one `runAndWait()` keep only the last; `runAndWait()` with nothing queued hangs; the
engine must stay in the thread that made it. So `SpeechEngine` owns one engine in one daemon
thread, fed by a queue, and does exactly one `save_to_file` + `runAndWait` per announcement;
every board of a process speaks through it (a `Speaker` each), and gets its own WAVs back.
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


class SpeechEngine:
    """The one TTS engine of a process, in one thread, fed by one queue: pyttsx3 keeps one engine
    per driver per process, so every board of the process (the simulated morning runs two) shares
    it. Each job carries its board's folder, voice, rate and callback: the WAV goes back to the
    board that asked. The thread runs while some `Speaker` uses it (`acquire`/`release`)."""

    def __init__(self, engine_factory: Callable[[], object] = _default_engine):
        self.engine_factory = engine_factory
        self.available: bool | None = None  # known once the thread has made the engine
        self._next = 0
        self._users = 0
        self._lock = threading.Lock()
        self._jobs: queue.Queue | None = None
        self._thread: threading.Thread | None = None

    def acquire(self) -> None:
        with self._lock:
            self._users += 1
            if self._thread is None:
                self._jobs = queue.Queue()
                self._thread = threading.Thread(target=self._run, args=(self._jobs,), name="mpp-speech", daemon=True)
                self._thread.start()

    def release(self, timeout: float = 5.0) -> bool:
        """The last user ends the thread (after the jobs already queued); True once it has ended."""
        with self._lock:
            self._users = max(0, self._users - 1)
            if self._users or self._thread is None:
                return True
            thread, self._thread = self._thread, None
            self._jobs.put(None)
        thread.join(timeout)
        return not thread.is_alive()

    def submit(self, text: str, out_dir: Path, on_result: Callable[[SpeechResult], None], *,
               voice: str = "id", rate: int = DEFAULT_RATE) -> int:
        with self._lock:
            self._next += 1
            job = self._next
            jobs = self._jobs
        if jobs is None:
            raise RuntimeError("the speech engine is not started")
        jobs.put((job, text, Path(out_dir), on_result, voice, rate))
        return job

    def _run(self, jobs: queue.Queue) -> None:
        engine = self._make_engine()
        voices: dict[str, object] = {}  # language → voice (None: none installed)
        setting: tuple | None = None  # (voice id, rate) the engine has now
        while True:
            item = jobs.get()
            if item is None:
                break
            job, text, out_dir, on_result, language, rate = item
            voice = None
            if engine is not None:
                if language not in voices:
                    voices[language] = self._pick(engine, language)
                voice = voices[language]
            if voice is None:
                result = SpeechResult(job, text, None, 0.0, "no voice")
            else:
                if setting != (voice.id, rate):
                    engine.setProperty("voice", voice.id)
                    engine.setProperty("rate", rate)
                    setting = (voice.id, rate)
                    log.info("text-to-speech voice %s at %d words/min", voice.id, rate)
                result = self._synthesise(engine, out_dir, job, text)
            _emit(on_result, result)
        if engine is not None:
            try:
                engine.stop()
            except Exception:  # ending the program: nothing to rescue
                pass

    def _make_engine(self):
        try:
            engine = self.engine_factory()
        except Exception as exc:  # no espeak-ng / SAPI5 at all
            log.warning("text-to-speech unavailable (%s): announcements will be the chime only", exc)
            self.available = False
            return None
        return engine

    def _pick(self, engine, language: str):
        try:
            voice = pick_voice(engine.getProperty("voices") or [], language)
        except Exception as exc:
            log.warning("text-to-speech unavailable (%s): announcements will be the chime only", exc)
            voice = None
        else:
            if voice is None:
                log.warning("no %r voice for text-to-speech: announcements will be the chime only", language)
        self.available = voice is not None
        return voice

    @staticmethod
    def _synthesise(engine, out_dir: Path, job: int, text: str) -> SpeechResult:
        out_dir.mkdir(parents=True, exist_ok=True)
        path = out_dir / f"announcement-{job % 50:02d}.wav"  # a ring of files: no growth, no clash
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


def _emit(on_result: Callable[[SpeechResult], None], result: SpeechResult) -> None:
    try:
        on_result(result)
    except Exception:
        log.exception("speech result callback failed")


_shared: SpeechEngine | None = None
_shared_lock = threading.Lock()


def shared_engine() -> SpeechEngine:
    """The process's one engine, made on first use."""
    global _shared
    with _shared_lock:
        if _shared is None:
            _shared = SpeechEngine()
        return _shared


class Speaker:
    """One board's voice: `start()`; `say(text) -> job id`; results arrive at `on_result(SpeechResult)`
    (in the engine's thread); `stop()`. By default every Speaker of the process shares `shared_engine()`;
    an `engine_factory` (tests) gives this Speaker an engine of its own."""

    def __init__(self, out_dir: Path, on_result: Callable[[SpeechResult], None], *, voice: str = "id",
                 rate: int = DEFAULT_RATE, engine_factory: Callable[[], object] | None = None,
                 engine: SpeechEngine | None = None):
        self.out_dir = Path(out_dir)
        self.on_result = on_result
        self.voice, self.rate = voice, rate
        self.engine = engine or (SpeechEngine(engine_factory) if engine_factory else shared_engine())
        self._started = False

    @property
    def available(self) -> bool | None:
        return self.engine.available

    def start(self) -> Speaker:
        self.out_dir.mkdir(parents=True, exist_ok=True)
        if not self._started:
            self._started = True
            self.engine.acquire()
        return self

    def say(self, text: str) -> int:
        return self.engine.submit(text, self.out_dir, self.on_result, voice=self.voice, rate=self.rate)

    def stop(self, timeout: float = 5.0) -> bool:
        if not self._started:
            return True
        self._started = False
        return self.engine.release(timeout)
