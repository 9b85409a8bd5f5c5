"""An agency's logo in the catalog shows on its kiosk tile (fetched and decoded in the worker thread),
a PNG and an SVG alike; an agency without one, or whose logo cannot be had, keeps the text tile."""

import io
import threading

from PIL import Image

import kiosk.logos

from .conftest import on_screen, profile_at, save_screenshot

SVG = (b'<svg xmlns="http://www.w3.org/2000/svg" width="120" height="60" viewBox="0 0 12 6">'
       b'<rect width="12" height="6" fill="#ffcc00"/></svg>')


def png() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (200, 100), (200, 30, 30)).save(out, "PNG")
    return out.getvalue()


def upload(admin, code: str, data: bytes, content_type: str) -> None:
    version = next(a for a in admin.get("/api/admin/agencies").json() if a["code"] == code)["version"]
    answer = admin.put(f"/api/admin/agencies/{code}/logo", params={"version": version}, content=data,
                       headers={"Content-Type": content_type})
    assert answer.status_code == 200, answer.text


def test_a_logo_in_the_catalog_shows_on_the_agency_tile(qtbot, floor, printer, make_kiosk, monkeypatch):
    with floor.login("admin") as admin:
        upload(admin, "DUKCAPIL", png(), "image/png")
        upload(admin, "SAMSAT", SVG, "image/svg+xml")
    decoded_in = []
    real_decode = kiosk.logos.decode
    monkeypatch.setattr(kiosk.logos, "decode",
                        lambda data, url="": decoded_in.append(threading.current_thread()) or real_decode(data, url))
    app = make_kiosk(profile_at(printer.port))
    qtbot.waitUntil(on_screen(app, "home"), timeout=10_000)
    tiles = app.window.pages["home"].tiles
    qtbot.waitUntil(lambda: tiles["DUKCAPIL"].logo is not None and tiles["SAMSAT"].logo is not None, timeout=5000)
    for code in ("DUKCAPIL", "SAMSAT"):
        pixmap = tiles[code].logo.pixmap()
        assert not pixmap.isNull() and pixmap.height() <= kiosk.logos.LOGO_HEIGHT
        assert tiles[code].logo.isVisible() and tiles[code].title.text()  # the name stays under it
    assert tiles["DUKCAPIL"].logo.pixmap().width() == 2 * tiles["DUKCAPIL"].logo.pixmap().height()
    assert tiles["IMIGRASI"].logo is None  # no logo: the text tile as before
    assert decoded_in and threading.main_thread() not in decoded_in
    save_screenshot(app.window, "home-logos")
