"""Sending to printers: ready checks, time limits, and errors a person can act on.

Network printers are tested for real against the virtual printer. USB, serial and
Windows printers are the edge of the world: their python-escpos classes are
replaced by a fake device, no hardware involved.
"""

import socket
import threading
import time
from array import array
from typing import ClassVar

import pytest

from kiosk import _escpos
from kiosk.printers import PrinterError, PrinterStatus, open_printer
from kiosk.profiles import load_profile
from devtools.virtual_printer import VirtualPrinter

from .samples import free_port, on_network

JOB = b"\x1b@A-007\n\x1dV\x01"
DLE_EOT_1, DLE_EOT_4 = b"\x10\x04\x01", b"\x10\x04\x04"
READY, OFFLINE, LOW, NO_PAPER = 0x12, 0x1A, 0x1E, 0x7E


@pytest.fixture
def printer():
    with VirtualPrinter(port=0) as virtual:
        yield virtual


# -- network, against the virtual printer -----------------------------------------


@pytest.mark.parametrize("paper, online, kind", [("out", True, "paper_out"), ("ok", False, "offline")])
def test_a_printer_not_ready_fails_before_the_ticket_is_sent(printer, paper, online, kind):
    printer.paper, printer.online = paper, online
    with pytest.raises(PrinterError) as failure:
        open_printer(on_network("virtual", printer.port)).print_job(JOB)
    assert failure.value.kind == kind
    assert printer.wait_until(lambda: printer.connections_closed == 1, timeout=3)
    assert printer.discarded == 0 and printer.jobs == []  # nothing was sent


def test_low_paper_still_prints(printer):
    printer.paper = "low"
    open_printer(on_network("virtual", printer.port)).print_job(JOB)
    assert printer.wait_for_job(timeout=3) == JOB


def test_nobody_listening_is_offline_at_once():
    device = open_printer(on_network("virtual", free_port()))
    started = time.monotonic()
    with pytest.raises(PrinterError) as failure:
        device.print_job(JOB)
    assert failure.value.kind == "offline"
    assert "tidak dapat dihubungi" in failure.value.message
    assert time.monotonic() - started < 3.5  # Windows retries a refused loopback connect for ~2 s
    status = device.status()
    assert (status.online, status.paper, status.can_print) == (False, "unknown", False)


def test_an_unreachable_host_is_offline_within_the_time_limit():
    # An unrouted address: packets are dropped (connect times out) or refused at once.
    device = open_printer(on_network("virtual", 9100, host="10.255.255.1", timeout_s=0.5))
    started = time.monotonic()
    with pytest.raises(PrinterError) as failure:
        device.print_job(JOB)
    assert failure.value.kind == "offline"
    assert time.monotonic() - started < 1.5


def test_a_silent_printer_times_out_within_the_3_second_limit():
    with VirtualPrinter(port=0, silent=True) as silent:
        device = open_printer(on_network("virtual", silent.port))
        assert device.profile.timeout_s == 3
        started = time.monotonic()
        with pytest.raises(PrinterError) as failure:
            device.print_job(JOB)
        elapsed = time.monotonic() - started
    assert failure.value.kind == "timeout"
    assert "tidak menjawab" in failure.value.message
    assert 2.5 < elapsed < 3.5


def test_a_silent_printers_status_is_offline_within_its_limit():
    with VirtualPrinter(port=0, silent=True) as silent:
        started = time.monotonic()
        status = open_printer(on_network("virtual", silent.port, timeout_s=0.5)).status()
    assert time.monotonic() - started < 1.5
    assert (status.online, status.paper) == (False, "unknown")
    assert "tidak menjawab" in status.message


class ScriptedPrinter:
    """A one-connection TCP printer whose behaviour a test writes as a function of the socket."""

    def __init__(self, script):
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.port = self.listener.getsockname()[1]
        self.received = b""
        self.thread = threading.Thread(target=self._run, args=(script,), daemon=True)
        self.thread.start()

    def _run(self, script):
        sock, _ = self.listener.accept()
        with sock:
            script(self, sock)

    def read_until(self, sock, ending: bytes) -> None:
        while not self.received.endswith(ending):
            chunk = sock.recv(4096)
            if not chunk:
                return
            self.received += chunk

    def close(self):
        self.thread.join(timeout=5)
        self.listener.close()


def test_paper_running_out_during_the_ticket_is_reported():
    def roll_ends_mid_job(printer, sock):
        for ending, answer in [(DLE_EOT_1, READY), (DLE_EOT_4, READY), (JOB + DLE_EOT_1, OFFLINE),
                               (DLE_EOT_4, NO_PAPER)]:
            printer.read_until(sock, ending)
            sock.sendall(bytes([answer]))

    scripted = ScriptedPrinter(roll_ends_mid_job)
    try:
        with pytest.raises(PrinterError) as failure:
            open_printer(on_network("virtual", scripted.port)).print_job(JOB)
    finally:
        scripted.close()
    assert failure.value.kind == "paper_out"
    assert scripted.received == DLE_EOT_1 + DLE_EOT_4 + JOB + DLE_EOT_1 + DLE_EOT_4


