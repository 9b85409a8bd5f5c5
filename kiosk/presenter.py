"""The citizen's path through the kiosk, as plain Python (no Qt): it decides which
screen shows what; a view draws it and a worker does the network and printing.

home → agency → service (requirements, priority) → printing → done → home
home → check_in (a booking's code, scanned or typed) → printing → done → home
Any screen goes home after the idle timeout; no server or no printer: out of service.
"""

from dataclasses import dataclass, field, replace
from datetime import datetime
from typing import Protocol

from mpp_client.appointments import booking_code
from mpp_client.indonesian import clock_time, long_date

from .texts import TEXTS, text


@dataclass(frozen=True)
class Screen:
    """Everything a view needs to draw one screen."""

    name: str  # home, agency, service, check_in, printing, done, failed, out_of_service, staff
    language: str = "id"
    agency: dict | None = None
    service: dict | None = None
    priority: str | None = None
    ticket: dict | None = None
    message: str | None = None
    detail: str | None = None
    catalog: dict = field(default_factory=dict)


class View(Protocol):
    def show(self, screen: Screen) -> None: ...


class Worker(Protocol):
    """Blocking work the presenter asks for; results come back as presenter calls."""

    def load_catalog(self) -> None: ...
    def take_ticket(self, service: str, priority: str | None, language: str) -> None: ...
    def check_in(self, code: str, language: str) -> None: ...


# Seconds a screen stays before the kiosk goes home by itself.
IDLE_TIMEOUT_S = {"agency": 30, "service": 45, "check_in": 45, "done": 8, "failed": 10, "staff": 60}


def _refusal_more(code: str, details: dict):
    """(text key, value in a language) for a refusal whose details say more: when check-in opens,
    which day the booking is for, which number it already gave (a staff member finds it). None without."""
    try:
        if code == "too_early" and details.get("check_in_from"):
            moment = datetime.fromisoformat(details["check_in_from"])
            return "check_in_opens", lambda language: clock_time(moment, language)
        if code == "wrong_day" and details.get("date"):
            day = datetime.fromisoformat(details["date"])
            return "booking_day", lambda language: long_date(day, language)
        if code == "checked_in" and details.get("ticket"):
            return "checked_in_as", lambda language: str(details["ticket"])
    except (TypeError, ValueError):
        pass  # a detail this kiosk does not read: the server's sentence alone
    return None


