"""The running text: a text wider than the board scrolls (the painted picture moves); one that fits
stands still in the middle."""

import pytest
from PySide6.QtGui import QColor


@pytest.fixture
def marquee(qtbot):
    from display_board.window import Marquee

    widget = Marquee()
    qtbot.addWidget(widget)
    widget.resize(800, 60)
    widget.show()
    qtbot.waitExposed(widget)
    yield widget
    widget.timer.stop()


def yellow_columns(widget) -> list[int]:
    image = widget.grab().toImage()
    return [x for x in range(image.width())
            if any(QColor(image.pixel(x, y)).red() > 200 and QColor(image.pixel(x, y)).blue() < 80
                   for y in range(0, image.height(), 3))]


def test_a_long_running_text_scrolls(qtbot, marquee):
    marquee.set_text("Selamat datang di Mal Pelayanan Publik. Silakan ambil nomor antrean di anjungan. " * 2)
    assert marquee.scrolling
    qtbot.waitUntil(lambda: marquee.offset > 100, timeout=3000)
    before, painted = marquee.offset, yellow_columns(marquee)
    qtbot.waitUntil(lambda: marquee.offset > before + 100, timeout=3000)
    assert yellow_columns(marquee) != painted, "the offset moved but the picture did not"


def test_a_running_text_that_fits_stands_still_in_the_middle(qtbot, marquee):
    ticks = []
    marquee.timer.timeout.connect(lambda: ticks.append(marquee.offset))
    marquee.set_text("Selamat datang")
    assert not marquee.scrolling
    qtbot.waitUntil(lambda: len(ticks) >= 10, timeout=3000)
    assert set(ticks) == {0.0}
    columns = yellow_columns(marquee)
    left, right = columns[0], marquee.width() - 1 - columns[-1]
    assert abs(left - right) <= 4, (left, right)
