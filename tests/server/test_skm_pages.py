"""The survey's pages: a served ticket's status page is the survey (a plain form, no script needed),
the counter's tablet paired by a signed link shows the ticket just finished and resets; and the phone
flow in Chromium."""

import re
import sqlite3

import pytest

from tests import browser
from tests.server.test_admin_pages import form_of
from tests.server.test_manage_pages import CONTRAST
from tests.server.test_manage_shell import page_csrf, signed_in, text
from tests.server.test_skm import serve

NOVEMBER = {"from": "2026-11-01", "to": "2026-11-30"}
TABLET = {"width": 800, "height": 1280}
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
        assert refused.status_code == 409  # not the ticket this counter just finished
        thanks = tablet.post(link, data={**FORM, "ticket": ticket["public_id"]})
        assert thanks.status_code == 201 and "Terima kasih" in thanks.text and 'content="8; url=' in thanks.text
        assert ticket["code"] not in tablet.get(link).text  # answered: idle again
        late = serve(app_floor)
        app_floor.clock.advance(seconds=181)
        assert late["code"] not in tablet.get(link).text  # the window passed: idle
        left = serve(app_floor)
        current = link.replace("?key", "/current?key")
        assert tablet.get(current).json() == {"ticket": left["public_id"]}
        app_floor.issue()
        with app_floor.login("budi") as budi:
            budi.post("/api/counters/L01/call-next")  # the next citizen is at the counter
        assert tablet.get(current).json() == {"ticket": None} and left["code"] not in tablet.get(link).text
        closed = tablet.post(link, data={**FORM, "ticket": left["public_id"]})
        assert closed.status_code == 409 and "sudah habis" in closed.text


@pytest.mark.browser
def test_the_phone_flow_in_chromium(shared_floor, chromium):
    ticket = serve(shared_floor, done=False)
    context = chromium.new_context(viewport=browser.PHONE, locale="id-ID")
    try:
        page = context.new_page()
        page.set_default_timeout(10_000)
        url = f"{shared_floor.url}/t/{ticket['public_id']}"
        page.goto(url)  # the live status page while being served
        page.wait_for_selector("body[data-state='called']")
        with shared_floor.login("budi") as budi:
            assert budi.post("/api/counters/L01/done").status_code == 200
        page.wait_for_selector("form.survey")  # done: the page turns into the survey by itself
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


@pytest.mark.browser
def test_the_counter_tablet_in_chromium_shows_the_survey_after_done_thanks_and_resets(shared_floor, chromium):
    with browser.laptop_page(chromium) as admin:  # the admin copies the counter's link from /manage/skm
        browser.sign_in(admin, shared_floor.url, "admin", start="/manage/skm")
        link = admin.locator('#tablets a[href*="/skm/counter/L01?"]').get_attribute("href")
    ticket = serve(shared_floor, done=False)
    context = chromium.new_context(viewport=TABLET, locale="id-ID")
    try:
        tablet = context.new_page()
        tablet.set_default_timeout(10_000)
        tablet.goto(shared_floor.url + link)
        tablet.wait_for_selector("text=Survei akan tampil di sini")  # the citizen is still being served
        with shared_floor.login("budi") as budi:
            assert budi.post("/api/counters/L01/done").status_code == 200
        tablet.wait_for_selector("form.survey")  # the idle screen's own refresh (4 s) finds the ticket
        assert tablet.locator("h1.code").inner_text() == ticket["code"]
        for n in range(9):
            tablet.get_by_role("radiogroup").nth(n).get_by_role("radio").nth(2).check()
        tablet.get_by_role("button", name="Kirim survei").click()
        tablet.wait_for_selector("#thanks")
        tablet.wait_for_selector("text=Survei akan tampil di sini", timeout=15_000)  # reset after 8 s
    finally:
        context.close()
    with sqlite3.connect(shared_floor.db_path) as db:
        row = db.execute("SELECT r.channel, r.counter, r.a1, r.a9 FROM skm_responses r JOIN tickets t ON t.id = r.ticket_id "
                         "WHERE t.public_id = ?", (ticket["public_id"],)).fetchone()
    assert row == ("counter", "L01", 3, 3)


