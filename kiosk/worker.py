"""The kiosk's one owner thread for the network and the printer (STYLE 7).

`KioskWorker` lives in its own QThread: every HTTP call and every printer call
happens there, one at a time, so a dead printer or a dead server never freezes
the touch screen. It reports back by signals only; the UI side talks to it
through the apps' one `mpp_client.qt.Bridge`: the presenter's calls are queued
to these slots, these signals reach the presenter's methods of the same name.
"""

from __future__ import annotations

import logging
import threading
from datetime import datetime
from zoneinfo import ZoneInfo

from PySide6.QtCore import QObject, QTimer, Signal, Slot

from mpp_client.api import ApiClient, ApiError, ServerUnreachable, Unauthorized
from mpp_client.events import CONNECTED, SITE_CHANGED, UNAUTHORIZED, EventFollower
from mpp_client.heartbeat import app_version

from .escpos_render import render
from .logos import Logos
from .printers import PrinterError, open_printer
from .ticket import build_ticket

log = logging.getLogger("kiosk.worker")

CATALOG_EVERY_MS = 20_000  # of the server's clock: a simulated day's fast clock refreshes sooner …
CATALOG_AT_LEAST_MS = 1_000  # … but not more often than this
PRINTER_EVERY_MS = 10_000
HEARTBEAT_EVERY_MS = 25_000  # under the contract's 30 s: one slow answer never makes the kiosk look offline
# Out of service (no server, no paper): look again soon, so the kiosk comes back by itself.
RETRY_EVERY_MS = 3_000
# Connections whose printers answer a status query; a file or the Windows spooler can't.
STATUS_CONNECTIONS = ("network", "usb", "serial")

PRINTER_PROBLEM = {
    "offline": "printer tidak tersambung",
    "timeout": "printer tidak menjawab",
    "paper_out": "kertas habis",
    "error": "printer mengalami gangguan",
}
SERVER_DOWN_TICKET = "Server tidak dapat dihubungi. Nomor belum diambil; silakan coba lagi sebentar lagi."
# A check-in is not sent twice (the server would refuse it as `checked_in`): a lost answer needs staff.
CHECK_IN_LOST = ("Jawaban server tidak sampai; janji temu Anda mungkin sudah tercatat. "
                 "Silakan hubungi petugas informasi dengan kode janji temu Anda.")


def printer_problem(kind: str, message: str | None = None) -> str:
    return PRINTER_PROBLEM.get(kind) or message or PRINTER_PROBLEM["error"]


