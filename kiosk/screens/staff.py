"""The staff menu, behind a PIN: test print, printer status, reload the catalog, server address."""

from __future__ import annotations

import hmac

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QGridLayout, QHBoxLayout, QPushButton, QStackedLayout, QVBoxLayout, QWidget

from .common import styled, label, page_widget, t

MAX_WRONG_PINS = 3  # then back to the citizen's screen: guessing takes a walk back to the corner


class StaffPage(QWidget):
    leave_requested = Signal()
    test_print_requested = Signal()
    printer_check_requested = Signal()
    reload_requested = Signal()
    quit_requested = Signal()

    def __init__(self, pin: str | None):
        super().__init__()
        self.pin = pin
        self.typed = ""
        self.wrong = 0
        page, layout = page_widget()
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        outer.addWidget(page)
        self.stack = QStackedLayout()
        layout.addLayout(self.stack)
        self.pad = self._pin_pad()
        self.menu = self._menu()
        self.stack.addWidget(self.pad)
        self.stack.addWidget(self.menu)

    # ------------------------------------------------------------ PIN pad

    def _pin_pad(self) -> QWidget:
        pad = QWidget()
        layout = QVBoxLayout(pad)
        layout.addStretch(1)
        layout.addWidget(label(t("id", "staff_pin"), "title", align=Qt.AlignmentFlag.AlignCenter))
        self.dots = label("", "pinDots", wrap=False, align=Qt.AlignmentFlag.AlignCenter)
        self.dots.setMinimumHeight(90)
        layout.addWidget(self.dots)
        self.pin_message = label("", "failMessage", align=Qt.AlignmentFlag.AlignCenter)
        layout.addWidget(self.pin_message)
        keys = QGridLayout()
        keys.setSpacing(16)
        for index, key in enumerate(["1", "2", "3", "4", "5", "6", "7", "8", "9",
                                     t("id", "clear"), "0", t("id", "ok")]):
            button = QPushButton(key)
            button.setObjectName("key")
            button.clicked.connect(lambda _=False, key=key: self._key(key))
            keys.addWidget(button, index // 3, index % 3)
        row = QHBoxLayout()
        row.addStretch(1)
        row.addLayout(keys)
        row.addStretch(1)
        layout.addLayout(row)
        cancel = QPushButton(t("id", "cancel"))
        cancel.setMinimumWidth(300)
        cancel.clicked.connect(self.leave_requested)
        layout.addSpacing(24)
        layout.addWidget(cancel, 0, Qt.AlignmentFlag.AlignCenter)
        layout.addStretch(1)
        return pad

    def _key(self, key: str) -> None:
        if key == t("id", "clear"):
            self.typed = ""
        elif key == t("id", "ok"):
            self._check()
            return
        elif len(self.typed) < 12:
            self.typed += key
        self.dots.setText("●" * len(self.typed))

    def _check(self) -> None:
        if self.pin and hmac.compare_digest(self.typed.encode(), self.pin.encode()):
            self.stack.setCurrentWidget(self.menu)
            self.printer_check_requested.emit()
        else:
            self.wrong += 1
            self.pin_message.setText(t("id", "wrong_pin"))
            if self.wrong >= MAX_WRONG_PINS:
                self.leave_requested.emit()
        self.typed = ""
        self.dots.setText("")

    # ------------------------------------------------------------ menu

    def _menu(self) -> QWidget:
        menu = QWidget()
        layout = QVBoxLayout(menu)
        layout.addWidget(label(t("id", "staff_menu"), "title"))
        layout.addWidget(label(t("id", "staff_hint"), "subtitle"))
        panel = styled(QWidget(), "panel")
        info = QVBoxLayout(panel)
        info.setContentsMargins(28, 20, 28, 20)
        self.server = label("", "staffInfo")
        self.profile = label("", "staffInfo")
        self.printer = label("", "staffInfo")
        self.result = label("", "staffInfo")
        for widget in (self.server, self.profile, self.printer, self.result):
            info.addWidget(widget)
        layout.addWidget(panel)
        buttons = QGridLayout()
        buttons.setSpacing(16)
        actions = [("test_print", self.test_print_requested), ("printer_check", self.printer_check_requested),
                   ("reload_catalog", self.reload_requested), ("leave_staff", self.leave_requested),
                   ("quit_app", self.quit_requested)]
        for index, (key, signal) in enumerate(actions):
            button = QPushButton(t("id", key))
            button.setObjectName("primary" if index < 3 else "")
            button.clicked.connect(signal)
            buttons.addWidget(button, index // 2, index % 2)
        layout.addLayout(buttons)
        layout.addStretch(1)
        return menu

    # ------------------------------------------------------------ what the window tells it

    def open(self) -> None:
        """Every visit starts at the PIN pad."""
        self.typed, self.wrong = "", 0
        self.dots.setText("")
        self.pin_message.setText("")
        self.result.setText("")
        self.stack.setCurrentWidget(self.pad)

    @property
    def unlocked(self) -> bool:
        return self.stack.currentWidget() is self.menu

    def set_info(self, server: str, profile: str) -> None:
        self.server.setText(f"{t('id', 'server_address')}: {server}")
        self.profile.setText(f"{t('id', 'printer_profile')}: {profile}")
        if not self.printer.text():
            self.printer.setText(f"{t('id', 'last_status')}: {t('id', 'unknown')}")

    def set_printer_status(self, ok: bool, reason: str) -> None:
        state = t("id", "printer_ok") if ok else t("id", "printer_down", reason=reason)
        self.printer.setText(f"{t('id', 'last_status')}: {state}")

    def set_result(self, text: str) -> None:
        self.result.setText(text)
