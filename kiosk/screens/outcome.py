"""The screens after the touch: printing, done (the number, large), failed, out of service."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QHBoxLayout, QPushButton, QVBoxLayout, QWidget

from mpp_client.texts import count_text

from ..presenter import Screen
from ..texts import TEXTS
from .common import Spinner, label, local_name, page_widget, t

CENTER = Qt.AlignmentFlag.AlignCenter


def _centered_page(owner: QWidget) -> QVBoxLayout:
    page, layout = page_widget()
    outer = QVBoxLayout(owner)
    outer.setContentsMargins(0, 0, 0, 0)
    outer.addWidget(page)
    layout.setContentsMargins(60, 24, 60, 32)
    layout.setSpacing(18)
    return layout


class PrintingPage(QWidget):
    def __init__(self):
        super().__init__()
        layout = _centered_page(self)
        layout.addStretch(2)
        self.spinner = Spinner(180)
        layout.addWidget(self.spinner, 0, CENTER)
        self.message = label("", "bigMessage", align=CENTER)
        layout.addWidget(self.message)
        self.service = label("", "detail", align=CENTER)
        layout.addWidget(self.service)
        layout.addStretch(3)

    def render(self, screen: Screen) -> None:
        self.message.setText(screen.message or t(screen.language, "printing"))
        self.service.setText(local_name(screen.service or {}, screen.language))


class DonePage(QWidget):
    """The number as large as the screen allows, and where the paper is."""

    finished = Signal()

    def __init__(self):
        super().__init__()
        layout = _centered_page(self)
        layout.addStretch(1)
        self.your_number = label("", "subtitle", align=CENTER)
        layout.addWidget(self.your_number)
        self.code = label("", "bigCode", wrap=False, align=CENTER)
        self.code.setObjectName("bigCode")
        layout.addWidget(self.code)
        self.service = label("", "bigMessage", align=CENTER)
        layout.addWidget(self.service)
        self.priority = label("", "subtitle", align=CENTER)
        layout.addWidget(self.priority)
        self.ahead = label("", "detail", align=CENTER)
        layout.addWidget(self.ahead)
        layout.addStretch(1)
        self.take = label("", "takeBanner", align=CENTER)
        layout.addWidget(self.take)
        self.below = label("", "subtitle", align=CENTER)
        layout.addWidget(self.below)
        layout.addStretch(1)
        row = QHBoxLayout()
        self.finish = QPushButton()
        self.finish.setObjectName("primary")
        self.finish.setMinimumWidth(420)
        self.finish.clicked.connect(self.finished)
        row.addStretch(1)
        row.addWidget(self.finish)
        row.addStretch(1)
        layout.addLayout(row)

    def render(self, screen: Screen) -> None:
        language, ticket = screen.language, screen.ticket or {}
        self.your_number.setText(t(language, "your_number"))
        self.code.setText(ticket.get("code", ""))
        service = {"name": ticket.get("service_name") or ticket.get("service", "")}
        if screen.service and screen.service.get("code") == ticket.get("service"):
            service = screen.service
        self.service.setText(local_name(service, language))
        marks = [t(language, "priority_of", name=ticket["priority_name"])] if ticket.get("priority_name") else []
        slot = (ticket.get("appointment") or {}).get("slot")
        if slot:  # checked in from a booking: its slot, as the paper says
            marks.append(t(language, "appointment_at", slot=slot.replace(":", ".") if language == "id" else slot))
        self.priority.setText("   ·   ".join(marks))
        self.priority.setVisible(bool(marks))
        ahead = [count_text((TEXTS,), language, "ahead", ticket.get("ahead") or 0)]
        if ticket.get("est_wait_min"):
            ahead.append(f"{t(language, 'est_wait')} {t(language, 'wait_estimate', n=ticket['est_wait_min'])}")
        self.ahead.setText("   ·   ".join(ahead))
        self.take.setText("▼  " + (screen.message or t(language, "take_your_ticket")) + "  ▼")
        self.below.setText(t(language, "take_below"))
        self.finish.setText(t(language, "finish"))


class Sign(QWidget):
    """A round sign with a mark in it, drawn by the stylesheet (no image files to ship)."""

    def __init__(self, mark: str, color: str):
        super().__init__()
        self.setFixedSize(180, 180)
        inner = label(mark, None, wrap=False, align=CENTER)
        inner.setStyleSheet(f"background: {color}; color: white; border-radius: 90px; font-size: 110px;"
                            "font-weight: 900;")
        inner.setFixedSize(180, 180)
        box = QVBoxLayout(self)
        box.setContentsMargins(0, 0, 0, 0)
        box.addWidget(inner)


class MessagePage(QWidget):
    """Failed (a ticket was not printed or not given) and out of service (no server, no printer)."""

    home_requested = Signal()

    def __init__(self, kind: str):
        super().__init__()
        self.kind = kind
        layout = _centered_page(self)
        layout.addStretch(2)
        failed = kind == "failed"
        layout.addWidget(Sign("!" if failed else "i", "#B71C1C" if failed else "#00695C"), 0, CENTER)
        self.message = label("", "failMessage" if failed else "bigMessage", align=CENTER)
        layout.addWidget(self.message)
        self.detail = label("", "detail", align=CENTER)
        layout.addWidget(self.detail)
        self.hint = label("", "subtitle", align=CENTER)
        layout.addWidget(self.hint)
        layout.addStretch(2)
        self.home = QPushButton()
        self.home.setObjectName("primary")
        self.home.setMinimumWidth(480)
        self.home.clicked.connect(self.home_requested)
        self.home.setVisible(failed)  # out of service has nowhere to go: it comes back by itself
        row = QHBoxLayout()
        row.addStretch(1)
        row.addWidget(self.home)
        row.addStretch(1)
        layout.addLayout(row)
        layout.addStretch(1)

    def render(self, screen: Screen) -> None:
        language = screen.language
        self.message.setText(screen.message or "")
        self.detail.setText(screen.detail or "")
        self.detail.setVisible(bool(screen.detail))
        self.hint.setText(t(language, "retrying") if self.kind == "out_of_service" else "")
        self.home.setText(t(language, "to_home"))
