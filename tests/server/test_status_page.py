"""The ticket's status page (`/t/{public_id}`, the QR code on the printed ticket), in a real Chromium.

The first tests run against a real server; the last ones against a scripted stand-in for the
public API, to see the page poll, lose the connection, recover and stop at a final status.
Without Chromium these tests fail (tests/browser.py says how to install it); they never skip.
"""

import json
import re
import threading
from html.parser import HTMLParser
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import httpx
import pytest

from tests import browser

ROOT = Path(__file__).resolve().parents[2]
WEB = ROOT / "server" / "web"
SCREENSHOTS = ROOT / "artifacts" / "screenshots"
UNKNOWN_ID = "NoSuchTicket0000"


def render(url: str, **kwargs) -> dict[str, browser.Element]:
    dom = browser.dump_dom(url, **kwargs)
    page = browser.elements_by_id(dom)
    assert "ticket" in page, f"{url} is not the status page; Chromium shows:\n{dom[:800]}"
    return page


def public(floor, ticket: dict) -> dict:
    answer = httpx.get(f"{floor.url}/api/tickets/public/{ticket['public_id']}", timeout=10)
    assert answer.status_code == 200, answer.text
    return answer.json()


def assert_picture(path: Path) -> None:
    assert path.is_file(), path
    assert path.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert path.stat().st_size > 5 * 1024, f"{path} is only {path.stat().st_size} bytes"


@pytest.mark.browser
def test_waiting_ticket_shows_code_people_ahead_service_and_wait(floor):
    floor.issue()
    floor.issue()
    ticket = floor.issue()
    api = public(floor, ticket)
    assert api["status"] == "waiting" and api["ahead"] == 2
    url = f"{floor.url}/t/{ticket['public_id']}"

    page = render(url)

    assert page["code"].text == ticket["code"] == "A-003"
    assert page["ahead"].text == f"{api['ahead']} orang di depan Anda" and not page["ahead-row"].hidden
    assert page["service"].text == api["service_name"]
    assert page["agency"].text == api["agency_name"]
    assert page["status-text"].text == "Menunggu dipanggil"
    assert page["wait"].text == ("segera" if api["est_wait_min"] == 0 else f"sekitar {api['est_wait_min']} menit")
    assert page["issued"].text == "Senin, 23 November 2026 09.00 WIB"
    assert re.fullmatch(r"Diperbarui \d\d\.\d\d\.\d\d", page["updated"].text)
    assert page["offline"].hidden and page["missing"].hidden and not page["ticket"].hidden

    assert_picture(browser.screenshot(url, SCREENSHOTS / "status-waiting.png"))


@pytest.mark.browser
def test_called_ticket_sends_the_citizen_to_the_counter(floor):
    ticket = floor.issue()
    with floor.login("budi") as budi:
        assert budi.post("/api/counters/L01/open").status_code == 200
        called = budi.post("/api/counters/L01/call-next")
    assert called.status_code == 200, called.text
    assert called.json()["ticket"]["code"] == ticket["code"]
    assert public(floor, ticket)["status"] == "called"
    url = f"{floor.url}/t/{ticket['public_id']}"

    page = render(url)

    assert page["status-text"].text == "Silakan menuju"
    assert page["counter"].text == "Loket 1" and not page["counter"].hidden
    assert "Silakan menuju Loket 1" in page["status"].text
    assert page["ahead-row"].hidden and page["wait-row"].hidden

    assert_picture(browser.screenshot(url, SCREENSHOTS / "status-called.png"))


class References(HTMLParser):
    def __init__(self):
        super().__init__()
        self.urls = []

    def handle_starttag(self, tag, attrs):
        self.urls += [value for name, value in attrs if name in ("src", "href", "action", "poster") and value]


@pytest.mark.browser
def test_page_needs_nothing_but_the_server(floor):
    ticket = floor.issue()
    html = httpx.get(f"{floor.url}/t/{ticket['public_id']}", timeout=10)
    assert html.status_code == 200 and html.headers["content-type"].startswith("text/html")
    parser = References()
    parser.feed(html.text)
    fetched = sorted(url for url in parser.urls if not url.startswith("data:"))
    assert fetched == ["/static/status.css", "/static/status.js"], parser.urls
    served = {"status.html": html.text}
    for url in fetched:
        answer = httpx.get(floor.url + url, timeout=10)
        assert answer.status_code == 200, url
        served[url] = answer.text
    for name, text in served.items():
        assert "http://" not in text and "https://" not in text, f"{name} refers to an outside URL"
        assert not re.search(r"""(url\(|src=|href=|import)\s*['"]?//""", text), f"{name} has a protocol-relative URL"
        assert "@import" not in text and "@font-face" not in text, name
    assert sum(len(text.encode()) for text in served.values()) < 15 * 1024

    # Every host name unresolvable: only the server's own address (127.0.0.1) can be reached.
    page = render(f"{floor.url}/t/{ticket['public_id']}", offline=True)
    assert page["code"].text == ticket["code"]
    assert page["status-text"].text == "Menunggu dipanggil"


