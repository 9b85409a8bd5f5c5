"""The survey's pages: a served ticket's status page is the survey (a plain form, no script needed),
the counter's tablet paired by a signed link shows the ticket just finished and resets; and the phone
flow in Chromium."""

import re

import pytest

from tests import browser
from tests.server.test_manage_pages import CONTRAST
from tests.server.test_skm import serve

FORM = {f"q{n}": "4" for n in range(1, 10)} | {"comment": "Ramah <b>sekali</b>", "gender": "L"}


def tablet_link(floor) -> str:
    with floor.server.app.test_request_context():
        from server.web.skm import tablet_url
        return tablet_url("L01")


def test_the_status_page_of_a_served_ticket_is_the_survey_until_answered(app_floor):
    waiting = app_floor.issue("SM-PKB")
    with app_floor.client() as phone:
        assert 'id="code"' in phone.get(f"/t/{waiting['public_id']}").text  # the live status page
        served = serve(app_floor)
        page = phone.get(f"/t/{served['public_id']}")
        assert page.status_code == 200 and "<script" not in page.text
        assert page.text.count('type="radio"') == 36 and "Sangat sopan dan ramah" in page.text
        assert phone.get(f"/api/tickets/public/{served['public_id']}").json()["skm"]["open"] is True
        missing = phone.post(f"/t/{served['public_id']}/skm", data={**FORM, "q3": "", "q7": "9"})
        assert missing.status_code == 422 and "nomor 3, 7" in missing.text
        assert missing.text.count("checked") == 7  # what was chosen stays chosen
        thanks = phone.post(f"/t/{served['public_id']}/skm", data=FORM)
        assert thanks.status_code == 201 and "Terima kasih" in thanks.text
        again = phone.post(f"/t/{served['public_id']}/skm", data=FORM)
        assert again.status_code == 409 and "sudah diisi" in again.text
        assert 'id="code"' in phone.get(f"/t/{served['public_id']}").text  # the status page again
        state = phone.get(f"/api/tickets/public/{served['public_id']}").json()["skm"]
        assert (state["open"], state["answered"], state["until"][:10]) == (False, True, "2026-11-30")


def test_the_counters_tablet_shows_the_ticket_just_finished_then_resets(app_floor):
    link = tablet_link(app_floor)
    with app_floor.client() as tablet:
        assert tablet.get("/skm/counter/L01?key=wrong").status_code == 403
        assert tablet.get(link.replace("/L01", "/L02")).status_code == 403  # one counter's link only
        idle = tablet.get(link)
        assert idle.status_code == 200 and 'http-equiv="refresh"' in idle.text and "survei" in idle.text.lower()
        ticket = serve(app_floor)
        shown = tablet.get(link)
        assert ticket["code"] in shown.text and shown.text.count('type="radio"') == 36
        assert re.search(r'content="180; url=', shown.text)  # resets itself after the timeout
        other = serve(app_floor, "joko", "L08", "SM-PKB")
        refused = tablet.post(link, data={**FORM, "ticket": other["public_id"]})
        assert refused.status_code == 404  # another counter's ticket
        thanks = tablet.post(link, data={**FORM, "ticket": ticket["public_id"]})
        assert thanks.status_code == 201 and "Terima kasih" in thanks.text and 'content="8; url=' in thanks.text
        assert ticket["code"] not in tablet.get(link).text  # answered: idle again
        late = serve(app_floor)
        app_floor.clock.advance(seconds=181)
        assert late["code"] not in tablet.get(link).text  # the window passed: idle


@pytest.mark.browser
def test_the_phone_flow_in_chromium(shared_floor, chromium):
    ticket = serve(shared_floor)
    context = chromium.new_context(viewport=browser.PHONE, locale="id-ID")
    try:
        page = context.new_page()
        page.set_default_timeout(10_000)
        url = f"{shared_floor.url}/t/{ticket['public_id']}"
        page.goto(url)
        low = page.evaluate(CONTRAST)
        assert low["checked"] >= 20 and low["found"] == [], low
        for n in range(1, 10):
            group = page.get_by_role("radiogroup").nth(n - 1)
            group.get_by_role("radio").nth(3 if n % 2 else 2).check()
        page.get_by_role("textbox", name="Saran dan masukan").fill("Pelayanan cepat")
        second = context.new_page()  # the same form open twice: the second sending is refused
        second.goto(url)
        page.bring_to_front()  # a tab in the background is throttled: its clicks wait
        page.get_by_role("button", name="Kirim survei").click()
        page.wait_for_selector("#thanks")
        assert page.locator("#thanks").inner_text() == "Terima kasih!"
        second.bring_to_front()
        second.get_by_role("button", name="Kirim survei").click()
        second.wait_for_selector("#message")
        assert "sudah diisi" in second.locator("#message").inner_text()
        page.bring_to_front()
        page.goto(url)  # answered: the ticket's status page again
        page.wait_for_function("document.getElementById('status-text').textContent === 'Selesai dilayani'")
    finally:
        context.close()
    with shared_floor.login("rina") as rina:
        figures = rina.get("/api/skm/summary").json()
    assert figures["respondents"] == 1 and figures["nrr"] == [4.0, 3.0] * 4 + [4.0]
