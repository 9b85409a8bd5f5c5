"""A network thermal printer made of software, for the demo and the tests.

It listens on TCP (port 9100 like a real Epson), answers the real-time status
queries DLE EOT 1–4 from its simulated paper and online state, treats every
other byte as the job, and when the client closes the connection stores the job
(and, with `jobs_dir`, writes `job-NNN.bin` and a `job-NNN.png` preview of the
ticket). Run it with `mpp-virtual-printer --port 9100 --jobs-dir DIR`.

Status queries are only recognised between whole commands (the stream is split
with `escpos_preview.split_commands`), so image data that happens to contain
DLE EOT never reads as a query and the stored job is byte for byte what the
kiosk rendered.
"""

import argparse
import os
import selectors
import signal
import socket
import threading
from pathlib import Path
from typing import Self

from .escpos_preview import DLE, preview, split_commands

PAPER_STATES = ("ok", "low", "out")
PAPER_WIDTHS = {58: 384, 80: 576}  # paper mm → printable dots at 203 dpi
STATUS_FIXED_BITS = 0x12  # bits 1 and 4 are always set in a DLE EOT answer


def status_answer(query: int, paper: str, online: bool) -> bytes:
    """The byte an Epson-compatible printer answers to DLE EOT `query`."""
    paper_end = paper == "out"
    if query == 1:  # printer status: bit 3 = offline (a printer with no paper stops, too)
        return bytes([STATUS_FIXED_BITS | (0x08 if paper_end or not online else 0)])
    if query == 2:  # offline cause: bit 2 = cover open, bit 5 = stopped by paper end
        return bytes([STATUS_FIXED_BITS | (0x04 if not online else 0) | (0x20 if paper_end else 0)])
    if query == 4:  # roll paper sensors: bits 2-3 = near end, bits 5-6 = end
        return bytes([STATUS_FIXED_BITS | (0x0C if paper in ("low", "out") else 0) | (0x60 if paper_end else 0)])
    return bytes([STATUS_FIXED_BITS])  # 3: error status, no errors


class _Connection:
    def __init__(self, sock: socket.socket):
        self.sock = sock
        self.pending = b""  # bytes of a command not complete yet
        self.job = bytearray()


