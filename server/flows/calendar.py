"""The site's calendar and priority categories in the administration: holidays and cuti bersama
(a date and its name), and the priority categories the kiosk offers (name, order).

Both live in the site (`site.holidays`, `site.priority_categories`), so each change goes through the
site administration's one save (flows/admin.py): checked, stored, audited and announced
(`site.changed`) together. A holiday's version is a hash of its content, a category's too.
"""

from datetime import date

from ..context import Context
from ..domain.errors import NotFound
from . import admin
from .admin import InvalidFields, VersionConflict, version_of


def holiday_view(holiday) -> dict:
    data = {"date": holiday.date.isoformat(), "name": holiday.name}
    return {**data, "version": version_of(data)}


def holidays(ctx: Context) -> list[dict]:
    return [holiday_view(h) for h in sorted(ctx.site.config.site.holidays, key=lambda h: h.date)]


def add_holiday(ctx: Context, who, address, values: dict) -> dict:
    day = _date(values.get("date"))

    def apply(data: dict, config) -> None:
        if any(h.date == day for h in config.site.holidays):
            raise InvalidFields({"date": f"Tanggal {day.isoformat()} sudah ada di daftar libur."})
        data["site"]["holidays"].append({"date": day, "name": values.get("name")})
        data["site"]["holidays"].sort(key=lambda h: h["date"])

    config = admin._save(ctx, who, address, "site.holiday.added", day.isoformat(), apply,
                         {"date": day.isoformat(), "name": values.get("name")}, fields_of=_holiday_field)
    return holiday_view(next(h for h in config.site.holidays if h.date == day))


def change_holiday(ctx: Context, who, address, when: str, changes: dict) -> dict:
    day = _known_holiday(ctx, when)

    def apply(data: dict, config) -> None:
        found = next((h for h in data["site"]["holidays"] if h["date"] == day), None)
        if found is None:
            raise NotFound(f"Tanggal {when} tidak ada di daftar libur.", code="unknown_holiday")
        current = holiday_view(next(h for h in config.site.holidays if h.date == day))
        if changes.get("version") != current["version"]:
            raise VersionConflict("Hari libur", current)
        found["name"] = changes.get("name", found["name"])

    config = admin._save(ctx, who, address, "site.holiday.updated", when, apply,
                         {"name": changes.get("name")}, fields_of=_holiday_field)
    return holiday_view(next(h for h in config.site.holidays if h.date == day))


def remove_holiday(ctx: Context, who, address, when: str) -> None:
    day = _known_holiday(ctx, when)

    def apply(data: dict, config) -> None:
        data["site"]["holidays"] = [h for h in data["site"]["holidays"] if h["date"] != day]

    admin._save(ctx, who, address, "site.holiday.removed", when, apply, {}, fields_of=_holiday_field)


def _date(text, field: str = "date") -> date:
    try:
        return date.fromisoformat(str(text))
    except ValueError:
        raise InvalidFields({field: "Tanggal harus seperti 2026-08-17."}) from None


def _known_holiday(ctx: Context, when: str) -> date:
    try:
        day = date.fromisoformat(when)
    except ValueError:
        day = None
    if day is None or not any(h.date == day for h in ctx.site.config.site.holidays):
        raise NotFound(f"Tanggal {when} tidak ada di daftar libur.", code="unknown_holiday")
    return day


def _holiday_field(path: str) -> str:
    """`site.holidays[3].name` → `name`: the form has one holiday."""
    return path.rsplit(".", 1)[-1] if path.startswith("site.holidays[") and "." in path[6:] else path


# ------------------------------------------------------------------------------ priority categories


def category_view(config, code: str) -> dict:
    position, category = next((i, p) for i, p in enumerate(config.site.priority_categories) if p.code == code)
    data = category.model_dump(mode="json")
    return {**data, "position": position, "version": version_of(data, position)}


def categories(ctx: Context) -> list[dict]:
    config = ctx.site.config
    return [category_view(config, p.code) for p in config.site.priority_categories]


