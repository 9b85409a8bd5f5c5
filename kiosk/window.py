"""The kiosk's window: the presenter's View. A header (the MPP's name, date and time),
the screens in a stack, the idle timer, and the hidden way into the staff menu."""

from __future__ import annotations

import logging
import time
from zoneinfo import ZoneInfo

from PySide6.QtCore import QEvent, QObject, QSize, Qt, QTimer, Signal
from PySide6.QtGui import QPainter, QPalette
from PySide6.QtWidgets import (QApplication, QHBoxLayout, QLabel, QMainWindow, QStackedWidget, QVBoxLayout,
                               QWidget)

from mpp_client.clock import ServerClock
from mpp_client.indonesian import clock_time, long_date

from .presenter import IDLE_TIMEOUT_S, KioskPresenter, Screen
from .screens import (STYLESHEET, AgencyPage, CheckInPage, DonePage, HomePage, MessagePage, PrintingPage,
                      ServicePage, StaffPage)
from .screens.common import label, styled

log = logging.getLogger("kiosk.window")

HOLD_FOR_STAFF_MS = 3000
CORNER_TAPS = 5
CORNER_TAPS_WITHIN_S = 3.0
CORNER_SIZE = 140
TOUCHED = (QEvent.Type.MouseButtonPress, QEvent.Type.TouchBegin, QEvent.Type.KeyPress)


class HoldArea(QWidget):
    """Press and hold for 3 s (the MPP's logo and name): the staff's way in, never a citizen's tap."""

    held = Signal()

    def __init__(self):
        super().__init__()
        self.timer = QTimer(self)
        self.timer.setSingleShot(True)
        self.timer.setInterval(HOLD_FOR_STAFF_MS)
        self.timer.timeout.connect(self.held)

    def mousePressEvent(self, event):
        self.timer.start()
        event.accept()

    def mouseReleaseEvent(self, event):
        self.timer.stop()
        event.accept()


class CornerTaps(QWidget):
    """Five quick taps on the top-right corner: the other way in (a touch screen has no keyboard)."""

    tapped_enough = Signal()

    def __init__(self, parent: QWidget):
        super().__init__(parent)
        self.taps: list[float] = []
        self.resize(CORNER_SIZE, CORNER_SIZE)

    def mousePressEvent(self, event):
        now = time.monotonic()
        self.taps = [tap for tap in self.taps if now - tap < CORNER_TAPS_WITHIN_S] + [now]
        if len(self.taps) >= CORNER_TAPS:
            self.taps.clear()
            self.tapped_enough.emit()
        event.accept()


class OneLine(QLabel):
    """A label that ends its text with … instead of growing the header (a long address)."""

    def paintEvent(self, event):
        painter = QPainter(self)
        painter.setPen(self.palette().color(QPalette.ColorRole.WindowText))
        text = self.fontMetrics().elidedText(self.text(), Qt.TextElideMode.ElideRight, self.width())
        painter.drawText(self.rect(), int(self.alignment()), text)

    def minimumSizeHint(self):
        return QSize(0, super().minimumSizeHint().height())


class FitLabel(QLabel):
    """A wrapping label that asks for the height its lines need at its width (nested
    layouts give a wrapped label the height of its one-line size hint)."""

    def __init__(self, *args):
        super().__init__(*args)
        self.setTextFormat(Qt.PlainText)  # the site's name is staff text: markup in it never renders

    def fit(self) -> None:
        self.ensurePolished()  # measure with the stylesheet's font, not the default one
        need = self.heightForWidth(self.width())
        if need > 0 and need != self.minimumHeight():
            self.setMinimumHeight(need)

    def resizeEvent(self, event):
        super().resizeEvent(event)
        self.fit()


