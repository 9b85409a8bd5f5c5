"""The hall display: full screen, readable from 10 m; the now-calling panel dominates.

Landscape (wider than tall): now calling on the left, counters and last calls on the right.
Portrait: the same blocks stacked. Font sizes follow the screen's height. The window only
shows a `Board`; it calls no network, speech or audio (STYLE 6).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from zoneinfo import ZoneInfo

from babel.dates import format_date
from PySide6.QtCore import Qt, QTimer
from PySide6.QtGui import QFont, QFontMetrics, QPainter
from PySide6.QtWidgets import (
    QFrame,
    QGridLayout,
    QLabel,
    QSizePolicy,
    QVBoxLayout,
    QWidget,
)

from .presenter import Board

ZONE_NAMES = {"Asia/Jakarta": "WIB", "Asia/Pontianak": "WIB", "Asia/Makassar": "WITA", "Asia/Jayapura": "WIT"}
STYLE = """
QWidget#board { background: #0b2545; }
QLabel { color: #ffffff; }
QFrame#panel { background: #13315c; border-radius: 18px; }
QFrame#now { background: #134074; border-radius: 24px; }
QFrame#now[highlight="true"] { background: #c1121f; }
QLabel#banner { background: #ffb703; color: #000000; }
QLabel#dim { color: #8da9c4; }
"""


def indonesian_date(moment: datetime) -> str:
    """"Senin, 23 November 2026"."""
    return format_date(moment.date(), "EEEE, d MMMM y", locale="id")


def clock_text(moment: datetime, timezone: str) -> str:
    return f"{moment:%H.%M} {ZONE_NAMES.get(timezone, '')}".strip()


class Marquee(QWidget):
    """The running text, scrolling right to left forever."""

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

    def _step(self) -> None:
        if self.text:
            self.offset += max(2.0, self.height() / 18)
            width = QFontMetrics(self.font()).horizontalAdvance(self.text + "     ")
            if self.offset > width + self.width():
                self.offset = 0.0
            self.update()

    def paintEvent(self, _event) -> None:
        painter = QPainter(self)
        painter.fillRect(self.rect(), Qt.GlobalColor.black)
        painter.setPen(Qt.GlobalColor.yellow)
        painter.setFont(self.font())
        painter.drawText(int(self.width() - self.offset), 0, 100000, self.height(),
                         Qt.AlignmentFlag.AlignVCenter, self.text)


def _label(text="", name=None, align=Qt.AlignmentFlag.AlignCenter) -> QLabel:
    label = QLabel(text)
    label.setAlignment(align)
    if name:
        label.setObjectName(name)
    # A long name must never widen a full-screen board: the layout decides widths, text is clipped.
    label.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
    return label


class BoardWindow(QWidget):
    def __init__(self, now: Callable[[], datetime], parent=None):
        super().__init__(parent)
        self.setObjectName("board")
        self.setWindowTitle("Antrian MPP — Layar")
        self.setStyleSheet(STYLE)
        self.now = now
        self.board = Board()
        self.portrait: bool | None = None

        self.site = _label(align=Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)
        self.date = _label(align=Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        self.clock = _label(align=Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        self.banner = _label(name="banner")
        self.banner.hide()

        self.now_panel = QFrame()
        self.now_panel.setObjectName("now")
        self.now_title = _label("NOMOR ANTRIAN")
        self.now_code = _label("—")
        self.now_counter = _label("")
        self.now_service = _label("", "dim")
        self.now_service.setWordWrap(True)
        box = QVBoxLayout(self.now_panel)
        for widget in (self.now_title, self.now_code, self.now_counter, self.now_service):
            box.addWidget(widget)

        self.recent_panel, self.recent_grid = self._panel("PANGGILAN TERAKHIR")
        self.counter_panel, self.counter_grid = self._panel("LOKET")
        self.waiting_panel, self.waiting_grid = self._panel("MENUNGGU")
        self.marquee = Marquee()

        self.grid = QGridLayout(self)
        self.grid.setContentsMargins(16, 12, 16, 0)
        self.grid.setSpacing(14)
        self.ticker = QTimer(self)
        self.ticker.setInterval(1000)
        self.ticker.timeout.connect(self._tick)
        self.ticker.start()
        self.on_tick: Callable[[], None] = lambda: None
        self._arrange()
        self._tick()

    def _panel(self, title: str):
        frame = QFrame()
        frame.setObjectName("panel")
        grid = QGridLayout(frame)
        heading = _label(title, "dim", Qt.AlignmentFlag.AlignLeft)
        heading.setProperty("heading", True)
        grid.addWidget(heading, 0, 0, 1, 2)
        return frame, grid

    # -- layout -------------------------------------------------------------------------------

    def _arrange(self) -> None:
        portrait = self.height() > self.width()
        if portrait == self.portrait:
            return
        self.portrait = portrait
        while self.grid.count():
            self.grid.takeAt(0)
        for row in range(8):
            self.grid.setRowStretch(row, 0)
        for col in range(3):
            self.grid.setColumnStretch(col, 0)
        g = self.grid
        g.addWidget(self.site, 0, 0)
        g.addWidget(self.date, 0, 1)
        g.addWidget(self.clock, 0, 2)
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
        self._fonts()

    def _fonts(self) -> None:
        unit = max(8, min(self.height(), self.width() * 1.2) // 60)  # 18 px on 1080 lines

        def font(label, size, bold=False):
            f = QFont(label.font())
            f.setPixelSize(int(size))
            f.setBold(bold)
            label.setFont(f)

        font(self.site, unit * 2.2, True)
        font(self.date, unit * 1.8)
        font(self.clock, unit * 2.6, True)
        font(self.banner, unit * 2, True)
        font(self.now_title, unit * 3, True)
        font(self.now_code, unit * (11 if self.portrait else 13), True)
        font(self.now_counter, unit * 4.5, True)
        font(self.now_service, unit * 1.8)
        for grid in (self.recent_grid, self.counter_grid, self.waiting_grid):
            for i in range(grid.count()):
                widget = grid.itemAt(i).widget()
                if isinstance(widget, QLabel):
                    font(widget, unit * (1.6 if widget.property("heading") else 2.3), True)
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
        self.site.setText(board.site_name)
        self.banner.setVisible(bool(board.banner) and board.ready or not board.connected)
        self.banner.setText(board.banner or "")
        call = board.now_calling
        self.now_code.setText(call.code if call else "—")
        self.now_counter.setText(f"menuju {call.counter_name.upper()}" if call else "Menunggu panggilan")
        self.now_title.setText("PANGGILAN ULANG" if call and call.recall else "NOMOR ANTRIAN")
        self.now_service.setText(call.service if call else "")
        if self.now_panel.property("highlight") != board.highlight:
            self.now_panel.setProperty("highlight", board.highlight)
            self.now_panel.style().unpolish(self.now_panel)
            self.now_panel.style().polish(self.now_panel)
        self._fill(self.recent_grid, [(c.code, c.counter_name) for c in board.recent] or [("—", "")])
        open_counters = [c for c in board.counters if c.status != "closed" or c.ticket]
        self._fill(self.counter_grid, [(c.name, c.ticket or ("istirahat" if c.status == "paused" else "—"))
                                       for c in open_counters] or [("Belum ada loket buka", "")], columns=2)
        waiting = [(name, str(n)) for name, n in board.waiting if n] or [("Tidak ada antrean", "")]
        self._fill(self.waiting_grid, waiting, columns=1 if self.portrait else 3)
        self.marquee.set_text(board.running_text)
        self._update_clock()  # the server's clock is known from the first snapshot on
        self._fonts()


    def _fill(self, grid: QGridLayout, rows: list[tuple[str, str]], columns: int = 1) -> None:
        while grid.count() > 1:
            item = grid.takeAt(1)
            if item.widget():
                item.widget().deleteLater()
        limit = 8 if columns == 1 else 12
        for i, (left, right) in enumerate(rows[:limit]):
            row, col = 1 + i // columns, (i % columns) * 2
            grid.addWidget(_label(left, align=Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter), row, col)
            grid.addWidget(_label(right, align=Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter),
                           row, col + 1)
        grid.setRowStretch(1 + (len(rows[:limit]) + columns - 1) // columns, 1)

    def _tick(self) -> None:
        self._update_clock()
        self.on_tick()

    def _update_clock(self) -> None:
        moment = self.now().astimezone(ZoneInfo(self.board.timezone or "Asia/Jakarta"))
        self.date.setText(indonesian_date(moment))
        self.clock.setText(clock_text(moment, self.board.timezone))


class BoardView:
    """The presenter's View: forwards a Board to the window."""

    def __init__(self, window: BoardWindow):
        self.window = window

    def show(self, board: Board) -> None:
        self.window.show_board(board)
