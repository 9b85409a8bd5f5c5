"""Sending a rendered ticket to the printer: the thin, blocking last step.

`open_printer(profile)` gives a `Printer`; `print_job(data)` opens the connection,
checks the printer is ready, sends, and closes, once per ticket (a network job
may be held by the printer until the connection closes). Every call returns or
raises `PrinterError` within `profile.timeout_s` (3 s by default): a dead
printer must not freeze the kiosk. Call it from the printer's own worker thread,
never the UI thread.

Network printers are driven with a plain socket, so the time limit covers the
connect, the status queries and the send. USB, serial, file and Windows-spooler
printers go through python-escpos' classes, which can block with no limit of
their own (USB writes have no timeout, a serial port with flow control blocks
forever), so those calls run in a worker thread we stop waiting for in time.
"""

import socket
import threading
import time
from abc import ABC, abstractmethod
from dataclasses import dataclass
from typing import ClassVar

from . import _escpos
from .profiles import PrinterProfile

ERROR_KINDS = ("offline", "timeout", "paper_out", "error")
PAPER_STATES = ("ok", "low", "out", "unknown")
OFFLINE_BIT = 0x08  # DLE EOT 1
PAPER_NEAR_END_BITS, PAPER_END_BITS = 0x0C, 0x60  # DLE EOT 4


class PrinterError(Exception):
    """Printing failed. `kind` is what the kiosk acts on, `message` what a person reads."""

    def __init__(self, kind: str, message: str):
        if kind not in ERROR_KINDS:
            raise ValueError(f"kind must be one of {ERROR_KINDS}, not {kind!r}")
        super().__init__(message)
        self.kind, self.message = kind, message


@dataclass(frozen=True)
class PrinterStatus:
    online: bool | None  # None: the connection can't tell (file, Windows spooler)
    paper: str  # ok | low | out | unknown
    message: str

    @property
    def can_print(self) -> bool:
        return self.online is not False and self.paper != "out"


def read_status(online_byte: int, paper_byte: int) -> tuple[bool, str]:
    """(online, paper) from the answers to DLE EOT 1 and DLE EOT 4."""
    if paper_byte & PAPER_END_BITS == PAPER_END_BITS:
        paper = "out"
    elif paper_byte & PAPER_NEAR_END_BITS == PAPER_NEAR_END_BITS:
        paper = "low"
    else:
        paper = "ok"
    return not online_byte & OFFLINE_BIT, paper


def describe(online: bool, paper: str) -> str:
    if paper == "out":
        return "Kertas printer habis. Ganti gulungan kertas."
    if not online:
        return "Printer offline. Periksa penutup printer dan lampu error."
    if paper == "low":
        return "Kertas printer hampir habis. Siapkan gulungan baru."
    return "Printer siap."


def ensure_ready(online: bool, paper: str) -> None:
    if paper == "out":
        raise PrinterError("paper_out", describe(online, paper))
    if not online:
        raise PrinterError("offline", describe(online, paper))


class Printer(ABC):
    def __init__(self, profile: PrinterProfile):
        self.profile = profile

    @abstractmethod
    def print_job(self, data: bytes) -> None:
        """Send one ticket; raises PrinterError within profile.timeout_s."""

    @abstractmethod
    def status(self) -> PrinterStatus:
        """The printer's state now; never raises."""


def open_printer(profile: PrinterProfile) -> Printer:
    if profile.connection.type == "network":
        return NetworkPrinter(profile)
    return DevicePrinter(profile)


class _Deadline:
    def __init__(self, seconds: float):
        self.seconds = seconds
        self.end = time.monotonic() + seconds

    def remaining(self) -> float:
        left = self.end - time.monotonic()
        if left <= 0:
            raise TimeoutError
        return left


