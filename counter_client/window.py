"""The counter app's window: the presenter's View. Login, counter picker and the
working screen in a stack; keys (F1–F10 and the numpad) mapped to actions.

Widgets only draw the Screen they are given and call the presenter with what the
officer asked for; they never talk to the network (STYLE 6).
"""

from __future__ import annotations

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (QGridLayout, QHBoxLayout, QLabel, QLayout, QLineEdit, QListWidget, QListWidgetItem,
                               QMainWindow, QPushButton, QSizePolicy, QStackedWidget, QVBoxLayout, QWidget)

from mpp_client.indonesian import decimal, minutes

from .presenter import ACTIONS, CounterPresenter, Screen, queue_line
from .style import stylesheet

KEYS = {  # key → action; the numpad's operators sit under the officer's right hand
    "F1": "call-next", "+": "call-next", "F2": "recall", "*": "recall", "F3": "start", "/": "start",
    "F4": "done", "-": "done", "F5": "no-show", "F6": "transfer", "F7": "call", "F8": "pause-toggle",
    "F9": "open", "F10": "close",
}
BUTTONS = ("call-next", "recall", "start", "done", "no-show", "transfer", "call", "pause-toggle", "open", "close")
COMPACT_SIZE, WIDE_SIZE = (360, 700), (1366, 768)


def _label(text: str = "", name: str | None = None, wrap: bool = False) -> QLabel:
    widget = QLabel(text)
    widget.setTextFormat(Qt.PlainText)  # names are staff text: markup in them never renders
    if name:
        widget.setObjectName(name)
    widget.setWordWrap(wrap)
    return widget


def _styled(widget: QWidget, name: str) -> QWidget:
    widget.setObjectName(name)
    widget.setAttribute(Qt.WidgetAttribute.WA_StyledBackground)
    return widget


class LoginPage(QWidget):
    def __init__(self):
        super().__init__()
        outer = QVBoxLayout(self)
        box = _styled(QWidget(), "card")
        box.setMaximumWidth(440)
        layout = QVBoxLayout(box)
        layout.setContentsMargins(28, 24, 28, 24)
        layout.setSpacing(10)
        layout.addWidget(_label("Antrian MPP — Loket", "title"))
        layout.addWidget(_label("Masuk dengan nama pengguna dan PIN Anda.", "muted", wrap=True))
        self.username = QLineEdit()
        self.username.setPlaceholderText("Nama pengguna")
        self.pin = QLineEdit()
        self.pin.setPlaceholderText("PIN")
        self.pin.setEchoMode(QLineEdit.EchoMode.Password)
        self.submit = QPushButton("Masuk  (Enter)")
        self.submit.setObjectName("primary")
        self.message = _label("", "error", wrap=True)
        for widget in (_label("Nama pengguna", "field"), self.username, _label("PIN", "field"), self.pin,
                       self.submit, self.message):
            layout.addWidget(widget)
        outer.addStretch(1)
        outer.addWidget(box, 0, Qt.AlignmentFlag.AlignHCenter)
        outer.addStretch(2)


class PickerPage(QWidget):
    def __init__(self):
        super().__init__()
        outer = QVBoxLayout(self)
        box = _styled(QWidget(), "card")
        box.setMaximumWidth(520)
        layout = QVBoxLayout(box)
        layout.setContentsMargins(28, 24, 28, 24)
        self.hello = _label("", "title", wrap=True)
        self.list = QListWidget()
        self.list.setObjectName("picker")
        self.choose = QPushButton("Pakai loket ini  (Enter)")
        self.choose.setObjectName("primary")
        self.logout = QPushButton("Keluar")
        self.message = _label("", "muted", wrap=True)
        layout.addWidget(self.hello)
        layout.addWidget(_label("Pilih loket Anda (↑ ↓, lalu Enter):", "muted"))
        layout.addWidget(self.list, 1)
        layout.addWidget(self.choose)
        layout.addWidget(self.logout)
        layout.addWidget(self.message)
        outer.addWidget(box, 1, Qt.AlignmentFlag.AlignHCenter)


