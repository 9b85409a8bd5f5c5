"""The site administration's JSON (`/api/admin/…`): each rule named by its field in Indonesian,
versions, the supervisor's scope, the audit log, the live site, and importing a site file."""

import pytest

from devtools.launcher import DEMO_SITE


def service(client, code: str) -> dict:
    return next(s for s in client.get("/api/admin/services").json() if s["code"] == code)


def refused_fields(answer, status: int = 422) -> dict:
    assert answer.status_code == status, answer.text
    error = answer.json()["error"]
    assert error["code"] == "invalid"
    return error["fields"]


def test_a_new_service_is_offered_by_the_kiosk_at_once_and_audited(app_floor):
    with app_floor.login("admin") as admin, app_floor.kiosk() as kiosk:
        before = kiosk.get("/api/kiosk/catalog").json()["site_version"]
        added = admin.post("/api/admin/services", json={
            "code": "DK-SKTT", "agency": "DUKCAPIL", "name": "Surat Keterangan Tempat Tinggal",
            "queue": "DUKCAPIL-SIPIL", "requirements": ["KTP-el asli"], "target_wait_min": 20})
        assert added.status_code == 201, added.text
        assert added.json()["prefix"] == "B" and added.json()["version"]
        catalog = kiosk.get("/api/kiosk/catalog").json()
        assert catalog["site_version"] == before + 1
        offered = {s["code"]: s for a in catalog["agencies"] for s in a["services"]}
        assert offered["DK-SKTT"]["requirements"] == ["KTP-el asli"]
        assert app_floor.issue("DK-SKTT")["code"].startswith("B-")
        entry = admin.get("/api/audit", params={"action": "site.service.added"}).json()[0]
        assert (entry["actor"], entry["target"]) == ("admin", "DK-SKTT")
        assert entry["details"]["changes"]["name"] == "Surat Keterangan Tempat Tinggal"


def test_each_change_emits_site_changed_in_its_own_transaction(app_floor):
    with app_floor.login("admin") as admin:
        current = service(admin, "DK-KTP")
        changed = admin.patch("/api/admin/services/DK-KTP", json={"version": current["version"], "quota": 99})
        assert changed.status_code == 200, changed.text
        last = app_floor.server.context.events.last_id
    with app_floor.server.context.pool.connection() as conn:
        row = conn.execute("SELECT type, data FROM events WHERE id = ?", (last,)).fetchone()
    assert row["type"] == "site.changed"


@pytest.mark.parametrize("change, field, words", [
    ({"prefix": "C"}, "prefix", "Prefiks 'C' sudah dipakai"),
    ({"queue": "NOPE"}, "queue", "Antrean 'NOPE' tidak dikenal"),
    ({"hours": {"mon": "15:00-08:00"}}, "hours.mon", "Jam tutup harus setelah jam buka"),
    ({"quota": -1}, "quota", "paling kecil 0"),
    ({"name": "   "}, "name", "Tidak boleh kosong"),
])
def test_a_wrong_service_is_refused_naming_the_field_in_indonesian(app_floor, change, field, words):
    with app_floor.login("admin") as admin:
        current = service(admin, "DK-KTP")
        fields = refused_fields(admin.patch("/api/admin/services/DK-KTP", json={"version": current["version"], **change}))
        assert words in fields[field], fields
        assert service(admin, "DK-KTP") == current  # nothing stored


def test_a_quota_below_todays_tickets_is_refused(app_floor):
    for _ in range(3):
        app_floor.issue("IM-PASPOR")
    with app_floor.login("admin") as admin:
        current = service(admin, "IM-PASPOR")
        fields = refused_fields(admin.patch("/api/admin/services/IM-PASPOR", json={"version": current["version"],
                                                                                  "quota": 2}))
        assert fields == {"quota": "Kuota tidak boleh di bawah 3, jumlah tiket yang sudah diambil hari ini."}
        assert admin.patch("/api/admin/services/IM-PASPOR",
                           json={"version": current["version"], "quota": 3}).status_code == 200


