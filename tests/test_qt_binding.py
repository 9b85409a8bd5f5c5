"""The Qt binding itself: calls the apps make thousands of times a day must not corrupt Python.

PySide6 6.12.0 returned None without taking a reference for a Qt call that returns no object;
every such call drops None's count by one until Python aborts ("none_dealloc: deallocating
None"). The hall display did that in a simulated morning after a few hundred calls."""

import os
import sys

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import pytest  # noqa: E402
from PySide6.QtWidgets import QApplication, QGridLayout, QLabel, QListWidget, QSpacerItem, QWidget  # noqa: E402


@pytest.fixture(scope="module")
def qt():
    return QApplication.instance() or QApplication([])


def calls_returning_nothing():
    label, listing, host = QLabel(), QListWidget(), QWidget()
    grid = QGridLayout(host)
    grid.addItem(QSpacerItem(1, 1), 0, 0)
    return {
        "parent()": label.parent,
        "property() of an unset name": lambda: label.property("heading"),
        "currentItem()": listing.currentItem,
        "layout item widget()": lambda: grid.itemAt(0).widget(),
        "focusWidget()": host.focusWidget,
    }, (label, listing, host, grid)


@pytest.mark.parametrize("name", ["parent()", "property() of an unset name", "currentItem()",
                                  "layout item widget()", "focusWidget()"])
def test_a_qt_call_returning_nothing_keeps_none_alive(qt, name):
    calls, _keep = calls_returning_nothing()
    call = calls[name]
    assert call() is None
    before = sys.getrefcount(None)
    results = [call() for _ in range(500)]  # each held: 500 references more, never fewer
    after = sys.getrefcount(None)
    assert after >= before + 500 - 5, f"{name} dropped {before + 500 - after} references to None"
    del results
