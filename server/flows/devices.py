"""Device health: when each kiosk, board and counter PC was last heard of, whether it is online,
its version, printer and last error; and the watcher that tells the screens within seconds.

Every authenticated request of a device marks it seen in memory (`ctx.seen`, set in
`flows.auth.authenticate`); the watcher writes those marks to the database every few seconds
in one transaction, and emits `device.online` / `device.offline` when a device's state moved.
A heartbeat writes at once, and emits `device.printer` when the printer's state moved.
"""

import json
from datetime import datetime

from .. import storage
from ..context import Context, Work
from ..domain import devices as rule

WATCH_EVERY_S = 5.0


def _when(text: str | None) -> datetime | None:
    return datetime.fromisoformat(text) if text else None


def _latest(*moments: datetime | None) -> datetime | None:
    known = [m for m in moments if m is not None]
    return max(known) if known else None


def window_s(ctx: Context) -> float:
    """A simulated day's fast clock runs the window out as fast: devices still report every 30 real seconds."""
    return (ctx.settings.device_offline_s or rule.OFFLINE_AFTER_S) * ctx.clock_rate


def device_view(ctx: Context, row, now: datetime) -> dict:
    """A device as `GET /api/devices` and the device events show it."""
    health = json.loads(row["health"]) if row["health"] else {}
    last = _latest(_when(row["last_seen"]), ctx.seen.get(row["id"]))
    return {
        "id": row["id"], "kind": row["kind"], "name": row["name"], "zone": row["zone"],
        "online": rule.is_online(last, now, window_s(ctx)),
        "last_seen": ctx.site.local_text(last) if last else None,
        "version": health.get("version") or health.get("app_version"),
        "printer": health.get("printer"),
        "last_error": health.get("last_error"),
        "printer_since": health.get("printer_since"),
    }


def list_devices(ctx: Context, conn) -> list[dict]:
    now = ctx.now()
    return [device_view(ctx, row, now) for row in storage.device_rows(conn)]


def heartbeat(ctx: Context, device, health: dict | None) -> str:
    """A device says it is alive, with its version, printer and last error (each optional). A
    changed printer state (online, paper) reaches the supervisors' screens now: `device.printer`."""
    with Work(ctx) as work:
        before = storage.device_health(work.conn, device.id)
        if health is not None:
            version = health.get("version") or health.get("app_version")
            health = {key: value for key, value in health.items() if key != "app_version" and value is not None}
            if version is not None:
                health["version"] = version
        printer = rule.printer_state(health)
        moved = printer is not None and printer != rule.printer_state(before)
        if printer is not None:  # since when the printer is in this state: the alerts say so
            health["printer_since"] = work.now if moved else (before or {}).get("printer_since", work.now)
        storage.record_heartbeat(work.conn, device.id, work.now, health)
        ctx.seen[device.id] = work.moment
        if moved:
            view = device_view(ctx, storage.device_row(work.conn, device.id), work.moment)
            work.emit("device.printer", device.zone, device=view)
        return work.now


class DeviceWatch:
    """One round every WATCH_EVERY_S in the running server (serve.py): write the devices' latest
    requests, and emit `device.online` / `device.offline` for those whose state moved since the
    last round. The first round only learns the states (a restart announces nothing)."""

    def __init__(self):
        self.known: dict[int, bool] | None = None
        self.written: dict[int, datetime] = {}

    def round(self, ctx: Context) -> dict[int, bool]:
        """One round; returns the devices whose state moved ({id: online}). A device revoked since
        the last round also loses its open event stream."""
        now = ctx.now()
        seen = dict(ctx.seen)
        unwritten = [(device, moment) for device, moment in seen.items() if self.written.get(device) != moment]
        with ctx.pool.connection() as conn:
            rows = {row["id"]: row for row in storage.device_rows(conn)}
        last = {device: _latest(_when(row["last_seen"]), seen.get(device)) for device, row in rows.items()}
        if self.known is None:
            self.known = {device: rule.is_online(moment, now, window_s(ctx)) for device, moment in last.items()}
            moved = {}
        else:
            moved = rule.changed(self.known, last, now, window_s(ctx))
        unwritten = [(device, ctx.site.local_text(moment)) for device, moment in unwritten if device in rows]
        if unwritten or moved:
            with Work(ctx) as work:
                storage.record_last_seen(work.conn, unwritten)
                for device, online in moved.items():
                    row = rows.get(device)
                    if row is None:  # revoked while online: its last word is that it is gone
                        view = {"id": device, "online": False, "revoked": True}
                        work.emit("device.offline", None, device=view)
                        continue
                    view = {**device_view(ctx, row, now), "online": online}
                    work.emit("device.online" if online else "device.offline", row["zone"], device=view)
        self.written.update(seen)
        self.known.update(moved)
        for device in [d for d in self.known if d not in rows]:
            del self.known[device]
            ctx.events.revoke(f"device:{device}")  # its open event stream ends too
        return moved
