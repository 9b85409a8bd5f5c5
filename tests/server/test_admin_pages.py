"""The site administration's pages (`/manage/admin/…`) through the test client: forms, errors next to
their fields, the other's change on a stale save, scope, staff text kept as text, import."""

import re

from tests.server.test_manage_shell import csrf_of, signed_in


def page_text(answer) -> str:
    return " ".join(re.sub(r"<[^>]+>", " ", answer.get_data(as_text=True)).split())


def form_of(answer) -> dict:
    """The edit form's fields as the browser would send them back unchanged."""
    html = answer.get_data(as_text=True)
    values = dict(re.findall(r'<input (?:type="hidden" )?(?:id="[^"]*" )?name="([^"]+)" value="([^"]*)"', html))
    for name, text in re.findall(r'<textarea id="[^"]*" name="([^"]+)"[^>]*>([^<]*)</textarea>', html):
        values[name] = text
    for name, body in re.findall(r'<select id="[^"]*" name="([^"]+)"[^>]*>(.*?)</select>', html, re.S):
        chosen = re.search(r'<option value="([^"]*)" selected', body) or re.search(r'<option value="([^"]*)"', body)
        values[name] = chosen.group(1)
    for name in re.findall(r'<input type="checkbox" role="switch" id="[^"]*" name="([^"]+)" checked', html):
        values[name] = "on"
    return {k: v.replace("&amp;", "&").replace("&lt;", "<").replace("&gt;", ">").replace("&#34;", '"')
            for k, v in values.items()}


def test_the_admin_edits_a_service_from_its_form(app_floor):
    admin = signed_in(app_floor, "admin")
    assert "DK-KTP" in page_text(admin.get("/manage/admin/"))
    form = form_of(admin.get("/manage/admin/services/DK-KTP"))
    assert form["prefix"] == "A" and form["queue"] == "DUKCAPIL-KTP" and form["csrf_token"]
    saved = admin.post("/manage/admin/services/DK-KTP", data={**form, "quota": "77", "requirements": "KK asli\nKTP"})
    assert saved.status_code == 303 and saved.headers["Location"].endswith("/manage/admin/services/DK-KTP?saved=1")
    again = admin.get(saved.headers["Location"])
    assert "Tersimpan" in page_text(again) and form_of(again)["quota"] == "77"
    entry = app_floor.server.context.site.services["DK-KTP"]
    assert (entry.quota, entry.requirements) == (77, ["KK asli", "KTP"])


def test_a_wrong_field_is_shown_next_to_it_in_indonesian(app_floor):
    admin = signed_in(app_floor, "admin")
    form = form_of(admin.get("/manage/admin/services/DK-KTP"))
    refused = admin.post("/manage/admin/services/DK-KTP", data={**form, "prefix": "C", "hours.mon": "15:00-08:00",
                                                                "quota": "banyak"})
    assert refused.status_code == 422
    html = refused.get_data(as_text=True)
    assert 'id="quota" name="quota" value="banyak"' in html  # the typo stays for the person to fix
    assert re.search(r'aria-invalid="true" aria-describedby="quota-error"', html)
    assert '<small class="field-error" id="quota-error">Harus berupa angka.</small>' in html
    fixed = admin.post("/manage/admin/services/DK-KTP", data={**form, "prefix": "C", "hours.mon": "15:00-08:00"})
    html = fixed.get_data(as_text=True)
    assert fixed.status_code == 422
    assert 'id="prefix-error">Prefiks &#39;C&#39; sudah dipakai.' in html
    assert 'id="hours.mon-error">Jam tutup harus setelah jam buka' in html


def test_a_stale_save_shows_the_others_values_and_keeps_ones_own(app_floor):
    first, second = signed_in(app_floor, "admin"), signed_in(app_floor, "dewi")
    form_1 = form_of(first.get("/manage/admin/services/DK-KK"))
    form_2 = form_of(second.get("/manage/admin/services/DK-KK"))
    assert first.post("/manage/admin/services/DK-KK", data={**form_1, "name": "KK oleh admin"}).status_code == 303
    late = second.post("/manage/admin/services/DK-KK", data={**form_2, "name": "KK oleh Dewi"})
    assert late.status_code == 409
    words = page_text(late)
    assert "Isi yang baru disimpan orang lain" in words and "KK oleh admin" in words
    assert form_of(late)["name"] == "KK oleh Dewi"
    overwrite = second.post("/manage/admin/services/DK-KK", data=form_of(late))  # saving again, knowingly
    assert overwrite.status_code == 303
    assert app_floor.server.context.site.services["DK-KK"].name == "KK oleh Dewi"


