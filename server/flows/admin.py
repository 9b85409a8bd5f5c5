"""The site administration: the building's site, agencies, services and counters changed live.

Every change loads the stored site in the writer's transaction, applies itself to a copy, checks the
copy with the site model (`site_problems.check_site`) and with the rules only the day's tickets know
(`day_problems`), then stores it, audits it and announces `site.changed` in the same transaction;
the running server takes the new site at once (no restart, no ticket renumbered).

Versions: each object's `version` is a short hash of its current content (`version_of`), so a PATCH
carrying the version its page read is refused (409 `version_conflict`, with the object as it is now)
when anyone changed that object in between, and accepted when only other objects changed.
"""

import hashlib
import json

from .. import storage
from ..context import Context, Site, Work
from ..domain.errors import Conflict, DomainError, Forbidden, NotFound
from ..site_config import SiteConfig, dump_site
from ..site_problems import SiteInvalid, check_site, parse_site_text

SITE_FIELDS = ("name", "short_name", "address", "public_url", "timezone", "hours", "breaks", "ticket_cutoff_minutes",
               "running_text", "personal_data_retention_days", "priority_ratio", "printing_timeout_seconds",
               "booking_days_ahead", "check_in_before_min", "check_in_after_min", "booking_limit_per_day")
AGENCY_FIELDS = ("code", "name", "short_name", "zone", "hours", "hidden")
SERVICE_FIELDS = ("code", "name", "name_en", "queue", "quota", "default_minutes", "target_wait_min", "hours",
                  "cutoff_minutes", "requirements", "asks_nik", "asks_phone", "hidden", "online_quota", "slot_min",
                  "slot_capacity")
COUNTER_FIELDS = ("code", "name", "spoken_name", "agency", "zone", "queues", "strict_queue_order")
KINDS = {"agency": "Instansi", "service": "Layanan", "counter": "Loket"}


class InvalidFields(DomainError):
    """422 with `error.fields`: {field: message in Indonesian}."""

    status = 422
    code = "invalid"

    def __init__(self, fields: dict[str, str]):
        first = next(iter(fields.items()))
        super().__init__(f"Isian tidak valid: {first[0] or 'berkas'}: {first[1]}" if len(fields) == 1 else
                         f"Ada {len(fields)} isian yang tidak valid.")
        self.extra = {"fields": fields}


class VersionConflict(Conflict):
    code = "version_conflict"

    def __init__(self, what: str, current: dict):
        super().__init__(f"{what} ini baru saja diubah orang lain; periksa isinya sekarang, lalu simpan lagi.")
        self.extra = {"current": current}


def version_of(*parts) -> str:
    text = json.dumps(parts, sort_keys=True, ensure_ascii=False, default=str)
    return hashlib.sha256(text.encode()).hexdigest()[:12]


# ------------------------------------------------------------------------------------------ views


def site_view(config: SiteConfig) -> dict:
    info = config.site.model_dump(mode="json")
    zones = [z.model_dump(mode="json") for z in config.zones]
    return {**info, "zones": zones, "version": version_of(info, zones)}


def agency_view(config: SiteConfig, code: str, logos: dict | None = None) -> dict:
    """`logos`: the stored logos (Site.logos); an agency's `version` moves with its logo too."""
    position, agency = next((i, a) for i, a in enumerate(config.agencies) if a.code == code)
    data = agency.model_dump(mode="json", exclude={"services"})
    logo = logo_view(code, (logos or {}).get(code))
    return {**data, "position": position, "services": [s.code for s in agency.services], "logo": logo,
            "version": version_of(data, position, logo)}


def logo_view(code: str, stored: tuple[str, int] | None) -> dict | None:
    """Where an agency's logo is served: a stable address whose `?v=` moves with each upload."""
    if stored is None:
        return None
    kind, version = stored
    return {"url": logo_url(code, stored), "kind": kind, "version": version}


def logo_url(code: str, stored: tuple[str, int] | None) -> str | None:
    return f"/media/agency/{code}.{stored[0]}?v={stored[1]}" if stored else None


def service_view(config: SiteConfig, code: str) -> dict:
    agency, position, service = next((a, i, s) for a in config.agencies for i, s in enumerate(a.services)
                                     if s.code == code)
    queue = next(q for q in config.queues if q.code == service.queue)
    data = service.model_dump(mode="json")
    return {**data, "agency": agency.code, "prefix": queue.prefix, "position": position,
            "version": version_of(data, agency.code, queue.prefix, position)}


def counter_view(config: SiteConfig, code: str) -> dict:
    position, counter = next((i, c) for i, c in enumerate(config.counters) if c.code == code)
    data = counter.model_dump(mode="json")
    return {**data, "position": position, "version": version_of(data, position)}