def test_a_prefix_numbered_today_cannot_go_to_another_queue(app_floor):
    ticket = app_floor.issue("IM-PASPOR")  # C-001
    with app_floor.login("admin") as admin:
        imigrasi = service(admin, "IM-PASPOR")
        moved = admin.patch("/api/admin/services/IM-PASPOR", json={"version": imigrasi["version"], "prefix": "CX"})
        assert moved.status_code == 200, moved.text
        samsat = next(s for s in admin.get("/api/admin/services").json() if s["prefix"] == "D")
        fields = refused_fields(admin.patch(f"/api/admin/services/{samsat['code']}",
                                            json={"version": samsat["version"], "prefix": "C"}))
        assert "sudah dipakai antrean lain hari ini" in fields["prefix"]
    assert app_floor.issue("IM-PASPOR")["code"] == "CX-002"  # the queue numbers on; C-001 stays C-001
    with app_floor.client(app_floor.kiosk_token) as kiosk:
        assert kiosk.get(f"/api/tickets/public/{ticket['public_id']}").json()["code"] == "C-001"


def test_a_service_with_tickets_today_can_be_hidden_but_not_removed_by_import(app_floor):
    app_floor.issue("DK-IKD")
    with app_floor.login("admin") as admin, app_floor.kiosk() as kiosk:
        text = admin.get("/api/admin/site.toml").text
        block = text.rindex("[[agencies.services]]", 0, text.index('code = "DK-IKD"'))
        without = text[:block] + text[text.index("[[agencies.services]]", block + 1):]
        fields = refused_fields(admin.post("/api/admin/site.toml", content=without.encode()))
        assert "DK-IKD" in fields["services"] and "sembunyikan" in fields["services"]
        current = service(admin, "DK-IKD")
        hidden = admin.patch("/api/admin/services/DK-IKD", json={"version": current["version"], "hidden": True})
        assert hidden.status_code == 200, hidden.text
        offered = {s["code"] for a in kiosk.get("/api/kiosk/catalog").json()["agencies"] for s in a["services"]}
        assert "DK-IKD" not in offered and "DK-KTP" in offered
        refused = kiosk.post("/api/tickets", json={"service": "DK-IKD", "request_id": "hidden-service-1"})
        assert refused.status_code == 409 and refused.json()["error"]["code"] == "closed"


def test_a_stale_version_is_refused_with_the_others_change(app_floor):
    with app_floor.login("admin") as first, app_floor.login("dewi") as second:
        read_by_both = service(first, "DK-KK")
        assert first.patch("/api/admin/services/DK-KK", json={"version": read_by_both["version"],
                                                              "name": "Kartu Keluarga baru"}).status_code == 200
        late = second.patch("/api/admin/services/DK-KK", json={"version": read_by_both["version"], "quota": 10})
        assert late.status_code == 409
        error = late.json()["error"]
        assert error["code"] == "version_conflict"
        assert error["current"]["name"] == "Kartu Keluarga baru" and error["current"]["quota"] is None
        # another service changing does not make this one stale
        other = service(first, "DK-AKL")
        assert second.patch("/api/admin/services/DK-AKL", json={"version": other["version"],
                                                                "quota": 5}).status_code == 200
        assert second.patch("/api/admin/services/DK-KK", json={"version": error["current"]["version"],
                                                               "quota": 10}).status_code == 200


