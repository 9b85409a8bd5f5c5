"""The morning check (`GET /api/selftest`, `/manage/selftest`): the facts gathered here, the rules
in domain/readiness.py. A supervisor of one agency sees their agency's zone, counters and services
(and the building's devices); the building's own items (day, hours, QR address, backup, disk) for all."""

import shutil
from pathlib import Path

from .. import backup, storage
from ..context import Context
from ..domain import readiness, supervise
from . import devices


def in_zone(listed: list[dict], zone: str | None) -> list[dict]:
    """The devices of `zone` and those of no zone (the building's); None: every device."""
    return listed if zone is None else [d for d in listed if d["zone"] in (zone, None)]


def facts(ctx: Context, conn, agency: str | None = None) -> readiness.Facts:
    site = ctx.site
    now = ctx.now().astimezone(site.tz)
    day = now.date()
    schedule = site.schedule
    zone = site.agencies[agency].zone if agency in site.agencies else None
    period = schedule.hours.get(now.weekday())
    breaks = tuple((b.name, b.period.start, b.period.end) for b in schedule.breaks if now.weekday() in b.weekdays)
    counters = [c for c in site.config.counters if agency is None or c.agency == agency]
    configured = {c.code: tuple(c.queues) for c in site.config.counters}
    served = supervise.served_today(configured, storage.queues_today(conn, site.service_day(now)))
    services = [(s.code, s.name, s.queue, site.agency_of_service[s.code].code) for s in site.services.values()
                if agency is None or site.agency_of_service[s.code].code == agency]
    backup_dir = ctx.settings.backup_dir
    try:
        disk = shutil.disk_usage(Path(ctx.pool.path).resolve().parent)
    except OSError:
        disk = None
    return readiness.Facts(
        now=now, holiday=schedule.holidays.get(day), hours=(period.start, period.end) if period else None,
        breaks=breaks if period else (),
        zones=tuple((z.code, z.name) for z in site.config.zones if zone is None or z.code == zone),
        devices=tuple(in_zone(devices.list_devices(ctx, conn), zone)),
        counters=tuple((c.code, c.name, c.agency) for c in counters),
        agency_names={code: a.short_name or a.name for code, a in site.agencies.items()},
        officers=storage.officer_counts(conn), services=tuple(services),
        served_queues=frozenset(q for queues in served.values() for q in queues),
        public_url=ctx.settings.public_url or site.info.public_url,
        backup_dir=backup_dir, last_backup=backup.latest(Path(backup_dir), site.tz) if backup_dir else None,
        disk_free=disk.free if disk else None, disk_total=disk.total if disk else None)


def selftest(ctx: Context, conn, agency: str | None = None) -> dict:
    """What `GET /api/selftest` answers: `ready` when every check is OK."""
    gathered = facts(ctx, conn, agency)
    found = readiness.checks(gathered)
    return {"ready": readiness.ready(found), "now": ctx.site.local_text(gathered.now),
            "service_day": gathered.now.date().isoformat(), "agency": agency,
            "checks": [{"key": c.key, "title": c.title, "ok": c.ok, "reason": c.reason} for c in found]}