def whole_view(site: Site, agency: str | None = None) -> dict:
    """The site as the administration shows it; `agency`: only that agency's services and counters."""
    config = site.config
    services = [service_view(config, s.code) for a in config.agencies for s in a.services
                if agency is None or a.code == agency]
    counters = [counter_view(config, c.code) for c in config.counters if agency is None or c.agency == agency]
    return {"site_version": site.version, "site": site_view(config),
            "queues": [q.model_dump(mode="json") for q in config.queues],
            "agencies": [agency_view(config, a.code, site.logos) for a in config.agencies],
            "services": services, "counters": counters}


def one_view(site: Site, kind: str, code: str) -> dict:
    if code not in _codes(site.config, kind):
        raise NotFound(f"{KINDS[kind]} '{code}' tidak ada.", code=f"unknown_{kind}")
    if kind == "agency":
        return agency_view(site.config, code, site.logos)
    return {"service": service_view, "counter": counter_view}[kind](site.config, code)


def _codes(config: SiteConfig, kind: str) -> set[str]:
    if kind == "agency":
        return {a.code for a in config.agencies}
    if kind == "service":
        return {s.code for a in config.agencies for s in a.services}
    return {c.code for c in config.counters}


# ---------------------------------------------------------------------------------------- changes


def change_site(ctx: Context, who, address, changes: dict) -> dict:
    def apply(data: dict, config: SiteConfig) -> None:
        _check_version(changes, site_view(config), "Pengaturan situs")
        data["site"].update({k: v for k, v in changes.items() if k in SITE_FIELDS})
        if "zones" in changes:
            data["zones"] = changes["zones"]

    config = _save(ctx, who, address, "site.updated", "site", apply, _edited(changes, SITE_FIELDS + ("zones",)),
                   fields_of=lambda path: path.removeprefix("site."))
    return site_view(config)


def add(ctx: Context, who, address, kind: str, values: dict) -> dict:
    code = values.get("code")
    if kind in ("service", "counter"):
        check_agency(who, values.get("agency"))

    def apply(data: dict, config: SiteConfig) -> None:
        if code in _codes(config, kind):
            raise InvalidFields({"code": f"Kode '{code}' sudah dipakai {KINDS[kind].lower()} lain."})
        if kind == "agency":
            data["agencies"].append({k: v for k, v in values.items() if k in AGENCY_FIELDS} | {"services": []})
        elif kind == "service":
            agency = _find(data["agencies"], values.get("agency"))
            if agency is None:
                raise InvalidFields({"agency": f"Instansi '{values.get('agency')}' tidak dikenal."})
            agency["services"].append({k: v for k, v in values.items() if k in SERVICE_FIELDS})
            _new_queue(data, values)
        else:
            data["counters"].append({k: v for k, v in values.items() if k in COUNTER_FIELDS})

    config = _save(ctx, who, address, f"site.{kind}.added", code, apply, _edited(values, values),
                   fields_of=_field_mapper(kind, code))
    return one_view(Site(config, logos=ctx.site.logos), kind, code)


def change(ctx: Context, who, address, kind: str, code: str, changes: dict) -> dict:
    def apply(data: dict, config: SiteConfig) -> None:
        current = one_view(Site(config, logos=ctx.site.logos), kind, code)
        check_agency(who, current.get("agency") if kind != "agency" else None, kind == "agency")
        _check_version(changes, current, KINDS[kind])
        if kind == "agency":
            agency = _find(data["agencies"], code)
            agency.update({k: v for k, v in changes.items() if k in AGENCY_FIELDS and k != "code"})
            _move(data["agencies"], agency, changes.get("position"))
        elif kind == "service":
            check_agency(who, changes.get("agency", current["agency"]))
            owner = next(a for a in data["agencies"] if _find(a["services"], code))
            service = _find(owner["services"], code)
            service.update({k: v for k, v in changes.items() if k in SERVICE_FIELDS and k != "code"})
            if changes.get("agency", owner["code"]) != owner["code"]:
                target = _find(data["agencies"], changes["agency"])
                if target is None:
                    raise InvalidFields({"agency": f"Instansi '{changes['agency']}' tidak dikenal."})
                owner["services"].remove(service)
                target["services"].append(service)
                owner = target
            _move(owner["services"], service, changes.get("position"))
            _new_queue(data, {**changes, "queue": service["queue"]})
        else:
            check_agency(who, changes.get("agency", current["agency"]))
            counter = _find(data["counters"], code)
            counter.update({k: v for k, v in changes.items() if k in COUNTER_FIELDS and k != "code"})
            _move(data["counters"], counter, changes.get("position"))

    config = _save(ctx, who, address, f"site.{kind}.updated", code, apply, _edited(changes, changes),
                   fields_of=_field_mapper(kind, code))
    return one_view(Site(config, logos=ctx.site.logos), kind, code)


