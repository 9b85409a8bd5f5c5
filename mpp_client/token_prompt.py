"""The first screen of an app started without its device token: the technician types it, or scans the
pairing QR the admin's page shows with a barcode scanner that types (and presses Enter). The token
goes into the app's settings file, so the next start needs nothing."""

from __future__ import annotations

import re

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialog, QLabel, QLineEdit, QPushButton, QVBoxLayout

from .settings import AppSettings

# `secrets.token_urlsafe(32)` gives 43 characters; older tokens may be longer or shorter.
TOKEN = re.compile(r"^[A-Za-z0-9_-]{16,200}$")
KIND_WORDS = {"kiosk": "anjungan", "display": "layar", "counter": "PC loket"}


def token_problem(text: str) -> str | None:
    """Why `text` cannot be a device token (in Indonesian), or None."""
    if not text:
        return "Token wajib diisi."
    if not TOKEN.match(text):
        return "Token hanya berisi huruf, angka, '-' dan '_' (paling sedikit 16). Periksa lagi."
    return None


class TokenPrompt(QDialog):
    """Asks for the device token; `token` is the accepted one."""

    def __init__(self, kind: str, server_url: str, parent=None):
        super().__init__(parent)
        self.token: str | None = None
        self.setWindowTitle("Token perangkat")
        words = KIND_WORDS.get(kind, kind)
        self.intro = QLabel(f"{words.capitalize()} ini belum punya token untuk server {server_url}.\n"
                            "Ketik token dari halaman Administrasi › Perangkat, atau pindai kode QR-nya.")
        self.intro.setWordWrap(True)
        self.field = QLineEdit()
        self.field.setObjectName("token")
        self.field.setPlaceholderText("Token perangkat")
        self.field.setAccessibleName("Token perangkat")
        label = QLabel("&Token perangkat")
        label.setBuddy(self.field)
        self.error = QLabel("")
        self.error.setObjectName("error")
        self.error.setWordWrap(True)
        self.error.setTextFormat(Qt.TextFormat.PlainText)
        self.save_button = QPushButton("Simpan")
        self.save_button.setDefault(True)
        layout = QVBoxLayout(self)
        for widget in (self.intro, label, self.field, self.error, self.save_button):
            layout.addWidget(widget)
        self.field.returnPressed.connect(self.submit)  # a scanner ends with Enter
        self.save_button.clicked.connect(self.submit)

    def submit(self) -> None:
        text = self.field.text().strip()
        problem = token_problem(text)
        if problem:
            self.error.setText(problem)
            self.field.selectAll()
            return
        self.token = text
        self.accept()


def ask_token(app: str, kind: str, server_url: str, settings_path=None) -> str | None:
    """Show the prompt; the token typed is saved in the app's settings file (the file's other values
    kept). None when the person closed it."""
    prompt = TokenPrompt(kind, server_url)
    if prompt.exec() != QDialog.DialogCode.Accepted or not prompt.token:
        return None
    save_token(app, prompt.token, settings_path)
    return prompt.token


def save_token(app: str, token: str, settings_path=None) -> None:
    settings = AppSettings.load(app, settings_path)
    settings.token = token
    settings.save()
