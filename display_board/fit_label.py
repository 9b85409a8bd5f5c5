"""A label whose text is never cut mid-glyph: a long name is wrapped and elided with "…".

The board is read from 10 m by someone looking for their agency or counter; a name cut at the
label's edge reads as a different word, "Dinas Kependudukan dan Penc…" does not. `text()` is what
is drawn; `full_text` is what was given.
"""

from __future__ import annotations

import math
from itertools import pairwise

from PySide6.QtCore import QEvent, QSize, Qt
from PySide6.QtGui import QFont, QFontMetrics, QFontMetricsF, QTextLayout, QTextOption
from PySide6.QtWidgets import QLabel, QSizePolicy

ELLIPSIS = "…"


def fit_rows(text: str, metrics: QFontMetrics, font: QFont, width: int, rows: int) -> list[str]:
    """`text` wrapped at word boundaries (anywhere in a word too long for a row) into at most `rows`
    rows of `width` pixels; the last row is elided when the text goes on."""
    if metrics.horizontalAdvance(text) <= width:
        return [text]  # elidedText() rounds differently and would elide a text that just fits
    if rows <= 1:
        return [metrics.elidedText(text, Qt.TextElideMode.ElideRight, max(0, width))]
    layout = QTextLayout(text, font)
    option = QTextOption()
    option.setWrapMode(QTextOption.WrapMode.WrapAtWordBoundaryOrAnywhere)
    layout.setTextOption(option)
    starts = []
    layout.beginLayout()
    while len(starts) < rows:
        line = layout.createLine()
        if not line.isValid():
            break
        line.setLineWidth(max(1, width))
        starts.append(line.textStart())
    layout.endLayout()
    bounds = starts + [len(text)]
    shown = [text[a:b].strip() for a, b in pairwise(bounds)]
    shown[-1] = metrics.elidedText(text[starts[-1]:].strip(), Qt.TextElideMode.ElideRight, max(0, width))
    return [row for row in shown if row]


class FitLabel(QLabel):
    """`rows=1`: one row, elided. `rows=2`: wrapped onto two rows, the second elided. `shrink=True`
    (a ticket code, never to be elided): one row, drawn smaller until it fits."""

    def __init__(self, text: str = "", rows: int = 1, shrink: bool = False, parent=None):
        super().__init__(parent)
        self.setTextFormat(Qt.PlainText)  # counter and service names are staff text: markup never renders
        self.full_text, self.rows, self.shrink = "", rows, shrink
        self.base_font = QFont(self.font())  # the size the window asked for; shrinking starts here
        self._fitting = False
        self.setText(text)

    def setText(self, text: str) -> None:
        if text != self.full_text:
            self.full_text = text
            self.updateGeometry()  # the hint is the full text's, even when the drawn text stays "…"
        self._fit()

    def setFont(self, font: QFont) -> None:
        self.base_font = QFont(font)
        super().setFont(font)
        self._fit()

    def sizeHint(self) -> QSize:
        # The full text's size: an elided text must not shrink the box it was elided to fit.
        metrics = QFontMetrics(self.base_font)
        margins = self.contentsMargins()
        exact = QFontMetricsF(self.base_font).horizontalAdvance(self.full_text)
        width = math.ceil(max(exact, metrics.horizontalAdvance(self.full_text))) + margins.left() + margins.right()
        return QSize(width, self._rows_height(metrics, super().text().count("\n") + 1))

    def minimumSizeHint(self) -> QSize:
        metrics = QFontMetrics(self.base_font)
        margins = self.contentsMargins()
        return QSize(metrics.horizontalAdvance(ELLIPSIS) + margins.left() + margins.right(),
                     self._rows_height(metrics, 1))

    def _rows_height(self, metrics: QFontMetrics, rows: int) -> int:
        margins = self.contentsMargins()
        return metrics.height() + (rows - 1) * metrics.lineSpacing() + margins.top() + margins.bottom()

    def resizeEvent(self, event) -> None:
        super().resizeEvent(event)
        self._fit()

    def changeEvent(self, event) -> None:
        super().changeEvent(event)
        if event.type() == QEvent.Type.FontChange:
            self._fit()

    def _fit(self) -> None:
        if self._fitting:
            return
        self._fitting = True
        try:
            width = self.contentsRect().width()
            if self.shrink:
                self._shrink_to(width)
                shown = self.full_text
            else:
                shown = "\n".join(fit_rows(self.full_text, self.fontMetrics(), self.font(), width, self.rows))
            if shown != super().text():
                rows_before = super().text().count("\n")
                super().setText(shown)
                if shown.count("\n") != rows_before:
                    self.updateGeometry()  # one row more or less: the layout gives the height
        finally:
            self._fitting = False

    def _shrink_to(self, width: int) -> None:
        font = QFont(self.base_font)
        size = font.pixelSize()
        advance = QFontMetrics(font).horizontalAdvance(self.full_text)
        if size > 0 and advance > width > 0:
            font.setPixelSize(max(8, int(size * width / advance)))
            while font.pixelSize() > 8 and QFontMetrics(font).horizontalAdvance(self.full_text) > width:
                font.setPixelSize(font.pixelSize() - 1)
        if font != self.font():
            super().setFont(font)


def fit_label(text: str = "", name: str | None = None, align=Qt.AlignmentFlag.AlignCenter, *, rows: int = 1,
              shrink: bool = False, hug: bool = False) -> FitLabel:
    """The layout decides the width: a long name must never widen a full-screen board. `hug`: the
    label asks for its full text's width (a date, a clock, a ticket code) and is elided only when
    even the layout cannot give that."""
    label = FitLabel(text, rows=rows, shrink=shrink)
    label.setAlignment(align)
    if name:
        label.setObjectName(name)
    horizontal = QSizePolicy.Policy.Preferred if hug else QSizePolicy.Policy.Ignored
    label.setSizePolicy(horizontal, QSizePolicy.Policy.Preferred)
    return label
