"""The management pages in a real Chromium against a real server: sign in and out, the cookie as the
browser keeps it, CSRF from the page, a page that follows the floor live on its one event stream,
roles, and every text readable (WCAG AA). The rules themselves: test_manage_shell.py (test client)."""

import sqlite3
from pathlib import Path

import pytest

from tests import browser

ROOT = Path(__file__).resolve().parents[2]
SCREENSHOTS = ROOT / "artifacts" / "screenshots"
LAPTOP = browser.LAPTOP

pytestmark = pytest.mark.browser


@pytest.fixture
def page(chromium):
    with browser.laptop_page(chromium) as page:
        yield page


def sign_in(page, floor, username: str, pin: str = "1234", start: str = "/manage/"):
    browser.sign_in(page, floor.url, username, pin, start)


def words(page, selector: str) -> str:
    return " ".join(page.locator(selector).inner_text().split())


def test_sign_in_and_sign_out_in_the_browser(shared_floor, page):
    outside = []
    page.on("request", lambda request: outside.append(request.url)
            if not request.url.startswith(shared_floor.url) else None)
    page.goto(shared_floor.url + "/manage/audit")
    assert page.url == shared_floor.url + "/manage/login?next=/manage/audit"
    assert page.locator("label[for=username]").inner_text().strip() == "Nama pengguna"
    sign_in(page, shared_floor, "admin", start="/manage/login?next=/manage/audit")

    assert page.url == shared_floor.url + "/manage/audit" and words(page, "h1") == "Log audit"
    assert words(page, "#who") == "admin (Admin)"
    assert page.locator("#audit tbody tr[data-action='auth.login']").count() >= 1
    (cookie,) = [c for c in page.context.cookies() if c["name"] == "mpp_manage"]
    assert cookie["httpOnly"] and cookie["sameSite"] == "Strict" and cookie["path"] == "/manage"
    assert "mpp_manage" not in page.evaluate("document.cookie")  # no script can read it
    browser.screenshot(page, SCREENSHOTS / "manage-audit.png")

    page.click("text=Keluar")
    page.wait_for_url(shared_floor.url + "/manage/login")
    page.goto(shared_floor.url + "/manage/")
    assert page.url.startswith(shared_floor.url + "/manage/login")
    assert outside == []


def test_wrong_pin_then_the_lock_in_plain_indonesian(shared_floor, page):
    for _ in range(5):
        sign_in(page, shared_floor, "sari", "0000", start="/manage/login")
        assert words(page, "#message") == "Nama pengguna atau PIN salah."
    sign_in(page, shared_floor, "sari", "1234", start="/manage/login")
    assert words(page, "#message").startswith("Terlalu banyak percobaan gagal. Coba lagi dalam")
    browser.screenshot(page, SCREENSHOTS / "manage-login-locked.png")


def test_the_page_sends_its_csrf_token_and_a_request_without_it_is_refused(shared_floor, page):
    sign_in(page, shared_floor, "rina")
    refused = page.evaluate("fetch('/manage/logout', {method: 'POST', redirect: 'manual'}).then(r => r.status)")
    assert refused == 403
    assert page.evaluate("fetch('/manage/', {redirect: 'manual'}).then(r => r.status)") == 200  # still signed in

    # htmx takes the token from <body hx-headers>: a button of the page signs out with one click.
    page.evaluate("""() => {
        const button = document.createElement('button');
        button.id = 'htmx-logout'; button.setAttribute('hx-post', '/manage/logout');
        button.setAttribute('hx-swap', 'none'); button.textContent = 'x';
        document.querySelector('main').appendChild(button); htmx.process(button);
    }""")
    with page.expect_request("**/manage/logout") as sent:
        page.click("#htmx-logout")
    assert sent.value.headers["x-csrf-token"] == page.locator("meta[name=csrf-token]").get_attribute("content")
    assert sent.value.response().status == 303
    page.goto(shared_floor.url + "/manage/")
    assert page.url.startswith(shared_floor.url + "/manage/login")


def test_an_officers_page_follows_their_counter_live(floor, page):
    sign_in(page, floor, "budi")
    assert page.url == floor.url + "/manage/counter"
    assert "Anda belum membuka loket" in words(page, "#counter")
    page.evaluate("window.notReloaded = true")
    ticket = floor.issue()
    with floor.login("budi") as budi:
        assert budi.post("/api/counters/L01/open").status_code == 200
        page.wait_for_selector("[data-counter='L01'][data-status='open']")
        assert budi.post("/api/counters/L01/call-next").json()["ticket"]["code"] == ticket["code"]
        page.locator("#current-ticket", has_text=ticket["code"]).wait_for()  # no eval: the page's CSP forbids it
    assert page.evaluate("window.notReloaded") is True  # htmx swapped the section; the page stayed
    assert words(page, "h1") == "Loket 1"
    browser.screenshot(page, SCREENSHOTS / "manage-counter.png")


