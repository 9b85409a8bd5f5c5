"""Whether a device is online, decided from when the server last heard from it.

A device is online while its latest request is at most OFFLINE_AFTER_S old (by the server's
clock; a simulated day's fast clock stretches the window by its rate). The server's watcher
compares each round with the last one and tells the screens what changed.
"""

from datetime import datetime

OFFLINE_AFTER_S = 60.0


def is_online(last_seen: datetime | None, now: datetime, window_s: float = OFFLINE_AFTER_S) -> bool:
    return last_seen is not None and (now - last_seen).total_seconds() <= window_s


def changed(known: dict[int, bool], last_seen: dict[int, datetime | None], now: datetime,
            window_s: float = OFFLINE_AFTER_S) -> dict[int, bool]:
    """The devices whose online state is not what `known` says ({id: online now}). A device the
    watcher has not seen before counts as offline; one gone from `last_seen` (revoked) as offline now."""
    states = {device: is_online(seen, now, window_s) for device, seen in last_seen.items()}
    moved = {device: online for device, online in states.items() if known.get(device, False) != online}
    moved.update({device: False for device, online in known.items() if online and device not in last_seen})
    return moved


def printer_state(health: dict | None) -> tuple | None:
    """What `device.printer` reports a change of: the printer's online and paper state."""
    printer = (health or {}).get("printer")
    if not printer:
        return None
    return printer.get("online"), printer.get("paper", "unknown")


# What a supervisor must see at once: a device gone quiet, a printer that cannot print or runs out.
ALERT_ORDER = ("offline", "printer_offline", "paper_out", "paper_low")


def alerts(devices: list[dict]) -> list[dict]:
    """The alerts of these devices (as `GET /api/devices` shows them), the most urgent first:
    `{"device", "kind", "since"}`. A device never heard of is not installed yet: no alert (the
    morning check lists it). An offline device's printer says nothing: its state is stale."""
    found = []
    for device in devices:
        if not device["online"]:
            if device["last_seen"]:
                found.append({"device": device, "kind": "offline", "since": device["last_seen"]})
            continue
        kind = printer_trouble(device.get("printer"))
        if kind is not None:
            found.append({"device": device, "kind": kind, "since": device.get("printer_since")})
    return sorted(found, key=lambda a: (ALERT_ORDER.index(a["kind"]), a["since"] or "", a["device"]["id"]))


def printer_trouble(printer: dict | None) -> str | None:
    """"printer_offline", "paper_out", "paper_low", or None when it can print (or reports nothing)."""
    if not printer:
        return None
    if printer.get("online") is False:
        return "printer_offline"
    paper = printer.get("paper")
    return {"out": "paper_out", "low": "paper_low"}.get(paper)
