"""A busy morning on the board: with every counter holding a ticket, the last calls full and every
agency with people waiting, the board keeps exactly its screen's size (the running text at the
bottom stays on screen), every label fits, and every counter and agency comes round on some page.

Regressions: a 1920×1080 board grew to 1920×1192 once its panels filled up; the counters panel
showed only the first 8 counters, so a zone's Loket 32 calling was not on the board at all."""

from datetime import datetime

import pytest
from PySide6.QtWidgets import QApplication

from display_board.presenter import Board, Call, CounterLine, paginate
from tests.conftest import MONDAY_MORNING

from .conftest import save_screenshot
from .test_long_names import SIZES, assert_every_label_fits

AGENCIES = ["Disdukcapil", "Imigrasi", "Samsat", "BPJS Kesehatan", "BPJS Ketenagakerjaan", "Polres", "PLN", "PDAM",
            "Bank HJ", "Kejari", "DPMPTSP", "ATR/BPN", "KPP Pratama", "Bapenda", "Kemenag", "Disnaker",
            "Pengadilan Agama"]
SIZE_NAMES = {(1920, 1080): "1080p", (3840, 2160): "2160p", (1080, 1920): "portrait"}


def busy_board(counters: int, first: int = 1) -> Board:
    """`counters` counters from Loket `first` on, each serving a ticket; 6 last calls; 17 agencies waiting."""
    lines = tuple(CounterLine(f"L{n:02}", f"Loket {n}", "open", f"{'ABCDEFGH'[n % 8]}-{100 + n:03}")
                  for n in range(first, first + counters))
    calls = tuple(Call(line.ticket, line.code, line.name, line.name.lower(), "Perekaman KTP-el")
                  for line in reversed(lines[-7:]))
    return Board(site_name="Mal Pelayanan Publik Kota Harapan Jaya", running_text="Selamat datang di MPP",
                 now_calling=calls[0], highlight=True, counters=lines, recent=calls[1:7],
                 waiting=tuple((name, 3 + i) for i, name in enumerate(AGENCIES)),
                 connected=True, banner=None, ready=True)


@pytest.fixture
def board_window(qtbot):
    from display_board.window import BoardWindow

    window = BoardWindow(now=lambda: datetime.fromisoformat(MONDAY_MORNING))
    qtbot.addWidget(window)
    yield window
    window.ticker.stop()
    window.page_timer.stop()
    window.marquee.timer.stop()


def show_at(qtbot, window, size, board: Board) -> None:
    window.resize(*size)
    window.show()
    qtbot.waitExposed(window)
    window.show_board(board)
    QApplication.sendPostedEvents()
    QApplication.processEvents()


def assert_fits_its_screen(window, size) -> None:
    QApplication.sendPostedEvents()
    QApplication.processEvents()
    hint = window.minimumSizeHint()
    assert (window.width(), window.height()) == size, f"the board is {window.size()} on a {size} screen"
    assert hint.width() <= size[0] and hint.height() <= size[1], f"the board needs {hint} on a {size} screen"
    assert window.marquee.geometry().bottom() < size[1], "the running text is cut off"


def pages_over_a_rotation(qtbot, window, *panels) -> list[list[tuple[str, str]]]:
    """Each panel's rows, page by page, as the window's timer turns them (every label fitting on
    every page): the pages of one panel put together are what it shows over a rotation."""
    seen = [{panel.page: panel.shown} for panel in panels]

    def turned():
        assert_every_label_fits(window)
        for pages, panel in zip(seen, panels, strict=True):
            pages[panel.page] = panel.shown

    window.page_timer.timeout.connect(turned)  # after the turn: connected after it
    window.page_timer.setInterval(20)  # the pages turn as they would every 8 s
    qtbot.waitUntil(lambda: all(len(pages) == len(panel.pages) for pages, panel in zip(seen, panels, strict=True)),
                    timeout=5000)
    window.page_timer.timeout.disconnect(turned)
    return [[row for page in sorted(pages) for row in pages[page]] for pages in seen]