class Header(QWidget):
    def __init__(self):
        super().__init__()
        styled(self, "header")
        self.setFixedHeight(150)  # the same on every screen, whatever the name's length
        row = QHBoxLayout(self)
        row.setContentsMargins(32, 18, 40, 18)
        self.hold = HoldArea()
        name_row = QHBoxLayout(self.hold)
        name_row.setContentsMargins(0, 0, 0, 0)
        name_row.setSpacing(20)
        logo = label("MPP", "logo", wrap=False, align=Qt.AlignmentFlag.AlignCenter)
        logo.setFixedSize(104, 104)
        name_row.addWidget(logo)
        names = QVBoxLayout()
        names.setSpacing(2)
        self.name = FitLabel("Antrian MPP")
        self.name.setObjectName("siteName")
        self.name.setWordWrap(True)
        self.address = OneLine()
        self.address.setObjectName("siteAddress")
        names.addStretch(1)
        names.addWidget(self.name)
        names.addWidget(self.address)
        names.addStretch(1)
        name_row.addLayout(names, 1)
        row.addWidget(self.hold, 1)
        times = QVBoxLayout()
        times.setSpacing(0)
        self.date = label("", "clockDate", wrap=False, align=Qt.AlignmentFlag.AlignRight)
        self.time = label("", "clockTime", wrap=False, align=Qt.AlignmentFlag.AlignRight)
        times.addStretch(1)
        times.addWidget(self.date)
        times.addWidget(self.time)
        times.addStretch(1)
        row.addSpacing(24)
        row.addLayout(times)


