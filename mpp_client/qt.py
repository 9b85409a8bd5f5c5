"""Qt glue the PySide6 apps share: the worker thread, logging, and quitting on a signal.

(The rest of mpp_client has no Qt, so it serves tests and tools too.)
"""

import logging
import signal
import sys

from PySide6.QtCore import QMetaObject, QObject, Qt, QThread, QTimer


def setup_logging(level: str) -> None:
    logging.basicConfig(level=level, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    if level != "DEBUG":
        logging.getLogger("httpx").setLevel(logging.WARNING)  # a line per poll would bury what matters


def open_app(name: str, log_level: str, resolve_config):
    """What every app does first: logging, its settings (a bad settings file ends the program
    with the file's message, exit code 2), and the QApplication. Returns (app, config)."""
    from PySide6.QtWidgets import QApplication

    from .settings import SettingsError

    setup_logging(log_level)
    try:
        config = resolve_config()
    except SettingsError as exc:
        print(exc.message, file=sys.stderr)
        raise SystemExit(2) from None
    app = QApplication.instance() or QApplication(sys.argv[:1])
    app.setApplicationName(name)
    return app, config


def start_worker(worker: QObject, name: str, on_started=None) -> QThread:
    """Move `worker` to its own thread (its owner: network, printer) and start it."""
    thread = QThread()
    thread.setObjectName(name)
    worker.moveToThread(thread)
    if on_started is not None:
        thread.started.connect(on_started)
    thread.start()
    return thread


def stop_worker(worker: QObject, thread: QThread, timeout_ms: int = 15_000) -> bool:
    """Let the worker stop its timers and connections in its own thread, then end the thread;
    True when it ended in time."""
    if hasattr(worker, "request_stop"):
        worker.request_stop()  # thread-safe: interrupts a retry wait in progress
    if thread.isRunning():
        QMetaObject.invokeMethod(worker, "shutdown", Qt.ConnectionType.BlockingQueuedConnection)
    thread.quit()
    return thread.wait(timeout_ms)


def quit_on_signals(app) -> QTimer:
    """Ctrl+C and SIGTERM quit the app. Python only sees a signal between bytecodes, so a
    timer wakes the interpreter while Qt's loop runs; keep the returned timer alive."""
    for signum in (signal.SIGINT, signal.SIGTERM):
        signal.signal(signum, lambda *_: app.quit())
    wake = QTimer()
    wake.timeout.connect(lambda: None)
    wake.start(250)
    return wake
