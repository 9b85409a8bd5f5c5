"""The first screen of an app without a device token (offscreen): a token typed or scanned (a barcode
scanner types it and presses Enter) is checked and saved in the app's settings file, the file's other
values kept; the display board without a token asks instead of exiting."""

import json

from PySide6.QtCore import Qt

from mpp_client.settings import AppSettings
from mpp_client.token_prompt import TokenPrompt, save_token

TOKEN = "pX2NuPO06GMhYJb_KI0SnjkOgm_ohkcmBfQRj-IRHI0"


def test_a_scanned_token_ending_with_enter_is_accepted(qtbot):
    prompt = TokenPrompt("kiosk", "http://192.168.1.10:8080")
    qtbot.addWidget(prompt)
    prompt.show()
    qtbot.keyClicks(prompt.field, TOKEN)
    qtbot.keyClick(prompt.field, Qt.Key.Key_Return)
    assert prompt.result() == TokenPrompt.DialogCode.Accepted and prompt.token == TOKEN


def test_a_wrong_token_is_refused_in_indonesian_and_the_prompt_stays(qtbot):
    prompt = TokenPrompt("display", "http://192.168.1.10:8080")
    qtbot.addWidget(prompt)
    prompt.show()
    qtbot.mouseClick(prompt.save_button, Qt.MouseButton.LeftButton)
    assert prompt.error.text() == "Token wajib diisi." and prompt.isVisible()
    qtbot.keyClicks(prompt.field, "bukan token!")
    qtbot.keyClick(prompt.field, Qt.Key.Key_Return)
    assert "Periksa lagi" in prompt.error.text() and prompt.token is None and prompt.isVisible()
    assert "Layar ini belum punya token" in prompt.intro.text()


def test_the_token_is_saved_in_the_settings_file_keeping_the_rest(tmp_path):
    path = tmp_path / "display.json"
    path.write_text(json.dumps({"server_url": "http://10.0.0.2:8080", "options": {"silent": True}}), encoding="utf-8")
    save_token("display", TOKEN, path)
    again = AppSettings.load("display", path)
    assert (again.token, again.server_url, again.options["silent"]) == (TOKEN, "http://10.0.0.2:8080", True)


def test_the_board_without_a_token_no_longer_exits_before_asking(tmp_path):
    from display_board.app import parse_args, resolve_config

    config = resolve_config(parse_args(["--settings", str(tmp_path / "none.json")]))
    assert config.token == ""  # main() then shows the prompt
