"""The morning check's rules as a table: each fact that is not ready makes its check need action,
with its reason in one line; everything ready makes every check OK."""

from dataclasses import replace
from datetime import datetime, time, timedelta, timezone

import pytest

from server.domain import devices as device_rules
from server.domain.readiness import Facts, checks, ready

WIB = timezone(timedelta(hours=7))
NOW = datetime(2026, 11, 23, 7, 30, tzinfo=WIB)
GB = 1024 ** 3


def device(id, kind, zone="1", online=True, paper="ok", printer_online=True, last_seen="2026-11-23T07:29:00+07:00"):
    printer = {"online": printer_online, "paper": paper} if kind == "kiosk" and paper is not None else None
    return {"id": id, "kind": kind, "name": f"{kind} {id}", "zone": zone, "online": online,
            "last_seen": last_seen, "printer": printer, "printer_since": "2026-11-23T07:00:00+07:00"}


READY = Facts(
    now=NOW, holiday=None, hours=(time(8), time(15)), breaks=(), zones=(("1", "Lantai 1"), ("2", "Lantai 2")),
    devices=(device(1, "kiosk", zone=None), device(2, "display"), device(3, "display", zone="2"), device(4, "counter")),
    counters=(("L01", "Loket 1", "DUKCAPIL"), ("L08", "Loket 8", "SAMSAT")),
    agency_names={"DUKCAPIL": "Disdukcapil", "SAMSAT": "Samsat"}, officers={"DUKCAPIL": 2, "SAMSAT": 1},
    services=(("DK-KTP", "KTP-el", "A", "DUKCAPIL"), ("SM-PKB", "Pajak kendaraan", "D", "SAMSAT")),
    served_queues=frozenset({"A", "D"}), public_url="http://192.168.1.10:8000", backup_dir="/cadangan",
    last_backup=NOW - timedelta(hours=8), disk_free=50 * GB, disk_total=200 * GB)


def by_key(facts: Facts) -> dict:
    return {check.key: check for check in checks(facts)}


def test_everything_ready_is_ok_everywhere():
    found = checks(READY)
    assert ready(found) and all(check.ok for check in found)
    assert [c.key for c in found] == ["holiday", "hours", "zone:1", "zone:2", "devices:kiosk", "devices:display",
                                      "devices:counter", "printers", "officers", "services", "public_url", "backup",
                                      "disk"]
    assert by_key(READY)["zone:2"].reason == "1 layar dan 1 anjungan daring."  # the building's kiosk counts


