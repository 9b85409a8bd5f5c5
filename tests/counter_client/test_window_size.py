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


def test_the_compact_window_fits_with_the_transfer_panel_open(qtbot):
    """Regression: the compact window needed 769 px once the transfer list opened (laptop: 728)."""
    from counter_client.presenter import Screen
    from counter_client.window import COMPACT_SIZE, CounterWindow

    window = CounterWindow(compact=True)
    qtbot.addWidget(window)
    window.resize(*COMPACT_SIZE)
    window.show()
    qtbot.waitExposed(window)
    counter = {"code": "L12", "name": "Loket 12", "status": "paused"}
    ticket = {"code": "A-007", "service": "Paspor baru", "status": "serving", "waited": 12, "called_ago": 3,
              "recalls": 1}
    screen = Screen(stage="working", counter=counter, panel="transfer", ticket_lines=ticket,
                    services=tuple((f"S{n}", f"Layanan nomor {n}") for n in range(12)),
                    queue_lines=(("Paspor", "A", 3, 12), ("KTP", "B", 0, 0)),
                    banner="Sambungan ke server terputus; menyambung ulang…",
                    error="Jawaban server hilang; status loket dibaca ulang. Periksa dulu sebelum melanjutkan.")
    window.show(screen)
    qtbot.wait(10)
    window.centralWidget().layout().activate()
    work = window.pages["working"]
    work.layout().activate()
    assert window.minimumSizeHint().height() <= COMPACT_SIZE[1] <= LAPTOP_ROOM[1]
    assert (window.width(), window.height()) == COMPACT_SIZE  # it did not grow past its size
    for widget in (work.counter_name, work.status, work.compact, work.change, work.logout):  # none squeezed
        assert widget.width() >= widget.minimumSizeHint().width(), widget.text()
        assert widget.mapTo(window, widget.rect().bottomRight()).x() < COMPACT_SIZE[0], widget.text()
    window.show(Screen(stage="working", counter=counter, queue_lines=screen.queue_lines))
    assert window.pages["working"].queues.isVisible()  # the counts come back when the panel closes
