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
