"""The benchmark's browser phase watches a real monitor page: each call's ticket in its counter's row,
when it landed and whether its own event or a fetch brought it (issue #13)."""

import time

import pytest
from playwright.sync_api import expect

from devtools.browser import WATCH_ROWS
from tests import browser
from tests.server.test_manage_pages import sign_in

pytestmark = pytest.mark.browser


def test_the_page_notes_when_a_called_ticket_reaches_its_row_and_that_its_own_event_brought_it(floor):
    ticket = floor.issue()
    with browser.playwright() as driver:
        chromium = browser.launch(driver, offline=True)
        page = chromium.new_page()
        sign_in(page, floor, "rina")
        page.evaluate(WATCH_ROWS)
        with floor.login("budi") as budi:
            budi.post("/api/counters/L01/open")
            expect(page.locator("tr[data-counter='L01']")).to_have_attribute("data-status", "open")  # its fetch landed
            called = time.time() * 1000
            budi.post("/api/counters/L01/call-next")
        expect(page.locator(f"tr[data-counter='L01'] [data-ticket='{ticket['code']}']")).to_be_visible()
        seen = page.evaluate("window.seen")
        chromium.close()
    [(counter, code, at, how)] = [row for row in seen if row[1] == ticket["code"]]
    assert counter == "L01" and how == "event"  # monitor.js, from the call's own event: no fetch needed
    assert called - 1000 < at < called + 10_000
