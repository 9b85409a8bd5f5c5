"""Device health (`/manage/devices`), the device alerts every page that follows the floor shows, and
the morning check (`/manage/selftest`).

A supervisor of one agency sees the devices of their agency's zone and the building's own (no zone):
the kiosks and boards their visitors use. The table and the alerts each fetch their fragment again
when the page's one stream brings a `device.*` event; the table also once a minute, for "5 menit lalu".
"""

from datetime import datetime
from urllib.parse import urlencode

from flask import render_template, request

from ..api import conn, ctx
from ..domain import devices as rule
from ..domain.errors import Forbidden, NotFound
from ..flows import devices as flow, readiness
from .manage import bp
from .session import MANAGERS, PATH, page, scope

DEVICE_EVENTS = ("device.online", "device.offline", "device.printer", "site.changed")
TRIGGERS = ", ".join(f"sse:{t}" for t in DEVICE_EVENTS)
KINDS = {"kiosk": "Anjungan", "display": "Layar", "counter": "PC loket"}
PAPER = {"ok": "kertas cukup", "low": "KERTAS HAMPIR HABIS", "out": "KERTAS HABIS", "unknown": "kertas tidak diketahui"}
ALERTS = {"offline": "Luring", "printer_offline": "Printer tidak terhubung", "paper_out": "Kertas habis",
          "paper_low": "Kertas hampir habis"}


def my_zone() -> str | None:
    """The zone an agency supervisor's devices are in; None: the building."""
    agency = scope()
    return ctx().site.agencies[agency].zone if agency in ctx().site.agencies else None


def asked_zone() -> str | None:
    """`?zone=` within the person's scope: an agency supervisor's own zone only (403), a known one (404)."""
    zone = request.args.get("zone", "").strip()[:32] or None
    mine = my_zone()
    if zone is not None and zone not in {z.code for z in ctx().site.config.zones}:
        raise NotFound(f"Zona '{zone}' tidak dikenal.", code="unknown_zone")
    if mine is not None and zone not in (None, mine):
        raise Forbidden("Data ini milik instansi lain.", code="not_your_agency")
    return zone or mine


def listed(zone: str | None) -> list[dict]:
    return readiness.in_zone(flow.list_devices(ctx(), conn()), zone)


def alerts_url(zone: str | None) -> str:
    return f"{PATH}/devices/alerts" + (f"?{urlencode({'zone': zone})}" if zone else "")


@bp.context_processor
def device_alert_values() -> dict:
    """For `device_alerts.html`, included by the monitor (its `monitor_alerts.html` hook) and this page."""
    return {"device_alerts": lambda zone: rule.alerts(listed(zone)), "device_alerts_url": alerts_url,
            "device_triggers": TRIGGERS, **_words()}


def _words() -> dict:
    site = ctx().site
    now = ctx().now().astimezone(site.tz)
    zones = {z.code: z.name for z in site.config.zones}

    def when(text: str | None) -> str:
        """09:14 today, else 22-11 09:14."""
        if not text:
            return "–"
        moment = datetime.fromisoformat(text).astimezone(site.tz)
        return moment.strftime("%H:%M") if moment.date() == now.date() else moment.strftime("%d-%m %H:%M")

    def ago(text: str | None) -> str:
        if not text:
            return "belum pernah"
        seconds = (now - datetime.fromisoformat(text)).total_seconds()
        minutes = int(seconds // 60)
        if minutes < 1:
            return "baru saja"
        if minutes < 60:
            return f"{minutes} menit lalu"
        if minutes < 24 * 60:
            return f"{minutes // 60} jam lalu"
        return f"{minutes // (24 * 60)} hari lalu"

    def zone_name(code: str | None) -> str:
        return "Seluruh gedung" if code is None else zones.get(code, code)

    # Names of their own: a page's own variables (the monitor's `zone_name`) would hide these.
    return {"device_when": when, "device_ago": ago, "device_zone": zone_name, "device_kinds": KINDS,
            "device_paper": PAPER, "device_alert_names": ALERTS}


@bp.get("/devices")
@page(roles=MANAGERS)
def devices():
    zone = asked_zone()
    return render_template("devices.html", devices=listed(zone), zone=zone, triggers=TRIGGERS,
                           table_url=f"{PATH}/devices/table" + (f"?{urlencode({'zone': zone})}" if zone else ""),
                           types=",".join(DEVICE_EVENTS))


@bp.get("/devices/table")
@page(roles=MANAGERS)
def devices_table():
    return render_template("devices_table.html", devices=listed(asked_zone()))


@bp.get("/devices/alerts")
@page(roles=MANAGERS)
def devices_alerts():
    return render_template("device_alerts_list.html", alerts=rule.alerts(listed(asked_zone())))


@bp.get("/selftest")
@page(roles=MANAGERS)
def selftest():
    result = readiness.selftest(ctx(), conn(), scope())
    return render_template("selftest.html", result=result, zone=my_zone(),
                           needs=[c for c in result["checks"] if not c["ok"]])
