"""What every kiosk screen shares: the one stylesheet, the word lookup (`t`),
touch scrolling and the tile button (a big button with a title and a smaller line)."""

from __future__ import annotations

from PySide6.QtCore import QRectF, Qt, QTimer
from PySide6.QtGui import QColor, QPainter, QPen
from PySide6.QtWidgets import (QFrame, QLabel, QPushButton, QScrollArea, QScroller, QScrollerProperties,
                               QSizePolicy, QVBoxLayout, QWidget)

from ..texts import TEXTS, text

TEAL = "#00695C"
TEAL_DARK = "#004D40"
AMBER = "#FFB300"
RED = "#B71C1C"
GREEN = "#1B5E20"

# The screens' words are in texts.py with the presenter's: one table, one lookup.
t = text


def local_name(item: dict, language: str) -> str:
    """A service or category in the citizen's language, when the site file gives one."""
    return (language == "en" and item.get("name_en")) or item.get("short_name") or item.get("name") or ""


def unavailable_reason(service: dict, language: str) -> str:
    reason = service.get("reason")
    if language == "id" and service.get("message"):
        return service["message"]  # the server's own words (e.g. "Istirahat salat Jumat")
    if reason and f"reason.{reason}" in TEXTS["id"]:
        return t(language, f"reason.{reason}")
    return t(language, "unavailable")


STYLESHEET = f"""
QWidget {{ font-family: "Segoe UI", "Noto Sans", "Liberation Sans", "DejaVu Sans"; font-size: 24px;
           color: #102A27; }}
QMainWindow, #page {{ background: #EEF4F2; }}
#header {{ background: {TEAL_DARK}; }}
#header QLabel {{ color: white; }}
#header #logo {{ background: white; color: {TEAL_DARK}; border-radius: 14px; font-size: 32px; font-weight: 900; }}
#siteName {{ font-size: 32px; font-weight: 700; }}
#siteAddress {{ font-size: 18px; color: #B2DFDB; }}
#clockDate {{ font-size: 22px; color: #E0F2F1; }}
#clockTime {{ font-size: 44px; font-weight: 700; }}
#title {{ font-size: 44px; font-weight: 800; color: {TEAL_DARK}; }}
#subtitle {{ font-size: 28px; color: #37514D; }}
#small {{ font-size: 20px; color: #455A64; }}
QPushButton {{ min-height: 64px; border-radius: 14px; padding: 8px 24px; font-size: 26px; font-weight: 600;
               background: white; color: {TEAL_DARK}; border: 3px solid {TEAL}; }}
QPushButton:pressed {{ background: #B2DFDB; }}
QPushButton#agencyTile {{ background: {TEAL}; border: none; min-height: 128px; }}
QPushButton#agencyTile:pressed {{ background: {TEAL_DARK}; }}
#agencyTile QLabel {{ color: white; }}
#tileTitle {{ font-size: 34px; font-weight: 800; }}
#tileLine {{ font-size: 18px; }}
QPushButton#serviceCard {{ background: white; border: 2px solid #B0C4C0; min-height: 120px; text-align: left; }}
QPushButton#serviceCard:pressed {{ background: #E0F2F1; }}
#serviceCard QLabel {{ color: #102A27; }}
#serviceCard #tileTitle {{ font-size: 28px; font-weight: 700; }}
#serviceCard #tileLine {{ font-size: 21px; color: #37514D; }}
QPushButton#takeTicket {{ background: {AMBER}; color: #1A1A1A; border: none; min-height: 150px;
                          font-size: 46px; font-weight: 800; border-radius: 22px; }}
QPushButton#takeTicket:pressed {{ background: #FF8F00; }}
QPushButton#takeTicket:disabled {{ background: #CFD8DC; color: #485F69; font-size: 32px; }}
QPushButton#priority {{ min-height: 84px; font-size: 24px; }}
QPushButton#priority:checked {{ background: {TEAL}; color: white; }}
QPushButton#primary {{ background: {TEAL}; color: white; border: none; min-height: 96px; font-size: 32px; }}
QPushButton#primary:pressed {{ background: {TEAL_DARK}; }}
QPushButton#appointmentTile {{ background: white; border: 4px solid {TEAL_DARK}; min-height: 110px; }}
QPushButton#appointmentTile:pressed {{ background: #B2DFDB; }}
#appointmentTile #tileTitle {{ font-size: 32px; color: {TEAL_DARK}; }}
#appointmentTile #tileLine {{ font-size: 22px; color: #263238; }}
QPushButton#charKey {{ min-height: 72px; min-width: 0; padding: 0; font-size: 36px; font-weight: 700; }}
#bookingCode {{ min-height: 88px; font-size: 44px; font-weight: 700; color: {TEAL_DARK}; background: white;
                border: 3px solid {TEAL}; border-radius: 14px; padding: 0 20px; }}
#checkInError {{ font-size: 30px; font-weight: 700; color: {RED}; }}
QPushButton#key {{ min-height: 96px; min-width: 150px; font-size: 44px; font-weight: 700; }}
#requirement {{ font-size: 30px; padding: 8px 0; }}
#panelTitle {{ font-size: 32px; font-weight: 800; color: {TEAL_DARK}; }}
#panel {{ background: white; border-radius: 18px; border: 2px solid #D5E3E0; }}
#bigCode {{ font-size: 220px; font-weight: 900; color: {TEAL_DARK}; }}
#takeBanner {{ background: {AMBER}; color: #1A1A1A; font-size: 44px; font-weight: 800; border-radius: 20px;
               padding: 24px; }}
#bigMessage {{ font-size: 44px; font-weight: 800; color: {TEAL_DARK}; }}
#failMessage {{ font-size: 44px; font-weight: 800; color: {RED}; }}
#detail {{ font-size: 28px; color: #263238; }}
#pinDots {{ font-size: 64px; font-weight: 800; color: {TEAL_DARK}; letter-spacing: 12px; }}
#staffInfo {{ font-size: 22px; }}
QScrollArea, QScrollArea > QWidget > QWidget {{ background: transparent; border: none; }}
QScrollBar:vertical {{ width: 14px; background: transparent; }}
QScrollBar::handle:vertical {{ background: #90A4AE; border-radius: 7px; min-height: 60px; }}
QScrollBar::add-line, QScrollBar::sub-line {{ height: 0; }}
"""