class NetworkPrinter(Printer):
    """A printer on the LAN, raw TCP on port 9100 (the printer's "RAW"/"JetDirect" port)."""

    def print_job(self, data: bytes) -> None:
        deadline = _Deadline(self.profile.timeout_s)
        with self._connect(deadline) as sock, _NetworkErrors(self._where, self.profile.timeout_s, sending=True):
            if self.profile.status_query:
                ensure_ready(*self._ask_status(sock, deadline))
            sock.settimeout(deadline.remaining())
            sock.sendall(data)
            if self.profile.status_query:
                # Answered only once the printer has read the job before it: proof of
                # delivery; and a roll that ran out during this ticket shows here.
                _, paper = self._ask_status(sock, deadline)
                if paper == "out":
                    raise PrinterError("paper_out", "Kertas habis saat mencetak; tiket mungkin terpotong.")

    def status(self) -> PrinterStatus:
        deadline = _Deadline(self.profile.timeout_s)
        try:
            with self._connect(deadline) as sock:
                if not self.profile.status_query:
                    return PrinterStatus(None, "unknown", "Printer terjangkau; status kertas tidak dilaporkan.")
                with _NetworkErrors(self._where, self.profile.timeout_s, sending=False):
                    online, paper = self._ask_status(sock, deadline)
        except PrinterError as error:
            return PrinterStatus(False, "unknown", error.message)
        return PrinterStatus(online, paper, describe(online, paper))

    @property
    def _where(self) -> str:
        return f"{self.profile.connection.host}:{self.profile.connection.port}"

    def _connect(self, deadline: _Deadline) -> socket.socket:
        connection = self.profile.connection
        try:
            sock = socket.create_connection((connection.host, connection.port), timeout=deadline.remaining())
        except TimeoutError:
            raise PrinterError("offline", f"Printer {self._where} tidak terjangkau dalam "
                                          f"{deadline.seconds:g} detik. Periksa kabel LAN dan daya printer.") from None
        except OSError as error:
            raise PrinterError("offline", f"Printer {self._where} tidak dapat dihubungi ({_reason(error)}). "
                                          "Periksa printer menyala dan alamatnya benar.") from None
        # Without it the status query after a job waits for the job's ACK (Nagle vs delayed ACK).
        sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        return sock

    def _ask_status(self, sock: socket.socket, deadline: _Deadline) -> tuple[bool, str]:
        # One query at a time: a printer writing two one-byte answers back to back would
        # hold the second until our delayed ACK (Nagle), 40 ms here and 200 ms on Windows.
        return read_status(self._ask(sock, _escpos.RT_STATUS_ONLINE, deadline),
                           self._ask(sock, _escpos.RT_STATUS_PAPER, deadline))

    def _ask(self, sock: socket.socket, query: bytes, deadline: _Deadline) -> int:
        sock.settimeout(deadline.remaining())
        sock.sendall(query)
        sock.settimeout(deadline.remaining())
        answer = sock.recv(1)
        if not answer:
            raise PrinterError("error", f"Printer {self._where} menutup sambungan tanpa menjawab.")
        return answer[0]


class _NetworkErrors:
    """Socket failures after connecting, as PrinterError."""

    def __init__(self, where: str, seconds: float, sending: bool):
        self.where, self.seconds, self.sending = where, seconds, sending

    def __enter__(self):
        return self

    def __exit__(self, kind, error, traceback):
        if error is None or isinstance(error, PrinterError):
            return False
        if isinstance(error, TimeoutError):
            raise PrinterError("timeout", f"Printer {self.where} tidak menjawab dalam {self.seconds:g} detik. "
                                          "Matikan lalu nyalakan printer.") from None
        if isinstance(error, ConnectionError):
            raise PrinterError("offline", f"Sambungan ke printer {self.where} terputus"
                                          f"{' saat mencetak' if self.sending else ''}.") from None
        if isinstance(error, OSError):
            raise PrinterError("error", f"Printer {self.where}: {_reason(error)}.") from None
        return False