def add_category(ctx: Context, who, address, values: dict) -> dict:
    code = values.get("code")

    def apply(data: dict, config) -> None:
        rows = data["site"]["priority_categories"]
        if any(p["code"] == code for p in rows):
            raise InvalidFields({"code": f"Kode '{code}' sudah dipakai kategori lain."})
        rows.append({k: values.get(k) for k in ("code", "name", "name_en")})
        admin._move(rows, rows[-1], values.get("position"))

    config = admin._save(ctx, who, address, "site.priority_category.added", code, apply,
                         {"changes": {k: v for k, v in values.items()}}, fields_of=_category_field)
    return category_view(config, code)


def change_category(ctx: Context, who, address, code: str, changes: dict) -> dict:
    if not any(p.code == code for p in ctx.site.config.site.priority_categories):
        raise NotFound(f"Kategori prioritas '{code}' tidak ada.", code="unknown_priority_category")

    def apply(data: dict, config) -> None:
        current = category_view(config, code)
        if changes.get("version") != current["version"]:
            raise VersionConflict("Kategori prioritas", current)
        rows = data["site"]["priority_categories"]
        row = next(p for p in rows if p["code"] == code)
        row.update({k: v for k, v in changes.items() if k in ("name", "name_en")})
        admin._move(rows, row, changes.get("position"))

    config = admin._save(ctx, who, address, "site.priority_category.updated", code, apply,
                         admin._edited(changes, ("name", "name_en", "position")), fields_of=_category_field)
    return category_view(config, code)


def _category_field(path: str) -> str:
    return path.rsplit(".", 1)[-1] if path.startswith("site.priority_categories[") and "." in path[6:] else path


# ----------------------------------------------------------- special opening days and service closures


def special_day_view(day) -> dict:
    data = {"date": day.date.isoformat(), "name": day.name, "hours": day.hours}
    return {**data, "version": version_of(data)}


def special_days(ctx: Context) -> list[dict]:
    return [special_day_view(d) for d in sorted(ctx.site.config.site.special_days, key=lambda d: d.date)]


def add_special_day(ctx: Context, who, address, values: dict) -> dict:
    """A date open with these hours though the site is normally closed then (a holiday included)."""
    day = _date(values.get("date"))

    def apply(data: dict, config) -> None:
        if any(d.date == day for d in config.site.special_days):
            raise InvalidFields({"date": f"Tanggal {day.isoformat()} sudah ada di daftar hari buka khusus."})
        data["site"]["special_days"].append({"date": day, "name": values.get("name"), "hours": values.get("hours")})
        data["site"]["special_days"].sort(key=lambda d: d["date"])

    config = admin._save(ctx, who, address, "site.special_day.added", day.isoformat(), apply,
                         {"date": day.isoformat(), "name": values.get("name"), "hours": values.get("hours")},
                         fields_of=_last_part("site.special_days["))
    return special_day_view(next(d for d in config.site.special_days if d.date == day))


def change_special_day(ctx: Context, who, address, when: str, changes: dict) -> dict:
    """Rename a special opening day or change its hours (its date is its identity)."""
    if when not in {d.date.isoformat() for d in ctx.site.config.site.special_days}:
        raise NotFound(f"Tanggal {when} tidak ada di daftar hari buka khusus.", code="unknown_special_day")

    def apply(data: dict, config) -> None:
        found = next((d for d in data["site"]["special_days"] if d["date"].isoformat() == when), None)
        if found is None:
            raise NotFound(f"Tanggal {when} tidak ada di daftar hari buka khusus.", code="unknown_special_day")
        current = special_day_view(next(d for d in config.site.special_days if d.date.isoformat() == when))
        if changes.get("version") != current["version"]:
            raise VersionConflict("Hari buka khusus", current)
        found.update({k: v for k, v in changes.items() if k in ("name", "hours") and v is not None})

    config = admin._save(ctx, who, address, "site.special_day.updated", when, apply,
                         admin._edited(changes, ("name", "hours")), fields_of=_last_part("site.special_days["))
    return special_day_view(next(d for d in config.site.special_days if d.date.isoformat() == when))


def remove_special_day(ctx: Context, who, address, when: str) -> None:
    if when not in {d.date.isoformat() for d in ctx.site.config.site.special_days}:
        raise NotFound(f"Tanggal {when} tidak ada di daftar hari buka khusus.", code="unknown_special_day")

    def apply(data: dict, config) -> None:
        data["site"]["special_days"] = [d for d in data["site"]["special_days"] if d["date"].isoformat() != when]

    admin._save(ctx, who, address, "site.special_day.removed", when, apply, {}, fields_of=str)


