"""Every text on the board, the kiosk and the counter app reads at WCAG AA (≥ 4.5:1), measured on
the rendered pixels: for each visible label and button, its background is the most frequent colour
of its grab and its text the colour standing out most from it among the frequent ones.

Regression: the service name on the red now-calling panel measured 2.55:1 (#8da9c4 on #c1121f)."""

import os
from array import array
from collections import Counter
from datetime import datetime

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import tests.kiosk.conftest  # noqa: E402,F401 - a kiosk-sized offscreen screen, before Qt starts

import pytest  # noqa: E402
from PySide6.QtCore import QPoint, QRect  # noqa: E402
from PySide6.QtGui import QColor, QImage  # noqa: E402
from PySide6.QtWidgets import QAbstractButton, QApplication, QLabel, QWidget  # noqa: E402

AA = 4.5
LANDSCAPE, PORTRAIT = (1920, 1080), (1080, 1920)


def luminance(color: QColor) -> float:
    """WCAG 2 relative luminance of an sRGB colour."""
    def linear(channel: int) -> float:
        c = channel / 255
        return c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4
    return 0.2126 * linear(color.red()) + 0.7152 * linear(color.green()) + 0.0722 * linear(color.blue())


def contrast(first: QColor, second: QColor) -> float:
    light, dark = sorted((luminance(first), luminance(second)), reverse=True)
    return (light + 0.05) / (dark + 0.05)


def test_the_contrast_formula_is_wcags():
    assert contrast(QColor("white"), QColor("black")) == pytest.approx(21)
    assert contrast(QColor("#767676"), QColor("white")) == pytest.approx(4.54, abs=0.01)
    assert contrast(QColor("#8da9c4"), QColor("#c1121f")) == pytest.approx(2.55, abs=0.01)  # the board's old one
    assert contrast(QColor("#123456"), QColor("#123456")) == 1


def text_and_background(image: QImage) -> tuple[QColor, QColor]:
    """(text, background): the most frequent colour, and the one standing out most from it among
    the colours frequent enough to be the text's own (anti-aliased edges are each rare)."""
    image = image.convertToFormat(QImage.Format.Format_RGB32)
    pixels = Counter(array("I", bytes(image.constBits())[:image.width() * image.height() * 4]))
    background, count = pixels.most_common(1)[0]
    floor = max(3, 0.02 * (sum(pixels.values()) - count))
    back = QColor.fromRgb(background)
    frequent = [QColor.fromRgb(rgb) for rgb, n in pixels.items() if n >= floor and rgb != background]
    text = max(frequent, key=lambda c: contrast(c, back), default=back)
    return text, back


def texts_below_aa(window: QWidget) -> list[tuple[str, str, float]]:
    """(object name, text, ratio) of each visible text on `window` that measures under 4.5:1."""
    QApplication.sendPostedEvents()
    QApplication.processEvents()
    shot = window.grab().toImage()
    low = []
    for widget in window.findChildren(QWidget):
        if not isinstance(widget, (QLabel, QAbstractButton)) or not widget.isVisible() or not widget.text().strip():
            continue
        box = widget.contentsRect() if isinstance(widget, QLabel) else widget.rect().adjusted(4, 4, -4, -4)
        box = QRect(widget.mapTo(window, box.topLeft()), box.size()).intersected(shot.rect())
        if widget.visibleRegion().isEmpty() or box.width() < 4 or box.height() < 4:
            continue  # scrolled out of sight
        text, back = text_and_background(shot.copy(box))
        ratio = contrast(text, back)
        if os.environ.get("CONTRAST_REPORT"):  # CONTRAST_REPORT=1 pytest -s: every ratio measured
            print(f"{ratio:6.2f} {text.name()} on {back.name()} {widget.objectName()!r} {widget.text()[:30]!r}")
        if ratio < AA:
            low.append((widget.objectName() or type(widget).__name__, widget.text()[:40],
                        round(ratio, 2), text.name(), back.name()))
    return low


# ---------------------------------------------------------------- the board

