"""The morning check ("Cek kesiapan pagi"): what is not ready before the doors open, decided in
plain Python from facts the flow gathers (devices, today's schedule, counters, officers, backup,
disk). Each check is OK or needs action, with one line in Indonesian saying why."""

from dataclasses import dataclass, field
from datetime import datetime, time
from urllib.parse import urlsplit

BACKUP_MAX_AGE_H = 36  # a nightly backup: one missed night is already worth a look
DISK_MIN_FREE = 1024 ** 3  # a busy day's database and its nightly copies fit many times over
DISK_MIN_FREE_SHARE = 0.05
KIND_NAMES = {"kiosk": "Anjungan", "display": "Layar", "counter": "PC loket"}
LOOPBACK = ("localhost", "127.0.0.1", "::1", "0.0.0.0")


@dataclass(frozen=True)
class Check:
    key: str
    title: str
    ok: bool
    reason: str


@dataclass(frozen=True)
class Facts:
    """What the check looks at. `devices` as `GET /api/devices` shows them; `counters` (code, name,
    agency); `services` (code, name, queue, agency); `officers` active officers per agency;
    `served_queues` the queues some counter serves today; `backup_dir` None when no nightly backup
    is set up; `disk_free`/`disk_total` in bytes, None when unknown."""

    now: datetime
    holiday: str | None
    hours: tuple[time, time] | None
    breaks: tuple[tuple[str, time, time], ...] = ()
    zones: tuple[tuple[str, str], ...] = ()
    devices: tuple[dict, ...] = ()
    counters: tuple[tuple[str, str, str], ...] = ()
    agency_names: dict = field(default_factory=dict)
    officers: dict = field(default_factory=dict)
    services: tuple[tuple[str, str, str, str], ...] = ()
    served_queues: frozenset = frozenset()
    public_url: str | None = None
    backup_dir: str | None = None
    last_backup: datetime | None = None
    disk_free: int | None = None
    disk_total: int | None = None


def clock(moment: time) -> str:
    return moment.strftime("%H.%M")  # as Indonesians write times


def listing(names: list[str], most: int = 5) -> str:
    shown = ", ".join(names[:most])
    return shown + (f", dan {len(names) - most} lainnya" if len(names) > most else "")


def gigabytes(size: int) -> str:
    return f"{size / 1024 ** 3:.1f} GB".replace(".", ",")


def checks(facts: Facts) -> list[Check]:
    return [_service_day(facts), _hours(facts), *_zones(facts), *_kinds(facts), _printers(facts),
            _officers(facts), _services(facts), _public_url(facts), _backup(facts), _disk(facts)]


def ready(found: list[Check]) -> bool:
    return all(check.ok for check in found)


def _service_day(facts: Facts) -> Check:
    if facts.holiday:
        return Check("holiday", "Hari libur", False, f"Hari ini hari libur ({facts.holiday}): gedung tutup, "
                                                      "anjungan tidak memberi nomor.")
    return Check("holiday", "Hari libur", True, "Hari ini bukan hari libur.")


def _hours(facts: Facts) -> Check:
    if facts.hours is None:
        return Check("hours", "Jam layanan hari ini", False, "Hari ini tidak ada jam layanan: gedung tutup.")
    start, end = facts.hours
    text = f"Buka {clock(start)}–{clock(end)}"
    if facts.breaks:
        text += "; " + "; ".join(f"{name} {clock(a)}–{clock(b)}" for name, a, b in facts.breaks)
    if facts.now.time().replace(tzinfo=None) >= end:
        return Check("hours", "Jam layanan hari ini", True, text + " (layanan hari ini sudah selesai).")
    return Check("hours", "Jam layanan hari ini", True, text + ".")


def _zones(facts: Facts) -> list[Check]:
    """Each zone needs a board that shows the calls and a kiosk that gives numbers; a device of no
    zone serves the whole building."""
    found = []
    for code, name in facts.zones:
        online = [d for d in facts.devices if d["online"] and d["zone"] in (code, None)]
        missing = [word for kind, word in (("display", "layar"), ("kiosk", "anjungan"))
                   if not any(d["kind"] == kind for d in online)]
        title = f"Zona {name}"
        if missing:
            found.append(Check(f"zone:{code}", title, False, f"Tidak ada {' dan '.join(missing)} yang daring."))
        else:
            boards = sum(d["kind"] == "display" for d in online)
            kiosks = sum(d["kind"] == "kiosk" for d in online)
            found.append(Check(f"zone:{code}", title, True, f"{boards} layar dan {kiosks} anjungan daring."))
    return found