# Set on the pill itself: switching a widget's rule by objectName does not redo its padding.
PILL_STYLE = {
    True: f"background: #C8E6C9; color: {GREEN}; border-radius: 10px; padding: 4px 14px; font-size: 20px; "
          "font-weight: 700;",
    False: f"background: #FFCDD2; color: {RED}; border-radius: 10px; padding: 4px 14px; font-size: 20px; "
           "font-weight: 700;",
}


def label(text: str = "", name: str | None = None, wrap: bool = True, align=None) -> QLabel:
    widget = QLabel(text)
    widget.setTextFormat(Qt.PlainText)  # names and requirements are staff text: markup in them never renders
    if name:
        widget.setObjectName(name)
    widget.setWordWrap(wrap)
    if align is not None:
        widget.setAlignment(align)
    return widget


def discard(widget: QWidget) -> None:
    """Take a widget off the screen now (deleteLater alone leaves it laid out until the next loop)."""
    parent_layout = widget.parentWidget().layout() if widget.parentWidget() else None
    if parent_layout is not None:
        parent_layout.removeWidget(widget)
    widget.hide()
    widget.deleteLater()


def clear_layout(layout) -> None:
    while layout.count():
        item = layout.takeAt(0)
        if item.widget() is not None:
            item.widget().hide()
            item.widget().deleteLater()


def styled(widget: QWidget, name: str) -> QWidget:
    """A plain QWidget draws a stylesheet background only with WA_StyledBackground."""
    widget.setObjectName(name)
    widget.setAttribute(Qt.WidgetAttribute.WA_StyledBackground)
    return widget


def page_widget() -> tuple[QWidget, QVBoxLayout]:
    page = styled(QWidget(), "page")
    layout = QVBoxLayout(page)
    layout.setContentsMargins(40, 24, 40, 24)
    layout.setSpacing(16)
    return page, layout


def touch_scroll_area(content: QWidget) -> QScrollArea:
    """A scroll area a finger (or a mouse drag) scrolls like a phone."""
    area = QScrollArea()
    area.setWidgetResizable(True)
    area.setFrameShape(QFrame.Shape.NoFrame)
    area.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
    area.setWidget(content)
    QScroller.grabGesture(area.viewport(), QScroller.ScrollerGestureType.LeftMouseButtonGesture)
    scroller = QScroller.scroller(area.viewport())
    properties = scroller.scrollerProperties()
    # Qt holds a press 0.25 s to tell a tap from a drag: too slow a reply to a touch on a tile.
    properties.setScrollMetric(QScrollerProperties.ScrollMetric.MousePressEventDelay, 0.08)
    properties.setScrollMetric(QScrollerProperties.ScrollMetric.OvershootDragResistanceFactor, 0.3)
    scroller.setScrollerProperties(properties)
    return area


class TileButton(QPushButton):
    """A button with a big title and smaller lines under it (QPushButton has one font only)."""

    def __init__(self, name: str, title: str = "", lines: int = 1):
        super().__init__()
        self.setObjectName(name)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(24, 14, 24, 14)
        layout.setSpacing(6)
        self.title = label(title, "tileTitle")
        layout.addWidget(self.title)
        self.lines = []
        for _ in range(lines):
            line = label("", "tileLine")
            layout.addWidget(line)
            self.lines.append(line)
        self.extra = layout
        for child in self.findChildren(QLabel):
            child.setAttribute(Qt.WidgetAttribute.WA_TransparentForMouseEvents)

    def add_row(self, widget: QWidget) -> None:
        widget.setAttribute(Qt.WidgetAttribute.WA_TransparentForMouseEvents)
        for child in widget.findChildren(QWidget):
            child.setAttribute(Qt.WidgetAttribute.WA_TransparentForMouseEvents)
        self.extra.addWidget(widget)

    def sizeHint(self):
        return self.layout().sizeHint()

    def minimumSizeHint(self):
        return self.layout().minimumSize()


class Spinner(QWidget):
    """A turning arc: the kiosk is working. Runs only while shown (no timer left behind)."""

    def __init__(self, size: int = 160):
        super().__init__()
        self.setFixedSize(size, size)
        self.angle = 0
        self.timer = QTimer(self)
        self.timer.setInterval(40)
        self.timer.timeout.connect(self._turn)

    def _turn(self) -> None:
        self.angle = (self.angle + 12) % 360
        self.update()

    def showEvent(self, event):
        self.timer.start()
        super().showEvent(event)

    def hideEvent(self, event):
        self.timer.stop()
        super().hideEvent(event)

    def paintEvent(self, event):
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        rect = QRectF(12, 12, self.width() - 24, self.height() - 24)
        painter.setPen(QPen(QColor("#B2DFDB"), 16))
        painter.drawEllipse(rect)
        pen = QPen(QColor(TEAL), 16)
        pen.setCapStyle(Qt.PenCapStyle.RoundCap)
        painter.setPen(pen)
        painter.drawArc(rect, -self.angle * 16, 100 * 16)