@pytest.mark.parametrize("change, key, reason", [
    ({"holiday": "Hari Raya Natal"}, "holiday",
     "Hari ini hari libur (Hari Raya Natal): gedung tutup, anjungan tidak memberi nomor."),
    ({"hours": None}, "hours", "Hari ini tidak ada jam layanan: gedung tutup."),
    ({"devices": (device(1, "kiosk", zone=None), device(2, "display"), device(3, "display", zone="2", online=False),
                  device(4, "counter"))}, "zone:2", "Tidak ada layar yang daring."),
    ({"devices": (device(1, "kiosk", zone="1"), device(2, "display"))}, "zone:2",
     "Tidak ada layar dan anjungan yang daring."),
    ({"devices": (device(1, "kiosk"), device(2, "display", online=False), device(3, "display", zone="2"))},
     "devices:display", "1 luring: display 2."),
    ({"devices": (device(1, "kiosk", paper="low"), device(2, "display"), device(3, "display", zone="2"))},
     "printers", "Perlu dicek: kiosk 1 (kertas hampir habis)."),
    ({"devices": (device(1, "kiosk", paper="out"), device(2, "display"), device(3, "display", zone="2"))},
     "printers", "Perlu dicek: kiosk 1 (kertas habis)."),
    ({"devices": (device(1, "kiosk", printer_online=False), device(2, "display"), device(3, "display", zone="2"))},
     "printers", "Perlu dicek: kiosk 1 (printer tidak terhubung)."),
    ({"devices": (device(1, "kiosk", paper=None), device(2, "display"), device(3, "display", zone="2"))},
     "printers", "Perlu dicek: kiosk 1 (printer belum melapor)."),
    ({"officers": {"DUKCAPIL": 2}}, "officers", "Loket tanpa petugas terdaftar: Samsat."),
    ({"served_queues": frozenset({"A"})}, "services",
     "Tidak ada loket yang memanggil antrean layanan: Pajak kendaraan."),
    ({"public_url": None}, "public_url",
     "Alamat publik belum diatur: kode QR di karcis memakai alamat anjungan, 127.0.0.1 bila anjungan di PC server."),
    ({"public_url": "http://127.0.0.1:8000"}, "public_url",
     "http://127.0.0.1:8000 hanya terjangkau dari server ini, bukan dari ponsel pengunjung."),
    ({"public_url": "http://localhost:8000"}, "public_url",
     "http://localhost:8000 hanya terjangkau dari server ini, bukan dari ponsel pengunjung."),
    ({"backup_dir": None, "last_backup": None}, "backup", "Cadangan malam belum diatur (mpp-server run --backup-dir)."),
    ({"last_backup": None}, "backup", "Belum ada cadangan di /cadangan."),
    ({"last_backup": NOW - timedelta(hours=40)}, "backup",
     "Cadangan terakhir 21-11-2026 pukul 15.30, lebih dari 36 jam lalu."),
    ({"disk_free": GB // 2}, "disk", "Sisa 0,5 GB dari 200,0 GB: hampir penuh."),
    ({"disk_free": 9 * GB, "disk_total": 200 * GB}, "disk", "Sisa 9,0 GB dari 200,0 GB: hampir penuh."),  # < 5 %
    ({"disk_free": None, "disk_total": None}, "disk", "Sisa ruang disk tidak dapat dibaca."),
])
def test_what_is_not_ready_needs_action_with_its_reason(change, key, reason):
    facts = replace(READY, **change)
    found = by_key(facts)
    assert found[key].ok is False and found[key].reason == reason
    assert not ready(list(found.values()))
    others = [c.key for c in found.values() if not c.ok and c.key != key]
    assert set(others) <= {"zone:1", "zone:2", "devices:display", "devices:counter", "printers"}  # the devices left out


@pytest.mark.parametrize("change, key, reason", [
    ({}, "hours", "Buka 08.00–15.00."),
    ({"breaks": (("Istirahat salat Jumat", time(11, 30), time(13)),)}, "hours",
     "Buka 08.00–15.00; Istirahat salat Jumat 11.30–13.00."),
    ({"now": NOW.replace(hour=16)}, "hours", "Buka 08.00–15.00 (layanan hari ini sudah selesai)."),
    ({}, "backup", "Cadangan terakhir 22-11-2026 pukul 23.30."),
    ({}, "public_url", "Kode QR menunjuk ke http://192.168.1.10:8000."),
    ({}, "disk", "Sisa 50,0 GB dari 200,0 GB."),
])
def test_what_is_ready_says_so(change, key, reason):
    found = by_key(replace(READY, **change))[key]
    assert found.ok and found.reason == reason


def test_device_alerts_offline_first_then_the_printers_and_none_for_a_device_never_seen():
    devices = [device(1, "kiosk", paper="low"), device(2, "kiosk", paper="out"), device(3, "display", online=False),
               device(4, "display", online=False, last_seen=None), device(5, "kiosk", online=False, paper="out"),
               device(6, "kiosk", printer_online=False), device(7, "kiosk")]
    found = [(a["kind"], a["device"]["id"]) for a in device_rules.alerts(devices)]
    # An offline kiosk's paper is stale: its alert is that it is offline.
    assert found == [("offline", 3), ("offline", 5), ("printer_offline", 6), ("paper_out", 2), ("paper_low", 1)]
    assert device_rules.alerts([device(1, "kiosk")]) == []