@pytest.mark.parametrize("size", [LANDSCAPE, PORTRAIT], ids=["landscape", "portrait"])
@pytest.mark.parametrize("highlight", [True, False], ids=["calling", "after"])
def test_every_text_on_the_board_reads_at_aa(qtbot, size, highlight):
    from dataclasses import replace

    from display_board.window import BoardWindow
    from tests.conftest import MONDAY_MORNING
    from tests.display_board.test_board_fits import busy_board

    window = BoardWindow(now=lambda: datetime.fromisoformat(MONDAY_MORNING))
    qtbot.addWidget(window)
    window.resize(*size)
    window.show()
    qtbot.waitExposed(window)
    window.show_board(replace(busy_board(12), highlight=highlight, banner="Sambungan ke server terputus"))
    try:
        assert texts_below_aa(window) == []
    finally:
        window.ticker.stop()
        window.page_timer.stop()
        window.marquee.timer.stop()


# ---------------------------------------------------------------- the kiosk

@pytest.fixture
def kiosk(qtbot):
    from tests.kiosk.conftest import kiosk_alone

    window, presenter, _ = kiosk_alone(qtbot, PORTRAIT)
    yield window, presenter
    window.close()


def test_every_kiosk_screen_reads_at_aa(kiosk):
    from tests.kiosk.samples import TICKET

    window, presenter = kiosk
    low = {"home": texts_below_aa(window)}
    presenter.choose_agency("SAMSAT")
    low["agency"] = texts_below_aa(window)
    presenter.choose_service("SM-PKB")
    low["service"] = texts_below_aa(window)
    presenter.back()
    presenter.back()
    presenter.open_check_in()
    presenter.check_in("KODE?")  # unreadable: the red line under the field is measured too
    assert window.current == "check_in"
    low["check in"] = texts_below_aa(window)
    presenter.check_in("7QK3M9XA")
    presenter.ticket_printed({**TICKET, "status": "waiting", "booked": True, "appointment": {"slot": "10:30"}})
    assert window.current == "done"
    low["done"] = texts_below_aa(window)
    presenter.print_failed("Kertas habis. Silakan hubungi petugas.")
    low["failed"] = texts_below_aa(window)
    presenter.go_home()
    presenter.toggle_language()
    low["home (en)"] = texts_below_aa(window)
    presenter.printer_status(False, "Kertas habis")
    assert window.current == "out_of_service"
    low["out of service"] = texts_below_aa(window)
    window.open_staff()
    low["staff"] = texts_below_aa(window)
    assert {screen: found for screen, found in low.items() if found} == {}


# ---------------------------------------------------------------- the counter app

COUNTER = {"code": "L01", "name": "Loket 1", "status": "open"}
TICKET_LINES = {"code": "A-007", "service": "Perekaman KTP-el", "priority": "Lanjut usia", "booked": True,
                "status": "Dipanggil", "waited": 12, "called_ago": 3, "recalls": 1}


@pytest.mark.parametrize("compact", [False, True], ids=["wide", "compact"])
def test_every_counter_app_screen_reads_at_aa(qtbot, compact):
    from counter_client.presenter import Screen
    from counter_client.window import COMPACT_SIZE, WIDE_SIZE, CounterWindow

    window = CounterWindow(compact=compact)
    qtbot.addWidget(window)
    window.resize(*(COMPACT_SIZE if compact else WIDE_SIZE))
    window.show()
    qtbot.waitExposed(window)
    actions = frozenset({"recall", "start", "no-show", "transfer", "call"})
    screens = {
        "login": Screen(stage="login", error="PIN salah."),
        "choose": Screen(stage="choose", officer={"username": "budi"}, counters=(COUNTER,), selected="L01"),
        "working": Screen(stage="working", officer={"username": "budi"}, counter=COUNTER, enabled=actions,
                          ticket_lines=TICKET_LINES, queue_lines=(("Perekaman KTP-el", "A", 3, 12),),
                          today={"served": 4, "no_show": 1, "mean_service_min": 6.5}, info="A-006 selesai."),
        "paused": Screen(stage="working", counter={**COUNTER, "status": "paused"}, enabled=frozenset({"resume"}),
                         banner="Sambungan ke server terputus.", error="Jawaban server hilang."),
        "closed": Screen(stage="working", counter={**COUNTER, "status": "closed"}, enabled=frozenset({"open"}),
                         panel="confirm", question="Tutup loket?"),
    }
    low = {}
    for name, screen in screens.items():
        window.show(screen)
        low[name] = texts_below_aa(window)
        if name == "working":  # the booked ticket's mark is among the texts measured
            assert "Janji temu" in window.pages["working"].priority.text()
    assert {name: found for name, found in low.items() if found} == {}
