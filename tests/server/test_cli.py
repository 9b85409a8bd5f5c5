"""The command line: init (twice), devices, officers, backups, and numbering across days."""

import sqlite3
import subprocess
import sys
import time
import uuid

import httpx

from devtools.launcher import DEMO_SITE, ServerProcess


def mpp(*args, check=True):
    result = subprocess.run([sys.executable, "-m", "server", *map(str, args)], capture_output=True, text=True)
    if check:
        assert result.returncode == 0, result.stderr
    return result


def test_init_is_safe_to_run_again_and_device_token_works(tmp_path):
    db = tmp_path / "mpp.db"
    first = mpp("init", "--db", db, "--site", DEMO_SITE)
    assert "17 agencies" in first.stdout
    token = mpp("device", "add", "--db", db, "--kind", "kiosk", "--name", "Kios A", "--zone", "1").stdout.split()[-1]
    mpp("init", "--db", db, "--site", DEMO_SITE)
    mpp("officer", "add", "--db", db, "--username", "dewi", "--pin", "4321", "--role", "officer", "--agency", "SAMSAT")
    with ServerProcess(db) as server:
        with httpx.Client(base_url=server.url, timeout=10) as client:
            catalog = client.get("/api/kiosk/catalog", headers={"Authorization": f"Bearer {token}"})
            login = client.post("/api/auth/login", json={"username": "dewi", "pin": "4321"})
    assert catalog.status_code == 200 and login.status_code == 200
    assert login.json()["officer"]["agency"] == "SAMSAT"


def test_bad_site_file_is_reported_with_file_and_key_not_a_traceback(tmp_path):
    site = tmp_path / "site.toml"
    site.write_text(DEMO_SITE.read_text(encoding="utf-8").replace('timezone = "Asia/Jakarta"',
                                                                  'timezone = "Asia/Atlantis"', 1), encoding="utf-8")
    result = mpp("init", "--db", tmp_path / "x.db", "--site", site, check=False)
    assert result.returncode != 0
    assert "site.toml" in result.stderr and "site.timezone" in result.stderr and "Atlantis" in result.stderr
    assert "Traceback" not in result.stderr


def test_officer_needs_an_existing_agency(tmp_path):
    db = tmp_path / "mpp.db"
    mpp("init", "--db", db, "--site", DEMO_SITE)
    result = mpp("officer", "add", "--db", db, "--username", "x", "--pin", "1234", "--role", "officer",
                 "--agency", "NOPE", check=False)
    assert result.returncode != 0 and "unknown agency" in result.stderr and "Traceback" not in result.stderr


def test_online_backup_while_serving_restores_every_ticket(floor, tmp_path):
    codes = [floor.issue()["code"] for _ in range(5)]
    out = tmp_path / "backups"
    path = mpp("backup", "--db", floor.db_path, "--out", out).stdout.strip()
    floor.issue()  # after the backup
    floor.server.stop()
    restored = tmp_path / "restored.db"
    mpp("restore", "--db", restored, "--from", path)
    conn = sqlite3.connect(restored)
    stored = [code for (code,) in conn.execute("SELECT code FROM tickets ORDER BY id")]
    check = conn.execute("PRAGMA integrity_check").fetchone()[0]
    conn.close()
    assert stored == codes and check == "ok"


def test_numbering_restarts_each_service_day_and_history_is_kept(tmp_path):
    db = tmp_path / "mpp.db"
    mpp("init", "--db", db, "--site", DEMO_SITE)
    token = mpp("device", "add", "--db", db, "--kind", "kiosk", "--name", "K").stdout.split()[-1]

    def issue(server):
        with httpx.Client(base_url=server.url, headers={"Authorization": f"Bearer {token}"}, timeout=10) as kiosk:
            body = {"service": "DK-KTP", "request_id": uuid.uuid4().hex}
            return kiosk.post("/api/tickets", json=body).json()

    with ServerProcess(db, now="2026-11-23T14:00:00+07:00") as monday:
        first_day = [issue(monday)["code"], issue(monday)["code"]]
    with ServerProcess(db, now="2026-11-24T08:05:00+07:00") as tuesday:
        next_day = issue(tuesday)
    assert first_day == ["A-001", "A-002"]
    assert next_day["code"] == "A-001" and next_day["service_day"] == "2026-11-24"
    conn = sqlite3.connect(db)
    days = conn.execute("SELECT service_day, COUNT(*) FROM tickets GROUP BY service_day").fetchall()
    conn.close()
    assert days == [("2026-11-23", 2), ("2026-11-24", 1)]


def test_tickets_left_open_at_day_end_are_closed_the_next_day(tmp_path):
    db = tmp_path / "mpp.db"
    mpp("init", "--db", db, "--site", DEMO_SITE)
    token = mpp("device", "add", "--db", db, "--kind", "kiosk", "--name", "K").stdout.split()[-1]
    mpp("officer", "add", "--db", db, "--username", "budi", "--pin", "1234", "--role", "officer",
        "--agency", "DUKCAPIL")
    with ServerProcess(db, now="2026-11-23T14:00:00+07:00") as monday:
        with httpx.Client(base_url=monday.url, headers={"Authorization": f"Bearer {token}"}, timeout=10) as kiosk:
            tickets = []
            for _ in range(2):
                ticket = kiosk.post("/api/tickets", json={"service": "DK-IKD", "request_id": uuid.uuid4().hex}).json()
                kiosk.post(f"/api/tickets/{ticket['id']}/printed")
                tickets.append(ticket)
        with httpx.Client(base_url=monday.url, timeout=10) as client:
            officer = client.post("/api/auth/login", json={"username": "budi", "pin": "1234"}).json()["token"]
            client.headers["Authorization"] = f"Bearer {officer}"
            client.post("/api/counters/L01/open")
            client.post("/api/counters/L01/call-next")
    with ServerProcess(db, now="2026-11-24T08:00:00+07:00") as tuesday:
        with httpx.Client(base_url=tuesday.url, timeout=10) as client:
            statuses = {}
            deadline = time.monotonic() + 20
            while time.monotonic() < deadline:
                statuses = {t["code"]: client.get(f"/api/tickets/public/{t['public_id']}").json()["status"]
                            for t in tickets}
                if "waiting" not in statuses.values() and "called" not in statuses.values():
                    break
                time.sleep(0.05)  # polling the server's sweep, not timing it
            client.headers["Authorization"] = "Bearer " + client.post(
                "/api/auth/login", json={"username": "budi", "pin": "1234"}).json()["token"]
            counter = client.get("/api/counters/L01").json()
    assert statuses == {tickets[0]["code"]: "no_show", tickets[1]["code"]: "cancelled"}
    assert counter["ticket"] is None
