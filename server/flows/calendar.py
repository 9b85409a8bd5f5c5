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


def _date(text) -> date:
    try:
        return date.fromisoformat(str(text))
    except ValueError:
        raise InvalidFields({"date": "Tanggal harus seperti 2026-08-17."}) from None


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