class KioskWindow(QMainWindow):
    """View of `KioskPresenter`: `show(screen)` draws it. Call `bind(presenter, bridge)` once."""

    screen_shown = Signal(str)
    idle_timeout = Signal()
    quit_requested = Signal()

    def __init__(self, staff_pin: str | None = None, server_url: str = "", profile_name: str = "",
                 idle_timeouts: dict | None = None):
        super().__init__()
        self.setWindowTitle("Antrian MPP — Kios")
        self.setStyleSheet(STYLESHEET)
        self.idle_timeouts = {**IDLE_TIMEOUT_S, **(idle_timeouts or {})}
        self.last_screen: Screen | None = None
        self.staff_open = False
        self._catalog_seen: object = None
        self._zone = ZoneInfo("Asia/Jakarta")
        self.clock = ServerClock()  # the building's clock, from the catalog
        central = QWidget()
        column = QVBoxLayout(central)
        column.setContentsMargins(0, 0, 0, 0)
        column.setSpacing(0)
        self.header = Header()
        column.addWidget(self.header)
        self.stack = QStackedWidget()
        column.addWidget(self.stack, 1)
        self.setCentralWidget(central)
        self.pages = {"home": HomePage(), "agency": AgencyPage(), "service": ServicePage(),
                      "check_in": CheckInPage(),
                      "printing": PrintingPage(), "done": DonePage(), "failed": MessagePage("failed"),
                      "out_of_service": MessagePage("out_of_service"), "staff": StaffPage(staff_pin)}
        for page in self.pages.values():
            self.stack.addWidget(page)
        self.pages["staff"].set_info(server_url or "-", profile_name or "-")
        self.corner = CornerTaps(central)
        self.corner.raise_()
        self.header.hold.held.connect(self.open_staff)
        self.corner.tapped_enough.connect(self.open_staff)
        self.pages["staff"].leave_requested.connect(self.close_staff)
        self.pages["staff"].quit_requested.connect(self.quit_requested)
        self.idle_timer = QTimer(self)
        self.idle_timer.setSingleShot(True)
        self.idle_timer.timeout.connect(self._idle)
        self.clock_timer = QTimer(self)
        self.clock_timer.setInterval(1000)
        self.clock_timer.timeout.connect(self._tick)
        self.clock_timer.start()
        self._tick()
        QApplication.instance().installEventFilter(self)  # any touch anywhere resets the idle timer

    def bind(self, presenter: KioskPresenter, bridge) -> None:
        """Widgets emit intents; here they reach the presenter (citizen) or the worker (staff)."""
        home, agency, service = self.pages["home"], self.pages["agency"], self.pages["service"]
        home.agency_chosen.connect(presenter.choose_agency)
        home.language_toggled.connect(presenter.toggle_language)
        home.check_in_requested.connect(presenter.open_check_in)
        home.scanned.connect(presenter.check_in)
        self.pages["check_in"].submitted.connect(presenter.check_in)
        self.pages["check_in"].back_requested.connect(presenter.back)
        agency.service_chosen.connect(presenter.choose_service)
        agency.back_requested.connect(presenter.back)
        service.priority_chosen.connect(presenter.choose_priority)
        service.take_requested.connect(presenter.take_ticket)
        service.back_requested.connect(presenter.back)
        self.pages["done"].finished.connect(presenter.go_home)
        self.pages["failed"].home_requested.connect(presenter.go_home)
        self.idle_timeout.connect(presenter.idle)
        staff = self.pages["staff"]
        staff.test_print_requested.connect(bridge.test_print)
        staff.printer_check_requested.connect(bridge.check_printer)
        staff.reload_requested.connect(bridge.load_catalog)
        staff.reload_requested.connect(lambda: staff.set_result("Daftar layanan dimuat ulang dari server."))
        bridge.reported.connect(self._worker_reported)

    def _worker_reported(self, name: str, args: tuple) -> None:
        """The staff screen hears the printer and the test print straight from the worker."""
        if name == "printer_status":
            self.pages["staff"].set_printer_status(*args)
        elif name == "test_print_done":
            self.pages["staff"].set_result(args[1])

    # ------------------------------------------------------------ the View

    def show(self, screen: Screen | None = None) -> None:
        """The presenter's View.show(screen); without a screen, QWidget.show() as usual."""
        if screen is None:
            super().show()
            return
        self.last_screen = screen
        self._take_site(screen.catalog)
        if self.staff_open:
            return  # drawn when the staff leave
        self._draw(screen)

    def _draw(self, screen: Screen) -> None:
        page = self.pages[screen.name]
        page.render(screen)
        self.stack.setCurrentWidget(page)
        self._tick()
        self._restart_idle()
        self.screen_shown.emit(screen.name)

    @property
    def current(self) -> str:
        """The name of the screen on display (staff included)."""
        return "staff" if self.staff_open else (self.last_screen.name if self.last_screen else "")

    # ------------------------------------------------------------ staff

    def open_staff(self) -> None:
        if self.staff_open or (self.last_screen and self.last_screen.name == "printing"):
            return  # never over a ticket being printed
        log.info("staff menu opened")
        self.staff_open = True
        self.pages["staff"].open()
        self.stack.setCurrentWidget(self.pages["staff"])
        self._restart_idle()
        self.screen_shown.emit("staff")

    def close_staff(self) -> None:
        if self.staff_open:
            self.staff_open = False
            if self.last_screen is not None:
                self._draw(self.last_screen)

    # ------------------------------------------------------------ timers

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() in TOUCHED and self.idle_timer.isActive():
            self.idle_timer.start()
        return False

    def _restart_idle(self) -> None:
        seconds = self.idle_timeouts.get(self.current)
        if seconds:
            self.idle_timer.start(int(seconds * 1000))
        else:
            self.idle_timer.stop()

    def _idle(self) -> None:
        if self.staff_open:
            self.close_staff()
        else:
            self.idle_timeout.emit()

    def _tick(self) -> None:
        now = self.clock.now().astimezone(self._zone)
        language = self.last_screen.language if self.last_screen else "id"
        self.header.date.setText(long_date(now, language))
        self.header.time.setText(clock_time(now, language))  # WIB / WITA / WIT, in English too

    def _take_site(self, catalog: dict) -> None:
        """The MPP's name, its timezone, and the server's clock (the building's clock, even in a demo)."""
        if not catalog or catalog is self._catalog_seen:
            return
        self._catalog_seen = catalog
        site = catalog.get("site", {})
        self.header.name.setText(site.get("name") or "Antrian MPP")
        self.header.name.fit()
        self.header.address.setText(site.get("address") or "")
        try:
            self._zone = ZoneInfo(site.get("timezone") or "Asia/Jakarta")
            if site.get("now") and not self.clock.measure(site["now"], site.get("clock_rate")):
                log.warning("site clock not understood: %r", site["now"])
        except (ValueError, KeyError) as exc:
            log.warning("site clock not understood: %s", exc)

    def shutdown(self) -> None:
        """Stop the clock and the idle timer and let go of the application's events."""
        self.clock_timer.stop()
        self.idle_timer.stop()
        self.header.hold.timer.stop()
        app = QApplication.instance()
        if app is not None:
            app.removeEventFilter(self)

    def closeEvent(self, event):
        self.shutdown()
        super().closeEvent(event)

    def resizeEvent(self, event):
        super().resizeEvent(event)
        self.corner.move(self.centralWidget().width() - CORNER_SIZE, 0)
        self.corner.raise_()
