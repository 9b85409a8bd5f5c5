"""The audit log read back: the admin's page (/manage/audit) and `GET /api/audit`, filtered by day,
person and action; nobody else may read it."""

import re

import pytest

from tests.server.test_manage_shell import browser, sign_in, signed_in, text


# ---------------------------------------------------------------------------------------- audit page


def test_the_audit_page_filters_by_day_person_and_action(app_floor):
    signed_in(app_floor, "budi")
    sign_in(browser(app_floor), "budi", "0000")
    app_floor.clock.advance(days=1)
    client = signed_in(app_floor, "admin")
    rows = lambda answer: re.findall(r'<tr data-action="([^"]+)">', answer.get_data(as_text=True))  # noqa: E731
    assert rows(client.get("/manage/audit?actor=budi")) == ["auth.login_failed", "auth.login"]
    assert rows(client.get("/manage/audit?actor=budi&action=auth.login")) == ["auth.login"]
    assert rows(client.get("/manage/audit?from=2026-11-24&to=2026-11-24")) == ["auth.login"]  # admin, today
    assert set(rows(client.get("/manage/audit?to=2026-11-22"))) == {"device.added"}  # when the floor was made
    assert rows(client.get("/manage/audit?to=2025-12-31")) == []
    everything = client.get("/manage/audit")
    assert rows(everything)[:2] == ["auth.login", "auth.login_failed"]
    assert "127.0.0.1" in text(everything) and "reason: wrong_pin" in text(everything)


def test_the_audit_page_says_what_is_wrong_with_a_date(app_floor):
    answer = signed_in(app_floor, "admin").get("/manage/audit?from=23-11-2026")
    assert answer.status_code == 422 and "tulis sebagai TTTT-BB-HH" in text(answer)


# ------------------------------------------------------------------------------------- GET /api/audit


@pytest.mark.parametrize("who, status", [("admin", 200), ("rina", 403), ("dewi", 403), ("budi", 403),
                                         ("kiosk", 403), (None, 401)])
def test_the_audit_api_is_for_the_admin(app_floor, who, status):
    client = app_floor.kiosk() if who == "kiosk" else app_floor.login(who) if who else app_floor.client()
    with client:
        assert client.get("/api/audit").status_code == status


def test_the_audit_api_filters_and_answers_each_entrys_fields(app_floor):
    with app_floor.client() as anonymous:
        anonymous.post("/api/auth/login", json={"username": "joko", "pin": "0000"})
    with app_floor.login("admin") as admin:
        (entry,) = admin.get("/api/audit", params={"actor": "joko"}).json()
        assert set(entry) >= {"ts", "actor", "action", "target", "details", "address"}
        assert (entry["action"], entry["details"], entry["address"]) == ("auth.login_failed",
                                                                         {"reason": "wrong_pin"}, "127.0.0.1")
        assert admin.get("/api/audit", params={"from": "2026-11-23", "to": "2026-11-23",
                                               "action": "auth.login_failed"}).json() == [entry]
        assert admin.get("/api/audit", params={"from": "2026-11-24"}).json() == []


@pytest.mark.parametrize("params", [{"from": "2026-13-01"}, {"to": "kemarin"}, {"from": "2026-11-24", "to": "2026-11-23"},
                                    {"from": "2026-11-2"}])
def test_the_audit_api_refuses_a_bad_date_in_indonesian(app_floor, params):
    with app_floor.login("admin") as admin:
        answer = admin.get("/api/audit", params=params)
    assert answer.status_code == 422 and answer.json()["error"]["message"].startswith("Tanggal")
