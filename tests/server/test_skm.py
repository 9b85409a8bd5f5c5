"""The satisfaction survey's API (SKM): an answer only for a served ticket, once, for 7 days; the
figures for who may see them (an officer: their own, from 10 answers on)."""

import sqlite3

import pytest

ALL_GOOD = [4, 4, 3, 4, 3, 4, 4, 3, 3]


def serve(floor, officer: str = "budi", counter: str = "L01", service: str = "DK-KTP", done: bool = True) -> dict:
    ticket = floor.issue(service)
    with floor.login(officer) as who:
        who.post(f"/api/counters/{counter}/open")
        assert who.post(f"/api/counters/{counter}/call-next").json()["ticket"]["id"] == ticket["id"]
        if done:
            assert who.post(f"/api/counters/{counter}/done").status_code == 200
    return ticket


def answer(floor, public_id: str, answers=ALL_GOOD, **more):
    with floor.client() as anonymous:
        return anonymous.post("/api/skm/responses", json={"ticket": public_id, "answers": answers, **more})


def refused(response, status: int, code: str) -> dict:
    assert response.status_code == status, response.text
    assert response.json()["error"]["code"] == code
    return response.json()["error"]


def test_the_form_has_the_nine_unsur_with_their_answers(shared_app_floor):
    with shared_app_floor.client() as anonymous:
        form = anonymous.get("/api/skm/form").json()
    assert [q["n"] for q in form["questions"]] == list(range(1, 10))
    assert form["questions"][6]["options"][3] == {"value": 4, "label": "Sangat sopan dan ramah",
                                                  "label_en": "Very polite and friendly"}
    assert {f["name"] for f in form["respondent_fields"]} == {"gender", "age_group", "education", "occupation"}


def test_an_answer_for_a_served_ticket_once_then_refusals(app_floor):
    ticket = serve(app_floor)
    created = answer(app_floor, ticket["public_id"], comment="Cepat dan ramah", respondent={"gender": "P"})
    assert created.status_code == 201, created.text
    assert created.json()["id"] >= 1
    refused(answer(app_floor, ticket["public_id"]), 409, "already_answered")
    refused(answer(app_floor, "tidakadatiketini"), 404, "unknown_ticket")
    called = serve(app_floor, done=False)
    refused(answer(app_floor, called["public_id"]), 409, "not_served")
    waiting = app_floor.issue()
    refused(answer(app_floor, waiting["public_id"]), 409, "not_served")


@pytest.mark.parametrize("answers, more", [
    ([4] * 8, {}), ([4] * 8 + [5], {}), ([4] * 8 + ["4"], {}), ("4444", {}), (None, {}),
    (ALL_GOOD, {"respondent": {"gender": "X"}}), (ALL_GOOD, {"comment": 12}),
])
def test_wrong_answers_get_a_clear_indonesian_422(shared_app_floor, answers, more):
    ticket = serve(shared_app_floor)
    error = refused(answer(shared_app_floor, ticket["public_id"], answers, **more), 422, "wrong_answers")
    assert any(word in error["message"] for word in ("pertanyaan", "Pilih", "Saran", "Pilihan", "Jawab"))


def test_answers_close_seven_days_after_service(app_floor):
    ticket = serve(app_floor)
    app_floor.clock.advance(days=7, seconds=1)
    refused(answer(app_floor, ticket["public_id"]), 409, "expired")


def test_the_summary_for_supervisors_in_scope(app_floor):
    served = [serve(app_floor) for _ in range(3)]
    joko = serve(app_floor, "joko", "L08", "SM-PKB")
    for ticket, answers in zip(served, ([4] * 9, [3] * 9, [2] * 9)):
        assert answer(app_floor, ticket["public_id"], answers).status_code == 201
    assert answer(app_floor, joko["public_id"], [1] * 9).status_code == 201
    day = "2026-11-23"
    with app_floor.login("rina") as rina:
        building = rina.get("/api/skm/summary", params={"from": day, "to": day}).json()
        dukcapil = rina.get("/api/skm/summary", params={"from": day, "to": day, "agency": "DUKCAPIL"}).json()
    assert (building["respondents"], building["population"], building["min_respondents"]) == (4, 4, 4)
    assert building["nrr"] == [2.5] * 9 and building["ikm"] == 62.5 and building["category"] == "D"
    assert (dukcapil["respondents"], dukcapil["ikm"], dukcapil["grade"]) == (3, 75.0, "Kurang Baik")
    assert dukcapil["sample_reached"] is True
    with app_floor.login("dewi") as dewi:
        refused(dewi.get("/api/skm/summary", params={"agency": "SAMSAT"}), 403, "other_agency")
        assert dewi.get("/api/skm/summary", params={"from": day}).json()["respondents"] == 3
    with app_floor.client() as anonymous:
        refused(anonymous.get("/api/skm/summary"), 401, "missing_token")
    with app_floor.kiosk() as kiosk:
        refused(kiosk.get("/api/skm/summary"), 403, "wrong_token_kind")


def test_an_officer_sees_only_their_own_figures_and_only_from_ten_answers(app_floor):
    with sqlite3.connect(app_floor.db_path) as db:
        me = {"id": db.execute("SELECT id FROM officers WHERE username = 'budi'").fetchone()[0]}
    tickets = [serve(app_floor) for _ in range(10)]
    for ticket in tickets[:9]:
        assert answer(app_floor, ticket["public_id"]).status_code == 201
    with app_floor.login("budi") as budi:
        error = refused(budi.get("/api/skm/summary"), 403, "too_few_answers")
        assert "10" in error["message"]
        assert answer(app_floor, tickets[9]["public_id"]).status_code == 201
        mine = budi.get("/api/skm/summary").json()
        assert (mine["respondents"], mine["officer"], mine["ikm"]) == (10, me["id"], 88.89)
        refused(budi.get("/api/skm/summary", params={"officer": me["id"] + 1}), 403, "other_officer")
