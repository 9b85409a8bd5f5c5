"""A site checked for the administration: every problem in Indonesian, keyed by the field it is in.

`site_config` reports problems in English for the IT officer's console (`mpp-server init`); the
admin pages and `/api/admin` show them next to the field, as `{"agencies[0].services[1].queue":
"Antrean 'Z' tidak dikenal."}`. The rules are the model's own: this module only names them.
"""

import re
import tomllib

from pydantic import ValidationError

from .site_config import SiteConfig, _items


class SiteInvalid(Exception):
    """The site would be invalid; `fields`: {field path: message in Indonesian}."""

    def __init__(self, fields: dict[str, str]):
        super().__init__("; ".join(f"{k}: {v}" for k, v in fields.items()))
        self.fields = fields


def path_text(loc) -> str:
    """('agencies', 2, 'services', 0, 'queue') -> 'agencies[2].services[0].queue'."""
    return "".join(f"[{p}]" if isinstance(p, int) else f".{p}" for p in loc).lstrip(".")


VALUE_ERRORS = [  # the model's own validators (site_config, domain/schedule), in Indonesian
    (r"ends before it starts", "Jam tutup harus setelah jam buka (tulis seperti 08:00-15:00)."),
    (r"is not a time range", "Tulis rentang jam seperti 08:00-15:00."),
    (r"unknown timezone", "Zona waktu tidak dikenal; misalnya Asia/Jakarta, Asia/Makassar, Asia/Jayapura."),
    (r"unknown day", "Hari tidak dikenal; pakai mon, tue, wed, thu, fri, sat, sun."),
    (r"ratio|priority", "Tulis rasio prioritas seperti 1:2."),
    (r"last day is before", "Hari terakhir tidak boleh sebelum hari pertama."),
]


def _message(error: dict) -> str:
    kind, ctx, field = error["type"], error.get("ctx") or {}, str(error["loc"][-1]) if error["loc"] else ""
    if kind == "missing":
        return "Wajib diisi."
    if kind == "string_too_short":
        return "Tidak boleh kosong."
    if kind == "string_too_long":
        return f"Terlalu panjang (paling banyak {ctx.get('max_length')} karakter)."
    if kind == "string_pattern_mismatch":
        if field == "prefix":
            return "Prefiks berupa 1–3 huruf besar, misalnya A atau PA."
        if field == "public_url":
            return "Tulis alamat lengkap, misalnya http://192.168.1.10:8080."
        return "Kode hanya huruf, angka, titik, garis bawah atau tanda hubung (paling banyak 32)."
    if kind in ("greater_than_equal", "greater_than", "less_than_equal", "less_than"):
        words = {"greater_than_equal": ("ge", "paling kecil"), "greater_than": ("gt", "harus lebih dari"),
                 "less_than_equal": ("le", "paling besar"), "less_than": ("lt", "harus kurang dari")}[kind]
        return f"Nilai {words[1]} {ctx.get(words[0])}."
    if kind == "too_short":
        return f"Paling sedikit {ctx.get('min_length')} butir."
    if kind == "extra_forbidden":
        return "Kunci ini tidak dikenal."
    if kind.startswith(("int_", "float_")):
        return "Harus berupa angka."
    if kind.startswith("bool_"):
        return "Harus ya atau tidak (true/false)."
    if kind.startswith("date"):
        return "Tanggal tidak valid; tulis TTTT-BB-HH."
    if kind.startswith(("string_", "list_", "dict_", "model_")):
        return "Jenis isian salah."
    if kind == "value_error":
        text = error["msg"]
        for pattern, message in VALUE_ERRORS:
            if re.search(pattern, text):
                return message
    return "Isian tidak valid."


