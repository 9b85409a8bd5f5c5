"""Text that staff type in the administration (names, requirements, running text) shows as text in
the apps: the labels that show it never read it as markup (a QLabel's default guesses rich text)."""

import pytest
from PySide6.QtCore import Qt

MARKUP = '<b>Layanan</b> <img src="x"> & <a href="http://x">tautan</a>'


def kiosk_label():
    from kiosk.screens.common import label
    return label(MARKUP)


def kiosk_site_name():
    from kiosk.window import FitLabel
    return FitLabel(MARKUP)


def board_label():
    from display_board.fit_label import FitLabel
    return FitLabel(MARKUP, rows=2)


def counter_label():
    from counter_client.window import _label
    return _label(MARKUP)


@pytest.mark.parametrize("make", [kiosk_label, kiosk_site_name, board_label, counter_label])
def test_labels_with_staff_text_show_it_as_plain_text(qtbot, make):
    widget = make()
    qtbot.addWidget(widget)
    assert widget.textFormat() == Qt.PlainText
    assert MARKUP in (getattr(widget, "full_text", None) or widget.text())