def test_the_results_page_scoped_with_the_plan_audited_and_comments_escaped(app_floor):
    from tests.server.test_skm import answer
    served = [serve(app_floor) for _ in range(2)]
    samsat = serve(app_floor, "joko", "L08", "SM-PKB")
    assert answer(app_floor, served[0]["public_id"], [2] * 9, comment="<script>x</script> lambat").status_code == 201
    assert answer(app_floor, served[1]["public_id"], [3] * 9, respondent={"gender": "P"}).status_code == 201
    assert answer(app_floor, samsat["public_id"], [4] * 9, comment="Samsat ramah").status_code == 201
    dewi = signed_in(app_floor, "dewi")  # Dukcapil's supervisor
    for _ in [1]:
        page = dewi.get("/manage/skm?month=2026-11")
        assert page.status_code == 200
        assert 'id="ikm">62.50<' in page.text and "Kurang Baik" not in page.text and "Tidak Baik" in page.text
        assert "&lt;script&gt;x&lt;/script&gt; lambat" in page.text and "Samsat ramah" not in page.text
        assert "2 responden dari minimum 2" in text(page) and "Perempuan 1" in text(page)
        assert "/skm/counter/" not in page.text  # the tablets' links are the admin's
        assert "dewi (Penyelia, Disdukcapil)" in text(page)
        assert dewi.get("/manage/skm?agency=SAMSAT").status_code == 403
        saved = dewi.post("/manage/skm/plan", data={**NOVEMBER, "csrf_token": page_csrf(dewi), "element": "3",
                                                    "text": "Tambah loket pada jam sibuk"})
        assert saved.status_code == 303
        assert "Tambah loket pada jam sibuk" in dewi.get("/manage/skm?month=2026-11").text
        assert dewi.post("/manage/skm/plan", data={**NOVEMBER, "csrf_token": page_csrf(dewi), "element": "10",
                                                   "text": "x"}).status_code == 422
    with sqlite3.connect(app_floor.db_path) as db:
        entry = db.execute("SELECT actor, action, details FROM audit_log WHERE action = 'skm.plan'").fetchall()
    assert len(entry) == 1 and entry[0][0] == "dewi" and "Tambah loket" in entry[0][2]
    admin = signed_in(app_floor, "admin")
    for _ in [1]:
        page = admin.get("/manage/skm?month=2026-11")
        assert 'id="ikm">75.00<' in page.text and "/skm/counter/L01?key=" in page.text
        poster = admin.get("/manage/skm/poster.pdf?month=2026-11")
        assert poster.status_code == 200 and poster.data.startswith(b"%PDF")
    budi = signed_in(app_floor, "budi")
    for _ in [1]:
        assert budi.get("/manage/skm").status_code == 403


def test_the_results_page_filters_by_officer_without_their_comments(app_floor):
    from tests.server.test_skm import answer
    budi_ticket, sari_ticket = serve(app_floor), serve(app_floor, "sari", "L02")
    assert answer(app_floor, budi_ticket["public_id"], [2] * 9, comment="Lambat").status_code == 201
    assert answer(app_floor, sari_ticket["public_id"], [4] * 9).status_code == 201
    with sqlite3.connect(app_floor.db_path) as db:
        ids = dict(db.execute("SELECT username, id FROM officers"))
    dewi = signed_in(app_floor, "dewi")
    page = dewi.get("/manage/skm?month=2026-11")
    options = re.findall(r'<option value="(\d+)"[^>]*>(\w+)</option>', page.text)
    assert ("budi", "sari") <= tuple(sorted(name for _, name in options)) and "joko" not in page.text  # her agency's
    assert 'id="ikm">75.00<' in page.text and "Lambat" in page.text
    budi_only = dewi.get(f"/manage/skm?month=2026-11&officer={ids['budi']}")
    assert budi_only.status_code == 200 and 'id="ikm">50.00<' in budi_only.text
    assert 'id="officer-name">budi<' in budi_only.text and "selected>budi<" in budi_only.text.replace('" selected', " selected")
    assert "Lambat" not in budi_only.text and 'id="officer-privacy"' in budi_only.text  # no comment tied to him
    joko_at_dukcapil = dewi.get(f"/manage/skm?month=2026-11&officer={ids['joko']}")
    assert 'id="ikm-none"' in joko_at_dukcapil.text  # still her agency's answers only
    poster = dewi.get(f"/manage/skm/poster.pdf?month=2026-11&officer={ids['budi']}")
    assert poster.status_code == 200 and poster.data.startswith(b"%PDF")