@pytest.mark.browser
@pytest.mark.parametrize("public_id", [UNKNOWN_ID, "abc"], ids=["unknown", "malformed"])
def test_unknown_ticket_gets_a_friendly_message(floor, public_id):
    page = render(f"{floor.url}/t/{public_id}")

    assert not page["missing"].hidden and page["ticket"].hidden
    assert page["missing-title"].text == "Tiket tidak ditemukan"
    assert "tanyakan kepada petugas" in page["missing"].text
    assert page["offline"].hidden


# ---------------------------------------------------------------- a scripted public API


def ticket_json(status: str, **extra) -> dict:
    ticket = {
        "code": "B-017", "status": status, "service": "DK-KTP", "service_name": "Cetak ulang KTP-el",
        "agency": "DUKCAPIL", "agency_name": "Dinas Kependudukan dan Pencatatan Sipil", "zone": "1",
        "priority": None, "priority_name": None, "service_day": "2026-11-23",
        "issued_at": "2026-11-23T09:00:01.467+07:00", "called_at": None, "finished_at": None,
        "counter": None, "counter_name": None, "ahead": 3, "est_wait_min": 12, "recall_count": 0,
    }
    if status == "called":
        ticket.update(called_at="2026-11-23T09:10:00.000+07:00", counter="L03", counter_name="Loket 3",
                      ahead=0, est_wait_min=0)
    ticket.update(extra)
    return ticket


class ScriptedSite:
    """Serves the real page and static files; the public API answers from a script, one per poll."""

    def __init__(self, answers: list[tuple[int, dict]]):
        self.answers = list(answers)
        self.polls = 0
        site = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self):
                if self.path.startswith("/t/"):
                    self.reply(200, (WEB / "status.html").read_bytes(), "text/html")
                elif self.path.startswith("/static/"):
                    name = self.path.removeprefix("/static/")
                    kind = "text/css" if name.endswith(".css") else "text/javascript"
                    self.reply(200, (WEB / "static" / name).read_bytes(), kind)
                elif self.path.startswith("/api/tickets/public/"):
                    site.polls += 1
                    status, body = site.answers[min(site.polls, len(site.answers)) - 1]
                    self.reply(status, json.dumps(body).encode(), "application/json")
                else:
                    self.reply(404, b"{}", "application/json")

            def reply(self, status, body, kind):
                self.send_response(status)
                self.send_header("Content-Type", kind)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args):
                pass

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.httpd.shutdown()
        self.httpd.server_close()
        self.thread.join(5)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.httpd.server_address[1]}/t/AbCdEfGh12345678"


FAILED = (503, {"error": {"code": "unavailable", "message": "..."}})


@pytest.mark.browser
def test_failed_poll_shows_the_banner_and_the_last_known_status():
    with ScriptedSite([(200, ticket_json("waiting")), FAILED]) as site:
        page = render(site.url, budget_ms=7000)  # polls at 0 s and 5 s
    assert site.polls == 2
    assert not page["offline"].hidden
    assert page["offline"].text == "Koneksi terputus, mencoba lagi…"
    assert page["code"].text == "B-017" and page["status-text"].text == "Menunggu dipanggil"
    assert page["ahead"].text == "3 orang di depan Anda" and page["wait"].text == "sekitar 12 menit"
    assert page["issued"].text == "Senin, 23 November 2026 09.00 WIB"


@pytest.mark.browser
def test_page_recovers_and_flashes_when_called():
    with ScriptedSite([(200, ticket_json("waiting")), FAILED, (200, ticket_json("called"))]) as site:
        page = render(site.url, budget_ms=12000)  # polls at 0, 5 and 10 s
    assert site.polls >= 3
    assert page["offline"].hidden
    assert "Silakan menuju Loket 3" in page["status"].text
    assert "flash" in page["status"].classes
    assert page["status"].attrs.get("aria-live") == "polite"


@pytest.mark.browser
@pytest.mark.parametrize("status, words", [("done", "Selesai dilayani"), ("no_show", "Tidak hadir saat dipanggil"),
                                           ("cancelled", "Dibatalkan")])
def test_polling_stops_at_a_final_status(status, words):
    with ScriptedSite([(200, ticket_json("waiting", ahead=0, est_wait_min=0)), (200, ticket_json(status))]) as site:
        page = render(site.url, budget_ms=30000)
    assert site.polls == 2
    assert page["status-text"].text == words
    assert page["ahead-row"].hidden and page["wait-row"].hidden


@pytest.mark.browser
def test_status_words_in_plain_indonesian():
    with ScriptedSite([(200, ticket_json("waiting", ahead=0, est_wait_min=0))]) as site:
        waiting = render(site.url, budget_ms=1000)
    assert waiting["ahead"].text == "Tidak ada orang di depan Anda" and waiting["wait"].text == "segera"
    for status, words in [("printing", "Sedang dicetak"), ("held", "Ditunda")]:
        with ScriptedSite([(200, ticket_json(status))]) as site:
            assert render(site.url, budget_ms=1000)["status-text"].text == words
    serving = ticket_json("serving", counter="L03", counter_name="Loket 3", ahead=0, est_wait_min=0)
    with ScriptedSite([(200, serving)]) as site:
        page = render(site.url, budget_ms=1000)
    assert page["status"].text.startswith("Sedang dilayani di Loket 3")
