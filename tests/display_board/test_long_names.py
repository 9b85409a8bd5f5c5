"""Long names on the board: every label's text, as drawn, fits its box at the three screen sizes;
what does not fit is elided with "…" (or wrapped onto a second row), never cut mid-glyph."""

import pytest
from PySide6.QtCore import QPoint, QRect
from PySide6.QtWidgets import QApplication, QLabel

from devtools.launcher import (
    DEMO_SITE,
    ServerProcess,
    add_officer,
    add_token,
    prepare_database,
)
from tests.conftest import MONDAY_MORNING, OFFICERS, Floor

from .conftest import save_screenshot
from .test_board_app import open_counter

SITE_NAME = "Mal Pelayanan Publik Kabupaten Kepulauan Seribu Utara dan Pulau-Pulau Sekitarnya Jakarta"
AGENCY_NAME = "Dinas Kependudukan dan Pencatatan Sipil Kabupaten Administrasi Kepulauan Seribu Utara"
COUNTER_NAME = "Loket 1 Pelayanan Terpadu Administrasi Kependudukan dan Pencatatan Sipil Terpadu"
SIZES = [(1920, 1080), (3840, 2160), (1080, 1920)]


@pytest.fixture
def floor(tmp_path):
    """The demo site with an 80-character site name, agency name (Dukcapil's, as the board shows it)
    and counter name (L01)."""
    site = DEMO_SITE.read_text(encoding="utf-8")
    for old, new in [('name = "Mal Pelayanan Publik Kota Harapan Jaya"', f'name = "{SITE_NAME}"'),
                     ('short_name = "Disdukcapil"', f'short_name = "{AGENCY_NAME}"'),
                     ('name = "Loket 1"\n', f'name = "{COUNTER_NAME}"\n')]:
        assert site.count(old) == 1, old
        site = site.replace(old, new)
    site_path = tmp_path / "long-names.toml"
    site_path.write_text(site, encoding="utf-8")
    db = tmp_path / "antrian.db"
    prepare_database(db, site_path)
    tokens = [add_token(db, kind, name, "1") for kind, name in
              [("kiosk", "Kios 1"), ("display", "Layar Hall 1"), ("counter", "PC Loket 1")]]
    for username, role, agency in OFFICERS:
        add_officer(db, username, "1234", role, agency)
    floor = Floor(ServerProcess(db, now=MONDAY_MORNING).start(), *tokens, db)
    yield floor
    floor.server.stop()


def squashed(text: str) -> str:
    return "".join(text.split())


def assert_every_label_fits(window) -> list[QLabel]:
    """Every visible label's drawn rows fit its box and the window; an elided text begins as the
    full text does. Returns the elided labels."""
    QApplication.sendPostedEvents()  # the layout the last change asked for
    QApplication.processEvents()
    elided = []
    for label in window.findChildren(QLabel):
        if not label.isVisibleTo(window) or not label.text():
            continue
        metrics, box, rows = label.fontMetrics(), label.contentsRect(), label.text().split("\n")
        where = f"{label.text()!r} ({label.objectName() or type(label).__name__}, box {box.width()}×{box.height()})"
        assert all(metrics.horizontalAdvance(row) <= box.width() for row in rows), f"too wide: {where}"
        assert metrics.height() + (len(rows) - 1) * metrics.lineSpacing() <= box.height(), f"too tall: {where}"
        on_window = QRect(label.mapTo(window, QPoint(0, 0)), label.size())
        assert window.rect().contains(on_window), f"outside the window: {where} at {on_window}"
        full = getattr(label, "full_text", label.text())
        if squashed(label.text()) != squashed(full):  # not the whole text, only wrapped: elided
            assert label.text().endswith("…"), where
            assert squashed(full).startswith(squashed(label.text()[:-1])), where
            elided.append(label)
    return elided


@pytest.mark.parametrize("size", SIZES, ids=lambda size: f"{size[0]}x{size[1]}")
def test_long_names_are_elided_not_cut(qtbot, floor, make_display, size):
    app = make_display(size=size)
    window = app.window
    qtbot.waitUntil(lambda: app.presenter.board.ready and app.presenter.board.connected, timeout=10_000)
    qtbot.waitUntil(lambda: window.site.full_text == SITE_NAME, timeout=5000)
    empty = assert_every_label_fits(window)  # "Belum ada loket buka", "Tidak ada antrean", "—"
    assert window.site in empty and window.site.text().startswith("Mal Pelayanan Publik")

    called, _ = floor.issue("DK-KTP"), floor.issue("DK-KTP")
    with open_counter(floor) as budi:
        assert budi.post("/api/counters/L01/call-next").status_code == 200
        qtbot.waitUntil(lambda: window.now_code.text() == called["code"], timeout=5000)
    qtbot.waitUntil(lambda: any(AGENCY_NAME == getattr(label, "full_text", None)
                                for label in window.waiting_panel.findChildren(QLabel)), timeout=5000)
    elided = assert_every_label_fits(window)
    texts = {label.full_text for label in elided}
    assert {SITE_NAME, AGENCY_NAME, COUNTER_NAME} <= texts, texts  # the counter panel's row
    assert squashed(window.now_counter.text()).startswith(squashed(f"menuju {COUNTER_NAME.upper()}")[:20])
    assert window.now_code.text() == called["code"]  # a code shrinks, it is never elided
    # The short side of a row (a code, a count) and the clock keep their width; the name gives way.
    assert called["code"] in [label.text() for label in window.counter_panel.findChildren(QLabel)]
    assert (window.clock.text(), window.date.text()) == (window.clock.full_text, window.date.full_text)
    save_screenshot(window, f"long-names-{size[0]}x{size[1]}")
    start = window.marquee.offset  # the site's running text is longer than any board: it runs
    qtbot.waitUntil(lambda: window.marquee.offset > start + 50, timeout=3000)
    qtbot.waitUntil(lambda: not app.player.busy, timeout=30_000)
