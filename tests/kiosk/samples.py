"""A ticket as POST /api/tickets answers it, the catalog's site, and profiles aimed at a port."""

import socket

from kiosk.profiles import PrinterProfile, load_profile

STATUS_URL = "http://192.168.1.10:8000/t/Xy12AbCdEf34GhIj"
NIK = "3201234567890001"
PHONE = "081234567890"

TICKET = {
    "id": 7, "public_id": "Xy12AbCdEf34GhIj", "code": "A-007", "number": 7, "queue": "A",
    "service": "DK-KTP", "service_name": "Perekaman KTP-el",
    "agency": "DUKCAPIL", "agency_name": "Dinas Kependudukan dan Pencatatan Sipil", "zone": "1",
    "priority": None, "priority_name": None, "status": "printing", "service_day": "2026-11-23",
    "issued_at": "2026-11-23T09:00:00.000+07:00", "ahead": 3, "est_wait_min": 12, "status_url": STATUS_URL,
}

SITE = {
    "name": "Mal Pelayanan Publik Kota Harapan Jaya", "short_name": "MPP Harapan Jaya",
    "address": "Jl. Merdeka No. 45", "timezone": "Asia/Jakarta", "service_day": "2026-11-23",
    "priority_categories": [
        {"code": "lansia", "name": "Lanjut usia", "name_en": "Elderly"},
        {"code": "disabilitas", "name": "Penyandang disabilitas", "name_en": "Persons with disabilities"},
        {"code": "ibu_hamil", "name": "Ibu hamil", "name_en": "Pregnant women"},
    ],
}


def ticket(**changes) -> dict:
    return {**TICKET, **changes}


def on_network(profile: str | PrinterProfile, port: int, host: str = "127.0.0.1", **changes) -> PrinterProfile:
    """A profile (58 or 80 mm) redirected to a network printer at `host`:`port`."""
    if isinstance(profile, str):
        profile = load_profile(profile)
    connection = {"type": "network", "host": host, "port": port}
    return profile.model_validate({**profile.model_dump(), "connection": connection, **changes})


def free_port() -> int:
    """A port nobody listens on (taken from the OS, then released)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]