def import_site(ctx: Context, who, address, text: str, dry_run: bool) -> dict:
    """A whole site file: checked (every problem listed), its differences from the stored site,
    and, unless `dry_run`, stored in one step."""
    config = _parse(text)
    with ctx.pool.connection() as conn:
        current = storage.load_site(conn)[0]
    with ctx.pool.connection() as conn, storage.read(conn):
        problems = day_problems(current, config, storage.tickets_today(conn, ctx.site.service_day(ctx.now())))
    if problems:
        raise InvalidFields(problems)
    diff = site_diff(current, config)
    if not dry_run and diff:
        def apply(data: dict, stored: SiteConfig) -> None:
            data.clear()
            data.update(config.model_dump(mode="python"))

        _save(ctx, who, address, "site.imported", "site", apply, {"changes": len(diff)}, fields_of=str)
    return {"dry_run": dry_run, "applied": bool(diff) and not dry_run, "changes": diff}


def export_site(site: Site) -> str:
    return dump_site(site.config, f"Site exported from the administration (site version {site.version}).\n"
                                  "Load it with: mpp-server init --db FILE --site FILE, or upload it again.")


def _parse(text: str) -> SiteConfig:
    try:
        return parse_site_text(text)
    except SiteInvalid as exc:
        raise InvalidFields(exc.fields) from None


# ---------------------------------------------------------------------------------- the one save


def _save(ctx: Context, who, address, action: str, target: str, apply, details: dict, fields_of,
          check=None) -> SiteConfig:
    """Apply a change to the stored site and keep it, its audit entry and its `site.changed` together.
    `check(work, stored)`: refusals that need the transaction (a removal and the day's tickets)."""
    old = ctx.site
    try:
        with Work(ctx) as work:
            stored, version = storage.read_site(work.conn)
            if check is not None:
                check(work, stored)
            data = stored.model_dump(mode="python")
            apply(data, stored)
            try:
                config = check_site(data)
            except SiteInvalid as exc:
                raise InvalidFields({fields_of(k): v for k, v in exc.fields.items()}) from None
            problems = day_problems(stored, config, storage.tickets_today(work.conn, work.service_day))
            if problems:
                raise InvalidFields({fields_of(k): v for k, v in problems.items()})
            new_version = storage.write_site(work.conn, config, f"admin:{getattr(who, 'name', who)}", work.now)
            if new_version == version:
                return config  # nothing changed: no entry, no event
            work.audit(who, action, target=target, address=address, **details)
            storage.prune_logos(work.conn, [a.code for a in config.agencies])
            # The site changes with this transaction: requests after it see it (follow_site then finds
            # nothing to do); the screens reload on the event.
            ctx.site = Site(config, new_version, storage.logo_index(work.conn))
            work.emit("site.changed", None, version=new_version)
    except BaseException:
        ctx.site = old
        raise
    return config


def day_problems(old: SiteConfig, new: SiteConfig, today: dict) -> dict[str, str]:
    """What the day's tickets forbid: deleting what they name, a prefix another queue numbered with
    today, a quota below the tickets already issued."""
    problems: dict[str, str] = {}
    services = {s.code: (i, j, s) for i, a in enumerate(new.agencies) for j, s in enumerate(a.services)}
    agencies = {a.code for a in new.agencies}
    counters = {c.code for c in new.counters}
    for code, count in today["service"].items():
        if code not in services and code in {s.code for a in old.agencies for s in a.services}:
            problems.setdefault("services", f"Layanan '{code}' punya {count} tiket hari ini: sembunyikan saja, "
                                            "jangan dihapus.")
    for code, count in today["agency"].items():
        if code not in agencies and code in {a.code for a in old.agencies}:
            problems.setdefault("agencies", f"Instansi '{code}' punya {count} tiket hari ini: sembunyikan saja, "
                                            "jangan dihapus.")
    for code in today["counter"]:
        if code not in counters and code in {c.code for c in old.counters}:
            problems.setdefault("counters", f"Loket '{code}' melayani tiket hari ini: tidak dapat dihapus.")
    old_prefix = {q.code: q.prefix for q in old.queues}
    for k, queue in enumerate(new.queues):
        numbered = today["prefix"].get(queue.prefix)
        if numbered is not None and queue.code not in numbered and old_prefix.get(queue.code) != queue.prefix:
            problems[f"queues[{k}].prefix"] = (f"Prefiks '{queue.prefix}' sudah dipakai antrean lain hari ini; "
                                               "pilih prefiks lain.")
    for code, (i, j, service) in services.items():
        issued = today["service"].get(code, 0)
        if service.quota is not None and service.quota < issued:
            problems[f"agencies[{i}].services[{j}].quota"] = (
                f"Kuota tidak boleh di bawah {issued}, jumlah tiket yang sudah diambil hari ini.")
    return problems