def _kinds(facts: Facts) -> list[Check]:
    found = []
    for kind, word in KIND_NAMES.items():
        mine = [d for d in facts.devices if d["kind"] == kind]
        if not mine:
            continue
        offline = [d["name"] for d in mine if not d["online"]]
        title = f"{word} ({len(mine)})"
        if offline:
            found.append(Check(f"devices:{kind}", title, False, f"{len(offline)} luring: {listing(offline)}."))
        else:
            found.append(Check(f"devices:{kind}", title, True, "Semua daring."))
    return found


PAPER_WORDS = {"low": "kertas hampir habis", "out": "kertas habis", "unknown": "keadaan kertas tidak diketahui"}


def _printers(facts: Facts) -> Check:
    troubles = []
    for device in facts.devices:
        if device["kind"] != "kiosk":
            continue
        printer = device.get("printer")
        if not printer:
            troubles.append(f"{device['name']} (printer belum melapor)")
        elif printer.get("online") is False:
            troubles.append(f"{device['name']} (printer tidak terhubung)")
        elif printer.get("paper") != "ok":
            troubles.append(f"{device['name']} ({PAPER_WORDS.get(printer.get('paper'), PAPER_WORDS['unknown'])})")
    if troubles:
        return Check("printers", "Printer anjungan", False, f"Perlu dicek: {listing(troubles, 3)}.")
    return Check("printers", "Printer anjungan", True, "Semua printer terhubung, kertas cukup.")


def _officers(facts: Facts) -> Check:
    agencies = sorted({agency for _, _, agency in facts.counters})
    without = [facts.agency_names.get(a, a) for a in agencies if not facts.officers.get(a)]
    if without:
        return Check("officers", "Petugas loket", False, f"Loket tanpa petugas terdaftar: {listing(without)}.")
    return Check("officers", "Petugas loket", True, "Setiap instansi yang punya loket punya petugas.")


def _services(facts: Facts) -> Check:
    orphans = [name for _, name, queue, _ in facts.services if queue not in facts.served_queues]
    if orphans:
        return Check("services", "Layanan tanpa loket", False,
                     f"Tidak ada loket yang memanggil antrean layanan: {listing(orphans)}.")
    return Check("services", "Layanan tanpa loket", True, "Setiap layanan dilayani sedikitnya satu loket hari ini.")


def _public_url(facts: Facts) -> Check:
    title = "Alamat publik (kode QR)"
    if not facts.public_url:
        return Check("public_url", title, False, "Alamat publik belum diatur: kode QR di karcis memakai "
                                                 "alamat anjungan, 127.0.0.1 bila anjungan di PC server.")
    host = (urlsplit(facts.public_url).hostname or "").lower()
    if host in LOOPBACK or host.startswith("127."):
        return Check("public_url", title, False, f"{facts.public_url} hanya terjangkau dari server ini, "
                                                 "bukan dari ponsel pengunjung.")
    return Check("public_url", title, True, f"Kode QR menunjuk ke {facts.public_url}.")


def _backup(facts: Facts) -> Check:
    title = "Cadangan basis data"
    if facts.backup_dir is None:
        return Check("backup", title, False, "Cadangan malam belum diatur (mpp-server run --backup-dir).")
    if facts.last_backup is None:
        return Check("backup", title, False, f"Belum ada cadangan di {facts.backup_dir}.")
    hours = (facts.now - facts.last_backup).total_seconds() / 3600
    when = f"{facts.last_backup.strftime('%d-%m-%Y')} pukul {clock(facts.last_backup.time())}"
    if hours > BACKUP_MAX_AGE_H:
        return Check("backup", title, False, f"Cadangan terakhir {when}, lebih dari {BACKUP_MAX_AGE_H} jam lalu.")
    return Check("backup", title, True, f"Cadangan terakhir {when}.")


def _disk(facts: Facts) -> Check:
    title = "Ruang disk basis data"
    if facts.disk_free is None or not facts.disk_total:
        return Check("disk", title, False, "Sisa ruang disk tidak dapat dibaca.")
    text = f"Sisa {gigabytes(facts.disk_free)} dari {gigabytes(facts.disk_total)}"
    if facts.disk_free < DISK_MIN_FREE or facts.disk_free < facts.disk_total * DISK_MIN_FREE_SHARE:
        return Check("disk", title, False, text + ": hampir penuh.")
    return Check("disk", title, True, text + ".")