class DevicePrinter(Printer):
    """USB, serial, file and Windows-spooler printers, through python-escpos' classes.

    Each job opens the device; on USB that resets the printer, so don't poll
    `status()` on a timer there: `print_job` checks paper and online state itself.
    """

    READS_STATUS: ClassVar = ("usb", "serial")  # a file or the spooler can't tell us anything
    PACKAGES: ClassVar = {"usb": "pyusb", "serial": "pyserial", "windows": "pywin32"}

    def __init__(self, profile: PrinterProfile):
        super().__init__(profile)
        self._worker: threading.Thread | None = None

    @property
    def _reads_status(self) -> bool:
        return self.profile.connection.type in self.READS_STATUS and self.profile.status_query

    def print_job(self, data: bytes) -> None:
        def job():
            device = self._open()
            try:
                if self._reads_status:
                    ensure_ready(*self._ask_status(device))
                device._raw(data)
            finally:
                device.close()
        self._bounded(job)

    def status(self) -> PrinterStatus:
        if not self._reads_status:
            return PrinterStatus(None, "unknown", "Status printer tidak tersedia lewat sambungan ini.")

        def ask():
            device = self._open()
            try:
                return self._ask_status(device)
            finally:
                device.close()
        try:
            online, paper = self._bounded(ask)
        except PrinterError as error:
            return PrinterStatus(False, "unknown", error.message)
        return PrinterStatus(online, paper, describe(online, paper))

    def _open(self):
        connection, seconds = self.profile.connection, self.profile.timeout_s
        common = {"profile": self.profile.escpos_profile}
        if connection.type == "usb":
            cls, args = _escpos.Usb, {"idVendor": connection.vendor_id, "idProduct": connection.product_id,
                                      "in_ep": connection.in_ep, "out_ep": connection.out_ep,
                                      "timeout": int(seconds * 1000)}  # pyusb counts milliseconds
        elif connection.type == "serial":
            cls, args = _escpos.Serial, {"devfile": connection.device, "baudrate": connection.baudrate,
                                         "timeout": seconds}
        elif connection.type == "file":
            cls, args = _escpos.File, {"devfile": connection.path}
        else:
            cls, args = _escpos.Win32Raw, {"printer_name": connection.printer_name}
        if not cls.is_usable():
            package = self.PACKAGES[connection.type]
            raise PrinterError("error", f"Paket {package} belum terpasang di PC ini: pip install {package}")
        device = cls(**args, **common)
        device.open()
        if connection.type == "serial":
            device.device.write_timeout = seconds  # escpos sets only the read timeout
        return device

    def _ask_status(self, device) -> tuple[bool, str]:
        return read_status(self._status_byte(device, _escpos.RT_STATUS_ONLINE),
                           self._status_byte(device, _escpos.RT_STATUS_PAPER))

    def _status_byte(self, device, query: bytes) -> int:
        device._raw(query)
        if self.profile.connection.type == "serial":
            answer = device.device.read(1)  # escpos reads 16 bytes: it would wait out the whole timeout
        else:
            answer = device._read()
        if not answer:
            raise PrinterError("timeout", "Printer tidak menjawab pertanyaan status.")
        return bytes(answer)[0]

    def _bounded(self, work):
        """Run `work` in a worker thread; give up waiting after timeout_s."""
        if self._worker is not None and self._worker.is_alive():
            raise PrinterError("timeout", "Printer belum selesai dengan pekerjaan sebelumnya. "
                                          "Matikan lalu nyalakan printer.")
        outcome: dict = {}

        def run():
            try:
                outcome["value"] = work()
            except BaseException as error:  # noqa: BLE001 - handed to the waiting thread below
                outcome["error"] = error

        self._worker = threading.Thread(target=run, name=f"printer-{self.profile.name}", daemon=True)
        self._worker.start()
        self._worker.join(self.profile.timeout_s)
        if self._worker.is_alive():
            raise PrinterError("timeout", f"Printer tidak menjawab dalam {self.profile.timeout_s:g} detik.")
        if "error" in outcome:
            raise self._translated(outcome["error"]) from None
        return outcome.get("value")

    def _translated(self, error: BaseException) -> BaseException:
        if isinstance(error, PrinterError):
            return error
        name = type(error).__name__
        what = {"usb": "Printer USB", "serial": "Printer serial", "file": "Printer",
                "windows": "Printer Windows"}[self.profile.connection.type]
        if isinstance(error, _escpos.DeviceNotFoundError):
            return PrinterError("offline", f"{what} tidak ditemukan. Periksa kabel dan daya printer.")
        if "Timeout" in name or isinstance(error, TimeoutError):
            return PrinterError("timeout", f"{what} tidak menjawab dalam {self.profile.timeout_s:g} detik.")
        if isinstance(error, (OSError, RuntimeError)) or name in ("USBError", "SerialException", "error"):
            return PrinterError("error", f"{what} gagal: {error}")
        return error


def _reason(error: OSError) -> str:
    return error.strerror or type(error).__name__