def closure_view(closure) -> dict:
    data = {"service": closure.service, "first_day": closure.first_day.isoformat(),
            "last_day": closure.last_day.isoformat(), "reason": closure.reason}
    return {**data, "version": version_of(data)}


def closures(ctx: Context) -> list[dict]:
    return [closure_view(c) for c in sorted(ctx.site.config.site.closures, key=lambda c: (c.first_day, c.service))]


def add_closure(ctx: Context, who, address, values: dict) -> dict:
    """A service closed from its first to its last day; the kiosk shows the reason."""
    service, first = values.get("service"), _date(values.get("first_day"), "first_day")
    last = _date(values.get("last_day") or values.get("first_day"), "last_day")
    if last < first:
        raise InvalidFields({"last_day": "Hari terakhir tidak boleh sebelum hari pertama."})

    def apply(data: dict, config) -> None:
        if any(c.service == service and c.first_day == first for c in config.site.closures):
            raise InvalidFields({"first_day": "Layanan ini sudah punya penutupan mulai tanggal itu."})
        if service not in {s.code for a in config.agencies for s in a.services}:
            raise InvalidFields({"service": f"Layanan '{service}' tidak dikenal."})
        data["site"]["closures"].append({"service": service, "first_day": first, "last_day": last,
                                         "reason": values.get("reason")})

    config = admin._save(ctx, who, address, "site.closure.added", f"{service}:{first.isoformat()}", apply,
                         {"service": service, "first_day": first.isoformat(), "last_day": last.isoformat(),
                          "reason": values.get("reason")}, fields_of=_last_part("site.closures["))
    return closure_view(next(c for c in config.site.closures if c.service == service and c.first_day == first))


def change_closure(ctx: Context, who, address, service: str, first_day: str, changes: dict) -> dict:
    """Move a closure's last day or change its reason (the service and first day are its identity)."""
    if not any(c.service == service and c.first_day.isoformat() == first_day for c in ctx.site.config.site.closures):
        raise NotFound(f"Penutupan layanan '{service}' mulai {first_day} tidak ada.", code="unknown_closure")
    last = _date(changes["last_day"], "last_day") if changes.get("last_day") is not None else None
    if last is not None and last.isoformat() < first_day:
        raise InvalidFields({"last_day": "Hari terakhir tidak boleh sebelum hari pertama."})

    def apply(data: dict, config) -> None:
        found = next((c for c in data["site"]["closures"]
                      if c["service"] == service and c["first_day"].isoformat() == first_day), None)
        if found is None:
            raise NotFound(f"Penutupan layanan '{service}' mulai {first_day} tidak ada.", code="unknown_closure")
        current = closure_view(next(c for c in config.site.closures
                                    if c.service == service and c.first_day.isoformat() == first_day))
        if changes.get("version") != current["version"]:
            raise VersionConflict("Penutupan layanan", current)
        if last is not None:
            found["last_day"] = last
        if changes.get("reason") is not None:
            found["reason"] = changes["reason"]

    config = admin._save(ctx, who, address, "site.closure.updated", f"{service}:{first_day}", apply,
                         admin._edited(changes, ("last_day", "reason")), fields_of=_last_part("site.closures["))
    return closure_view(next(c for c in config.site.closures
                             if c.service == service and c.first_day.isoformat() == first_day))


def remove_closure(ctx: Context, who, address, service: str, first_day: str) -> None:
    if not any(c.service == service and c.first_day.isoformat() == first_day for c in ctx.site.config.site.closures):
        raise NotFound(f"Penutupan layanan '{service}' mulai {first_day} tidak ada.", code="unknown_closure")

    def apply(data: dict, config) -> None:
        data["site"]["closures"] = [c for c in data["site"]["closures"]
                                    if not (c["service"] == service and c["first_day"].isoformat() == first_day)]

    admin._save(ctx, who, address, "site.closure.removed", f"{service}:{first_day}", apply, {}, fields_of=str)


def _last_part(prefix: str):
    """`site.closures[2].reason` → `reason`: the form has one row."""
    return lambda path: path.rsplit(".", 1)[-1] if path.startswith(prefix) and "]." in path else path
