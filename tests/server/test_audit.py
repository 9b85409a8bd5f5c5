"""The audit log: every sign-in is in it, and nothing in the product can change it."""

import sqlite3

import pytest

from server import storage


def entries(floor, **filters):
    with storage.connect(floor.db_path) as conn:
        return storage.audit_entries(conn, **filters)


def test_a_sign_in_and_a_failed_one_are_in_the_audit_log_with_the_address(app_floor):
    app_floor.login("budi").close()
    with app_floor.client() as anonymous:
        assert anonymous.post("/api/auth/login", json={"username": "budi", "pin": "9999"}).status_code == 401
        assert anonymous.post("/api/auth/login", json={"username": "nobody", "pin": "9999"}).status_code == 401
    failed, unknown_first = entries(app_floor, action="auth.login_failed")
    assert (failed["actor"], failed["details"]["reason"]) == ("nobody", "unknown_username")
    assert (unknown_first["actor"], unknown_first["details"]["reason"]) == ("budi", "wrong_pin")
    (signed_in,) = entries(app_floor, action="auth.login")
    assert signed_in["actor"] == "budi" and signed_in["details"] == {"role": "officer"}
    assert signed_in["address"] == "127.0.0.1" and signed_in["ts"].startswith("2026-")


def test_a_locked_username_is_audited_too(app_floor):
    with app_floor.client() as anonymous:
        for _ in range(6):
            anonymous.post("/api/auth/login", json={"username": "sari", "pin": "0000"})
    reasons = [entry["details"]["reason"] for entry in entries(app_floor, actor="sari")]
    assert reasons == ["locked", *["wrong_pin"] * 5]


def test_a_device_added_from_the_console_is_audited(app_floor):
    added = entries(app_floor, action="device.added")
    assert {entry["details"]["kind"] for entry in added} == {"kiosk", "display", "counter"}
    assert all(entry["actor"] == "console" for entry in added)


@pytest.mark.parametrize("statement", ["UPDATE audit_log SET actor = 'someone else'", "DELETE FROM audit_log"])
def test_the_audit_log_cannot_be_rewritten(app_floor, statement):
    with storage.connect(app_floor.db_path) as conn:
        with pytest.raises(sqlite3.IntegrityError, match="append-only"):
            conn.execute(statement)
