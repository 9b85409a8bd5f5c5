"""The database holds the site: the site file is imported (`init`) and exported (`export`),
and a running server follows a change within a second, without a restart."""

import json
import threading
import time
import uuid

import httpx
from httpx_sse import connect_sse

from server import storage
from devtools.launcher import DEMO_SITE, prepare_database
from server.site_config import load_site, parse_site
from tests.server.test_cli import mpp

DEMO_TEXT = DEMO_SITE.read_text(encoding="utf-8")


def stored_site(db):
    conn = storage.connect(db)
    try:
        return storage.load_site(conn)
    finally:
        conn.close()


def changed_demo() -> str:
    """The demo site with a renamed service, a changed quota, a new service and a service removed."""
    text = DEMO_TEXT.replace('name = "Cetak ulang KTP-el (rusak, hilang, perubahan data)"',
                             'name = "Cetak ulang KTP-el"', 1)
    start = text.index('code = "DK-REKAM"')
    quota = text.index("quota = 150", start)
    text = text[:quota] + "quota = 5" + text[quota + len("quota = 150"):]
    # DK-IKD goes: its [[agencies.services]] block, up to the next one.
    block = text.rindex("[[agencies.services]]", 0, text.index('code = "DK-IKD"'))
    text = text[:block] + text[text.index("[[agencies.services]]", block + 1):]
    new_service = ('[[agencies.services]]\ncode = "DK-SKTT"\nname = "Surat Keterangan Tempat Tinggal"\n'
                   'queue = "DUKCAPIL-SIPIL"\ndefault_minutes = 8\n\n')
    first_sipil = text.rindex("[[agencies.services]]", 0, text.index('code = "DK-KK"'))
    return text[:first_sipil] + new_service + text[first_sipil:]


# ---------------------------------------------------------------- import and export


def test_export_of_the_imported_demo_is_the_demo_and_importing_it_again_changes_nothing(tmp_path):
    db, out = tmp_path / "mpp.db", tmp_path / "exported.toml"
    mpp("init", "--db", db, "--site", DEMO_SITE)
    mpp("export", "--db", db, "--site", out)
    assert parse_site(out.read_text(encoding="utf-8")) == load_site(DEMO_SITE)
    again = mpp("init", "--db", db, "--site", out)
    assert "unchanged (site version 1)" in again.stdout
    assert stored_site(db) == (load_site(DEMO_SITE), 1)


def test_an_equal_site_writes_nothing_and_a_changed_one_moves_the_version(tmp_path):
    db = tmp_path / "mpp.db"
    prepare_database(db)
    conn = storage.connect(db)
    try:
        before = conn.total_changes
        assert storage.save_site(conn, load_site(DEMO_SITE), "again.toml", "2026-11-23T08:00:00+07:00") == 1
        assert conn.total_changes == before
        changed = parse_site(changed_demo())
        assert storage.save_site(conn, changed, "changed.toml", "2026-11-23T08:00:00+07:00") == 2
        assert storage.load_site(conn) == (changed, 2)
        assert storage.site_version(conn) == 2
        # The removed service stays for the tickets that name it, retired.
        assert tuple(conn.execute("SELECT name, active FROM services WHERE code = 'DK-IKD'").fetchone()) == (
            "Aktivasi Identitas Kependudukan Digital (IKD)", 0)
    finally:
        conn.close()


def test_counters_keep_their_live_state_when_their_site_entry_changes(tmp_path):
    db = tmp_path / "mpp.db"
    prepare_database(db)
    conn = storage.connect(db)
    try:
        with storage.write(conn):
            storage.update_counter(conn, "L01", status="open", officer_id=7, ticket_id=42, interleave_pos=2,
                                   status_since="2026-11-23T08:01:00+07:00")
        text = DEMO_TEXT.replace('spoken_name = "loket satu"', 'spoken_name = "loket satu A"', 1)
        text = text.replace('queues = ["DUKCAPIL-KTP"]', 'queues = ["DUKCAPIL-KTP", "DUKCAPIL-SIPIL"]', 1)
        storage.save_site(conn, parse_site(text), "changed.toml", "2026-11-23T09:00:00+07:00")
        row = storage.counter_row(conn, "L01")
    finally:
        conn.close()
    assert (row["status"], row["officer_id"], row["ticket_id"], row["interleave_pos"]) == ("open", 7, 42, 2)
    assert row["spoken_name"] == "loket satu A"
    assert json.loads(row["queues"]) == ["DUKCAPIL-KTP", "DUKCAPIL-SIPIL"]


def test_a_bad_site_file_is_refused_whole_with_every_problem_listed(tmp_path):
    db = tmp_path / "mpp.db"
    mpp("init", "--db", db, "--site", DEMO_SITE)
    bad = changed_demo().replace('timezone = "Asia/Jakarta"', 'timezone = "Asia/Atlantis"', 1)
    bad = bad.replace('queue = "DUKCAPIL-SIPIL"\ndefault_minutes = 8', 'queue = "NOWHERE"\ndefault_minutes = 8', 1)
    bad = bad.replace('code = "L02"', 'code = "L01"', 1)
    site = tmp_path / "bad.toml"
    site.write_text(bad, encoding="utf-8")
    result = mpp("init", "--db", db, "--site", site, check=False)
    assert result.returncode != 0 and "Traceback" not in result.stderr
    for problem in ("site.timezone", "unknown queue 'NOWHERE'", "code 'L01' is used twice"):
        assert problem in result.stderr
    assert stored_site(db) == (load_site(DEMO_SITE), 1)  # not even the valid parts


