"""The ticket's status page (`/t/{public_id}`, the QR code on the printed ticket), in a real Chromium.

The first tests run against a real server: the page reads the ticket, then follows the ticket's
event stream and changes as soon as the officer calls, without reloading and without polling.
The last ones script the public API and the stream inside the browser (Playwright routes), to see
the page lose the connection, recover and stop following at a final status.
Without Chromium these tests fail (tests/browser.py says how to install it); they never skip.
"""

import json
import re
import time
from html.parser import HTMLParser
from pathlib import Path

import httpx
import pytest

from tests import browser

ROOT = Path(__file__).resolve().parents[2]
SCREENSHOTS = ROOT / "artifacts" / "screenshots"
UNKNOWN_ID = "NoSuchTicket0000"
SITE_NAME = "Mal Pelayanan Publik Kota Harapan Jaya"

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def driver():
    with browser.playwright() as running:
        yield running


@pytest.fixture(scope="module")
def chromium(driver):
    running = browser.launch(driver)
    yield running
    running.close()


@pytest.fixture
def page(chromium):
    context = chromium.new_context(viewport=browser.PHONE, locale="id-ID")
    page = context.new_page()
    page.set_default_timeout(10_000)
    yield page
    context.close()


def public(floor, ticket: dict) -> dict:
    answer = httpx.get(f"{floor.url}/api/tickets/public/{ticket['public_id']}", timeout=10)
    assert answer.status_code == 200, answer.text
    return answer.json()


def text(page, element_id: str) -> str:
    return " ".join(page.locator(f"#{element_id}").inner_text().split())


def wait_for_text(page, element_id: str, wanted: str) -> None:
    page.wait_for_function(
        "([id, wanted]) => document.getElementById(id).innerText.replace(/\\s+/g, ' ').includes(wanted)",
        arg=[element_id, wanted])


def hidden(page, element_id: str) -> bool:
    return page.locator(f"#{element_id}").is_hidden()


def assert_picture(path: Path) -> None:
    assert path.is_file(), path
    assert path.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert path.stat().st_size > 5 * 1024, f"{path} is only {path.stat().st_size} bytes"


def test_waiting_ticket_shows_code_people_ahead_service_and_wait(floor, page):
    floor.issue()
    floor.issue()
    ticket = floor.issue()
    api = public(floor, ticket)
    assert api["status"] == "waiting" and api["ahead"] == 2

    page.goto(f"{floor.url}/t/{ticket['public_id']}")
    wait_for_text(page, "code", ticket["code"])

    assert text(page, "code") == ticket["code"] == "A-003"
    assert text(page, "ahead") == f"{api['ahead']} orang di depan Anda" and not hidden(page, "ahead-row")
    assert text(page, "service") == api["service_name"]
    assert text(page, "agency") == api["agency_name"]
    assert text(page, "status-text") == "Menunggu dipanggil"
    assert text(page, "wait") == ("segera" if api["est_wait_min"] == 0 else f"sekitar {api['est_wait_min']} menit")
    assert text(page, "issued") == "Senin, 23 November 2026 09.00 WIB"
    assert text(page, "site") == api["site_name"] == SITE_NAME  # the site's name, not a generic one
    # The server's clock (the server runs on 23 November 09:00 WIB), not the phone's.
    assert re.fullmatch(r"Diperbarui 09\.0\d\.\d\d", text(page, "updated")), text(page, "updated")
    assert hidden(page, "offline") and hidden(page, "missing") and not hidden(page, "ticket")

    assert_picture(browser.screenshot(page, SCREENSHOTS / "status-waiting.png"))


def test_called_ticket_sends_the_citizen_to_the_counter(floor, page):
    ticket = floor.issue()
    with floor.login("budi") as budi:
        assert budi.post("/api/counters/L01/open").status_code == 200
        called = budi.post("/api/counters/L01/call-next")
    assert called.status_code == 200, called.text
    assert called.json()["ticket"]["code"] == ticket["code"]

    page.goto(f"{floor.url}/t/{ticket['public_id']}")
    wait_for_text(page, "status-text", "Silakan menuju")

    assert text(page, "counter") == "Loket 1" and not hidden(page, "counter")
    assert "Silakan menuju Loket 1" in text(page, "status")
    assert hidden(page, "ahead-row") and hidden(page, "wait-row")

    assert_picture(browser.screenshot(page, SCREENSHOTS / "status-called.png"))