def test_a_printer_hanging_up_without_an_answer_is_an_error():
    scripted = ScriptedPrinter(lambda printer, sock: None)
    try:
        with pytest.raises(PrinterError) as failure:
            open_printer(on_network("virtual", scripted.port)).print_job(JOB)
    finally:
        scripted.close()
    assert failure.value.kind in ("error", "offline")  # FIN or RST, depending on timing


def test_a_printer_that_never_answers_status_prints_with_status_query_off(printer):
    device = open_printer(on_network("virtual", printer.port, status_query=False))
    device.print_job(JOB)
    assert printer.wait_for_job(timeout=3) == JOB
    assert device.status() == PrinterStatus(None, "unknown", "Printer terjangkau; status kertas tidak dilaporkan.")


def test_printer_error_kinds_are_fixed():
    with pytest.raises(ValueError):
        PrinterError("jammed", "Kertas macet")


# -- USB, serial, file and Windows through python-escpos classes (faked) ---------


def fake_escpos(answers=(READY, READY), open_error=None, write_gate=None, usable=True, empty_answer=False):
    """A stand-in for an escpos printer class, recording what the kiosk does with it."""

    class FakePort:  # what escpos.Serial keeps in .device: a pyserial port
        def __init__(self, device):
            self.owner, self.write_timeout = device, None

        def read(self, size):
            self.owner.reads.append(("port", size))
            return self.owner.next_answer()

    class FakeDevice:
        instances: ClassVar[list] = []

        def __init__(self, **kwargs):
            self.kwargs, self.sent, self.reads = kwargs, [], []
            self.opened = self.closed = False
            self.answers = list(answers)
            self.device = FakePort(self)
            FakeDevice.instances.append(self)

        @staticmethod
        def is_usable():
            return usable

        def open(self):
            if open_error:
                raise open_error
            self.opened = True

        def close(self):
            self.closed = True

        def _raw(self, data):
            if write_gate is not None and data not in (DLE_EOT_1, DLE_EOT_4):
                write_gate.wait(10)  # a USB write with no timeout: blocks while the printer is stuck
            self.sent.append(data)

        def next_answer(self):
            return b"" if empty_answer else bytes([self.answers.pop(0)])

        def _read(self):  # pyusb answers with an array of bytes
            self.reads.append(("escpos", 16))
            return array("B", self.next_answer())

    return FakeDevice


@pytest.fixture
def pos58():
    return load_profile("pos58-usb")


def test_usb_job_checks_the_printer_then_sends_and_closes(monkeypatch, pos58):
    fake = fake_escpos()
    monkeypatch.setattr(_escpos, "Usb", fake)
    open_printer(pos58).print_job(JOB)
    (device,) = fake.instances
    assert device.kwargs == {"idVendor": 0x0416, "idProduct": 0x5011, "in_ep": 0x81, "out_ep": 0x03,
                             "timeout": 3000, "profile": "POS-5890"}  # pyusb's timeout is in ms
    assert device.sent == [DLE_EOT_1, DLE_EOT_4, JOB]
    assert device.opened and device.closed


@pytest.mark.parametrize("answers, kind", [((OFFLINE, NO_PAPER), "paper_out"), ((OFFLINE, READY), "offline")])
@pytest.mark.parametrize("connection", ["usb", "serial"])
def test_device_not_ready_fails_before_sending(monkeypatch, pos58, connection, answers, kind):
    fake = fake_escpos(answers=answers)
    monkeypatch.setattr(_escpos, connection.capitalize(), fake)
    profile = pos58 if connection == "usb" else pos58.model_validate(
        {**pos58.model_dump(), "connection": {"type": "serial", "device": "COM3"}})
    with pytest.raises(PrinterError) as failure:
        open_printer(profile).print_job(JOB)
    assert failure.value.kind == kind
    (device,) = fake.instances
    assert JOB not in device.sent and device.closed


def test_serial_reads_one_status_byte_and_bounds_writes(monkeypatch, pos58):
    fake = fake_escpos(answers=(READY, LOW))
    monkeypatch.setattr(_escpos, "Serial", fake)
    profile = pos58.model_validate({**pos58.model_dump(),
                                    "connection": {"type": "serial", "device": "/dev/ttyUSB0", "baudrate": 19200}})
    status = open_printer(profile).status()
    assert (status.online, status.paper) == (True, "low")
    (device,) = fake.instances
    assert device.kwargs == {"devfile": "/dev/ttyUSB0", "baudrate": 19200, "timeout": 3, "profile": "POS-5890"}
    assert device.reads == [("port", 1), ("port", 1)]  # not escpos' read(16), which waits out the timeout
    assert device.device.write_timeout == 3


