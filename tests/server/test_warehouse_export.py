"""`mpp-server export-day`, run as a real process on the hand-computed morning of
tests/server/test_reports.py: the day's tickets and events as CSV files whose columns, types and
values are those its datapackage.json declares, and nothing personal in them."""

import csv
import json
import subprocess
import sys
import uuid
from pathlib import Path
from datetime import date, datetime

from server.warehouse import EVENT_FIELDS, TICKET_FIELDS
from tests.server.test_reports import play_morning

NIK = "3201010101010001"
PHONE = "081234567890"


def export(db, out, *more) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "server", "export-day", "--db", str(db), *more, "--out", str(out)],
                          capture_output=True, text=True, timeout=60)


def read(path) -> list[dict]:
    with open(path, encoding="utf-8", newline="") as file:
        return list(csv.DictReader(file))


def typed(value: str, kind: str):
    """The value as the schema's type says it parses (an empty cell is missing)."""
    if value == "":
        return None
    return {"string": str, "integer": int, "number": float, "date": date.fromisoformat,
            "datetime": datetime.fromisoformat}[kind](value)


def test_a_days_export_matches_its_schema_and_holds_no_personal_data(app_floor, tmp_path):
    tickets = play_morning(app_floor)
    with app_floor.kiosk() as kiosk:  # a citizen who gave a NIK (then a failed print), one a phone number
        answer = kiosk.post("/api/tickets", json={"service": "BK-UBAH", "request_id": uuid.uuid4().hex, "nik": NIK})
        assert answer.status_code == 201, answer.text
        assert kiosk.post(f"/api/tickets/{answer.json()['id']}/print-failed",
                          json={"reason": "paper jam at kiosk 2"}).status_code == 200
        answer = kiosk.post("/api/tickets", json={"service": "PLN-ADUAN", "request_id": uuid.uuid4().hex,
                                                  "phone": PHONE})
        assert answer.status_code == 201, answer.text

    # beside the running server (WAL: a reader never waits for it)
    done = export(app_floor.db_path, tmp_path / "out", "--date", "2026-11-23", "--site-code", "3273-MPP")
    assert done.returncode == 0, done.stderr
    assert "2026-11-23: 6 tickets" in done.stdout
    package = json.loads((tmp_path / "out" / "datapackage_2026-11-23.json").read_text(encoding="utf-8"))
    assert [r["path"] for r in package["resources"]] == ["tickets_2026-11-23.csv", "events_2026-11-23.csv"]
    for resource, fields in zip(package["resources"], (TICKET_FIELDS, EVENT_FIELDS)):
        schema = resource["schema"]["fields"]
        assert [f["name"] for f in schema] == [name for name, _, _ in fields]
        rows = read(tmp_path / "out" / resource["path"])
        assert rows and list(rows[0]) == [f["name"] for f in schema]
        for row in rows:
            for field in schema:
                typed(row[field["name"]], field["type"])  # every cell parses as its declared type
        text = (tmp_path / "out" / resource["path"]).read_text(encoding="utf-8")
        for secret in (NIK, PHONE, "paper jam", "budi", "public_id", tickets["a"]["public_id"]):
            assert secret not in text, (resource["name"], secret)

    rows = {row["code"]: row for row in read(tmp_path / "out" / "tickets_2026-11-23.csv")}
    a, b, d = rows[tickets["a"]["code"]], rows[tickets["b"]["code"]], rows[tickets["d"]["code"]]
    assert (a["site"], a["service_day"], a["status"], a["agency"]) == ("3273-MPP", "2026-11-23", "no_show", "DUKCAPIL")
    assert (b["priority"], b["status"]) == ("lansia", "done")
    assert abs(float(b["wait_s"]) - 600) < 2 and abs(float(b["service_s"]) - 300) < 2  # the clock runs on (ms)
    assert datetime.fromisoformat(b["issued_at"]).utcoffset().total_seconds() == 7 * 3600
    assert (d["issued_service"], d["issued_agency"], d["service"], d["agency"], d["transfer_count"]) == (
        "SM-PKB", "SAMSAT", "DK-KK", "DUKCAPIL", "1")
    assert abs(float(d["wait_s"]) - 21 * 60) < 2 and d["target_wait_min"] == "15"
    failed = next(row for row in rows.values() if row["issued_service"] == "BK-UBAH")
    assert (failed["status"], failed["cancel_reason"]) == ("cancelled", "print_failed")

    events = read(tmp_path / "out" / "events_2026-11-23.csv")
    assert [int(e["event_id"]) for e in events] == sorted(int(e["event_id"]) for e in events)
    of_d = [e["type"] for e in events if e["ticket_code"] == tickets["d"]["code"]]
    assert of_d == ["ticket.issued", "ticket.waiting", "ticket.called", "ticket.started", "ticket.transferred",
                    "ticket.called", "ticket.done"]
    transferred = next(e for e in events if e["type"] == "ticket.transferred")
    assert (transferred["service"], transferred["counter"]) == ("DK-KK", "L08")
    assert transferred["ticket_id"] == d["ticket_id"]
    assert {"counter.opened", "counter.paused", "counter.resumed"} <= {e["type"] for e in events}
    cancelled = next(e for e in events if e["type"] == "ticket.cancelled")
    assert cancelled["reason"] == "print_failed"

    again = export(app_floor.db_path, tmp_path / "out", "--date", "2026-11-22")  # a day without tickets
    assert again.returncode == 0 and "0 tickets, 0 events" in again.stdout
    assert read(tmp_path / "out" / "tickets_2026-11-22.csv") == []
    assert sorted(p.name for p in (tmp_path / "out").iterdir()) == [
        "datapackage_2026-11-22.json", "datapackage_2026-11-23.json", "events_2026-11-22.csv",
        "events_2026-11-23.csv", "tickets_2026-11-22.csv", "tickets_2026-11-23.csv"]
    bad = export(app_floor.db_path, tmp_path / "out", "--date", "23-11-2026")
    assert bad.returncode == 2 and "2026-11-23" in bad.stderr


def test_the_warehouse_page_documents_every_column():
    page = (Path(__file__).resolve().parents[2] / "docs" / "warehouse.md").read_text(encoding="utf-8")
    for name, _, _ in TICKET_FIELDS + EVENT_FIELDS:
        assert f"| `{name}` |" in page, name