def test_page_follows_its_ticket_live_on_one_stream_without_polling(floor, page):
    earlier = floor.issue()
    ticket = floor.issue()
    requests = []
    page.on("request", lambda request: requests.append(request.url))
    page.goto(f"{floor.url}/t/{ticket['public_id']}")
    wait_for_text(page, "ahead", "1 orang di depan Anda")

    with floor.login("budi") as budi:
        budi.post("/api/counters/L01/open")
        assert budi.post("/api/counters/L01/call-next").json()["ticket"]["code"] == earlier["code"]
        wait_for_text(page, "ahead", "Tidak ada orang di depan Anda")  # someone ahead was called
        assert budi.post("/api/counters/L01/call-next").json()["ticket"]["code"] == ticket["code"]
    wait_for_text(page, "status-text", "Silakan menuju")
    assert "flash" in page.locator("#status").get_attribute("class")
    assert text(page, "counter") == "Loket 1"

    reads_before_idle = sum("/api/tickets/public/" in url and not url.endswith("/events") for url in requests)
    page.wait_for_timeout(6000)  # longer than the old 5-second poll
    reads_after_idle = sum("/api/tickets/public/" in url and not url.endswith("/events") for url in requests)
    assert reads_after_idle == reads_before_idle, "the page polled while nothing changed"
    assert sum(url.endswith(f"/api/tickets/public/{ticket['public_id']}/events") for url in requests) == 1


def test_the_citizens_stream_carries_no_other_tickets_data(floor):
    mine = floor.issue()
    other = floor.issue("DK-KTP")
    with httpx.Client(base_url=floor.url, timeout=10) as citizen:
        with citizen.stream("GET", f"/api/tickets/public/{mine['public_id']}/events",
                            headers={"Last-Event-ID": "0"}) as response:
            assert response.status_code == 200
            assert response.headers["content-type"].startswith("text/event-stream")
            with floor.login("budi") as budi:
                budi.post("/api/counters/L01/open")
                budi.post("/api/counters/L01/call-next")  # calls `mine`, the oldest
                budi.post("/api/counters/L01/call-next")  # calls `other`
            received = b""
            for chunk in response.iter_raw():
                received += chunk
                if received.count(b"ticket.called") >= 2:
                    break
    frames = [json.loads(line[6:]) for line in received.decode().splitlines() if line.startswith("data: ")]
    assert {"type": "ticket.waiting", "mine": True} in frames  # its own printing → waiting
    assert {"type": "ticket.called", "mine": True} in frames and {"type": "ticket.called", "mine": False} in frames
    assert all(set(frame) == {"type", "mine"} for frame in frames)
    assert other["public_id"].encode() not in received and other["code"].encode() not in received


@pytest.mark.parametrize("public_id, status", [(UNKNOWN_ID, 404), ("abc", 422)])
def test_the_stream_of_an_unknown_ticket_is_a_clear_error(floor, public_id, status):
    answer = httpx.get(f"{floor.url}/api/tickets/public/{public_id}/events", timeout=10)
    assert answer.status_code == status and "error" in answer.json()


class References(HTMLParser):
    def __init__(self):
        super().__init__()
        self.urls = []

    def handle_starttag(self, tag, attrs):
        self.urls += [value for name, value in attrs if name in ("src", "href", "action", "poster") and value]


def test_page_needs_nothing_but_the_server(floor, driver):
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
    for name, served_text in served.items():
        assert "http://" not in served_text and "https://" not in served_text, f"{name} refers to an outside URL"
        assert not re.search(r"""(url\(|src=|href=|import)\s*['"]?//""", served_text), f"{name}: protocol-relative URL"
        assert "@import" not in served_text and "@font-face" not in served_text, name
    assert sum(len(t.encode()) for t in served.values()) < 16 * 1024

    # Every host name unresolvable: only the server's own address (127.0.0.1) can be reached.
    offline = browser.launch(driver, offline=True)
    try:
        page = offline.new_page()
        page.goto(f"{floor.url}/t/{ticket['public_id']}")
        wait_for_text(page, "code", ticket["code"])
        assert text(page, "status-text") == "Menunggu dipanggil"
    finally:
        offline.close()


@pytest.mark.parametrize("public_id", [UNKNOWN_ID, "abc"], ids=["unknown", "malformed"])
def test_unknown_ticket_gets_a_friendly_message(floor, page, public_id):
    page.goto(f"{floor.url}/t/{public_id}")
    page.locator("#missing").wait_for(state="visible")

    assert hidden(page, "ticket")
    assert text(page, "missing-title") == "Tiket tidak ditemukan"
    assert "tanyakan kepada petugas" in text(page, "missing")
    assert hidden(page, "offline")


# ---------------------------------------------------------------- a scripted public API and stream


def ticket_json(status: str, **extra) -> dict:
    ticket = {
        "code": "B-017", "status": status, "service": "DK-KTP", "service_name": "Cetak ulang KTP-el",
        "agency": "DUKCAPIL", "agency_name": "Dinas Kependudukan dan Pencatatan Sipil", "zone": "1",
        "priority": None, "priority_name": None, "service_day": "2026-11-23",
        "issued_at": "2026-11-23T09:00:01.467+07:00", "called_at": None, "finished_at": None,
        "counter": None, "counter_name": None, "ahead": 3, "est_wait_min": 12, "recall_count": 0,
        "site_name": "MPP Uji", "now": "2026-11-23T09:05:07.000+07:00",
    }
    if status == "called":
        ticket.update(called_at="2026-11-23T09:10:00.000+07:00", counter="L03", counter_name="Loket 3",
                      ahead=0, est_wait_min=0)
    ticket.update(extra)
    return ticket