# ---------------------------------------------------------------------------------------- helpers


def check_agency(who, agency: str | None, agency_itself: bool = False) -> None:
    """A supervisor with an agency changes only that agency's services and counters; agencies and the
    site are the admin's."""
    role, mine = getattr(who, "role", "admin"), getattr(who, "agency", None)
    if role == "admin":
        return
    if agency_itself:
        raise Forbidden("Instansi dan pengaturan situs hanya diubah oleh admin.", code="admin_only")
    if mine is not None and agency != mine:
        raise Forbidden("Data ini milik instansi lain.", code="not_your_agency")


def _check_version(changes: dict, current: dict, what: str) -> None:
    if changes.get("version") != current["version"]:
        raise VersionConflict(what, current)


def _find(rows: list[dict], code) -> dict | None:
    return next((row for row in rows if row.get("code") == code), None)


def _move(rows: list[dict], row: dict, position) -> None:
    if position is None:
        return
    rows.remove(row)
    rows.insert(max(0, min(int(position), len(rows))), row)


def _new_queue(data: dict, values: dict) -> None:
    """A service names its queue; with a `prefix`, the queue takes it, or is made when it is new."""
    prefix, code = values.get("prefix"), values.get("queue")
    if prefix is None:
        return
    queue = _find(data["queues"], code)
    if queue is None:
        data["queues"].append({"code": code, "prefix": prefix, "name": values.get("name") or code})
    else:
        queue["prefix"] = prefix


def _edited(changes: dict, fields) -> dict:
    """What the audit entry keeps of a change: the fields and their new values (no version)."""
    return {"changes": {k: v for k, v in changes.items() if k in fields and k != "version"}}


def _field_mapper(kind: str, code: str):
    """A problem's path in the site, as the field of the form or body that caused it."""

    def field(path: str) -> str:
        if kind == "agency" and path.startswith("agencies["):
            return path.split(".", 1)[1] if "." in path else path
        if kind == "service" and ".services[" in path:
            return path.split(".", 2)[2] if path.count(".") >= 2 else path
        if kind == "service" and path.startswith("queues[") and path.endswith(".prefix"):
            return "prefix"
        if kind == "counter" and path.startswith("counters["):
            return path.split(".", 1)[1] if "." in path else path
        return path

    return field


def site_diff(old: SiteConfig, new: SiteConfig) -> list[dict]:
    """What a site file changes: [{"kind", "code", "change": added|removed|changed, "fields"}]."""
    changes = []
    if old.site != new.site:
        fields = [k for k in SiteConfig.model_fields["site"].annotation.model_fields
                  if getattr(old.site, k) != getattr(new.site, k)]
        changes.append({"kind": "site", "code": "site", "change": "changed", "fields": fields})
    groups = {
        "zone": (old.zones, new.zones), "queue": (old.queues, new.queues), "agency": (old.agencies, new.agencies),
        "service": ([s for a in old.agencies for s in a.services], [s for a in new.agencies for s in a.services]),
        "counter": (old.counters, new.counters),
    }
    for kind, (before, after) in groups.items():
        was, now = {o.code: o for o in before}, {o.code: o for o in after}
        for code in now.keys() - was.keys():
            changes.append({"kind": kind, "code": code, "change": "added", "fields": []})
        for code in was.keys() - now.keys():
            changes.append({"kind": kind, "code": code, "change": "removed", "fields": []})
        for code in was.keys() & now.keys():
            a, b = was[code].model_dump(exclude={"services"}), now[code].model_dump(exclude={"services"})
            fields = [k for k in a if a[k] != b[k]]
            if fields:
                changes.append({"kind": kind, "code": code, "change": "changed", "fields": fields})
    owner_old = {s.code: a.code for a in old.agencies for s in a.services}
    for a in new.agencies:
        for s in a.services:
            if owner_old.get(s.code, a.code) != a.code:
                changes.append({"kind": "service", "code": s.code, "change": "changed", "fields": ["agency"]})
    return sorted(changes, key=lambda c: (list(groups).index(c["kind"]) if c["kind"] in groups else -1, c["code"]))
