"""A booking's check-in: the code comes from the barcode scanner (it types like a keyboard and
ends with Enter) or from the keys on screen. What the text means is the presenter's business."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QColor, QPalette
from PySide6.QtWidgets import QGridLayout, QHBoxLayout, QLineEdit, QPushButton, QSizePolicy, QWidget

from ..presenter import Screen
from .common import label, page_widget, t

# Digits first (most codes are mostly digits), then the letters as on a keyboard.
KEY_ROWS = ("1234567890", "QWERTYUIOP", "ASDFGHJKL", "ZXCVBNM")
BACKSPACE = "⌫"
MAX_TYPED = 200  # a scanned URL, not a novel


class CheckInPage(QWidget):
    submitted = Signal(str)  # what was scanned or typed, as it came
    back_requested = Signal()

    def __init__(self):
        super().__init__()
        page, layout = page_widget()
        outer = QHBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        outer.addWidget(page)
        top = QHBoxLayout()
        self.back = QPushButton()
        self.back.setMinimumWidth(220)
        self.back.clicked.connect(self.back_requested)
        top.addWidget(self.back, 0, Qt.AlignmentFlag.AlignTop)
        top.addSpacing(12)
        self.title = label("", "title")
        top.addWidget(self.title, 1)
        layout.addLayout(top)
        self.hint = label("", "subtitle")
        layout.addWidget(self.hint)
        # The scanner's keystrokes land here: it keeps the focus (the keys below never take it).
        self.code = QLineEdit()
        self.code.setObjectName("bookingCode")
        self.code.setMaxLength(MAX_TYPED)
        self.code.returnPressed.connect(self._submit)
        palette = self.code.palette()
        palette.setColor(QPalette.ColorRole.PlaceholderText, QColor("#546E6A"))  # 5:1 on white, not Qt's pale grey
        self.code.setPalette(palette)
        layout.addWidget(self.code)
        self.error = label("", "checkInError")
        layout.addWidget(self.error)
        layout.addStretch(1)
        keys = QGridLayout()
        keys.setSpacing(8)
        self.keys: dict[str, QPushButton] = {}
        for row, letters in enumerate(KEY_ROWS):
            for column, key in enumerate(letters):
                keys.addWidget(self._key(key, key), row, column)
        keys.addWidget(self._key(BACKSPACE, BACKSPACE), len(KEY_ROWS) - 1, len(KEY_ROWS[-1]), 1, 3)
        layout.addLayout(keys, 4)
        layout.addSpacing(8)
        self.go = QPushButton()
        self.go.setObjectName("primary")
        self.go.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.go.clicked.connect(self._submit)
        layout.addWidget(self.go)

    def _key(self, key: str, caption: str) -> QPushButton:
        button = QPushButton(caption)
        button.setObjectName("charKey")
        button.setFocusPolicy(Qt.FocusPolicy.NoFocus)  # a touch must not steal the scanner's focus
        button.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Expanding)
        button.setMaximumHeight(130)  # a portrait screen's room makes bigger keys, not a gap
        button.clicked.connect(lambda _=False, key=key: self._press(key))
        self.keys[key] = button
        return button

    def _press(self, key: str) -> None:
        if key == BACKSPACE:
            self.code.backspace()
        else:
            self.code.insert(key)
        self.error.clear()
        self.code.setFocus()

    def _submit(self) -> None:
        typed = self.code.text()
        if typed.strip():
            self.submitted.emit(typed)

    def render(self, screen: Screen) -> None:
        language = screen.language
        self.back.setText("‹  " + t(language, "back"))
        self.title.setText(t(language, "check_in_title"))
        self.hint.setText(t(language, "check_in_scan"))
        self.code.setPlaceholderText(t(language, "booking_code"))
        self.go.setText(t(language, "check_in_go"))
        self.error.setText(screen.message or "")
        self.error.setVisible(bool(screen.message))
        if screen.message:
            self.code.selectAll()  # the next scan (or key) replaces the unreadable text
        elif not self.isVisible():
            self.code.clear()  # a fresh visit (a change of language keeps what is typed)
        self.code.setFocus()