def test_an_officers_counter_page_shows_their_own_figures_from_ten_answers(app_floor):
    from tests.server.test_skm import answer
    tickets = [serve(app_floor) for _ in range(10)]
    for ticket in tickets[:9]:
        assert answer(app_floor, ticket["public_id"], [3] * 9).status_code == 201
    budi = signed_in(app_floor, "budi")
    page = budi.get("/manage/counter")
    assert 'id="my-skm-waiting"' in page.text and "sedikitnya 10 jawaban" in text(page) and "(sekarang 9)" in text(page)
    assert 'id="my-ikm"' not in page.text
    assert answer(app_floor, tickets[9]["public_id"], [4] * 9).status_code == 201
    page = budi.get("/manage/counter")
    assert 'id="my-ikm">77,50<' in page.text and "10 responden" in text(page) and "Baik" in text(page)
    assert "(sekarang 0)" in text(signed_in(app_floor, "sari").get("/manage/counter"))  # budi's are his own
    assert 'id="my-skm"' not in signed_in(app_floor, "dewi").get("/manage/counter").text


def test_the_admin_puts_last_months_ikm_on_the_boards_running_text(app_floor):
    from tests.server.test_skm import answer
    tickets = [serve(app_floor) for _ in range(2)]
    assert answer(app_floor, tickets[0]["public_id"], [4] * 9).status_code == 201
    assert answer(app_floor, tickets[1]["public_id"], [3] * 8 + [4]).status_code == 201
    app_floor.clock.advance(days=10)  # December: November is the latest finished month
    with app_floor.client(app_floor.display_token) as board:
        assert board.get("/api/state").json()["site"]["ikm_text"] is None  # off until the admin turns it on
    admin = signed_in(app_floor, "admin")
    assert 'id="show_ikm_on_boards"' in admin.get("/manage/admin/site").text
    assert "IKM tidak ditampilkan di layar" in text(admin.get("/manage/skm"))
    form = form_of(admin.get("/manage/admin/site"))
    assert "show_ikm_on_boards" not in form  # unchecked
    assert admin.post("/manage/admin/site", data={**form, "show_ikm_on_boards": "on"}).status_code == 303
    with app_floor.login("admin") as api:
        assert api.get("/api/admin/site").json()["site"]["show_ikm_on_boards"] is True
        assert "show_ikm_on_boards = true" in api.get("/api/admin/site.toml").text
    line = "Indeks Kepuasan Masyarakat bulan November 2026: 88,89 (A, Sangat Baik)"
    with app_floor.client(app_floor.display_token) as board:
        state = board.get("/api/state").json()
        assert state["site"]["ikm_text"] == line and state["site"]["running_text"] != line
    with app_floor.client(app_floor.counter_pc_token) as counter_pc:
        assert counter_pc.get("/api/state", params={"counter": "L01"}).json()["site"]["ikm_text"] is None
    assert line in text(admin.get("/manage/skm"))
    with sqlite3.connect(app_floor.db_path) as db:
        assert db.execute("SELECT COUNT(*) FROM audit_log WHERE action = 'site.updated' "
                          "AND details LIKE '%show_ikm_on_boards%'").fetchone()[0] == 1
        events = [row[0] for row in db.execute("SELECT type FROM events ORDER BY id DESC LIMIT 3")]
    assert "site.changed" in events  # the boards read the state again
    with app_floor.login("admin") as api:
        site = api.get("/api/admin/site").json()["site"]
        assert api.patch("/api/admin/site", json={"version": site["version"], "show_ikm_on_boards": False}
                         ).json()["show_ikm_on_boards"] is False
    with app_floor.client(app_floor.display_token) as board:
        assert board.get("/api/state").json()["site"]["ikm_text"] is None
