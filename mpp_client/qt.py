"""Qt glue the PySide6 apps share: the bridge to a worker thread, logging, and quitting on a signal.

(The rest of mpp_client has no Qt, so it serves tests and tools too.)
"""

from __future__ import annotations

import logging
import os
import signal
import sys
import time
from collections.abc import Callable, Mapping
from functools import partial

# Before Qt Multimedia loads: its backend probes (pipewire, ffmpeg) and per-sound warnings would
# fill an operator's terminal with ~400 lines. An operator's own QT_LOGGING_RULES come after, so win.
QUIET_QT = "qt.multimedia.*=false;qt.multimedia.ffmpeg*=false"
os.environ["QT_LOGGING_RULES"] = ";".join(filter(None, [QUIET_QT, os.environ.get("QT_LOGGING_RULES")]))

from PySide6.QtCore import (QCoreApplication, QMetaMethod, QMetaObject, QObject, Qt, QThread, QTimer, QtMsgType,  # noqa: E402
                            Signal, Slot, qInstallMessageHandler)

# Qt's audio backends say so, uncategorised, whenever there is no sound server or device: once per
# sound. The board says it once itself (display_board.player), so these go to the debug log.
AUDIO_NOISE = ("No audio device detected", "PulseAudioService:", "pa_context_connect")
QT_LEVELS = {QtMsgType.QtDebugMsg: logging.DEBUG, QtMsgType.QtInfoMsg: logging.INFO,
             QtMsgType.QtWarningMsg: logging.WARNING, QtMsgType.QtCriticalMsg: logging.ERROR,
             QtMsgType.QtFatalMsg: logging.CRITICAL}


def _qt_message(kind, context, message: str) -> None:
    """Qt's messages through Python's logging (the app's format and level) instead of raw stderr."""
    level = logging.DEBUG if message.startswith(AUDIO_NOISE) else QT_LEVELS.get(kind, logging.WARNING)
    logging.getLogger(f"qt.{context.category}" if context.category and context.category != "default"
                      else "qt").log(level, message)


qInstallMessageHandler(_qt_message)

LIFE_CYCLE = ("start", "shutdown")  # the worker's own slots: the bridge calls them, a presenter never does