# ---------------------------------------------------------------- a running server follows


def watch_for_site_change(floor, after_id: int, found: list) -> threading.Thread:
    def read():
        with floor.display() as display, connect_sse(display, "GET", "/api/events", timeout=15,
                                                     headers={"Last-Event-ID": str(after_id)}) as source:
            for event in source.iter_sse():
                if event.event == "site.changed":
                    found.append(json.loads(event.data))
                    return

    thread = threading.Thread(target=read, daemon=True)
    thread.start()
    return thread


def test_init_under_a_running_server_changes_the_catalog_within_a_second(floor, tmp_path):
    called = floor.issue("DK-IKD")
    floor.issue("DK-KTP")
    waiting_ikd = floor.issue("DK-IKD")
    with floor.login("budi") as budi, floor.kiosk() as kiosk, floor.display() as display:
        budi.post("/api/counters/L01/open")
        assert budi.post("/api/counters/L01/call-next").json()["ticket"]["code"] == called["code"]
        assert kiosk.get("/api/kiosk/catalog").json()["site_version"] == 1
        found: list = []
        watcher = watch_for_site_change(floor, display.get("/api/state").json()["last_event_id"], found)

        site = tmp_path / "changed.toml"
        site.write_text(changed_demo(), encoding="utf-8")
        mpp("init", "--db", floor.db_path, "--site", site)
        changed_at = time.monotonic()
        while (catalog := kiosk.get("/api/kiosk/catalog").json())["site_version"] == 1:
            assert time.monotonic() - changed_at < 1.0, "the catalog kept the old site"
            time.sleep(0.05)
        watcher.join(5)

        services = {s["code"]: s for a in catalog["agencies"] for s in a["services"]}
        assert services["DK-KTP"]["name"] == "Cetak ulang KTP-el"
        assert services["DK-REKAM"]["quota"] == 5 and services["DK-SKTT"]["available"]
        assert "DK-IKD" not in services
        assert found and found[0]["version"] == 2
        assert display.get("/api/state").json()["site_version"] == 2
        assert kiosk.post("/api/tickets", json={"service": "DK-IKD", "request_id": uuid.uuid4().hex}).status_code == 404

        # The counter kept its status and its ticket; tickets of the removed service are still called.
        counter = budi.get("/api/counters/L01").json()
        assert counter["status"] == "open" and counter["ticket"]["code"] == called["code"]
        codes = [budi.post("/api/counters/L01/call-next").json()["ticket"]["code"] for _ in range(2)]
        assert codes[-1] == waiting_ikd["code"]


def test_an_unchanged_init_under_a_running_server_announces_nothing(floor, tmp_path):
    with floor.display() as display:
        before = display.get("/api/state").json()
        mpp("init", "--db", floor.db_path, "--site", DEMO_SITE)
        time.sleep(1.0)
        after = display.get("/api/state").json()
    assert after["site_version"] == before["site_version"] == 1
    assert after["last_event_id"] == before["last_event_id"]


def test_init_while_kiosks_issue_tickets_loses_no_ticket(floor, tmp_path):
    """The server's writer and `init` share the database file: init waits its turn, nobody fails."""
    answers, stop = [], threading.Event()

    def issue_until_stopped():
        with floor.kiosk() as kiosk:
            while not stop.is_set():
                body = {"service": "SM-PKB", "request_id": uuid.uuid4().hex}  # no quota
                answers.append(kiosk.post("/api/tickets", json=body))

    site = tmp_path / "changed.toml"
    site.write_text(changed_demo(), encoding="utf-8")
    issuer = threading.Thread(target=issue_until_stopped, daemon=True)
    issuer.start()
    try:
        for path in (site, DEMO_SITE, site):
            mpp("init", "--db", floor.db_path, "--site", path)
    finally:
        stop.set()
        issuer.join(10)
    assert answers and {a.status_code for a in answers} == {201}
    assert sorted(a.json()["number"] for a in answers) == list(range(1, len(answers) + 1))
    time.sleep(1.0)
    with floor.kiosk() as kiosk:
        assert kiosk.get("/api/kiosk/catalog").json()["site_version"] == 4


def test_a_queue_whose_services_were_all_removed_is_still_emptied_by_its_counters(floor, tmp_path):
    waiting = floor.issue("DK-KTP")
    text = DEMO_TEXT
    for code in ("DK-REKAM", "DK-KTP", "DK-IKD"):  # every service of queue DUKCAPIL-KTP
        block = text.rindex("[[agencies.services]]", 0, text.index(f'code = "{code}"'))
        text = text[:block] + text[text.index("[[agencies.services]]", block + 1):]
    site = tmp_path / "no-ktp.toml"
    site.write_text(text, encoding="utf-8")
    mpp("init", "--db", floor.db_path, "--site", site)
    with floor.login("budi") as budi, floor.display() as display:
        deadline = time.monotonic() + 1.0
        while display.get("/api/state").json()["site_version"] == 1:
            assert time.monotonic() < deadline
            time.sleep(0.05)
        queues = {q["code"]: q for q in display.get("/api/state", params={"zone": "1"}).json()["queues"]}
        assert queues["DUKCAPIL-KTP"]["waiting"] == 1
        budi.post("/api/counters/L01/open")
        counter = budi.get("/api/counters/L01")
        assert counter.status_code == 200 and counter.json()["queues"][0]["waiting"] == 1
        assert budi.post("/api/counters/L01/call-next").json()["ticket"]["code"] == waiting["code"]
