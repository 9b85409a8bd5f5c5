"""The ticket layout: what the citizen reads, in Indonesian (or English), and nothing private."""

import dataclasses

import pytest

from kiosk.ticket import build_ticket

from .samples import NIK, PHONE, SITE, STATUS_URL, TICKET, ticket


def test_layout_holds_everything_the_ticket_says():
    layout = build_ticket(ticket(priority="lansia", priority_name="Lanjut usia"), SITE)
    assert layout.site_name == "Mal Pelayanan Publik Kota Harapan Jaya"
    assert layout.agency == "Dinas Kependudukan dan Pencatatan Sipil"
    assert layout.service == "Perekaman KTP-el"
    assert layout.number_label == "NOMOR ANTREAN"
    assert layout.code == "A-007"
    assert layout.priority_mark == "PRIORITAS - Lanjut usia"
    assert layout.issued == "Senin, 23 November 2026 09.00 WIB"
    assert layout.ahead == "3 orang di depan Anda"
    assert layout.wait == "Perkiraan tunggu: ± 12 menit"
    assert layout.qr_payload == STATUS_URL
    assert layout.footer == ("Simpan tiket ini. Pindai kode QR untuk melihat status antrean.",
                             "Harap menunggu sampai nomor Anda dipanggil.")


@pytest.mark.parametrize("issued_at, timezone, date, time", [
    ("2026-11-23T09:00:00.000+07:00", "Asia/Jakarta", "Senin, 23 November 2026", "09.00 WIB"),
    ("2026-11-22T10:15:00+08:00", "Asia/Makassar", "Minggu, 22 November 2026", "10.15 WITA"),
    ("2026-11-27T13:05:00+09:00", "Asia/Jayapura", "Jumat, 27 November 2026", "13.05 WIT"),
    # The site's clock decides, whatever offset the server wrote.
    ("2026-11-23T02:00:00+00:00", "Asia/Jakarta", "Senin, 23 November 2026", "09.00 WIB"),
    ("2026-11-23T23:30:00+07:00", "Asia/Makassar", "Selasa, 24 November 2026", "00.30 WITA"),
    # No timezone in the catalog: the server's offset stands.
    ("2026-11-23T09:00:00+08:00", None, "Senin, 23 November 2026", "09.00 WITA"),
])
def test_date_and_time_in_indonesian_with_the_zone_name(issued_at, timezone, date, time):
    layout = build_ticket(ticket(issued_at=issued_at), {**SITE, "timezone": timezone})
    assert (layout.issued_date, layout.issued_time) == (date, time)


@pytest.mark.parametrize("ahead, wait, ahead_text, wait_text", [
    (0, 0, "Tidak ada antrean di depan Anda", "Segera dilayani"),
    (1, 1, "1 orang di depan Anda", "Perkiraan tunggu: ± 1 menit"),
    (3, 12, "3 orang di depan Anda", "Perkiraan tunggu: ± 12 menit"),
    (40, 95, "40 orang di depan Anda", "Perkiraan tunggu: ± 95 menit"),
    (None, None, None, None),  # not known: the line is left out
])
def test_people_ahead_and_estimated_wait(ahead, wait, ahead_text, wait_text):
    layout = build_ticket(ticket(ahead=ahead, est_wait_min=wait), SITE)
    assert (layout.ahead, layout.wait) == (ahead_text, wait_text)


@pytest.mark.parametrize("priority, priority_name, language, mark", [
    (None, None, "id", None),
    ("lansia", "Lanjut usia", "id", "PRIORITAS - Lanjut usia"),
    ("ibu_hamil", "Ibu hamil", "id", "PRIORITAS - Ibu hamil"),
    ("disabilitas", None, "id", "PRIORITAS - Penyandang disabilitas"),  # name from the catalog
    ("lansia", "Lanjut usia", "en", "PRIORITY - Elderly"),
    ("anak", None, "id", "PRIORITAS - anak"),  # unknown to the catalog: still marked
])
def test_priority_mark(priority, priority_name, language, mark):
    layout = build_ticket(ticket(priority=priority, priority_name=priority_name), SITE, language)
    assert layout.priority_mark == mark


def test_english_variant():
    layout = build_ticket(ticket(ahead=1, est_wait_min=0), SITE, language="en")
    assert layout.number_label == "QUEUE NUMBER"
    assert layout.issued == "Monday, 23 November 2026 09:00 WIB"
    assert layout.ahead == "1 person ahead of you"
    assert layout.wait == "You will be served shortly"
    assert layout.footer[0] == "Keep this ticket. Scan the QR code to see your queue status."
    assert layout.service == "Perekaman KTP-el"  # official names stay as the agency writes them


def test_personal_data_never_reaches_the_ticket():
    private = ticket(nik=NIK, phone=PHONE, personal_data={"nik": NIK, "phone": PHONE}, nik_masked="3201********0001")
    layout = build_ticket(private, SITE)
    printed = repr(dataclasses.astuple(layout)) + " ".join(layout.texts())
    for secret in (NIK, PHONE, "3201", "0001", "08123"):
        assert secret not in printed


@pytest.mark.parametrize("missing", ["code", "issued_at"])
def test_a_missing_field_is_named(missing):
    with pytest.raises(ValueError, match=missing):
        build_ticket({key: value for key, value in TICKET.items() if key != missing}, SITE)


def test_a_missing_site_name_is_named():
    with pytest.raises(ValueError, match="'name'"):
        build_ticket(TICKET, {**SITE, "name": ""})


def test_issued_at_without_offset_is_refused():
    with pytest.raises(ValueError, match="UTC offset"):
        build_ticket(ticket(issued_at="2026-11-23T09:00:00"), SITE)


def test_unknown_language_is_refused():
    with pytest.raises(ValueError, match="language"):
        build_ticket(TICKET, SITE, language="jv")


def test_no_status_url_means_no_qr_payload():
    assert build_ticket(ticket(status_url=None), SITE).qr_payload is None


def test_agency_and_service_codes_stand_in_for_missing_names():
    layout = build_ticket(ticket(agency_name=None, service_name=None), SITE)
    assert (layout.agency, layout.service) == ("DUKCAPIL", "DK-KTP")


@pytest.mark.parametrize("changes, language, mark", [
    ({"booked": True, "appointment": {"code": "7QK3M9XA", "date": "2026-11-23", "slot": "10:30"}}, "id",
     "JANJI TEMU 10.30"),
    ({"booked": True, "appointment": {"slot": "10:30"}}, "en", "APPOINTMENT 10:30"),
    ({"booked": True}, "id", "JANJI TEMU"),  # a booked ticket read back without its booking
    ({"booked": False}, "id", None),
    ({}, "id", None),  # an older server: no mark at all
])
def test_a_booked_ticket_says_its_slot(changes, language, mark):
    assert build_ticket(ticket(**changes), SITE, language=language).appointment_mark == mark