def test_a_supervisor_edits_only_their_agencys_services_and_counters(app_floor):
    with app_floor.login("dewi") as dewi, app_floor.login("budi") as budi, app_floor.login("admin") as admin:
        mine = dewi.get("/api/admin/services").json()
        assert mine and {s["agency"] for s in mine} == {"DUKCAPIL"}
        paspor = service(admin, "IM-PASPOR")
        refused = dewi.patch("/api/admin/services/IM-PASPOR", json={"version": paspor["version"], "quota": 1})
        assert refused.status_code == 403 and refused.json()["error"]["code"] == "not_your_agency"
        ktp = service(dewi, "DK-KTP")
        away = dewi.patch("/api/admin/services/DK-KTP", json={"version": ktp["version"], "agency": "IMIGRASI"})
        assert away.status_code == 403
        assert dewi.post("/api/admin/services", json={"code": "X1", "agency": "SAMSAT", "name": "X",
                                                      "queue": "SAMSAT"}).status_code == 403
        agency = admin.get("/api/admin/agencies").json()[0]
        assert dewi.patch(f"/api/admin/agencies/{agency['code']}",
                          json={"version": agency["version"], "name": "Y"}).status_code == 403
        assert budi.get("/api/admin/services").status_code == 403
        counters = dewi.get("/api/admin/counters").json()
        assert counters and {c["agency"] for c in counters} == {"DUKCAPIL"}


def test_staff_text_is_kept_as_text(app_floor):
    markup = '<script>alert("x")</script><b>Antrean</b> & "kutip"'
    with app_floor.login("admin") as admin, app_floor.kiosk() as kiosk:
        site = admin.get("/api/admin/site").json()["site"]
        assert admin.patch("/api/admin/site", json={"version": site["version"], "running_text": markup}
                           ).status_code == 200
        current = service(admin, "DK-KTP")
        assert admin.patch("/api/admin/services/DK-KTP", json={"version": current["version"], "name": markup,
                                                               "requirements": [markup]}).status_code == 200
        catalog = kiosk.get("/api/kiosk/catalog").json()
        assert catalog["site"]["running_text"] == markup
        assert service(admin, "DK-KTP")["requirements"] == [markup]


def test_site_settings_agencies_and_counters_change_with_their_rules(app_floor):
    with app_floor.login("admin") as admin:
        site = admin.get("/api/admin/site").json()["site"]
        fields = refused_fields(admin.patch("/api/admin/site", json={
            "version": site["version"], "hours": {**site["hours"], "fri": "16:00-08:00"}, "timezone": "Mars/Base"}))
        assert set(fields) == {"hours.fri", "timezone"}
        changed = admin.patch("/api/admin/site", json={"version": site["version"], "breaks": [
            {"name": "Istirahat salat Jumat", "days": ["fri"], "time": "11:00-13:00"}], "ticket_cutoff_minutes": 15})
        assert changed.status_code == 200, changed.text
        assert changed.json()["breaks"][0]["time"] == "11:00-13:00"
        zones = [{**z, "hall": "Hall Utama"} for z in changed.json()["zones"]]
        halls = admin.patch("/api/admin/site", json={"version": changed.json()["version"], "zones": zones})
        assert halls.status_code == 200 and {z["hall"] for z in halls.json()["zones"]} == {"Hall Utama"}
        assert app_floor.server.context.site.hall_zones["1"] == ["1", "2"]  # one voice for both zones now
        added = admin.post("/api/admin/agencies", json={"code": "KUA", "name": "Kantor Urusan Agama", "zone": "2"})
        assert added.status_code == 201, added.text
        assert refused_fields(admin.post("/api/admin/agencies", json={"code": "KUA", "name": "X", "zone": "1"})
                              ) == {"code": "Kode 'KUA' sudah dipakai instansi lain."}
        first = admin.patch("/api/admin/agencies/KUA", json={"version": added.json()["version"], "position": 0})
        assert first.json()["position"] == 0
        assert admin.get("/api/admin/agencies").json()[0]["code"] == "KUA"
        counter = admin.get("/api/admin/counters").json()[0]
        fields = refused_fields(admin.patch(f"/api/admin/counters/{counter['code']}",
                                            json={"version": counter["version"], "queues": ["NOPE"]}))
        assert fields == {"queues": "Antrean 'NOPE' tidak dikenal."}
        moved = admin.patch(f"/api/admin/counters/{counter['code']}",
                            json={"version": counter["version"], "agency": "KUA", "queues": ["PA", "BAPENDA"]})
        assert moved.status_code == 200 and moved.json()["queues"] == ["PA", "BAPENDA"]
        actions = {e["action"] for e in admin.get("/api/audit").json()}
        assert {"site.updated", "site.agency.added", "site.agency.updated", "site.counter.updated"} <= actions


