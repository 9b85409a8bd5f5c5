"""The counter app fits the office PCs it runs on: a 1366×768 laptop with a taskbar."""

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import pytest  # noqa: E402

LAPTOP_ROOM = (1366, 768 - 40)  # what a maximised window gets above a Windows taskbar


@pytest.mark.parametrize("compact", [False, True])
def test_the_window_never_needs_more_than_a_laptop_screen(qtbot, compact):
    from counter_client.window import COMPACT_SIZE, WIDE_SIZE, CounterWindow

    window = CounterWindow(compact=compact)
    qtbot.addWidget(window)
    size = COMPACT_SIZE if compact else (LAPTOP_ROOM[0], LAPTOP_ROOM[1])
    window.resize(*size)
    window.show()
    qtbot.waitExposed(window)
    for page in ("login", "choose", "working"):
        window.stack.setCurrentWidget(window.pages[page])
        qtbot.wait(0)
        needed = window.minimumSizeHint()
        assert needed.height() <= size[1] and needed.width() <= size[0], (page, needed)
    assert (window.width(), window.height()) == size
    if not compact:  # a transfer question opens: still within the whole screen
        window.pages["working"].panel.show()
        assert window.minimumSizeHint().height() <= WIDE_SIZE[1]
