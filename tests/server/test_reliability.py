"""What clients rely on: the database's generation, one counter's snapshot, ASCII ids, the public URL."""

import json
import subprocess
import sys

import httpx
import pytest
from httpx_sse import connect_sse

from devtools.launcher import DEMO_SITE, ServerProcess, prepare_database
from tests.conftest import make_floor


def mpp(*args, check=True):
    result = subprocess.run([sys.executable, "-m", "server", *map(str, args)], capture_output=True, text=True)
    if check:
        assert result.returncode == 0, result.stderr
    return result


def generation_of(url: str, display_token: str) -> tuple[str, str, str]:
    """The generation as health, the snapshot and an event each say it."""
    headers = {"Authorization": f"Bearer {display_token}"}
    with httpx.Client(base_url=url, headers=headers, timeout=10) as client:
        health = client.get("/api/health").json()["generation"]
        snapshot = client.get("/api/state").json()["generation"]
        with connect_sse(client, "GET", "/api/events", headers={"Last-Event-ID": "0"}) as source:
            event = next(json.loads(e.data)["generation"] for e in source.iter_sse() if e.id)
    return health, snapshot, event


def test_health_state_and_every_event_carry_the_databases_generation(tmp_path):
    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    first = make_floor(tmp_path / "a")
    second = make_floor(tmp_path / "b")
    try:
        first.issue()
        second.issue()
        a = generation_of(first.url, first.display_token)
        b = generation_of(second.url, second.display_token)
    finally:
        first.server.stop()
        second.server.stop()
    assert len(set(a)) == 1 and len(set(b)) == 1  # one generation per database, said the same everywhere
    assert a[0] != b[0] and len(a[0]) == 16  # a re-created database gets its own


def test_a_restored_database_gets_a_new_generation(tmp_path):
    floor = make_floor(tmp_path)
    try:
        floor.issue()
        before = httpx.get(f"{floor.url}/api/health", timeout=10).json()["generation"]
        backup = mpp("backup", "--db", floor.db_path, "--out", tmp_path / "backups").stdout.strip()
    finally:
        floor.server.stop()
    mpp("restore", "--db", floor.db_path, "--from", backup)
    with ServerProcess(floor.db_path) as server:
        after = httpx.get(f"{server.url}/api/health", timeout=10).json()["generation"]
    assert after != before


def test_the_snapshot_of_one_counter_has_only_it_and_its_queues(floor):
    floor.issue("DK-KTP")
    with floor.login("budi") as budi:
        whole = budi.get("/api/state").json()
        mine = budi.get("/api/state", params={"counter": "L01"}).json()
        unknown = budi.get("/api/state", params={"counter": "L99"})
        elsewhere = budi.get("/api/state", params={"counter": "L01", "zone": "2"})
    assert [c["code"] for c in mine["counters"]] == ["L01"] and mine["counter"] == "L01"
    assert [q["code"] for q in mine["queues"]] == mine["counters"][0]["queues"]
    assert len(whole["queues"]) > len(mine["queues"]) and len(whole["counters"]) > 1
    assert next(q for q in mine["queues"] if q["code"] == "DUKCAPIL-KTP")["waiting"] == 1
    assert unknown.status_code == 404 and unknown.json()["error"]["code"] == "unknown_counter"
    assert elsewhere.status_code == 404


@pytest.mark.parametrize("path", ["/api/tickets/١/printed", "/api/tickets/۱/printed", "/api/tickets/¹/printed"])
def test_ids_in_paths_are_ascii_digits_only(floor, path):
    ticket = floor.issue(printed=False)
    assert ticket["id"] == 1
    with floor.kiosk() as kiosk:
        answer = kiosk.post(path)
        still = kiosk.post("/api/tickets/1/printed")
    assert answer.status_code == 404 and answer.json()["error"]["code"]
    assert still.status_code == 200  # ticket 1 was not touched by the look-alike


def test_status_urls_use_the_sites_public_url(tmp_path):
    site = tmp_path / "site.toml"
    site.write_text(DEMO_SITE.read_text(encoding="utf-8").replace(
        'timezone = "Asia/Jakarta"', 'timezone = "Asia/Jakarta"\npublic_url = "http://192.168.1.10:8080"', 1),
        encoding="utf-8")
    db = tmp_path / "antrian.db"
    mpp("init", "--db", db, "--site", site)
    token = mpp("device", "add", "--db", db, "--kind", "kiosk", "--name", "Kios", "--zone", "1").stdout.split()[-1]
    server = ServerProcess(db).start()
    try:
        with httpx.Client(base_url=server.url, headers={"Authorization": f"Bearer {token}"}, timeout=10) as kiosk:
            ticket = kiosk.post("/api/tickets", json={"service": "DK-KTP", "request_id": "public-url-1"}).json()
    finally:
        server.stop()
    assert ticket["status_url"] == f"http://192.168.1.10:8080/t/{ticket['public_id']}"
    assert "no public URL" not in server.log_path.read_text()
    assert 'public_url = "http://192.168.1.10:8080"' in mpp("export", "--db", db, "--site", tmp_path / "out.toml") \
        .stdout + (tmp_path / "out.toml").read_text()


def test_the_server_warns_at_start_when_phones_would_get_a_loopback_address(tmp_path):
    db = tmp_path / "antrian.db"
    prepare_database(db)
    server = ServerProcess(db).start()
    server.stop()
    log = server.log_path.read_text()
    assert "Warning: no public URL is set" in log and "public_url under [site]" in log


@pytest.mark.parametrize("url", ["192.168.1.10:8080", "ftp://x", "http://", "http://a b"])
def test_a_public_url_that_is_not_an_address_is_refused(tmp_path, url):
    site = tmp_path / "site.toml"
    site.write_text(DEMO_SITE.read_text(encoding="utf-8").replace(
        'timezone = "Asia/Jakarta"', f'timezone = "Asia/Jakarta"\npublic_url = "{url}"', 1), encoding="utf-8")
    refused = mpp("init", "--db", tmp_path / "x.db", "--site", site, check=False)
    assert refused.returncode != 0 and "site.public_url" in refused.stderr and "Traceback" not in refused.stderr
    prepare_database(tmp_path / "y.db")
    run = mpp("run", "--db", tmp_path / "y.db", "--public-url", url, check=False)
    assert run.returncode == 2 and "--public-url" in run.stderr and "Traceback" not in run.stderr
