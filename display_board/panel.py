"""A board panel of (name, short) rows — counters and their tickets, agencies and their waiting
counts, the last calls — that shows as many rows as its box holds and pages through the rest.

Rows keep the board's one row size, chosen to be read from 10 m: a busy hall gets more pages,
never smaller text. Columns are added while each still holds the short side and `name_room` of
the name; a list that still does not fit is paged (the window turns the pages) with "1/3" in the
heading. The rows never widen or heighten the panel: its minimum is its heading and one row,
so a full board still fits its screen.
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, Qt
from PySide6.QtGui import QFont, QFontMetrics
from PySide6.QtWidgets import QFrame, QGridLayout, QSizePolicy, QWidget

from .fit_label import FitLabel, fit_label
from .presenter import paginate

LEFT = Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter
RIGHT = Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter


class PagedPanel(QFrame):
    """`name_at`: the side of a row holding the name, which gives way (elided) to the other side.
    `paged=False` (the last calls, newest first): the rows that fit, the oldest left off."""

    def __init__(self, title: str, *, name_at: int = 0, name_room: str = "Loket 88", max_columns: int = 1,
                 paged: bool = True, parent=None):
        super().__init__(parent)
        self.setObjectName("panel")
        self.name_at, self.name_room, self.max_columns, self.paged = name_at, name_room, max_columns, paged
        self.title = fit_label(title, "dim", LEFT)
        self.mark = fit_label("", "dim", RIGHT, hug=True)  # "1/3": which page, discreetly
        self.body = QWidget()
        # Ignored: the rows shown never make the board ask for more room than its screen has.
        self.body.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Ignored)
        self.body.installEventFilter(self)
        self.grid = QGridLayout(self.body)
        self.grid.setContentsMargins(0, 0, 0, 0)
        box = QGridLayout(self)
        box.addWidget(self.title, 0, 0)
        box.addWidget(self.mark, 0, 1)
        box.addWidget(self.body, 1, 0, 1, 2)
        box.setRowStretch(1, 1)
        box.setColumnStretch(0, 1)
        self.row_font = QFont(self.font())
        self.labels: list[tuple[FitLabel, FitLabel]] = []  # reused: a busy hall refills every second
        self.rows: list[tuple[str, str]] = []
        self.page, self.pages = 0, [()]
        self.columns, self.per_column = 1, 1
        self.min_rows = 1  # the window asks for more where one row would mean too many pages
        self.gap = 0  # between two columns: wider than within a row, so "6  BPJS" never reads as one
        self.shown: tuple[tuple[str, str], ...] = ()
        self._filling, self._again = False, False

    # -- what the window asks ------------------------------------------------------------------

    def set_fonts(self, heading_px: int, row_px: int) -> None:
        """Margins grow with the text: a 4K board is a 1080p one, twice as fine."""
        self.layout().setContentsMargins(*[round(heading_px / 3)] * 4)  # 9 px on 1080 lines
        self.layout().setSpacing(round(heading_px / 4.8))
        for label in (self.title, self.mark):
            font = QFont(label.font())
            font.setPixelSize(heading_px)
            font.setBold(True)
            label.setFont(font)
        self.row_font = QFont(self.font())
        self.row_font.setPixelSize(row_px)
        self.row_font.setBold(True)
        for pair in self.labels:
            for label in pair:
                label.setFont(self.row_font)
        metrics = QFontMetrics(self.row_font)
        self.grid.setVerticalSpacing(max(2, metrics.height() // 8))
        self.grid.setHorizontalSpacing(metrics.horizontalAdvance("  "))
        self.gap = metrics.horizontalAdvance("MM")
        self.set_min_rows(self.min_rows)

    def set_min_rows(self, rows: int) -> None:
        self.min_rows = rows
        metrics = QFontMetrics(self.row_font)
        self.body.setMinimumHeight(rows * metrics.height() + (rows - 1) * self.grid.verticalSpacing())
        self._refit()

    def set_rows(self, rows: list[tuple[str, str]]) -> None:
        """Keeps the page on show: a board refilled by every event must still turn its pages."""
        if rows != self.rows:
            self.rows = list(rows)
            self._refit()

    def turn(self) -> None:
        if len(self.pages) > 1:
            self.page = (self.page + 1) % len(self.pages)
            self._refit()

    # -- layout --------------------------------------------------------------------------------

    def eventFilter(self, watched, event) -> bool:
        if watched is self.body and event.type() == QEvent.Type.Resize:
            self._refit()
        return super().eventFilter(watched, event)

    def _refit(self) -> None:
        """Rows and columns from the body's size and the row font, then the page to show. Showing a
        label lays the body out at once, which can resize it: that asks again, after this fill."""
        if self._filling:
            self._again = True
            return
        self._filling, self._again = True, True
        try:
            for _ in range(3):  # the body's size does not follow its rows: it settles at once
                if not self._again:
                    break
                self._again = False
                self._fit_and_fill()
        finally:
            self._filling = False

    def _fit_and_fill(self) -> None:
        metrics = QFontMetrics(self.row_font)
        gap_v, gap_h = self.grid.verticalSpacing(), self.grid.horizontalSpacing()
        self.per_column = max(1, (self.body.height() + gap_v) // (metrics.height() + gap_v))
        short = max((metrics.horizontalAdvance(row[1 - self.name_at]) for row in self.rows), default=0)
        column = short + gap_h + metrics.horizontalAdvance(self.name_room)
        between = self.gap + 2 * gap_h  # a gap column and the spacing on each side of it
        fit = max(1, (self.body.width() + between) // (column + between))
        self.columns = min(self.max_columns, fit, max(1, -(-len(self.rows) // self.per_column)))
        per_page = self.per_column * self.columns
        self.pages = paginate(self.rows, per_page) if self.paged else [tuple(self.rows[:per_page])]
        self.page = min(self.page, len(self.pages) - 1)
        self._show_page()

    def _show_page(self) -> None:
        shown = self.pages[self.page]
        self.mark.setText(f"{self.page + 1}/{len(self.pages)}" if len(self.pages) > 1 else "")
        while len(self.labels) < len(shown):
            pair = tuple(fit_label(align=RIGHT if side else LEFT, hug=side != self.name_at) for side in (0, 1))
            for label in pair:
                label.setFont(self.row_font)
            self.labels.append(pair)
        while self.grid.count():
            self.grid.takeAt(0)
        # Down the columns, then across: a sorted list (Loket 1, 2, 3…) is read top to bottom.
        for i, pair in enumerate(self.labels):
            if i < len(shown):
                row, col = i % self.per_column, (i // self.per_column) * 3
                for side, label in enumerate(pair):
                    label.setText(shown[i][side])
                    self.grid.addWidget(label, row, col + side)
                    if label.isHidden():
                        label.show()
            else:
                for label in pair:
                    label.hide()
                    label.setText("")
        for col in range(3 * self.max_columns):  # name, short, gap; name, short, gap…
            name_col = col % 3 == self.name_at and col < 3 * self.columns
            self.grid.setColumnStretch(col, 1 if name_col else 0)
            self.grid.setColumnMinimumWidth(col, self.gap if col % 3 == 2 and col < 3 * self.columns - 1 else 0)
        for row in range(self.grid.rowCount()):
            self.grid.setRowStretch(row, 0)
        self.grid.setRowStretch(self.per_column, 1)  # the rows sit at the top
        self.shown = shown