class VirtualPrinter:
    def __init__(self, host: str = "127.0.0.1", port: int = 9100, paper: str = "ok", silent: bool = False,
                 online: bool = True, jobs_dir: str | Path | None = None, paper_mm: int = 80):
        if paper not in PAPER_STATES:
            raise ValueError(f"paper must be one of {', '.join(PAPER_STATES)}, not {paper!r}")
        self.host, self.port = host, port
        self.paper, self.silent, self.online = paper, silent, online  # may be changed while running
        self.jobs_dir = Path(jobs_dir) if jobs_dir else None
        self.width_px = PAPER_WIDTHS[paper_mm]
        self.jobs: list[bytes] = []
        self.discarded = 0  # jobs sent while out of paper or offline, never printed
        self.connections_closed = 0
        self._taken = 0
        self._condition = threading.Condition()
        self._thread: threading.Thread | None = None

    # -- life cycle -------------------------------------------------------------
    def start(self) -> Self:
        listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        if os.name != "nt":  # on Windows SO_REUSEADDR would let two printers share the port
            listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        listener.bind((self.host, self.port))
        listener.listen(8)
        listener.setblocking(False)
        self.port = listener.getsockname()[1]
        self._listener = listener
        # stop() writes to this pair to wake the selector: portable, no polling.
        self._wake_reader, self._wake_writer = socket.socketpair()
        self._selector = selectors.DefaultSelector()
        self._selector.register(listener, selectors.EVENT_READ, "listen")
        self._selector.register(self._wake_reader, selectors.EVENT_READ, "wake")
        self._held: list[socket.socket] = []  # connections a silent printer never reads
        if self.jobs_dir:
            self.jobs_dir.mkdir(parents=True, exist_ok=True)
        self._thread = threading.Thread(target=self._serve, name=f"virtual-printer-{self.port}", daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        if self._thread is None:
            return
        self._wake_writer.send(b"x")
        self._thread.join(timeout=5)
        self._thread = None
        for key in list(self._selector.get_map().values()):
            key.fileobj.close()
        self._selector.close()
        for sock in self._held:
            sock.close()
        self._wake_writer.close()

    def __enter__(self) -> Self:
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()

    @property
    def address(self) -> tuple[str, int]:
        return self.host, self.port

    # -- what the tests and the demo read ------------------------------------------
    def wait_for_job(self, timeout: float = 5.0) -> bytes:
        """The next job not yet taken, waiting up to `timeout` seconds for it to finish."""
        with self._condition:
            if not self._condition.wait_for(lambda: len(self.jobs) > self._taken, timeout):
                raise TimeoutError(f"no print job arrived within {timeout} s")
            job = self.jobs[self._taken]
            self._taken += 1
            return job

    def wait_until(self, condition, timeout: float = 5.0) -> bool:
        """Wait for `condition()`, checked whenever a client closes its connection."""
        with self._condition:
            return self._condition.wait_for(condition, timeout)

    # -- the printer ----------------------------------------------------------------
    def _serve(self) -> None:
        while True:
            for key, _ in self._selector.select():
                if key.data == "wake":
                    return
                if key.data == "listen":
                    self._accept()
                else:
                    self._receive(key.data)

    def _accept(self) -> None:
        try:
            sock, _ = self._listener.accept()
        except BlockingIOError:
            return
        if self.silent:
            self._held.append(sock)  # connected, but nobody home
            return
        sock.setblocking(False)
        # One-byte answers written back to back would otherwise wait for the client's
        # delayed ACK (Nagle): 40 ms per status check.
        sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        self._selector.register(sock, selectors.EVENT_READ, _Connection(sock))

    def _receive(self, connection: _Connection) -> None:
        try:
            data = connection.sock.recv(65536)
        except BlockingIOError:
            return
        except OSError:
            data = b""  # reset by the client: print what arrived, like a printer would
        if not data:
            self._selector.unregister(connection.sock)
            connection.sock.close()
            self._finish(bytes(connection.job + connection.pending))
            return
        commands, used = split_commands(connection.pending + data)
        connection.pending = (connection.pending + data)[used:]
        answers = b""
        for command in commands:
            if command[0] == DLE and len(command) == 3 and command[1] == 0x04:
                answers += status_answer(command[2], self.paper, self.online)
            else:
                connection.job += command
        if answers:
            self._answer(connection.sock, answers)  # in one write: see _accept

    @staticmethod
    def _answer(sock: socket.socket, answer: bytes) -> None:
        try:
            sock.send(answer)
        except OSError:
            pass  # the client is gone; so is the question

    def _finish(self, job: bytes) -> None:
        if not job or self.paper == "out" or not self.online:
            with self._condition:
                self.connections_closed += 1
                self.discarded += 1 if job else 0  # no job: it was a status check
                self._condition.notify_all()
            return
        if self.jobs_dir:
            name = f"job-{len(self.jobs) + 1:03d}"
            (self.jobs_dir / f"{name}.bin").write_bytes(job)
            preview(job, self.width_px).image.save(self.jobs_dir / f"{name}.png")
        with self._condition:
            self.jobs.append(job)
            self.connections_closed += 1
            self._condition.notify_all()


def stop_on_signals() -> None:
    """SIGTERM (and on Windows Ctrl+Break or a closed console) stops the printer as Ctrl+C does:
    the listener closes and the exit code is 0."""
    def interrupt(*_):
        raise KeyboardInterrupt
    for name in ("SIGTERM", "SIGBREAK"):
        if hasattr(signal, name):
            signal.signal(getattr(signal, name), interrupt)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="mpp-virtual-printer",
                                     description="A virtual network ticket printer that saves each job as PNG.")
    parser.add_argument("--host", default="127.0.0.1", help="address to listen on (0.0.0.0: the whole LAN)")
    parser.add_argument("--port", type=int, default=9100)
    parser.add_argument("--jobs-dir", type=Path, default=Path("printed-tickets"),
                        help="where job-NNN.bin and job-NNN.png are written")
    parser.add_argument("--paper", choices=PAPER_STATES, default="ok", help="simulated paper roll")
    parser.add_argument("--paper-mm", type=int, choices=sorted(PAPER_WIDTHS), default=80)
    args = parser.parse_args(argv)
    stop_on_signals()
    printer = VirtualPrinter(args.host, args.port, paper=args.paper, jobs_dir=args.jobs_dir, paper_mm=args.paper_mm)
    try:  # around the whole `with`: a signal right after the ready line still closes the listener
        with printer:
            print(f"Printer virtual siap di {args.host}:{printer.port} (kertas {args.paper}); "
                  f"tiket disimpan di {args.jobs_dir.resolve()}. Ctrl+C untuk berhenti.", flush=True)
            printed = 0
            while True:
                try:
                    job = printer.wait_for_job(timeout=1.0)  # short, so Ctrl+C works on Windows
                except TimeoutError:
                    continue
                printed += 1
                print(f"job-{printed:03d}: {len(job)} byte -> {args.jobs_dir / f'job-{printed:03d}.png'}", flush=True)
    except KeyboardInterrupt:
        pass
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
