"""The benchmark's browser phase watches a real monitor page: each call's ticket in its counter's row,
with the times of the fetch that brought it (issue #13)."""

import time

import pytest
from playwright.sync_api import expect

from devtools.browser import WATCH_ROWS
from tests import browser
from tests.server.test_manage_pages import sign_in

pytestmark = pytest.mark.browser


def test_the_page_notes_when_a_called_ticket_reaches_its_row_and_the_fetch_behind_it(floor):
    ticket = floor.issue()
    with browser.playwright() as driver:
        chromium = browser.launch(driver, offline=True)
        page = chromium.new_page()
        sign_in(page, floor, "rina")
        page.evaluate(WATCH_ROWS)
        with floor.login("budi") as budi:
            budi.post("/api/counters/L01/open")
            called = time.time() * 1000
            budi.post("/api/counters/L01/call-next")
        expect(page.locator(f"tr[data-counter='L01'] [data-ticket='{ticket['code']}']")).to_be_visible()
        seen = page.evaluate("window.seen")
        chromium.close()
    [(counter, code, at, sent, answered)] = [row for row in seen if row[1] == ticket["code"]]
    assert counter == "L01"
    assert called - 1000 < sent <= answered <= at < called + 10_000
