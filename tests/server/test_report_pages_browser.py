"""The report page in a real Chromium against a real server: a small morning seeded through the API, the
table showing the same numbers as GET /api/reports/summary, the charts drawn from the bundled Chart.js
with no console error and no request leaving the server, every text readable (WCAG AA)."""

import pytest

from tests import browser
from tests.server.test_manage_pages import CONTRAST, SCREENSHOTS, sign_in

pytestmark = pytest.mark.browser

FIELDS = ("issued", "served", "no_show", "cancelled", "transferred_out", "called", "wait_mean_min",
          "wait_median_min", "wait_p90_min", "service_mean_min", "service_p90_min", "service_level_pct",
          "priority_pct", "busiest_hour")

# Whether each chart's canvas holds drawn pixels, and that Chart.js owns it.
DRAWN = """() => [...document.querySelectorAll('.charts canvas')].map(canvas => {
    const pixels = canvas.getContext('2d').getImageData(0, 0, canvas.width, canvas.height).data;
    let inked = 0;
    for (let i = 3; i < pixels.length; i += 4) if (pixels[i] > 0) inked += 1;
    return {id: canvas.closest('figure').id, chart: !!Chart.getChart(canvas), inked};
})"""

# The table's cells as the page shows them, per row key (the totals as "totals").
SHOWN = """() => Object.fromEntries(
    [...document.querySelectorAll('#report-table tbody tr[data-key], #report-table #totals')].map(tr =>
        [tr.id === 'totals' ? 'totals' : tr.dataset.key, [...tr.querySelectorAll('td')].map(td => td.innerText)]))"""


def seed_morning(floor) -> None:
    """Five tickets for Dukcapil (one under a priority), two for Samsat; three served, one no-show."""
    for _ in range(4):
        floor.issue("DK-KTP")
    floor.issue("DK-KTP", priority="lansia")
    floor.issue("SM-PKB")
    floor.issue("SM-PKB")
    with floor.login("budi") as budi, floor.login("joko") as joko:
        assert budi.post("/api/counters/L01/open").status_code == 200
        for _ in range(3):
            assert budi.post("/api/counters/L01/call-next").status_code == 200
            budi.post("/api/counters/L01/start")
            assert budi.post("/api/counters/L01/done").status_code == 200
        assert joko.post("/api/counters/L08/open").status_code == 200
        assert joko.post("/api/counters/L08/call-next").status_code == 200
        assert joko.post("/api/counters/L08/no-show").status_code == 200


def number(text: str) -> float | None:
    """An Indonesian number from the page ("1.234,5"), an hour ("09.00"), or None for "–"."""
    text = text.strip()
    if text == "–":
        return None
    if text.endswith(".00") and len(text) == 5:
        return float(text[:2])
    return float(text.replace(".", "").replace(",", "."))


def test_the_report_page_shows_the_apis_numbers_and_draws_its_charts_offline(shared_floor, chromium):
    seed_morning(shared_floor)
    with shared_floor.login("rina") as rina:
        api = rina.get("/api/reports/summary", params={"group": "agency"}).json()
    with browser.laptop_page(chromium) as page:
        problems, outside = [], []
        page.on("console", lambda message: problems.append(message.text)
                if message.type in ("error", "warning") else None)
        page.on("pageerror", lambda error: problems.append(str(error)))
        page.on("request", lambda request: outside.append(request.url)
                if not request.url.startswith(shared_floor.url) else None)
        sign_in(page, shared_floor, "rina", start="/manage/reports?group=agency")
        assert page.url.startswith(shared_floor.url + "/manage/reports")
        page.wait_for_function("() => document.querySelectorAll('.charts canvas').length === 3 && "
                               "[...document.querySelectorAll('.charts canvas')].every(c => Chart.getChart(c))")

        expected = {"totals": api["totals"], **{row["key"]: row for row in api["rows"]}}
        shown = page.evaluate(SHOWN)
        assert set(shown) == set(expected) == {"totals", "DUKCAPIL", "SAMSAT"}
        for key, row in expected.items():
            assert [number(cell) for cell in shown[key]] == [row[field] for field in FIELDS], key
        assert expected["totals"]["issued"] == 7 and expected["totals"]["served"] == 3

        charts = page.evaluate(DRAWN)
        assert [c["id"] for c in charts] == ["chart-hours", "chart-volume", "chart-waits"]
        assert all(c["chart"] and c["inked"] > 500 for c in charts), charts
        page.evaluate("document.querySelectorAll('details').forEach(d => d.open = true)")
        low = page.evaluate(CONTRAST)
        assert low["found"] == [] and low["checked"] > 100
        browser.screenshot(page, SCREENSHOTS / "manage-reports.png")
        assert problems == [] and outside == []