def reference_fields(data: dict) -> dict[str, str]:
    """Codes used twice and codes that name nothing (the model's `reference_problems`), per field."""
    fields: dict[str, str] = {}
    site = data.get("site") if isinstance(data.get("site"), dict) else {}
    zones, queues, agencies = _items(data, "zones"), _items(data, "queues"), _items(data, "agencies")
    counters = _items(data, "counters")

    def unique(rows: list[tuple[str, object]], what: str) -> None:
        seen = set()
        for path, value in rows:
            if value in seen:
                fields.setdefault(path, f"{what} '{value}' sudah dipakai.")
            seen.add(value)

    unique([(f"zones[{i}].code", z.get("code")) for i, z in enumerate(zones)], "Kode zona")
    unique([(f"queues[{i}].code", q.get("code")) for i, q in enumerate(queues)], "Kode antrean")
    unique([(f"queues[{i}].prefix", q.get("prefix")) for i, q in enumerate(queues)], "Prefiks")
    unique([(f"agencies[{i}].code", a.get("code")) for i, a in enumerate(agencies)], "Kode instansi")
    unique([(f"agencies[{i}].services[{j}].code", s.get("code")) for i, a in enumerate(agencies)
            for j, s in enumerate(_items(a, "services"))], "Kode layanan")
    unique([(f"counters[{i}].code", c.get("code")) for i, c in enumerate(counters)], "Kode loket")
    unique([(f"site.priority_categories[{i}].code", p.get("code"))
            for i, p in enumerate(_items(site, "priority_categories"))], "Kode kategori prioritas")
    unique([(f"site.holidays[{i}].date", str(h.get("date"))) for i, h in enumerate(_items(site, "holidays"))],
           "Tanggal libur")
    unique([(f"site.special_days[{i}].date", str(d.get("date")))
            for i, d in enumerate(_items(site, "special_days"))], "Tanggal buka khusus")
    service_codes = {s.get("code") for a in agencies for s in _items(a, "services")}
    for i, closure in enumerate(_items(site, "closures")):
        if closure.get("service") not in service_codes:
            fields.setdefault(f"site.closures[{i}].service", f"Layanan '{closure.get('service')}' tidak dikenal.")
    zone_codes = {z.get("code") for z in zones}
    queue_codes = {q.get("code") for q in queues}
    agency_codes = {a.get("code") for a in agencies}
    for i, agency in enumerate(agencies):
        if agency.get("zone") not in zone_codes:
            fields.setdefault(f"agencies[{i}].zone", f"Zona '{agency.get('zone')}' tidak dikenal.")
        for j, service in enumerate(_items(agency, "services")):
            if service.get("queue") not in queue_codes:
                fields.setdefault(f"agencies[{i}].services[{j}].queue",
                                  f"Antrean '{service.get('queue')}' tidak dikenal.")
    for i, counter in enumerate(counters):
        if counter.get("zone") not in zone_codes:
            fields.setdefault(f"counters[{i}].zone", f"Zona '{counter.get('zone')}' tidak dikenal.")
        if counter.get("agency") not in agency_codes:
            fields.setdefault(f"counters[{i}].agency", f"Instansi '{counter.get('agency')}' tidak dikenal.")
        served = counter.get("queues") if isinstance(counter.get("queues"), list) else []
        wrong = [q for q in served if q not in queue_codes]
        if wrong:
            fields.setdefault(f"counters[{i}].queues", f"Antrean '{wrong[0]}' tidak dikenal.")
        elif len(set(map(str, served))) != len(served):
            fields.setdefault(f"counters[{i}].queues", "Satu antrean disebut dua kali.")
    return fields


def check_site(data: dict) -> SiteConfig:
    """The site `data` describes, or SiteInvalid naming every problem."""
    try:
        return SiteConfig.model_validate(data)
    except ValidationError as exc:
        fields: dict[str, str] = {}
        for error in exc.errors():
            if error["loc"]:  # the model-level check is `reference_fields`, in Indonesian
                where = path_text(error["loc"])
                fields[where] = f"{fields[where]} {_message(error)}" if where in fields else _message(error)
        for where, message in reference_fields(data).items():
            fields.setdefault(where, message)
        raise SiteInvalid(fields or {"": "Isi situs tidak valid."}) from None


def parse_site_text(text: str) -> SiteConfig:
    """A site file (TOML) uploaded to the administration: the site, or SiteInvalid with every problem."""
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        where = re.search(r"line (\d+), column (\d+)", str(exc))
        place = f" (baris {where[1]}, kolom {where[2]})" if where else ""
        raise SiteInvalid({"": f"Berkas bukan TOML yang valid{place}."}) from None
    return check_site(data)