FAILED = (503, {"error": {"code": "unavailable", "message": "..."}})
CHANGED = 'retry: 300\ndata: {"type": "ticket.called", "mine": false}\n\n'  # the stream ends; the browser comes back
QUIET = "retry: 300\n\n"  # nothing changed; the browser is back 0.3 s later


class Scripted:
    """The real page and static files from the server; the ticket's reads and its stream from scripts."""

    def __init__(self, page, floor, reads: list[tuple[int, dict]], streams: list[str]):
        self.reads, self.streams = list(reads), list(streams)
        self.read_count = self.stream_count = 0
        self.url = f"{floor.url}/t/AbCdEfGh12345678"
        page.route("**/api/tickets/public/AbCdEfGh12345678", self._read)
        page.route("**/api/tickets/public/AbCdEfGh12345678/events", self._stream)

    def _read(self, route):
        self.read_count += 1
        status, body = self.reads[min(self.read_count, len(self.reads)) - 1]
        route.fulfill(status=status, content_type="application/json", body=json.dumps(body))

    def _stream(self, route):
        self.stream_count += 1
        body = self.streams[min(self.stream_count, len(self.streams)) - 1]
        route.fulfill(status=200, headers={"Content-Type": "text/event-stream", "Cache-Control": "no-cache"},
                      body=body)


def test_a_failed_read_shows_the_banner_and_the_last_known_status(floor, page):
    scripted = Scripted(page, floor, [(200, ticket_json("waiting")), FAILED], [CHANGED, QUIET])
    page.goto(scripted.url)
    page.locator("#offline").wait_for(state="visible")

    assert text(page, "offline") == "Koneksi terputus, mencoba lagi…"
    assert text(page, "code") == "B-017" and text(page, "status-text") == "Menunggu dipanggil"
    assert text(page, "ahead") == "3 orang di depan Anda" and text(page, "wait") == "sekitar 12 menit"
    assert text(page, "issued") == "Senin, 23 November 2026 09.00 WIB"
    assert text(page, "updated") == "Diperbarui 09.05.07" and text(page, "site") == "MPP Uji"


def test_the_page_recovers_and_flashes_when_called(floor, page):
    reads = [(200, ticket_json("waiting")), FAILED, (200, ticket_json("called"))]
    scripted = Scripted(page, floor, reads, [CHANGED, QUIET])
    page.goto(scripted.url)
    wait_for_text(page, "status", "Silakan menuju Loket 3")  # after the retry a few seconds later

    assert hidden(page, "offline")
    assert "flash" in page.locator("#status").get_attribute("class")
    assert page.locator("#status").get_attribute("aria-live") == "polite"
    assert scripted.read_count >= 3


@pytest.mark.parametrize("status, words", [("done", "Selesai dilayani"), ("no_show", "Tidak hadir saat dipanggil"),
                                           ("cancelled", "Dibatalkan")])
def test_the_page_stops_following_at_a_final_status(floor, page, status, words):
    reads = [(200, ticket_json("waiting", ahead=0, est_wait_min=0)), (200, ticket_json(status))]
    scripted = Scripted(page, floor, reads, [CHANGED])
    page.goto(scripted.url)
    wait_for_text(page, "status-text", words)
    page.wait_for_timeout(500)  # a read asked for while the last one ran may still be on its way
    streams, reads_seen = scripted.stream_count, scripted.read_count
    page.wait_for_timeout(1500)  # the script's stream would be back after 0.3 s if the page still followed

    assert (scripted.stream_count, scripted.read_count) == (streams, reads_seen)
    assert streams == 1 and reads_seen <= 3  # the first read, the catch-up when the stream opened, the change
    assert hidden(page, "ahead-row") and hidden(page, "wait-row")


def test_status_words_in_plain_indonesian(floor, page):
    for ticket, field, words in [
        (ticket_json("waiting", ahead=0, est_wait_min=0), "ahead", "Tidak ada orang di depan Anda"),
        (ticket_json("waiting", ahead=0, est_wait_min=0), "wait", "segera"),
        (ticket_json("printing"), "status-text", "Sedang dicetak"),
        (ticket_json("held"), "status-text", "Ditunda"),
        (ticket_json("serving", counter="L03", counter_name="Loket 3", ahead=0, est_wait_min=0), "status",
         "Sedang dilayani di Loket 3"),
    ]:
        page.unroute_all()
        scripted = Scripted(page, floor, [(200, ticket)], [QUIET])
        page.goto(scripted.url)
        wait_for_text(page, field, words)
    assert "antrian" not in page.content().lower().replace("antrian mpp", "")