@pytest.mark.parametrize("username, path, message", [
    ("dewi", "/manage/counter?counter=L08", "Loket ini milik instansi lain."),  # Samsat's counter
    ("budi", "/manage/audit", "Halaman ini tidak untuk peran Anda."),
])
def test_a_page_outside_ones_role_or_agency_is_refused(shared_floor, page, username, path, message):
    sign_in(page, shared_floor, username)
    answer = page.goto(shared_floor.url + path)
    assert answer.status == 403
    assert words(page, "h1") == "Tidak diizinkan" and words(page, "#message") == message


CONTRAST = """() => {
    const rgb = text => text.match(/[\\d.]+/g).map(Number);
    const channel = c => { c /= 255; return c <= 0.04045 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4; };
    const lum = ([r, g, b]) => 0.2126 * channel(r) + 0.7152 * channel(g) + 0.0722 * channel(b);
    const background = element => {
        for (let e = element; e; e = e.parentElement) {
            const color = rgb(getComputedStyle(e).backgroundColor);
            if (color.length < 4 || color[3] > 0.5) return color.slice(0, 3);
        }
        return [255, 255, 255];
    };
    const found = [];
    let checked = 0;
    for (const element of document.querySelectorAll('body *')) {
        const own = [...element.childNodes].some(n => n.nodeType === 3 && n.textContent.trim());
        if (!own || !element.checkVisibility()) continue;
        checked += 1;
        const [light, dark] = [lum(rgb(getComputedStyle(element).color)), lum(background(element))].sort((a, b) => b - a);
        const ratio = (light + 0.05) / (dark + 0.05);
        if (ratio < 4.5) found.push(`${element.tagName} "${element.textContent.trim().slice(0, 30)}": ${ratio.toFixed(2)}`);
    }
    return {checked, found};
}"""


def test_every_text_of_the_pages_reads_at_wcag_aa(floor, page):
    page.goto(floor.url + "/manage/login")
    sign_in(page, floor, "budi", "0000", start="/manage/login")  # the error message too
    low = {"login": page.evaluate(CONTRAST)}
    sign_in(page, floor, "admin", start="/manage/login")
    for name, path in [("monitor", "/manage/"), ("audit", "/manage/audit"), ("audit-bad-date", "/manage/audit?from=x"),
                       ("devices", "/manage/devices"), ("selftest", "/manage/selftest"),
                       ("refused", "/manage/counter?counter=L99")]:
        page.goto(floor.url + path)
        low[name] = page.evaluate(CONTRAST)
    with floor.login("admin") as admin:
        for action in ("open", "pause"):
            admin.post(f"/api/counters/L01/{action}")
    page.goto(floor.url + "/manage/counter?counter=L01")
    low["counter-paused"] = page.evaluate(CONTRAST)
    assert all(result["checked"] >= 5 for result in low.values()), low
    assert {name: result["found"] for name, result in low.items() if result["found"]} == {}
    browser.screenshot(page, SCREENSHOTS / "manage-counter-paused.png")


def test_an_open_page_keeps_following_across_a_server_restart(floor, page):
    with floor.login("budi") as budi:
        budi.post("/api/counters/L01/open")
    sign_in(page, floor, "budi")
    page.wait_for_selector("[data-counter='L01'][data-status='open']")
    floor.server.stop()
    floor.server.start()  # the same port and database: the cookie's key is in the database
    ticket = floor.issue()
    with floor.login("budi") as budi:
        assert budi.post("/api/counters/L01/call-next").json()["ticket"]["code"] == ticket["code"]
    page.locator("#current-ticket", has_text=ticket["code"]).wait_for(timeout=20_000)
    assert page.url == floor.url + "/manage/counter"


def test_a_page_whose_session_was_revoked_goes_to_the_sign_in_form(floor, page):
    sign_in(page, floor, "budi")
    assert page.url == floor.url + "/manage/counter"
    with floor.login("admin") as admin:  # any change on the floor makes the page fetch itself again
        with sqlite3.connect(floor.db_path) as conn:
            conn.execute("UPDATE sessions SET revoked_at = '2026-11-23T09:00:00+07:00' "
                         "WHERE officer_id = (SELECT id FROM officers WHERE username = 'budi')")
        admin.post("/api/counters/L01/open")
    page.wait_for_url(floor.url + "/manage/login?next=/manage/counter")