class KioskWorker(QObject):
    """Catalog, tickets, printer and heartbeat, in the worker thread. Start it with `start()`
    once moved (thread.started → start): the timers must be born in the thread that runs them."""

    catalog_loaded = Signal(dict)
    server_unreachable = Signal(str)
    printer_status = Signal(bool, str)
    ticket_printed = Signal(dict)
    ticket_refused = Signal(str)
    check_in_refused = Signal(str, str, dict)  # the server's code (too_early …), message and details
    print_failed = Signal(str)
    printer_not_ready = Signal(str)  # asked before reserving: no number was spent
    test_print_done = Signal(bool, str)  # staff menu
    _site_changed = Signal()  # from the event follower's thread into this one

    def __init__(self, server_url: str, token: str | None, profile, printer=None, timeout: float = 5.0,
                 read_timeout: float = 45.0):
        super().__init__()
        self.server_url, self.token, self.read_timeout = server_url, token, read_timeout
        self.follower: EventFollower | None = None
        self._stream_lost = False
        self._site_changed.connect(self.load_catalog)
        self._stopping = threading.Event()
        # Retries wait on the stop event, so a shutdown never sits out a backoff.
        self.api = ApiClient(server_url, token, timeout=timeout, sleep=self._stopping.wait)
        self.logos = Logos(self.api)  # fetched and decoded here, in the worker thread
        self.profile = profile
        self.printer = printer
        self.site: dict = {}
        self.server_ok = False
        self.printer_ok: bool | None = None
        self.paper = "unknown"
        self.unconfirmed: list[dict] = []  # printed tickets the server has not yet heard of
        self._timers: list[QTimer] = []

    # ------------------------------------------------------------ life cycle (worker thread)

    @Slot()
    def start(self) -> None:
        if self.printer is None:
            self.printer = open_printer(self.profile)
        self._catalog_timer = self._timer(CATALOG_EVERY_MS, self.load_catalog)
        self._printer_timer = self._timer(PRINTER_EVERY_MS, self.check_printer)
        self._timer(HEARTBEAT_EVERY_MS, self.send_heartbeat)
        # The printer first: a kiosk must not offer tickets it cannot print. (The catalog
        # comes next: the presenter asks for it as it starts, queued behind this slot.)
        self.check_printer()
        self.send_heartbeat()
        # The catalog follows the site within a second of an edit, not at the next poll.
        self.follower = EventFollower(self.server_url, self.token, types=(SITE_CHANGED,), snapshot=False,
                                      on_event=self._on_event, on_status=self._on_stream_status,
                                      read_timeout=self.read_timeout, max_backoff_s=10.0).start()

    @Slot()
    def shutdown(self) -> None:
        """Stop the timers from their own thread; `stop_worker` calls this, then quits the thread."""
        if self.follower is not None:
            self.follower.stop()
            self.follower = None
        for timer in self._timers:
            timer.stop()
            timer.deleteLater()
        self._timers.clear()
        self.api.close()

    def request_stop(self) -> None:
        """Thread-safe: cut short any retry wait in progress."""
        self._stopping.set()

    def _timer(self, interval_ms: int, slot) -> QTimer:
        timer = QTimer(self)
        timer.timeout.connect(slot)
        timer.start(interval_ms)
        self._timers.append(timer)
        return timer

    # ------------------------------------------------------------ slots

    @Slot()
    def load_catalog(self) -> None:
        try:
            catalog = self.api.catalog()
        except Unauthorized as exc:
            self._server_down(f"Token kios ditolak server: {exc.message}")
        except (ServerUnreachable, ApiError) as exc:
            self._server_down(exc.message)
        else:
            self.site = catalog.get("site", {})
            self.logos.attach(catalog)
            self.server_ok = True
            self._pace()
            self.catalog_loaded.emit(catalog)
            if self.unconfirmed:
                self._confirm_late()

    @Slot()
    def check_printer(self) -> None:
        if not self._can_ask_status():
            return
        status = self.printer.status()  # never raises; bounded by the profile's timeout
        if status.paper == "out":
            self._printer_down("paper_out", status.message)
        elif status.online is False:
            self._printer_down("offline", status.message)
        else:
            self.paper = status.paper
            self._printer_up()

    @Slot()
    def send_heartbeat(self) -> None:
        try:
            self.api.heartbeat(printer=self.printer_health(), version=app_version(), last_error=self.last_error())
        except (ServerUnreachable, ApiError) as exc:
            log.info("heartbeat not sent: %s", exc.message)

    @Slot(str, object, str)
    def take_ticket(self, service: str, priority: str | None, language: str = "id") -> None:
        """Two-phase printing: reserve the number, print it, then confirm or report the failure."""
        self._reserve_and_print(lambda: self.api.issue_ticket(service, priority), language,
                                lambda exc: self.ticket_refused.emit(exc.message))

    @Slot(str, str)
    def check_in(self, code: str, language: str = "id") -> None:
        """A booking's check-in: the same two phases, the number reserved by the booking's code."""
        self._reserve_and_print(lambda: self.api.check_in(code), language,
                                lambda exc: self.check_in_refused.emit(exc.code, exc.message, exc.details),
                                lost=CHECK_IN_LOST)

    def _reserve_and_print(self, reserve, language: str, refused, lost: str = SERVER_DOWN_TICKET) -> None:
        # The printer first (DLE EOT answers in milliseconds): no paper, no number spent.
        problem = self._printer_problem_now()
        if problem is not None:
            self.printer_not_ready.emit(problem)
            return
        try:
            ticket = reserve()
        except ServerUnreachable as exc:
            self._server_down(exc.message)
            self.ticket_refused.emit(lost if exc.maybe_applied else SERVER_DOWN_TICKET)
            return
        except ApiError as exc:  # closed, quota_full, too_early …: the server says why
            refused(exc)
            return
        try:
            data = render(build_ticket(ticket, self.site, language=language), self.profile)
            self.printer.print_job(data)
        except PrinterError as exc:
            self._print_failed(ticket, exc.kind, exc.message)
            return
        except Exception as exc:  # a bug in layout/rendering must still cancel the number
            log.exception("ticket %s could not be rendered", ticket.get("code"))
            self._print_failed(ticket, "error", str(exc))
            return
        if not self.printer_ok:
            self._printer_up()  # a printer without status queries just proved itself
        # The paper is in the citizen's hand: say so now, then tell the server.
        self.ticket_printed.emit(ticket)
        self._confirm(ticket)

    @Slot()
    def test_print(self) -> None:
        """Staff menu: a sample ticket, not from the server (no number is spent)."""
        site = {"name": "Antrian MPP", **self.site}
        now = datetime.now(ZoneInfo(site.get("timezone") or "Asia/Jakarta"))
        sample = {"code": "TES-000", "service_name": "Cetak tes printer", "agency_name": "Bukan nomor antrean",
                  "ahead": None, "est_wait_min": None, "status_url": None, "issued_at": now.isoformat()}
        try:
            self.printer.print_job(render(build_ticket(sample, site), self.profile))
        except PrinterError as exc:
            self._printer_down(exc.kind, exc.message)
            self.test_print_done.emit(False, printer_problem(exc.kind, exc.message))
        else:
            if not self.printer_ok:
                self._printer_up()
            self.test_print_done.emit(True, "Cetak tes terkirim ke printer.")

    # ------------------------------------------------------------ the follower's thread

    def _on_event(self, type_: str, data: dict, event_id) -> None:
        if type_ == SITE_CHANGED:
            self._site_changed.emit()

    def _on_stream_status(self, status: str, message: str | None) -> None:
        if status == CONNECTED and self._stream_lost:
            self._site_changed.emit()  # an edit made while the stream was down may not be replayed
        elif status == UNAUTHORIZED:
            # An older server without kiosk streams: the catalog poll still brings the change.
            log.warning("site changes not followed live: %s", message)
        self._stream_lost = status != CONNECTED

    # ------------------------------------------------------------ helpers

    def last_error(self) -> str | None:
        """For the heartbeat: what keeps the kiosk from serving now, in a sentence, or None."""
        if self.printer_ok is False:
            return f"Printer: {printer_problem('paper_out' if self.paper == 'out' else 'offline')}"
        return None

    def printer_health(self) -> dict:
        """For the heartbeat: what the last status query or print said (a printer that can't
        be asked counts as online until a print fails)."""
        return {"online": self.printer_ok is not False, "paper": self.paper}

    def _printer_problem_now(self) -> str | None:
        """Ask the printer now; what is wrong with it, or None when it can print (or can't be asked)."""
        kind = self.profile.connection.type
        if kind != "network" and (kind not in STATUS_CONNECTIONS or not self.profile.status_query):
            return None  # a file or the spooler: the print itself tells
        status = self.printer.status()  # never raises; bounded by the profile's timeout
        if status.paper == "out":
            self._printer_down("paper_out", status.message)
            return printer_problem("paper_out")
        if status.online is False:
            self._printer_down("offline", status.message)
            return printer_problem("offline", status.message)
        self.paper = status.paper
        return None

    def _can_ask_status(self) -> bool:
        kind = self.profile.connection.type
        if kind == "network":
            return True  # without status queries it still tells whether the printer takes a connection
        if kind not in STATUS_CONNECTIONS or not self.profile.status_query:
            return False
        # Opening a USB printer resets it: ask at start and while it is in trouble, not on every tick.
        return kind != "usb" or self.printer_ok is not True

    def _confirm(self, ticket: dict) -> None:
        try:
            self.api.confirm_printed(ticket["id"])
        except ServerUnreachable as exc:
            # The citizen holds the paper; the server accepts a late confirmation (even after it
            # cancelled the ticket as stuck), so tell it as soon as it answers the catalog again.
            log.warning("ticket %s printed but not confirmed (%s): will confirm when the server is back",
                        ticket["code"], exc.message)
            self.unconfirmed.append(ticket)
            self._server_down(exc.message)
        except ApiError as exc:
            log.error("ticket %s printed but the server refused the confirmation: %s", ticket["code"], exc.message)

    def _confirm_late(self) -> None:
        while self.unconfirmed:
            ticket = self.unconfirmed[0]
            try:
                self.api.confirm_printed(ticket["id"])
            except ServerUnreachable:
                return  # the next catalog that arrives tries again
            except ApiError as exc:
                log.error("late confirmation of %s refused: %s", ticket["code"], exc.message)
            else:
                log.info("late confirmation of %s accepted", ticket["code"])
            self.unconfirmed.pop(0)

    def _print_failed(self, ticket: dict, kind: str, message: str | None) -> None:
        reason = printer_problem(kind, message)
        try:
            self.api.report_print_failed(ticket["id"], f"{kind}: {message or reason}")
        except (ServerUnreachable, ApiError) as exc:
            # The server cancels a ticket stuck in `printing` by itself after its timeout.
            log.error("print failure of %s not reported: %s", ticket["code"], exc.message)
        log.warning("ticket %s not printed: %s (%s)", ticket["code"], reason, message)
        self._printer_down(kind, message)
        self.print_failed.emit(f"Tiket {ticket['code']} tidak tercetak ({reason}) dan sudah dibatalkan. "
                               "Silakan hubungi petugas informasi.")

    def _server_down(self, message: str) -> None:
        self.server_ok = False
        self._pace()
        self.server_unreachable.emit(message)

    def _printer_down(self, kind: str, message: str | None) -> None:
        changed = self.printer_ok is not False
        if changed:
            log.warning("printer out of service: %s", message or kind)
        self.printer_ok = False
        self.paper = "out" if kind == "paper_out" else "unknown"
        self._pace()
        self.printer_status.emit(False, printer_problem(kind, message))
        self._tell_server(changed)

    def _printer_up(self) -> None:
        changed = self.printer_ok is not True
        if self.printer_ok is False:
            log.info("printer back in service")
        self.printer_ok = True
        self._pace()
        self.printer_status.emit(True, "")
        self._tell_server(changed)

    def _tell_server(self, changed: bool) -> None:
        """Printer health changed: the supervisors' screens hear it now, not at the next heartbeat."""
        if changed and self.server_ok:
            self.send_heartbeat()

    def _pace(self) -> None:
        """Poll often while out of service, calmly when all is well."""
        trouble = not self.server_ok or self.printer_ok is False
        try:
            rate = max(1.0, float(self.site.get("clock_rate") or 1.0))
        except (TypeError, ValueError, AttributeError):
            rate = 1.0
        catalog_ms = max(CATALOG_AT_LEAST_MS, int(CATALOG_EVERY_MS / rate))
        for timer, calm in ((getattr(self, "_catalog_timer", None), catalog_ms),
                            (getattr(self, "_printer_timer", None), PRINTER_EVERY_MS)):
            wanted = RETRY_EVERY_MS if trouble else calm
            if timer is not None and timer.interval() != wanted:
                timer.start(wanted)

