"""The hall display: full screen, readable from 10 m; the now-calling panel dominates.

Landscape (wider than tall): now calling on the left, counters and last calls on the right.
Portrait: the same blocks stacked, the site name on a row of its own. Font sizes follow the
screen's height; a text too long for its place is elided ("…") or wrapped, never cut mid-glyph. The window only
shows a `Board`; it calls no network, speech or audio (STYLE 6).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from PySide6.QtCore import Qt, QTimer
from PySide6.QtGui import QFont, QFontMetrics, QPainter
from PySide6.QtWidgets import QFrame, QGridLayout, QLayout, QVBoxLayout, QWidget

from mpp_client.indonesian import clock_time, decimal, in_zone, long_date
from mpp_client.texts import text

from .fit_label import fit_label
from .panel import PagedPanel
from .presenter import Board

PAGE_MS = 8000
NUMBER_TITLE = text("id", "number_label").upper()
STYLE = """
QWidget#board { background: #0b2545; }
QLabel { color: #ffffff; }
QFrame#panel { background: #13315c; border-radius: 18px; }
QFrame#now { background: #134074; border-radius: 24px; }
QFrame#now[highlight="true"] { background: #b3111d; }
QLabel#banner { background: #ffb703; color: #000000; }
QLabel#dim { color: #c6d4e2; }
"""


class Marquee(QWidget):
    """The running text. A text wider than the board scrolls right to left forever; one that fits
    stands still in the middle: still text is read faster from 10 m, and nothing is hidden."""

    def __init__(self, parent=None):
        super().__init__(parent)
        self.text, self.offset = "", 0.0
        self.timer = QTimer(self)
        self.timer.setInterval(30)
        self.timer.timeout.connect(self._step)
        self.timer.start()

    def set_text(self, text: str) -> None:
        if text != self.text:
            self.text, self.offset = text, 0.0
            self.update()

    @property
    def scrolling(self) -> bool:
        return QFontMetrics(self.font()).horizontalAdvance(self.text) > self.width()

    def _step(self) -> None:
        if not self.scrolling:
            self.offset = 0.0
            return
        self.offset += max(2.0, self.height() / 18)
        if self.offset > QFontMetrics(self.font()).horizontalAdvance(self.text + "     ") + self.width():
            self.offset = 0.0
        self.update()

    def paintEvent(self, _event) -> None:
        painter = QPainter(self)
        painter.fillRect(self.rect(), Qt.GlobalColor.black)
        painter.setPen(Qt.GlobalColor.yellow)
        painter.setFont(self.font())
        if self.scrolling:
            painter.drawText(int(self.width() - self.offset), 0, 100000, self.height(),
                             Qt.AlignmentFlag.AlignVCenter, self.text)
        else:
            painter.drawText(self.rect(), Qt.AlignmentFlag.AlignCenter, self.text)


class BoardWindow(QWidget):
    def __init__(self, now: Callable[[], datetime], parent=None):
        super().__init__(parent)
        self.setObjectName("board")
        self.setWindowTitle("Antrian MPP — Layar")
        self.setStyleSheet(STYLE)
        self.now = now
        self.board = Board()
        self.portrait: bool | None = None

        self.site = fit_label(align=Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)
        self.date = fit_label(align=Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter, hug=True)
        self.clock = fit_label(align=Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter, hug=True)
        self.hall = fit_label(name="dim", align=Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)
        self.hall.hide()  # until the snapshot names the hall
        self.header = QWidget()
        self.header_grid = QGridLayout(self.header)
        self.header_grid.setContentsMargins(0, 0, 0, 0)
        self.banner = fit_label(name="banner", rows=2)
        self.banner.hide()

        self.now_panel = QFrame()
        self.now_panel.setObjectName("now")
        self.now_title = fit_label(NUMBER_TITLE)
        self.now_code = fit_label("—", shrink=True)  # a ticket code is never elided
        self.now_counter = fit_label("", rows=2)  # where to go: the whole counter name if it can
        self.now_service = fit_label("", "dim", rows=2)
        box = QVBoxLayout(self.now_panel)
        for widget in (self.now_title, self.now_code, self.now_counter, self.now_service):
            box.addWidget(widget)

        # Every counter and agency is on some page; the last calls are the newest that fit.
        self.recent_panel = PagedPanel("PANGGILAN TERAKHIR", name_at=1, paged=False)
        self.counter_panel = PagedPanel("LOKET", name_room="Loket 88", max_columns=3)
        self.waiting_panel = PagedPanel("MENUNGGU", name_room="BPJS Kesehatan", max_columns=4)
        self.panels = (self.counter_panel, self.recent_panel, self.waiting_panel)
        self.marquee = Marquee()

        self.grid = QGridLayout(self)
        # The screen gives the size; the fonts follow it (in resizeEvent). A minimum taken from the
        # fonts of a bigger screen must not hold the window bigger than its new one.
        self.grid.setSizeConstraint(QLayout.SizeConstraint.SetNoConstraint)
        self.ticker = QTimer(self)
        self.ticker.setInterval(1000)
        self.ticker.timeout.connect(self._tick)
        self.ticker.start()
        self.on_tick: Callable[[], None] = lambda: None
        # 8 s a page: time to find one's number in a column from across the hall, and a zone's
        # 40 counters still come round in under a minute.
        self.page_timer = QTimer(self)
        self.page_timer.setInterval(PAGE_MS)
        self.page_timer.timeout.connect(self.turn_pages)
        self.page_timer.start()
        self._arrange()
        self._tick()

    # -- layout -------------------------------------------------------------------------------

    def _arrange(self) -> None:
        portrait = self.height() > self.width()
        if portrait == self.portrait:
            return
        self.portrait = portrait
        while self.grid.count():
            self.grid.takeAt(0)
        while self.header_grid.count():
            self.header_grid.takeAt(0)
        for row in range(8):
            self.grid.setRowStretch(row, 0)
        for col in range(3):
            self.grid.setColumnStretch(col, 0)
        h = self.header_grid
        # Portrait: the site's name wraps onto a second row rather than lose its end ("Harapan Ja…").
        self.site.rows = 2 if portrait else 1
        self.site.setText(self.site.full_text)
        if portrait:  # a third of 1080 px is too narrow for a site name: it gets the full width
            h.addWidget(self.site, 0, 0, 1, 2)
            h.addWidget(self.hall, 1, 0, 1, 2)
            h.addWidget(self.date, 2, 0)
            h.addWidget(self.clock, 2, 1)
            self.date.setAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)
        else:
            h.addWidget(self.site, 0, 0)
            h.addWidget(self.date, 0, 1)
            h.addWidget(self.clock, 0, 2)
            h.addWidget(self.hall, 1, 0, 1, 3)
            self.date.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        h.setColumnStretch(0, 1)
        h.setHorizontalSpacing(28)
        g = self.grid
        g.addWidget(self.header, 0, 0, 1, 3)
        g.addWidget(self.banner, 1, 0, 1, 3)
        if portrait:
            g.addWidget(self.now_panel, 2, 0, 1, 3)
            g.addWidget(self.counter_panel, 3, 0, 1, 3)
            g.addWidget(self.recent_panel, 4, 0, 1, 2)
            g.addWidget(self.waiting_panel, 4, 2)
            g.addWidget(self.marquee, 5, 0, 1, 3)
            g.setRowStretch(2, 5)
            g.setRowStretch(3, 3)
            g.setRowStretch(4, 3)
        else:
            g.addWidget(self.now_panel, 2, 0, 2, 2)
            g.addWidget(self.counter_panel, 2, 2)
            g.addWidget(self.recent_panel, 3, 2)
            g.addWidget(self.waiting_panel, 4, 0, 1, 3)
            g.addWidget(self.marquee, 5, 0, 1, 3)
            g.setRowStretch(2, 3)
            g.setRowStretch(3, 2)
            g.setRowStretch(4, 1)
        for col in range(3):
            g.setColumnStretch(col, 1)
        # Across a landscape board one row of agencies would be six pages of three.
        self.waiting_panel.set_min_rows(1 if portrait else 2)
        self._fonts()

    def _fonts(self) -> None:
        unit = max(8, min(self.height(), self.width() * 1.2) // 60)  # 18 px on 1080 lines
        self.grid.setContentsMargins(round(unit * 0.9), round(unit * 0.67), round(unit * 0.9), 0)
        self.grid.setSpacing(round(unit * 0.78))

        def font(label, size, bold=False):
            f = QFont(label.font())
            f.setPixelSize(int(size))
            f.setBold(bold)
            label.setFont(f)

        font(self.site, unit * 2.2, True)
        font(self.date, unit * 1.8)
        font(self.hall, unit * 1.6, True)
        font(self.clock, unit * 2.6, True)
        font(self.banner, unit * 2, True)
        font(self.now_title, unit * 3, True)
        font(self.now_code, unit * (11 if self.portrait else 13), True)
        font(self.now_counter, unit * 4.5, True)
        font(self.now_service, unit * 1.8)
        for panel in self.panels:
            panel.set_fonts(int(unit * 1.6), int(unit * 2.3))
        f = QFont(self.marquee.font())
        f.setPixelSize(int(unit * 2.2))
        self.marquee.setFont(f)
        self.marquee.setFixedHeight(int(unit * 3.6))

    def resizeEvent(self, event) -> None:
        super().resizeEvent(event)
        self.portrait = None if (self.height() > self.width()) != self.portrait else self.portrait
        self._arrange()
        self._fonts()

    # -- state ---------------------------------------------------------------------------------

    def show_board(self, board: Board) -> None:
        self.board = board
        # The hall it serves: a board per hall, and one voice each, so the header says which.
        self.site.setText(board.site_name)
        self.hall.setText(board.hall_name)
        self.hall.setVisible(bool(board.hall_name))
        self.setWindowTitle(" — ".join(part for part in ("Antrian MPP", "Layar", board.hall_name) if part))
        self.banner.setVisible(bool(board.banner) and board.ready or not board.connected)
        self.banner.setText(board.banner or "")
        call = board.now_calling
        self.now_code.setText(call.code if call else "—")
        self.now_counter.setText(f"menuju {call.counter_name.upper()}" if call else "Menunggu panggilan")
        self.now_title.setText("PANGGILAN ULANG" if call and call.recall else NUMBER_TITLE)
        self.now_service.setText(call.service if call else "")
        if self.now_panel.property("highlight") != board.highlight:
            self.now_panel.setProperty("highlight", board.highlight)
            self.now_panel.style().unpolish(self.now_panel)
            self.now_panel.style().polish(self.now_panel)
        self.recent_panel.set_rows([(c.code, c.counter_name) for c in board.recent] or [("—", "")])
        # Every counter says what it is doing: its ticket, "Siap", "Istirahat" or "Tutup".
        # Closed ones last: the counters at work stay on the first page.
        counters = sorted(board.counters, key=lambda c: c.status == "closed" and not c.ticket)
        self.counter_panel.set_rows([(c.name, c.shown) for c in counters] or [("Belum ada loket", "")])
        self.waiting_panel.set_rows([(name, decimal(n)) for name, n in board.waiting if n]
                                    or [("Kosong", "")])  # short: a portrait board's column is narrow
        self.marquee.set_text(board.running_text)
        self._update_clock()  # the server's clock is known from the first snapshot on
        self._fonts()

    def turn_pages(self) -> None:
        for panel in self.panels:
            panel.turn()

    def _tick(self) -> None:
        self._update_clock()
        self.on_tick()

    def _update_clock(self) -> None:
        moment = in_zone(self.now(), self.board.timezone)
        self.date.setText(long_date(moment))
        self.clock.setText(clock_time(moment))


class BoardView:
    """The presenter's View: forwards a Board to the window."""

    def __init__(self, window: BoardWindow):
        self.window = window

    def show(self, board: Board) -> None:
        self.window.show_board(board)