class ActionButton(QPushButton):
    def __init__(self, action: str):
        super().__init__()
        self.action = action
        self.setObjectName("action")
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        self.setFocusPolicy(Qt.FocusPolicy.NoFocus)  # keys go to the window's shortcuts, not to a button

    def set_action(self, action: str) -> None:
        title, keys = ACTIONS[action]
        self.setText(f"{title}\n{keys}")


class WorkPage(QWidget):
    def __init__(self):
        super().__init__()
        layout = QVBoxLayout(self)
        layout.setContentsMargins(12, 8, 12, 8)
        layout.setSpacing(8)
        self.banner = _label("", "banner", wrap=True)
        layout.addWidget(self.banner)
        top = QHBoxLayout()
        self.counter_name = _label("", "counterName")
        self.status = _label("", "status")
        self.officer = _label("", "muted")
        self.compact = QPushButton("Ringkas (F12)")
        self.compact.setObjectName("small")
        self.compact.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.change = QPushButton("Ganti loket")
        self.change.setObjectName("small")
        self.change.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.logout = QPushButton("Keluar")
        self.logout.setObjectName("small")
        self.logout.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        top.addWidget(self.counter_name)
        top.addWidget(self.status)
        top.addStretch(1)
        layout.addLayout(top)
        # The officer's own tools: at the top row's end, or a row of their own in a narrow window.
        self.top, self.tools = top, QHBoxLayout()
        self.tools.addStretch(1)
        layout.addLayout(self.tools)

        self.body = QHBoxLayout()
        ticket_box = _styled(QWidget(), "card")
        ticket = QVBoxLayout(ticket_box)
        self.code = _label("—", "bigCode")
        self.code.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.ticket_status = _label("", "ticketStatus")
        self.ticket_status.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.service = _label("", "service", wrap=True)
        self.service.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.priority = _label("", "priority")
        self.priority.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.times = _label("", "muted", wrap=True)
        self.times.setAlignment(Qt.AlignmentFlag.AlignCenter)
        for widget in (self.ticket_status, self.code, self.priority, self.service, self.times):
            ticket.addWidget(widget)
        self.body.addWidget(ticket_box, 3)
        side_box = self.side = _styled(QWidget(), "card")
        side = QVBoxLayout(side_box)
        side.addWidget(_label("Menunggu", "heading"))
        self.queues = _label("", "queues", wrap=True)
        side.addWidget(self.queues)
        side.addWidget(_label("Hari ini (Anda)", "heading"))
        self.today = _label("", "today", wrap=True)
        side.addWidget(self.today)
        side.addStretch(1)
        self.body.addWidget(side_box, 2)
        layout.addLayout(self.body, 3)

        self.panel = _styled(QWidget(), "panel")
        panel = QVBoxLayout(self.panel)
        panel.setContentsMargins(12, 8, 12, 8)
        self.question = _label("", "question", wrap=True)
        self.entry = QLineEdit()
        self.entry.setObjectName("entry")
        self.services = QListWidget()
        self.services.setMaximumHeight(150)
        row = QHBoxLayout()
        self.yes = QPushButton("Ya (Enter)")
        self.yes.setObjectName("primary")
        self.no = QPushButton("Batal (Esc)")
        row.addWidget(self.yes)
        row.addWidget(self.no)
        for widget in (self.question, self.entry, self.services):
            panel.addWidget(widget)
        panel.addLayout(row)
        layout.addWidget(self.panel)

        self.grid = QGridLayout()
        self.grid.setSpacing(8)
        self.buttons = {action: ActionButton(action) for action in BUTTONS}
        layout.addLayout(self.grid, 2)
        self.message = _label("", "error", wrap=True)
        layout.addWidget(self.message)
        # Hidden until needed: else their height counts at the first show, and on a 1366×768
        # laptop the window grows past the screen's bottom (it never shrinks back by itself).
        self.banner.hide()
        self.panel.hide()
        self.arrange(compact=False)

    def arrange(self, compact: bool) -> None:
        columns = 2 if compact else 5
        for index, action in enumerate(BUTTONS):
            self.grid.addWidget(self.buttons[action], index // columns, index % columns)
        self.body.setDirection(QHBoxLayout.Direction.TopToBottom if compact else QHBoxLayout.Direction.LeftToRight)
        self.grid.setSpacing(4 if compact else 8)
        self.layout().setSpacing(4 if compact else 8)
        self.services.setMaximumHeight(90 if compact else 150)
        self.officer.setVisible(not compact)  # a narrow window keeps what the officer acts on
        row = self.tools if compact else self.top
        for widget in (self.officer, self.compact, self.change, self.logout):
            (self.top if compact else self.tools).removeWidget(widget)
            row.addWidget(widget)
        self.change.setText("Loket" if compact else "Ganti loket")
        self.show_panel(self.panel.isVisibleTo(self), compact)

    def show_panel(self, shown: bool, compact: bool) -> None:
        """A question or the transfer list opens. A compact window makes room by leaving out the
        queue counts meanwhile: with them it needed 769 px, more than a laptop's 728."""
        self.panel.setVisible(shown)
        self.side.setVisible(not (shown and compact))
        for detail in (self.times, self.ticket_status):  # the code and the service say which ticket
            detail.setVisible(not (shown and compact))


class CounterWindow(QMainWindow):
    """The View. `bind(presenter)` connects what the officer does to the presenter."""

    shown = Signal(str)  # the stage drawn, for tests and the start-time log

    def __init__(self, compact: bool = False):
        super().__init__()
        self.setWindowTitle("Antrian MPP — Loket")
        self.presenter: CounterPresenter | None = None
        self.screen = Screen()
        self.compact = compact
        self.stack = QStackedWidget()
        self.pages = {"login": LoginPage(), "choose": PickerPage(), "working": WorkPage()}
        for page in self.pages.values():
            self.stack.addWidget(page)
        central = _styled(QWidget(), "root")
        layout = QVBoxLayout(central)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.stack)
        self.setCentralWidget(central)
        # The window keeps the size it is given: Qt's guess from the wrapped labels (up to 830 px for
        # a compact window whose content needs 700) must not push it past a laptop's screen.
        self.layout().setSizeConstraint(QLayout.SizeConstraint.SetNoConstraint)
        self.clock = QTimer(self)
        self.clock.setInterval(15_000)
        self._shortcuts: list[QShortcut] = []
        self.set_compact(compact)

    @property
    def current(self) -> str:
        return self.screen.stage

    def bind(self, presenter: CounterPresenter) -> None:
        self.presenter = presenter
        login, picker, work = self.pages["login"], self.pages["choose"], self.pages["working"]
        login.submit.clicked.connect(self._login)
        login.username.returnPressed.connect(lambda: login.pin.setFocus())
        login.pin.returnPressed.connect(self._login)
        picker.choose.clicked.connect(self._choose)
        picker.list.itemActivated.connect(lambda _item: self._choose())
        picker.logout.clicked.connect(presenter.logout)
        work.logout.clicked.connect(presenter.logout)
        work.change.clicked.connect(presenter.change_counter)
        work.compact.clicked.connect(lambda: self.set_compact(not self.compact))
        for action, button in work.buttons.items():
            button.clicked.connect(lambda _=False, a=action: presenter.act(a))
        work.yes.clicked.connect(self._panel_yes)
        work.no.clicked.connect(presenter.cancel)
        work.entry.returnPressed.connect(self._panel_yes)
        work.entry.textEdited.connect(self._filter_services)
        work.services.itemActivated.connect(lambda _item: self._panel_yes())
        for key, action in KEYS.items():
            self._shortcut(key, lambda a=action: self._key(a))
        self._shortcut("F12", lambda: self.set_compact(not self.compact))
        self._shortcut("Escape", presenter.cancel)
        self.clock.timeout.connect(presenter.tick)
        self.clock.start()

    def _shortcut(self, key: str, slot) -> None:
        shortcut = QShortcut(QKeySequence(key), self)
        shortcut.setContext(Qt.ShortcutContext.WindowShortcut)
        shortcut.activated.connect(slot)
        self._shortcuts.append(shortcut)

    def keyPressEvent(self, event):
        # Enter on the numpad confirms a pending question (no text field has the focus then).
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter) and self.screen.panel == "confirm":
            self.presenter.confirm()
            return
        super().keyPressEvent(event)

    def _key(self, action: str) -> None:
        # "+", "-", "*", "/" typed into a text field are text, not actions.
        if self.screen.stage != "working" or (self.screen.panel in ("transfer", "call") and len(action) > 0
                                              and self.focusWidget() is self.pages["working"].entry
                                              and not action.startswith("F")):
            return
        self.presenter.act(action)

    # ------------------------------------------------------------ intents

    def _login(self) -> None:
        page = self.pages["login"]
        pin = page.pin.text()
        page.pin.clear()  # the PIN is never kept, not even in the field
        self.presenter.login(page.username.text(), pin)

    def _choose(self) -> None:
        item = self.pages["choose"].list.currentItem()
        if item is not None:
            self.presenter.choose_counter(item.data(Qt.ItemDataRole.UserRole))

    def _panel_yes(self) -> None:
        work = self.pages["working"]
        if self.screen.panel == "confirm":
            self.presenter.confirm()
        elif self.screen.panel == "call":
            self.presenter.call_code(work.entry.text())
        elif self.screen.panel == "transfer":
            item = work.services.currentItem()
            typed = work.entry.text().strip().upper()
            self.presenter.transfer_to(item.data(Qt.ItemDataRole.UserRole) if item and not item.isHidden() else typed)

    def _filter_services(self, text: str) -> None:
        work = self.pages["working"]
        if self.screen.panel != "transfer":
            return
        needle = text.strip().lower()
        first = None
        for index in range(work.services.count()):
            item = work.services.item(index)
            hidden = bool(needle) and needle not in item.text().lower()
            item.setHidden(hidden)
            if not hidden and first is None:
                first = item
        work.services.setCurrentItem(first)

    def set_compact(self, compact: bool) -> None:
        self.compact = compact
        self.setStyleSheet(stylesheet(compact))
        self.pages["working"].arrange(compact)
        self.pages["working"].compact.setText("Lebar (F12)" if compact else "Ringkas (F12)")
        if self.isVisible() and not self.isFullScreen() and not self.isMaximized():
            self.resize(*(COMPACT_SIZE if compact else WIDE_SIZE))

    # ------------------------------------------------------------ drawing

    def show(self, screen: Screen | None = None) -> None:  # noqa: D102 - the View protocol, and QWidget.show
        if screen is None:
            super().show()
            return
        before = self.screen
        self.screen = screen
        self.stack.setCurrentWidget(self.pages[screen.stage])
        getattr(self, f"_draw_{screen.stage}")(screen, before)
        self.shown.emit(screen.stage)

    def _draw_login(self, screen: Screen, before: Screen) -> None:
        page = self.pages["login"]
        page.username.setEnabled(not screen.busy)
        page.pin.setEnabled(not screen.busy)
        page.submit.setEnabled(not screen.busy)
        if before.stage != "login" or not page.username.text():
            page.username.setText(screen.username)
        page.message.setText(screen.error or screen.info or "")
        page.message.setObjectName("error" if screen.error else "muted")
        page.message.setStyleSheet("")
        (page.pin if screen.username else page.username).setFocus()

    def _draw_choose(self, screen: Screen, before: Screen) -> None:
        page = self.pages["choose"]
        officer = screen.officer or {}
        page.hello.setText(f"Selamat bertugas, {officer.get('username', '')}")
        if screen.counters != before.counters or page.list.count() == 0:
            page.list.clear()
            for counter in screen.counters:
                status = {"open": "buka", "paused": "istirahat", "closed": "tutup"}.get(counter.get("status"), "")
                item = QListWidgetItem(f"{counter['name']}  ({counter['code']}) — {status}")
                item.setData(Qt.ItemDataRole.UserRole, counter["code"])
                page.list.addItem(item)
                if counter["code"] == screen.selected:
                    page.list.setCurrentItem(item)
        page.choose.setEnabled(not screen.busy and page.list.count() > 0)
        page.message.setText(screen.error or screen.info or "")
        page.list.setFocus()

    def _draw_working(self, screen: Screen, before: Screen) -> None:
        page = self.pages["working"]
        counter = screen.counter or {}
        page.banner.setVisible(bool(screen.banner))
        page.banner.setText(screen.banner or "")
        page.counter_name.setText(f"{counter.get('name', '')} ({counter.get('code', '')})")
        status = counter.get("status", "")
        page.status.setText({"open": "BUKA", "paused": "ISTIRAHAT", "closed": "TUTUP"}.get(status, status))
        page.status.setProperty("state", status)
        page.status.setStyleSheet({"open": "background:#C8E6C9;color:#1B5E20;",
                                   "paused": "background:#FFE0B2;color:#B13E00;",
                                   "closed": "background:#ECEFF1;color:#455A64;"}.get(status, ""))
        page.officer.setText((screen.officer or {}).get("username", ""))
        lines = screen.ticket_lines
        if lines:
            page.code.setText(lines["code"])
            page.ticket_status.setText(lines["status"])
            page.service.setText(lines["service"])
            marks = [f"★ Prioritas: {lines['priority']}"] if lines.get("priority") else []
            if lines.get("booked"):
                marks.append("Janji temu")  # booked online, checked in at the kiosk
            page.priority.setText("  ·  ".join(marks))
            page.priority.setVisible(bool(marks))
            parts = []
            if lines.get("waited") is not None:
                parts.append(f"menunggu {minutes(lines['waited'])}")
            if lines.get("called_ago") is not None:
                parts.append(f"dipanggil {minutes(lines['called_ago'])} lalu")
            parts.append(f"dipanggil ulang {lines.get('recalls', 0)}×")
            page.times.setText(" · ".join(parts))
        else:
            page.code.setText("—")
            page.ticket_status.setText({"open": "Tidak ada tiket dipanggil", "paused": "Loket istirahat",
                                        "closed": "Loket tutup"}.get(status, ""))
            page.service.setText({"open": "Tekan F1 / Num + untuk memanggil berikutnya.",
                                  "paused": "Tekan F8 untuk melanjutkan.",
                                  "closed": "Tekan F9 untuk membuka loket."}.get(status, ""))
            page.priority.setVisible(False)
            page.times.setText("")
        page.queues.setText("\n".join(queue_line(*line) for line in screen.queue_lines) or "—")
        today = screen.today
        mean = today.get("mean_service_min")
        page.today.setText(f"Dilayani: {decimal(today.get('served', 0))}\nTidak hadir: {decimal(today.get('no_show', 0))}\n"
                           f"Rata-rata layanan: {minutes(round(mean, 1)) if mean is not None else '—'}")
        paused = status == "paused"
        for action, button in page.buttons.items():
            shown = ("resume" if paused else "pause") if action == "pause-toggle" else action
            button.set_action(shown)
            button.setEnabled(shown in screen.enabled)
        self._draw_panel(screen, before)
        message = screen.error or screen.info or ("Menunggu jawaban server…" if screen.busy else "")
        page.message.setText(message)
        page.message.setStyleSheet("color:#B71C1C;" if screen.error else "color:#37474F;")

    def _draw_panel(self, screen: Screen, before: Screen) -> None:
        page = self.pages["working"]
        panel = screen.panel
        page.show_panel(bool(panel), self.compact)
        page.entry.setVisible(panel in ("transfer", "call"))
        page.services.setVisible(panel == "transfer")
        if panel == "confirm":
            page.question.setText(f"{screen.question}  Enter = Ya, Esc = Batal")
            page.yes.setText("Ya (Enter)")
            self.setFocus()
        elif panel == "call" and before.panel != "call":
            page.question.setText("Panggil nomor tertentu (mis. A7 atau A-007), lalu Enter:")
            page.yes.setText("Panggil (Enter)")
            page.entry.clear()
            page.entry.setFocus()
        elif panel == "transfer" and before.panel != "transfer":
            page.question.setText("Alihkan ke layanan (ketik untuk mencari, ↑ ↓, Enter):")
            page.yes.setText("Alihkan (Enter)")
            page.entry.clear()
            page.services.clear()
            for code, name in screen.services:
                item = QListWidgetItem(f"{name} ({code})")
                item.setData(Qt.ItemDataRole.UserRole, code)
                page.services.addItem(item)
            page.services.setCurrentRow(0)
            page.entry.setFocus()
        if panel is None and before.panel is not None:
            self.setFocus()
