"""Agency logos (`PUT|DELETE /api/admin/agencies/{code}/logo`, `/media/agency/…`): each check of the file,
the headers it is served with, the catalog's `logo_url`, versions, the audit log and `site.changed`."""

import io
import random

import pytest
from PIL import Image

SVG = b'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 10 10"><rect width="10" height="10" fill="teal"/></svg>'


def png(width: int = 64, height: int = 32, noise: bool = False) -> bytes:
    image = Image.new("RGB", (width, height), (0, 128, 128))
    if noise:  # incompressible pixels: a big file from a small picture
        image = Image.frombytes("RGB", (width, height), random.Random(14).randbytes(width * height * 3))
    out = io.BytesIO()
    image.save(out, "PNG")
    return out.getvalue()


def agency(client, code: str = "DUKCAPIL") -> dict:
    return next(a for a in client.get("/api/admin/agencies").json() if a["code"] == code)


def put_logo(client, data: bytes, content_type: str, code: str = "DUKCAPIL", version: str | None = None):
    version = version or agency(client, code)["version"]
    return client.put(f"/api/admin/agencies/{code}/logo", params={"version": version}, content=data,
                      headers={"Content-Type": content_type})


def catalog_logo(app_floor, code: str = "DUKCAPIL"):
    with app_floor.kiosk() as kiosk:
        return next(a for a in kiosk.get("/api/kiosk/catalog").json()["agencies"] if a["code"] == code)["logo_url"]


def test_a_png_logo_is_stored_served_with_its_version_and_in_the_catalog(app_floor):
    data = png()
    assert catalog_logo(app_floor) is None
    with app_floor.login("admin") as admin:
        before = agency(admin)
        answer = put_logo(admin, data, "image/png")
        assert answer.status_code == 200, answer.text
        logo = answer.json()["logo"]
        assert logo == {"url": "/media/agency/DUKCAPIL.png?v=1", "kind": "png", "version": 1}
        assert answer.json()["version"] != before["version"]
        entry = admin.get("/api/audit", params={"action": "site.agency.logo_set"}).json()[0]
        assert (entry["actor"], entry["target"], entry["details"]["kind"]) == ("admin", "DUKCAPIL", "png")
        assert entry["details"]["bytes"] == len(data) and entry["details"]["width"] == 64
        last = app_floor.server.context.events.last_id
    with app_floor.server.context.pool.connection() as conn:
        assert conn.execute("SELECT type FROM events WHERE id = ?", (last,)).fetchone()[0] == "site.changed"
    assert catalog_logo(app_floor) == "/media/agency/DUKCAPIL.png?v=1"
    with app_floor.client() as anyone:  # public: the kiosk and the pages show it
        served = anyone.get("/media/agency/DUKCAPIL.png?v=1")
        assert served.status_code == 200 and served.content == data
        assert served.headers["Content-Type"] == "image/png"
        assert served.headers["X-Content-Type-Options"] == "nosniff"
        assert "immutable" in served.headers["Cache-Control"]
        assert "no-cache" in anyone.get("/media/agency/DUKCAPIL.png").headers["Cache-Control"]  # no version: ask
        assert anyone.get("/media/agency/DUKCAPIL.svg").status_code == 404
        assert anyone.get("/media/agency/SAMSAT.png").status_code == 404


def test_an_svg_logo_by_multipart_is_served_in_a_sandbox(app_floor):
    with app_floor.login("admin") as admin:
        version = agency(admin)["version"]
        answer = admin.put("/api/admin/agencies/DUKCAPIL/logo", params={"version": version},
                           files={"logo": ("dukcapil.svg", SVG, "image/svg+xml")})
        assert answer.status_code == 200, answer.text
        assert answer.json()["logo"]["url"] == "/media/agency/DUKCAPIL.svg?v=1"
    with app_floor.client() as anyone:
        served = anyone.get("/media/agency/DUKCAPIL.svg?v=1")
    assert served.content == SVG and served.headers["Content-Type"].startswith("image/svg+xml")
    assert served.headers["X-Content-Type-Options"] == "nosniff"
    policy = served.headers["Content-Security-Policy"]
    assert "default-src 'none'" in policy and "style-src 'unsafe-inline'" in policy and "sandbox" in policy


@pytest.mark.parametrize("data, content_type, code, words", [
    (png(400, 300, noise=True), "image/png", "logo_too_big", "paling besar 256 KB"),
    (png(1500, 20), "image/png", "logo_too_large", "paling besar 1024×1024"),
    (b"GIF89a" + b"\0" * 200, "image/png", "logo_not_png", "bukan PNG"),
    (png()[:-30], "image/png", "logo_broken", "PNG"),
    (b"%PDF-1.4 not a picture", "application/pdf", "logo_wrong_type", "PNG atau SVG"),
    (b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>', "image/svg+xml",
     "logo_unsafe", "<script>"),
    (b'<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"><rect/></svg>', "image/svg+xml",
     "logo_unsafe", "onload"),
    (b'<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink">'
     b'<image xlink:href="http://example.com/track.png"/></svg>', "image/svg+xml", "logo_unsafe", "href"),
    (b'<svg xmlns="http://www.w3.org/2000/svg"><image href="data:text/html;base64,PHA+"/></svg>', "image/svg+xml",
     "logo_unsafe", "href"),
    (b'<?xml version="1.0"?><!DOCTYPE svg [<!ENTITY lol "lol">]><svg xmlns="http://www.w3.org/2000/svg">&lol;'
     b'</svg>', "image/svg+xml", "logo_unsafe", "DOCTYPE"),
    (b'<svg xmlns="http://www.w3.org/2000/svg"><foreignObject><div/></foreignObject></svg>', "image/svg+xml",
     "logo_unsafe", "foreignObject"),
    (b'<svg xmlns="http://www.w3.org/2000/svg"><style>rect { fill: url(http://example.com/x) }</style></svg>',
     "image/svg+xml", "logo_unsafe", "url("),
], ids=["too-big", "too-many-pixels", "not-png", "truncated-png", "pdf", "svg-script", "svg-onload",
        "svg-external-href", "svg-data-not-image", "svg-doctype", "svg-foreign-object", "svg-style-url"])
