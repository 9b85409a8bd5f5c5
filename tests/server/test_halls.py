"""Halls: every zone's calls are heard in its waiting hall; zones that share a hall share its voice."""

import json

import httpx
from httpx_sse import connect_sse

from devtools.launcher import DEMO_SITE, ServerProcess, add_officer, add_token, prepare_database

SECOND_FLOOR_SERVICE = "PT-NIB"  # DPMPTSP, on the second floor
SHARED = DEMO_SITE.read_text(encoding="utf-8").replace(
    'name = "Lantai 2 - Hall Perizinan"', 'name = "Lantai 2 - Hall Perizinan"\nhall = "Hall Utama"').replace(
    'name = "Lantai 1 - Hall Utama"', 'name = "Lantai 1 - Hall Utama"\nhall = "Hall Utama"')


def test_each_zone_of_the_demo_is_a_hall_of_its_own(floor):
    with floor.display() as display:
        one = display.get("/api/state", params={"zone": "1"}).json()["hall"]
        two = display.get("/api/state", params={"zone": "2"}).json()["hall"]
    assert one == {"name": "Lantai 1 - Hall Utama", "zones": ["1"]}
    assert two == {"name": "Lantai 2 - Hall Perizinan", "zones": ["2"]}


def test_a_board_of_a_shared_hall_follows_every_zone_of_it(tmp_path):
    site = tmp_path / "site.toml"
    site.write_text(SHARED, encoding="utf-8")
    db = tmp_path / "antrian.db"
    prepare_database(db, site)
    display = add_token(db, "display", "Layar Hall Utama", "1")
    add_officer(db, "budi", "1234", "officer", "DUKCAPIL")
    add_officer(db, "dewi", "1234", "officer", "DPMPTSP")
    kiosk = add_token(db, "kiosk", "Kios", "1")
    with ServerProcess(db) as server, httpx.Client(base_url=server.url, timeout=10,
                                                   headers={"Authorization": f"Bearer {display}"}) as board:
        hall = board.get("/api/state", params={"zone": "2"}).json()["hall"]
        assert hall == {"name": "Hall Utama", "zones": ["1", "2"]}
        with httpx.Client(base_url=server.url, timeout=10, headers={"Authorization": f"Bearer {kiosk}"}) as k:
            for service in ("DK-KTP", SECOND_FLOOR_SERVICE):
                ticket = k.post("/api/tickets", json={"service": service, "request_id": f"hall-{service}"}).json()
                k.post(f"/api/tickets/{ticket['id']}/printed")
        zones = {}
        for username in ("budi", "dewi"):
            token = httpx.post(f"{server.url}/api/auth/login", json={"username": username, "pin": "1234"}).json()["token"]
            with httpx.Client(base_url=server.url, timeout=10, headers={"Authorization": f"Bearer {token}"}) as officer:
                counter = officer.get("/api/state").json()["counters"]
                code = next(c["code"] for c in counter if c["agency"] == ("DUKCAPIL" if username == "budi" else "DPMPTSP"))
                officer.post(f"/api/counters/{code}/open")
                called = officer.post(f"/api/counters/{code}/call-next").json()
                zones[username] = called["counter"]["zone"]
        calls = []
        with connect_sse(board, "GET", "/api/events", params={"zone": ",".join(hall["zones"]), "summary": "1"},
                         headers={"Last-Event-ID": "0"}) as source:
            for event in source.iter_sse():
                if event.event == "ticket.called":
                    calls.append(json.loads(event.data)["zone"])
                    if len(calls) == 2:
                        break
    assert zones == {"budi": "1", "dewi": "2"} and sorted(calls) == ["1", "2"]


def test_the_hall_survives_an_export_and_import(tmp_path):
    import subprocess
    import sys

    site = tmp_path / "site.toml"
    site.write_text(SHARED, encoding="utf-8")
    db = tmp_path / "antrian.db"
    prepare_database(db, site)
    out = tmp_path / "out.toml"
    subprocess.run([sys.executable, "-m", "server", "export", "--db", str(db), "--site", str(out)], check=True,
                   capture_output=True)
    assert out.read_text(encoding="utf-8").count('hall = "Hall Utama"') == 2
    again = subprocess.run([sys.executable, "-m", "server", "init", "--db", str(db), "--site", str(out)], check=True,
                           capture_output=True, text=True)
    assert "unchanged" in again.stdout