class KioskPresenter:
    def __init__(self, view: View, worker: Worker, language: str = "id"):
        self.view = view
        self.worker = worker
        self.language = language
        self.catalog: dict = {}
        self.screen = Screen("out_of_service", language, message=text(language, "server_down"))
        self.server_ok = False
        self.server_problem: str | None = None
        self.printer_problem: str | None = None

    # ------------------------------------------------------------ what the citizen does

    def start(self) -> None:
        self._show(self.screen)
        self.worker.load_catalog()

    def choose_agency(self, code: str) -> None:
        agency = self._agency(code)
        if agency is not None and self.screen.name == "home":
            self._show(Screen("agency", self.language, agency=agency, catalog=self.catalog))

    def choose_service(self, code: str) -> None:
        if self.screen.name != "agency":
            return
        service = next((s for s in self.screen.agency["services"] if s["code"] == code), None)
        if service is not None:
            self._show(Screen("service", self.language, agency=self.screen.agency, service=service,
                              catalog=self.catalog))

    def choose_priority(self, code: str | None) -> None:
        if self.screen.name == "service":
            known = {p["code"] for p in self.catalog.get("site", {}).get("priority_categories", [])}
            self._show(replace(self.screen, priority=code if code in known else None))

    def take_ticket(self) -> None:
        screen = self.screen
        if screen.name != "service" or not screen.service.get("available"):
            return  # a double touch, or a service that closed meanwhile
        self._show(Screen("printing", self.language, agency=screen.agency, service=screen.service,
                          priority=screen.priority, message=text(self.language, "printing")))
        self.worker.take_ticket(screen.service["code"], screen.priority, self.language)  # printed in it

    def open_check_in(self) -> None:
        """"Sudah punya janji temu?": the screen that takes a booking's code."""
        if self.screen.name == "home":
            self._show(Screen("check_in", self.language, catalog=self.catalog))

    def check_in(self, scanned: str) -> None:
        """A scanned QR or a typed code (from home too: a scanner needs no touch first)."""
        if self.screen.name not in ("home", "check_in") or not self.server_ok or self.printer_problem:
            return
        code = booking_code(scanned)
        if code is None:
            self._show(Screen("check_in", self.language, message=text(self.language, "code_not_read"),
                              catalog=self.catalog))
            return
        self._show(Screen("printing", self.language, message=text(self.language, "printing")))
        self.worker.check_in(code, self.language)  # printed in it, as a walk-in's ticket

    def back(self) -> None:
        if self.screen.name == "service":
            self._show(Screen("agency", self.language, agency=self.screen.agency, catalog=self.catalog))
        elif self.screen.name in ("agency", "check_in", "staff"):
            self.go_home()

    def go_home(self) -> None:
        if self.screen.name == "printing":
            return  # never abandon a ticket being printed
        if not self.server_ok or self.printer_problem:
            self._out_of_service()
        else:
            self._show(Screen("home", self.language, catalog=self.catalog))

    def idle(self) -> None:
        """The view's idle timer ran out (IDLE_TIMEOUT_S of the screen)."""
        if self.screen.name in IDLE_TIMEOUT_S:
            if self.language != "id":
                self.language = "id"  # the next citizen starts in Bahasa Indonesia
            self.go_home()

    def toggle_language(self) -> None:
        self.language = "en" if self.language == "id" else "id"
        if self.screen.name == "out_of_service":
            self._out_of_service()
        else:
            self._show(replace(self.screen, language=self.language, message=self._message_again()))

    # ------------------------------------------------------------ what the worker reports

    def catalog_loaded(self, catalog: dict) -> None:
        self.catalog = catalog
        self.server_ok = True
        self.server_problem = None
        if self.screen.name == "out_of_service" or self.screen.name == "home":
            self.go_home()
        elif self.screen.name in ("agency", "service"):
            self._refresh_open_screen()

    def server_unreachable(self, message: str) -> None:
        self.server_ok = False
        self.server_problem = message or None
        if self.screen.name in ("home", "out_of_service"):
            self._out_of_service()

    def printer_status(self, ok: bool, reason: str | None = None) -> None:
        self.printer_problem = None if ok else (reason or "?")
        if self.screen.name in ("home", "out_of_service"):
            self.go_home()

    def printer_not_ready(self, reason: str) -> None:
        """The printer was asked before a number was reserved and can't print: out of service."""
        self.printer_problem = reason or "?"
        self._out_of_service()

    def ticket_printed(self, ticket: dict) -> None:
        self._show(Screen("done", self.language, ticket=ticket, message=text(self.language, "take_your_ticket"),
                          catalog=self.catalog))
        self.worker.load_catalog()  # waiting counts moved

    def ticket_refused(self, message: str) -> None:
        """The server would not issue (closed, quota full …): the citizen sees why."""
        self._show(Screen("failed", self.language, message=message))
        self.worker.load_catalog()

    def check_in_refused(self, code: str, message: str, details: dict | None = None) -> None:
        """Too early, too late, cancelled …: the server's words (Indonesian), then English, and what
        the server's details add."""
        message = message or text("id", "refusal")
        english = text("en", f"refusal.{code}") if f"refusal.{code}" in TEXTS["en"] else text("en", "refusal")
        when = _refusal_more(code, details or {})
        if when is not None:
            key, moment = when
            message = f"{message} {text('id', key, when=moment('id'))}"
            english = f"{english} {text('en', key, when=moment('en'))}"
        self._show(Screen("failed", self.language, message=message, detail=english))

    def print_failed(self, message: str) -> None:
        self._show(Screen("failed", self.language, message=text(self.language, "print_failed"),
                          detail=message or text(self.language, "print_failed_hint")))

    # ------------------------------------------------------------ helpers

    def _show(self, screen: Screen) -> None:
        self.screen = screen
        self.view.show(screen)

    def _agency(self, code: str) -> dict | None:
        return next((a for a in self.catalog.get("agencies", []) if a["code"] == code), None)

    def _out_of_service(self) -> None:
        if not self.server_ok:
            # Why, when the worker knows (a refused token needs staff, not patience).
            detail = self.server_problem or text(self.language, "server_down")
        else:
            detail = text(self.language, "printer_down", reason=self.printer_problem)
        self._show(Screen("out_of_service", self.language, message=text(self.language, "out_of_service"),
                          detail=detail, catalog=self.catalog))

    def _refresh_open_screen(self) -> None:
        """New catalog while a citizen browses: update counts without moving them."""
        agency = self._agency(self.screen.agency["code"])
        if agency is None:
            self.go_home()
            return
        service = self.screen.service
        if service is not None:
            service = next((s for s in agency["services"] if s["code"] == service["code"]), service)
        self._show(replace(self.screen, agency=agency, service=service, catalog=self.catalog))

    def _message_again(self) -> str | None:
        if self.screen.name == "printing":
            return text(self.language, "printing")
        if self.screen.name == "done":
            return text(self.language, "take_your_ticket")
        if self.screen.name == "check_in" and self.screen.message:
            return text(self.language, "code_not_read")
        return self.screen.message