def test_a_broken_site_file_is_refused_whole_listing_every_problem(app_floor):
    text = DEMO_SITE.read_text(encoding="utf-8")
    broken = (text.replace('queue = "IMIGRASI"', 'queue = "IMIGRASI-X"', 1)
                  .replace('mon = "08:00-15:00"', 'mon = "15:00-08:00"', 1)
                  .replace('prefix = "B"', 'prefix = "A"', 1))
    with app_floor.login("admin") as admin:
        before = admin.get("/api/admin/site").json()["site_version"]
        answer = admin.post("/api/admin/site.toml", content=broken.encode())
        fields = refused_fields(answer)
        assert fields["site.hours.mon"].startswith("Jam tutup harus setelah jam buka")
        assert fields["queues[1].prefix"] == "Prefiks 'A' sudah dipakai."
        assert any(v == "Antrean 'IMIGRASI-X' tidak dikenal." for v in fields.values()), fields
        not_toml = refused_fields(admin.post("/api/admin/site.toml", content=b"[site\nname = 1"))
        assert "TOML" in not_toml[""] and "baris 1" in not_toml[""]
        assert admin.get("/api/admin/site").json()["site_version"] == before


def test_importing_a_site_file_shows_the_diff_then_applies_it_in_one_step(app_floor):
    with app_floor.login("admin") as admin:
        text = admin.get("/api/admin/site.toml").text
        assert text.startswith("# Site exported") and 'code = "DK-KTP"' in text
        unchanged = admin.post("/api/admin/site.toml", params={"dry_run": 1}, content=text.encode()).json()
        assert unchanged == {"dry_run": True, "applied": False, "changes": []}
        edited = (text.replace('short_name = "MPP Harapan Jaya"', 'short_name = "MPP HJ"', 1)
                  .replace('name = "Lantai 2 - Hall Perizinan" },', 'name = "Lantai 2 - Hall Perizinan" },\n'
                           '    { code = "3", name = "Lantai 3" },', 1))
        dry = admin.post("/api/admin/site.toml", params={"dry_run": 1}, content=edited.encode()).json()
        assert {(c["kind"], c["code"], c["change"]) for c in dry["changes"]} == {
            ("site", "site", "changed"), ("zone", "3", "added")}
        assert admin.get("/api/admin/site").json()["site"]["short_name"] == "MPP Harapan Jaya"
        applied = admin.post("/api/admin/site.toml", content=edited.encode()).json()
        assert applied["applied"] is True
        site = admin.get("/api/admin/site").json()["site"]
        assert site["short_name"] == "MPP HJ" and [z["code"] for z in site["zones"]] == ["1", "2", "3"]
        assert admin.get("/api/audit", params={"action": "site.imported"}).json()[0]["details"] == {"changes": 2}


def test_a_counter_moved_to_another_agency_while_serving_keeps_its_ticket(app_floor):
    ticket = app_floor.issue("DK-KTP")
    with app_floor.login("budi") as budi, app_floor.login("admin") as admin:
        assert budi.post("/api/counters/L01/open").status_code == 200
        assert budi.post("/api/counters/L01/call-next").json()["ticket"]["code"] == ticket["code"]
        counter = next(c for c in admin.get("/api/admin/counters").json() if c["code"] == "L01")
        moved = admin.patch("/api/admin/counters/L01", json={"version": counter["version"], "agency": "IMIGRASI",
                                                             "queues": ["IMIGRASI"], "name": "Loket 1 Imigrasi"})
        assert moved.status_code == 200, moved.text
        state = admin.get("/api/counters/L01").json()
        assert state["status"] == "open" and state["ticket"]["code"] == ticket["code"]
        done = budi.post("/api/counters/L01/done")
        assert done.status_code == 200 and done.json()["ticket"]["status"] == "done"