def setup_logging(level: str) -> None:
    logging.basicConfig(level=level, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    if level != "DEBUG":
        logging.getLogger("httpx").setLevel(logging.WARNING)  # a line per poll would bury what matters


def open_app(name: str, args, resolve_config):
    """What every app does first: logging (`args.log_level`), its settings (`resolve_config(args)`;
    a bad settings file ends the program with the file's message, exit code 2), and the
    QApplication. Returns (app, config)."""
    from PySide6.QtWidgets import QApplication

    from .settings import SettingsError

    setup_logging(args.log_level)
    try:
        config = resolve_config(args)
    except SettingsError as exc:
        print(exc.message, file=sys.stderr)
        raise SystemExit(2) from None
    app = QApplication.instance() or QApplication(sys.argv[:1])
    app.setApplicationName(name)
    return app, config


def stop_worker(worker: QObject, thread: QThread, timeout_ms: int = 15_000,
                before_quit: QObject | None = None) -> bool:
    """Let the worker stop its timers and connections in its own thread, then end the thread;
    True when it ended in time. `before_quit`: a relay whose `home` slot then runs in that thread."""
    if hasattr(worker, "request_stop"):
        worker.request_stop()  # thread-safe: interrupts a retry wait in progress
    if thread.isRunning():
        QMetaObject.invokeMethod(worker, "shutdown", Qt.ConnectionType.BlockingQueuedConnection)
        if before_quit is not None:
            QMetaObject.invokeMethod(before_quit, "home", Qt.ConnectionType.BlockingQueuedConnection)
    thread.quit()
    return thread.wait(timeout_ms)


def run(app, product, log: logging.Logger, ready: str, started: float) -> int:
    """What every app does last: start `product` (its `start()`; `stop()` when the app quits), log
    `ready` with the milliseconds since `started` (a perf_counter), quit on signals, run the loop."""
    app.aboutToQuit.connect(product.stop)
    product.start()
    QTimer.singleShot(0, lambda: log.info(ready, (time.perf_counter() - started) * 1000))
    wake = quit_on_signals(app)  # noqa: F841 (kept alive while the loop runs)
    return app.exec()


def stop_signals() -> list:
    """The signals that mean "stop": Ctrl+C, SIGTERM, and on Windows Ctrl+Break and a closed
    console (both arrive as SIGBREAK in Python)."""
    return [getattr(signal, name) for name in ("SIGINT", "SIGTERM", "SIGBREAK") if hasattr(signal, name)]


def quit_on_signals(app) -> QTimer:
    """Ctrl+C, SIGTERM (and a closed console on Windows) quit the app with exit code 0. Python only
    sees a signal between bytecodes, so a timer wakes the interpreter while Qt's loop runs; keep
    the returned timer alive."""
    for signum in stop_signals():
        signal.signal(signum, lambda *_: app.quit())
    wake = QTimer()
    wake.timeout.connect(lambda: None)
    wake.start(250)
    return wake


def _own_methods(obj: QObject, kind: QMetaMethod.MethodType) -> list[str]:
    """The public signals or slots that `obj`'s classes declare (not QObject's own)."""
    meta, names = obj.metaObject(), []
    for i in range(QObject.staticMetaObject.methodCount(), meta.methodCount()):
        method = meta.method(i)
        name = method.name().data().decode()
        if method.methodType() == kind and not name.startswith("_") and name not in names:
            names.append(name)
    return names


class _Relay(QObject):
    """Lives in the worker's thread and runs there what the UI thread asked for."""

    def __init__(self, worker: QObject):
        super().__init__()
        self.worker = worker

    @Slot(str, tuple)
    def run(self, name: str, args: tuple) -> None:
        getattr(self.worker, name)(*args)

    @Slot()
    def home(self) -> None:
        """The worker and this relay go back to the UI thread before theirs ends, so that whoever
        deletes them later (Python's collector, in the UI thread) deletes them in their own thread."""
        main = QCoreApplication.instance().thread()
        self.worker.moveToThread(main)
        self.moveToThread(main)


class _Report(QObject):
    """Lives in the UI thread: a worker signal connected here arrives queued, in the UI thread."""

    def __init__(self, bridge: Bridge, name: str, target: Callable | str | None):
        super().__init__(bridge)
        self.bridge, self.name, self.target = bridge, name, target

    def deliver(self, *args) -> None:
        target = self.target
        if isinstance(target, str):  # looked up now: the presenter's method as it is at this moment
            target = getattr(self.bridge.presenter, target)
        if target is not None:
            target(*args)
        self.bridge.reported.emit(self.name, args)


class Bridge(QObject):
    """A worker QObject and a plain-Python presenter, each on its own thread, for any app.

    Intents: for each public slot NAME of the worker, `bridge.NAME(*args)` returns at once and
    the slot runs in the worker's thread (so the presenter takes the bridge as its Worker).
    Reports: each public signal NAME of the worker calls `presenter.NAME(*args)` in the UI
    thread, or `reports[NAME]` when the app routes it elsewhere (a callable, the name of
    another presenter method, or None: to nobody); every report is also emitted as
    `reported(NAME, args)` for other UI listeners (a staff screen).
    With `thread_name` the worker moves at once to a QThread of its own (its owner: network,
    printer), which `start()` starts and `stop()` ends; without, the worker stays in the UI
    thread and owns threads of its own (`start()`/`stop()` call its own). A subclass may
    define an intent method itself (to time it, say); `ask(NAME, *args)` queues the slot.
    """

    reported = Signal(str, tuple)
    _asked = Signal(str, tuple)

    def __init__(self, worker: QObject, thread_name: str | None = None):
        super().__init__()
        self.worker, self.thread_name = worker, thread_name
        self.thread: QThread | None = None
        self.presenter = None
        self._relay = _Relay(worker)
        if thread_name is not None:
            self.thread = QThread()
            self.thread.setObjectName(thread_name)
            worker.moveToThread(self.thread)
            self._relay.moveToThread(self.thread)  # what is asked before start() waits for the thread
        # Queued even without a thread of its own: a presenter's call never runs inside the presenter.
        self._asked.connect(self._relay.run, Qt.ConnectionType.QueuedConnection)
        self.intents = tuple(name for name in _own_methods(worker, QMetaMethod.MethodType.Slot)
                             if name not in LIFE_CYCLE)
        for name in self.intents:
            if not hasattr(type(self), name):  # a subclass's own method wins
                setattr(self, name, partial(self.ask, name))

    def ask(self, name: str, *args) -> None:
        """Queue the worker's slot `name` with `args` (UI thread → worker thread)."""
        self._asked.emit(name, args)

    def attach(self, presenter, reports: Mapping[str, Callable | str | None] | None = None) -> Bridge:
        """Deliver the worker's signals to `presenter` (and `reports`), in the UI thread."""
        self.presenter = presenter
        reports = dict(reports or {})
        for name in _own_methods(self.worker, QMetaMethod.MethodType.Signal):
            target = reports[name] if name in reports else (name if hasattr(presenter, name) else None)
            getattr(self.worker, name).connect(_Report(self, name, target).deliver)
        return self

    def start(self) -> Bridge:
        """The worker's life begins: in its own thread (its `start` slot runs there first), or here."""
        on_started = getattr(self.worker, "start", None)
        if self.thread is None:
            if on_started is not None:
                on_started()
        elif not self.thread.isRunning():
            if on_started is not None:
                self.thread.started.connect(on_started)
            self.thread.start()
        return self

    def stop(self) -> bool:
        """End the worker (its `shutdown` in its own thread, then the thread); True when it ended in time."""
        if self.thread_name is None:
            stop = getattr(self.worker, "stop", None)
            return bool(stop()) if stop is not None else True
        if self.thread is None:
            return True
        if self.thread.isRunning():
            ended = stop_worker(self.worker, self.thread, before_quit=self._relay)
        else:
            ended = True
        self.thread = None
        return ended