def test_a_supervisor_sees_and_edits_only_their_agencys_services_and_counters(app_floor):
    dewi = signed_in(app_floor, "dewi")
    home = page_text(dewi.get("/manage/admin/"))
    assert "DK-KTP" in home and "IM-PASPOR" not in home and "Pengaturan situs" not in home
    assert dewi.get("/manage/admin/services/IM-PASPOR").status_code == 403
    assert dewi.get("/manage/admin/site").status_code == 403
    assert dewi.get("/manage/admin/agencies/DUKCAPIL").status_code == 403
    assert signed_in(app_floor, "budi").get("/manage/admin/").status_code == 403
    new = form_of(dewi.get("/manage/admin/services/new"))
    assert new["agency"] == "DUKCAPIL"


def test_staff_text_shows_as_text_on_the_pages(app_floor):
    markup = '<script>alert("x")</script><b>KK</b>'
    admin = signed_in(app_floor, "admin")
    form = form_of(admin.get("/manage/admin/services/DK-KK"))
    assert admin.post("/manage/admin/services/DK-KK", data={**form, "name": markup,
                                                            "requirements": markup}).status_code == 303
    for path in ("/manage/admin/", "/manage/admin/services/DK-KK"):
        html = admin.get(path).get_data(as_text=True)
        assert "<script>alert" not in html and "<b>KK" not in html and "&lt;script&gt;alert" in html


def test_a_new_counter_and_the_site_settings_from_their_forms(app_floor):
    admin = signed_in(app_floor, "admin")
    csrf = csrf_of(admin.get("/manage/admin/counters/new"))
    made = admin.post("/manage/admin/counters/new", data={"csrf_token": csrf, "code": "L99", "name": "Loket 99",
                                                          "agency": "DUKCAPIL", "zone": "1",
                                                          "queues": "DUKCAPIL-SIPIL, DUKCAPIL-KTP"})
    assert made.status_code == 303, page_text(made)
    assert app_floor.server.context.site.counters["L99"].queues == ["DUKCAPIL-SIPIL", "DUKCAPIL-KTP"]
    site = form_of(admin.get("/manage/admin/site"))
    assert site["breaks.0.days"] == "fri"
    saved = admin.post("/manage/admin/site", data={**site, "breaks.0.time": "11:00-13:00", "hours.sat": ""})
    assert saved.status_code == 303, page_text(saved)
    info = app_floor.server.context.site.info
    assert info.breaks[0].time == "11:00-13:00" and info.hours.sat is None and info.hours.mon == "08:00-15:00"
    site = form_of(admin.get("/manage/admin/site"))
    assert (site["zones.1.code"], site["zones.2.code"]) == ("2", "")  # an empty row adds a zone
    saved = admin.post("/manage/admin/site", data={**site, "zones.0.hall": "Hall Utama", "zones.1.hall": "Hall Utama",
                                                   "zones.2.code": "3", "zones.2.name": "Lantai 3"})
    assert saved.status_code == 303, page_text(saved)
    assert app_floor.server.context.site.hall_zones["2"] == ["1", "2"]
    assert app_floor.server.context.site.hall["3"] == "Lantai 3"
    refused = admin.post("/manage/admin/site", data={**form_of(admin.get("/manage/admin/site")), "zones.3.code": "1",
                                                     "zones.3.name": "Lagi"})
    assert 'id="zones[3].code-error">Kode zona &#39;1&#39; sudah dipakai.' in refused.get_data(as_text=True)


def test_a_site_file_is_checked_shown_as_a_diff_and_applied(app_floor):
    admin = signed_in(app_floor, "admin")
    text = admin.get("/manage/admin/site.toml").get_data(as_text=True)
    csrf = csrf_of(admin.get("/manage/admin/import"))
    broken = text.replace('prefix = "B"', 'prefix = "A"', 1).replace('mon = "08:00-15:00"', 'mon = "9"', 1)
    refused = admin.post("/manage/admin/import", data={"csrf_token": csrf, "text": broken})
    assert refused.status_code == 422
    words = page_text(refused)
    assert "2 masalah" in words and "queues[1].prefix" in words and "site.hours.mon" in words
    edited = text.replace('short_name = "MPP Harapan Jaya"', 'short_name = "MPP HJ"', 1)
    dry = admin.post("/manage/admin/import", data={"csrf_token": csrf, "text": edited})
    assert dry.status_code == 200 and "Situs site diubah: short_name" in page_text(dry)
    assert app_floor.server.context.site.info.short_name == "MPP Harapan Jaya"
    applied = admin.post("/manage/admin/import", data={"csrf_token": csrf, "text": edited, "apply": "1"})
    assert "Berkas diterapkan: 1 perubahan" in page_text(applied)
    assert app_floor.server.context.site.info.short_name == "MPP HJ"


def test_a_new_services_empty_fields_take_the_defaults(app_floor):
    admin = signed_in(app_floor, "admin")
    form = form_of(admin.get("/manage/admin/services/new"))
    made = admin.post("/manage/admin/services/new", data={**form, "code": "DK-BARU", "name": "Layanan baru",
                                                          "queue": "DUKCAPIL-SIPIL"})
    assert made.status_code == 303, page_text(made)
    service = app_floor.server.context.site.services["DK-BARU"]
    assert (service.default_minutes, service.quota, service.hours) == (10, None, None)