@pytest.mark.parametrize("answers, online, paper", [
    ((READY, READY), True, "ok"), ((READY, LOW), True, "low"), ((OFFLINE, NO_PAPER), False, "out"),
])
def test_usb_status(monkeypatch, pos58, answers, online, paper):
    monkeypatch.setattr(_escpos, "Usb", fake_escpos(answers=answers))
    status = open_printer(pos58).status()
    assert (status.online, status.paper) == (online, paper)


def test_usb_printer_without_an_answer(monkeypatch, pos58):
    monkeypatch.setattr(_escpos, "Usb", fake_escpos(empty_answer=True))
    status = open_printer(pos58).status()
    assert (status.online, status.paper) == (False, "unknown")
    with pytest.raises(PrinterError) as failure:
        open_printer(pos58).print_job(JOB)
    assert failure.value.kind == "timeout"


def test_usb_printer_unplugged_is_offline(monkeypatch, pos58):
    fake = fake_escpos(open_error=_escpos.DeviceNotFoundError("Unable to open USB printer on (1046, 20497)"))
    monkeypatch.setattr(_escpos, "Usb", fake)
    with pytest.raises(PrinterError) as failure:
        open_printer(pos58).print_job(JOB)
    assert failure.value.kind == "offline"
    assert "kabel" in failure.value.message


def test_usb_without_pyusb_says_what_to_install(monkeypatch, pos58):
    fake = fake_escpos(usable=False)
    monkeypatch.setattr(_escpos, "Usb", fake)
    with pytest.raises(PrinterError) as failure:
        open_printer(pos58).print_job(JOB)
    assert (failure.value.kind, "pyusb" in failure.value.message) == ("error", True)
    assert fake.instances == []  # never constructed: escpos' __del__ would fail on the missing library


def test_a_usb_write_that_hangs_is_given_up_on_in_time(monkeypatch, pos58):
    gate = threading.Event()
    monkeypatch.setattr(_escpos, "Usb", fake_escpos(write_gate=gate))
    device = open_printer(pos58.model_copy(update={"timeout_s": 0.3}))
    try:
        started = time.monotonic()
        with pytest.raises(PrinterError) as failure:
            device.print_job(JOB)
        assert failure.value.kind == "timeout"
        assert time.monotonic() - started < 1
        with pytest.raises(PrinterError, match="belum selesai"):  # still stuck: refuse at once
            device.print_job(JOB)
    finally:
        gate.set()
    device._worker.join(5)
    monkeypatch.setattr(_escpos, "Usb", fake_escpos())
    device.print_job(JOB)  # the printer recovered


def test_a_usb_error_while_writing_is_an_error(monkeypatch, pos58):
    class USBError(OSError):  # what pyusb raises when the printer drops off the bus
        pass

    class Unplugged(fake_escpos()):
        def _raw(self, data):
            if data == JOB:
                raise USBError(19, "No such device (it may have been disconnected)")
            super()._raw(data)

    monkeypatch.setattr(_escpos, "Usb", Unplugged)
    with pytest.raises(PrinterError) as failure:
        open_printer(pos58).print_job(JOB)
    assert failure.value.kind == "error"


def test_windows_printer_sends_through_the_spooler_without_status(monkeypatch):
    fake = fake_escpos()
    monkeypatch.setattr(_escpos, "Win32Raw", fake)
    device = open_printer(load_profile("windows-printer"))
    device.print_job(JOB)
    (sent,) = fake.instances
    assert sent.kwargs == {"printer_name": "EPSON TM-T82 Receipt", "profile": "TM-T20II"}
    assert sent.sent == [JOB] and sent.closed
    status = device.status()
    assert (status.online, status.paper, status.can_print) == (None, "unknown", True)


def test_file_printer_writes_the_job(tmp_path):
    target = tmp_path / "lp0"
    profile = load_profile("virtual")
    profile = profile.model_validate({**profile.model_dump(), "connection": {"type": "file", "path": str(target)}})
    open_printer(profile).print_job(JOB)  # the real escpos File class
    assert target.read_bytes() == JOB
    assert open_printer(profile).status().paper == "unknown"


def test_file_printer_in_a_missing_folder_is_offline(tmp_path):
    profile = load_profile("virtual")
    profile = profile.model_validate({**profile.model_dump(),
                                      "connection": {"type": "file", "path": str(tmp_path / "nope" / "lp0")}})
    with pytest.raises(PrinterError) as failure:
        open_printer(profile).print_job(JOB)
    assert failure.value.kind == "offline"