@pytest.mark.parametrize("counters", [8, 26, 40])
@pytest.mark.parametrize("size", SIZES, ids=lambda size: SIZE_NAMES[size])
def test_a_full_board_keeps_its_screen_size_and_shows_every_counter(qtbot, board_window, size, counters):
    window, board = board_window, busy_board(counters, first=24 if counters == 26 else 1)
    show_at(qtbot, window, size, board)
    assert_fits_its_screen(window, size)
    assert_every_label_fits(window)
    save_screenshot(window, f"busy-{counters}-counters-{SIZE_NAMES[size]}")

    counters_seen, waiting_seen = pages_over_a_rotation(qtbot, window, window.counter_panel, window.waiting_panel)
    assert counters_seen == [(c.name, c.ticket) for c in board.counters]  # each once, in the zone's order
    assert waiting_seen == [(name, str(n)) for name, n in board.waiting]
    assert window.recent_panel.shown == tuple((c.code, c.counter_name) for c in board.recent)[
        :len(window.recent_panel.shown)]
    assert len(window.recent_panel.shown) >= min(3, len(board.recent)), "the last calls have no room"
    if len(window.counter_panel.pages) > 1:
        assert window.counter_panel.mark.text() == f"{window.counter_panel.page + 1}/{len(window.counter_panel.pages)}"
    assert_fits_its_screen(window, size)


def test_zone_2_counter_calling_now_is_on_the_board(qtbot, board_window):
    """Zone 2's 26 counters at 1080p: Loket 32 calling is in the counters panel on its page."""
    window, board = board_window, busy_board(26, first=24)
    show_at(qtbot, window, (1920, 1080), board)
    window.page_timer.setInterval(20)
    panel = window.counter_panel
    qtbot.waitUntil(lambda: ("Loket 32", board.counters[8].ticket) in panel.shown, timeout=5000)
    assert len(panel.pages) > 1 and panel.mark.isVisible()
    window.page_timer.stop()
    assert_every_label_fits(window)
    save_screenshot(window, "zone2-26-counters-1080p")


def test_a_new_board_keeps_the_page_on_show(qtbot, board_window):
    """Events refill the board every few seconds in a busy hall: the page must not fall back to 1."""
    window = board_window
    window.page_timer.stop()
    show_at(qtbot, window, (1920, 1080), busy_board(40))
    window.turn_pages()
    page = window.counter_panel.page
    assert page == 1
    window.show_board(busy_board(40, first=1))  # the same counters, another event
    assert window.counter_panel.page == page


def test_the_board_shrinks_and_turns_back_to_its_screen(qtbot, board_window):
    """A full 4K board moved to a 1080p screen (or turned to portrait) takes that screen's size:
    the rows shown for the bigger screen do not hold the window open."""
    window = board_window
    show_at(qtbot, window, (3840, 2160), busy_board(40))
    for size in [(1920, 1080), (1080, 1920), (1920, 1080)]:
        window.resize(*size)
        assert_fits_its_screen(window, size)
        assert_every_label_fits(window)


@pytest.mark.parametrize(("rows", "per_page", "pages"), [
    (0, 8, [()]),
    (8, 8, [tuple(range(8))]),
    (26, 8, [tuple(range(8)), tuple(range(8, 16)), tuple(range(16, 24)), (24, 25)]),
    (3, 0, [(0,), (1,), (2,)]),
])
def test_paginate_drops_no_row(rows, per_page, pages):
    assert paginate(list(range(rows)), per_page) == pages


@pytest.mark.parametrize("size", SIZES, ids=lambda size: SIZE_NAMES[size])
def test_titles_are_not_cut_on_any_board(qtbot, board_window, size):
    """Regression: a portrait board showed "Mal Pelayanan Publik Kota Harapan Ja…" and "Tidak …"."""
    window = board_window
    board = Board(site_name="Mal Pelayanan Publik Kota Harapan Jaya", hall_name="Lantai 2 - Hall Perizinan",
                  counters=(CounterLine("L01", "Loket 1", "open", None),), connected=True, banner=None, ready=True)
    show_at(qtbot, window, size, board)
    assert assert_every_label_fits(window) == [], "a title or placeholder was elided"
    assert window.site.isVisible() and window.hall.text() == "Lantai 2 - Hall Perizinan"
    assert "Lantai 2 - Hall Perizinan" in window.windowTitle()
    save_screenshot(window, f"titles-{SIZE_NAMES[size]}")


def test_counts_and_counter_states_are_written_the_indonesian_way(qtbot, board_window):
    window = board_window
    board = Board(site_name="MPP", waiting=(("Disdukcapil", 1234),), connected=True, banner=None, ready=True,
                  counters=(CounterLine("L01", "Loket 1", "closed", None), CounterLine("L02", "Loket 2", "open", None),
                            CounterLine("L03", "Loket 3", "paused", None)))
    show_at(qtbot, window, (1920, 1080), board)
    assert window.waiting_panel.shown == (("Disdukcapil", "1.234"),)
    assert window.counter_panel.shown[:3] == (("Loket 2", "Siap"), ("Loket 3", "Istirahat"), ("Loket 1", "Tutup"))