def test_a_logo_that_is_not_a_small_safe_picture_is_refused_in_indonesian(shared_app_floor, data, content_type,
                                                                          code, words):
    with shared_app_floor.login("admin") as admin:
        before = agency(admin, "SAMSAT")
        answer = put_logo(admin, data, content_type, code="SAMSAT")
        assert answer.status_code == 422, answer.text
        error = answer.json()["error"]
        assert error["code"] == code and words in error["message"], error
        assert error["fields"]["logo"] == error["message"]
        assert agency(admin, "SAMSAT") == before  # nothing stored


def test_a_body_over_a_mebibyte_is_refused_before_it_is_read(shared_app_floor):
    with shared_app_floor.login("admin") as admin:
        answer = put_logo(admin, b"\x89PNG" + b"\0" * (1024 * 1024 + 10), "image/png", code="SAMSAT")
    assert answer.status_code == 413


def test_a_logo_upload_carries_the_version_read_and_only_admins_make_it(app_floor):
    with app_floor.login("admin") as admin:
        stale = agency(admin)["version"]
        assert put_logo(admin, png(), "image/png", version=stale).status_code == 200
        refused = put_logo(admin, png(20, 20), "image/png", version=stale)
        assert refused.status_code == 409 and refused.json()["error"]["code"] == "version_conflict"
        assert refused.json()["error"]["current"]["logo"]["version"] == 1
        renamed = admin.patch("/api/admin/agencies/DUKCAPIL", json={"version": stale, "name": "Disdukcapil"})
        assert renamed.status_code == 409  # the agency's version moved with its logo
        assert put_logo(admin, png(), "image/png", code="NOPE", version="x").status_code == 404
    with app_floor.login("dewi") as supervisor:
        assert supervisor.put("/api/admin/agencies/DUKCAPIL/logo", params={"version": "x"}, content=png(),
                              headers={"Content-Type": "image/png"}).status_code == 403


def test_a_removed_logo_leaves_the_name_on_the_tile_and_is_audited(app_floor):
    with app_floor.login("admin") as admin:
        put_logo(admin, png(), "image/png")
        current = agency(admin)
        removed = admin.delete("/api/admin/agencies/DUKCAPIL/logo", params={"version": current["version"]})
        assert removed.status_code == 200, removed.text
        assert removed.json()["logo"] is None
        assert admin.get("/api/audit", params={"action": "site.agency.logo_removed"}).json()[0]["target"] == "DUKCAPIL"
        again = put_logo(admin, png(10, 10), "image/png")
        assert again.json()["logo"]["version"] == 1  # a new logo starts again; the URL differs by ?v= anyway
    with app_floor.client() as anyone:
        assert anyone.get("/media/agency/DUKCAPIL.png?v=1").status_code == 200
    with app_floor.login("admin") as admin:
        admin.delete("/api/admin/agencies/DUKCAPIL/logo", params={"version": agency(admin)["version"]})
    assert catalog_logo(app_floor) is None
    with app_floor.client() as anyone:
        assert anyone.get("/media/agency/DUKCAPIL.png?v=1").status_code == 404


def test_the_agency_page_uploads_shows_and_refuses_a_logo(app_floor):
    from tests.server.test_admin_pages import form_of
    from tests.server.test_manage_shell import signed_in

    admin = signed_in(app_floor, "admin")
    page = admin.get("/manage/admin/agencies/DUKCAPIL")
    assert 'id="no-logo"' in page.get_data(as_text=True)
    form = form_of(page)
    sent = {"csrf_token": form["csrf_token"], "version": form["version"]}
    refused = admin.post("/manage/admin/agencies/DUKCAPIL/logo", content_type="multipart/form-data",
                         data={**sent, "logo": (io.BytesIO(b'<svg xmlns="http://www.w3.org/2000/svg" '
                                                           b'onclick="x()"/>'), "logo.svg", "image/svg+xml")})
    assert refused.status_code == 422
    assert 'id="logo-error">SVG tidak boleh berisi penangan peristiwa (onclick).' in refused.get_data(as_text=True)
    saved = admin.post("/manage/admin/agencies/DUKCAPIL/logo", content_type="multipart/form-data",
                       data={**sent, "logo": (io.BytesIO(png()), "logo.png", "image/png")})
    assert saved.status_code == 303, saved.get_data(as_text=True)
    html = admin.get(saved.headers["Location"]).get_data(as_text=True)
    assert 'src="/media/agency/DUKCAPIL.png?v=1"' in html and 'id="logo-remove"' in html
    stale = admin.post("/manage/admin/agencies/DUKCAPIL/logo/remove", data=sent)  # the version before the upload
    assert stale.status_code == 409
    removed = admin.post("/manage/admin/agencies/DUKCAPIL/logo/remove",
                         data={**sent, "version": form_of(admin.get("/manage/admin/agencies/DUKCAPIL"))["version"]})
    assert removed.status_code == 303 and app_floor.server.context.site.logos == {}
