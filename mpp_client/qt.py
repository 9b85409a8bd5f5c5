"""Qt glue the PySide6 apps share: the worker thread, logging, and quitting on a signal.

(The rest of mpp_client has no Qt, so it serves tests and tools too.)
"""

import logging
import signal

from PySide6.QtCore import QMetaObject, QObject, Qt, QThread, QTimer


def setup_logging(level: str) -> None:
    logging.basicConfig(level=level, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    if level != "DEBUG":
        logging.getLogger("httpx").setLevel(logging.WARNING)  # a line per poll would bury what matters


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
