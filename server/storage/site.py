"""The site's tables; `SiteConfig` is how the rest of the server (and the site file) sees them."""

from ..site_config import SiteConfig
from .connection import read, write

WEEKDAY_KEYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
SITE_COLUMNS = ("name", "short_name", "address", "timezone", "public_url", "running_text",
                "ticket_cutoff_minutes", "printing_timeout_seconds", "priority_ratio", "personal_data_retention_days",
                "booking_days_ahead", "check_in_before_min", "check_in_after_min", "booking_limit_per_day")


def site_version(conn) -> int | None:
    """The version of the stored site (it moves on every change); None before the first `init`."""
    row = conn.execute("SELECT version FROM site_settings WHERE id = 1").fetchone()
    return row[0] if row else None


def load_site(conn):
    """(SiteConfig, version) of the stored site, or None before the first `init`; one snapshot."""
    with read(conn):
        return _read_site(conn)


def _read_site(conn):
    settings = conn.execute("SELECT * FROM site_settings WHERE id = 1").fetchone()
    if settings is None:
        return None
    hours: dict[tuple[str, str], dict] = {}
    for row in conn.execute("SELECT * FROM opening_hours ORDER BY scope, owner, weekday"):
        day = hours.setdefault((row["scope"], row["owner"]), {})
        if row["opens"] is not None:
            day[WEEKDAY_KEYS[row["weekday"]]] = f"{row['opens']}-{row['closes']}"
    days: dict[int, list[str]] = {}
    for row in conn.execute("SELECT break, weekday FROM break_days ORDER BY break, weekday"):
        days.setdefault(row[0], []).append(WEEKDAY_KEYS[row[1]])
    site = {column: settings[column] for column in SITE_COLUMNS}
    site["hours"] = hours.get(("site", ""), {})
    site["breaks"] = [{"name": b["name"], "days": days.get(b["id"], []), "time": f"{b['starts']}-{b['ends']}"}
                      for b in conn.execute("SELECT * FROM breaks ORDER BY position")]
    site["holidays"] = [{"date": h["date"], "name": h["name"]}
                        for h in conn.execute("SELECT * FROM holidays ORDER BY position")]
    site["special_days"] = [{"date": d["date"], "name": d["name"], "hours": f"{d['opens']}-{d['closes']}"}
                            for d in conn.execute("SELECT * FROM special_days ORDER BY position")]
    site["closures"] = [{"service": c["service"], "first_day": c["first_day"], "last_day": c["last_day"],
                         "reason": c["reason"]}
                        for c in conn.execute("SELECT * FROM service_closures ORDER BY position")]
    site["priority_categories"] = [
        {"code": p["code"], "name": p["name"], "name_en": p["name_en"]}
        for p in conn.execute("SELECT * FROM priority_categories WHERE active = 1 ORDER BY position")
    ]
    requirements: dict[str, list[str]] = {}
    for row in conn.execute("SELECT service, text FROM requirements ORDER BY service, position"):
        requirements.setdefault(row[0], []).append(row[1])
    services: dict[str, list[dict]] = {}
    for s in conn.execute("SELECT * FROM services WHERE active = 1 ORDER BY position"):
        services.setdefault(s["agency"], []).append({
            "code": s["code"], "name": s["name"], "name_en": s["name_en"], "queue": s["queue"], "quota": s["quota"],
            "default_minutes": s["default_minutes"], "requirements": requirements.get(s["code"], []),
            "hours": hours.get(("service", s["code"])), "cutoff_minutes": s["cutoff_minutes"],
            "asks_nik": bool(s["asks_nik"]), "asks_phone": bool(s["asks_phone"]),
            "target_wait_min": s["target_wait_min"], "hidden": bool(s["hidden"]),
            "online_quota": s["online_quota"], "slot_min": s["slot_min"], "slot_capacity": s["slot_capacity"],
        })
    served: dict[str, list[str]] = {}
    for row in conn.execute("SELECT counter, queue FROM counter_queues ORDER BY counter, position"):
        served.setdefault(row[0], []).append(row[1])
    data = {
        "site": site,
        "zones": [{"code": z["code"], "name": z["name"], "hall": z["hall"]}
                  for z in conn.execute("SELECT * FROM zones WHERE active = 1 ORDER BY position")],
        "queues": [{"code": q["code"], "prefix": q["prefix"], "width": q["width"], "name": q["name"]}
                   for q in conn.execute("SELECT * FROM queues WHERE active = 1 ORDER BY position")],
        "agencies": [
            {"code": a["code"], "name": a["name"], "short_name": a["short_name"], "zone": a["zone"],
             "hours": hours.get(("agency", a["code"])), "hidden": bool(a["hidden"]),
             "services": services.get(a["code"], [])}
            for a in conn.execute("SELECT * FROM agencies WHERE active = 1 ORDER BY position")
        ],
        "counters": [
            {"code": c["code"], "name": c["name"], "spoken_name": c["spoken_name"], "agency": c["agency"],
             "zone": c["zone"], "queues": served.get(c["code"], []), "strict_queue_order": bool(c["strict_queue_order"])}
            for c in conn.execute("SELECT * FROM counters WHERE active = 1 ORDER BY position")
        ],
    }
    return SiteConfig.model_validate(data), settings["version"]


def save_site(conn, config: SiteConfig, source: str | None, now: str) -> int:
    """Make `config` the stored site in one transaction of its own (`mpp-server init`); returns the
    site version. See `write_site`."""
    with write(conn):
        return write_site(conn, config, source, now)


def read_site(conn):
    """`load_site` inside a transaction already open (the writer's, where an admin's change runs)."""
    return _read_site(conn)


def write_site(conn, config: SiteConfig, source: str | None, now: str) -> int:
    """Make `config` the stored site inside the caller's open transaction; returns the site version.

    A site equal to the stored one changes nothing (same version). Rows that tickets name
    (zones, queues, agencies, services, counters, priority categories) are retired, not
    deleted; counters keep their live state (status, officer, ticket)."""
    stored = _read_site(conn)
    if stored is not None and stored[0] == config:
        return stored[1]
    version = stored[1] + 1 if stored else 1
    info = config.site
    values = [getattr(info, column) for column in SITE_COLUMNS]
    conn.execute(
        f"INSERT INTO site_settings (id, {', '.join(SITE_COLUMNS)}, version, source, changed_at) "
        f"VALUES (1, {', '.join('?' for _ in SITE_COLUMNS)}, ?, ?, ?) ON CONFLICT (id) DO UPDATE SET "
        + ", ".join(f"{c} = excluded.{c}" for c in (*SITE_COLUMNS, "version", "source", "changed_at")),
        (*values, version, source, now),
    )
    for table in ("opening_hours", "break_days", "breaks", "holidays", "requirements", "counter_queues",
                  "special_days", "service_closures"):
        conn.execute(f"DELETE FROM {table}")
    for table in ("priority_categories", "zones", "queues", "agencies", "services", "counters"):
        conn.execute(f"UPDATE {table} SET active = 0")
    _write_hours(conn, "site", "", info.hours)
    for i, b in enumerate(info.breaks):
        start, end = b.time.split("-")
        break_id = conn.execute("INSERT INTO breaks (position, name, starts, ends) VALUES (?, ?, ?, ?)",
                                (i, b.name, start, end)).lastrowid
        conn.executemany("INSERT INTO break_days (break, weekday) VALUES (?, ?)",
                         [(break_id, WEEKDAY_KEYS.index(d)) for d in b.days])
    conn.executemany("INSERT INTO holidays (date, name, position) VALUES (?, ?, ?)",
                     [(h.date.isoformat(), h.name, i) for i, h in enumerate(info.holidays)])
    conn.executemany("INSERT INTO special_days (date, name, opens, closes, position) VALUES (?, ?, ?, ?, ?)",
                     [(d.date.isoformat(), d.name, *d.hours.split("-"), i) for i, d in enumerate(info.special_days)])
    conn.executemany("INSERT INTO service_closures (service, first_day, last_day, reason, position) "
                     "VALUES (?, ?, ?, ?, ?)",
                     [(c.service, c.first_day.isoformat(), c.last_day.isoformat(), c.reason, i)
                      for i, c in enumerate(info.closures)])
    _upsert(conn, "priority_categories", [
        {"code": p.code, "name": p.name, "name_en": p.name_en, "position": i}
        for i, p in enumerate(info.priority_categories)])
    _upsert(conn, "zones", [{"code": z.code, "name": z.name, "hall": z.hall, "position": i}
                            for i, z in enumerate(config.zones)])
    _upsert(conn, "queues", [{"code": q.code, "prefix": q.prefix, "width": q.width, "name": q.name, "position": i}
                             for i, q in enumerate(config.queues)])
    _upsert(conn, "agencies", [{"code": a.code, "name": a.name, "short_name": a.short_name, "zone": a.zone,
                                "hidden": int(a.hidden), "position": i} for i, a in enumerate(config.agencies)])
    _upsert(conn, "services", [
        {"code": s.code, "agency": a.code, "queue": s.queue, "name": s.name, "name_en": s.name_en,
         "quota": s.quota, "default_minutes": s.default_minutes, "cutoff_minutes": s.cutoff_minutes,
         "asks_nik": int(s.asks_nik), "asks_phone": int(s.asks_phone), "target_wait_min": s.target_wait_min,
         "hidden": int(s.hidden), "online_quota": s.online_quota, "slot_min": s.slot_min,
         "slot_capacity": s.slot_capacity, "position": i}
        for a in config.agencies for i, s in enumerate(a.services)])
    for agency in config.agencies:
        _write_hours(conn, "agency", agency.code, agency.hours)
        for service in agency.services:
            _write_hours(conn, "service", service.code, service.hours)
            conn.executemany("INSERT INTO requirements (service, position, text) VALUES (?, ?, ?)",
                             [(service.code, i, text) for i, text in enumerate(service.requirements)])
    # Only the configured columns: a counter keeps its status, officer and ticket.
    _upsert(conn, "counters", [
        {"code": c.code, "name": c.name, "spoken_name": c.spoken_name, "agency": c.agency, "zone": c.zone,
         "strict_queue_order": int(c.strict_queue_order), "position": i}
        for i, c in enumerate(config.counters)])
    conn.executemany("INSERT INTO counter_queues (counter, position, queue) VALUES (?, ?, ?)",
                     [(c.code, i, q) for c in config.counters for i, q in enumerate(c.queues)])
    return version


def tickets_today(conn, service_day: str) -> dict[str, dict]:
    """What the day's tickets name, for the rules of a site change: tickets per issued service, per
    agency, per counter, and the prefixes (with the queue that numbered them) in use today."""
    found = {"service": {}, "agency": {}, "counter": {}, "prefix": {}}
    for service, agency, count in conn.execute(
            "SELECT issued_service, agency, COUNT(*) FROM tickets WHERE service_day = ? AND status != 'cancelled' "
            "GROUP BY issued_service, agency", (service_day,)):
        found["service"][service] = found["service"].get(service, 0) + count
        found["agency"][agency] = found["agency"].get(agency, 0) + count
    for (counter, count) in conn.execute(
            "SELECT counter, COUNT(*) FROM tickets WHERE service_day = ? AND counter IS NOT NULL GROUP BY counter",
            (service_day,)):
        found["counter"][counter] = count
    # A ticket keeps its code when it moves queue: a ticket never moved names the queue that numbered it.
    for (prefix, queue, moved) in conn.execute(
            "SELECT DISTINCT substr(code, 1, instr(code, '-') - 1), queue, transfer_count > 0 FROM tickets "
            "WHERE service_day = ?", (service_day,)):
        found["prefix"].setdefault(prefix, set())
        if not moved:
            found["prefix"][prefix].add(queue)
    return found


def _write_hours(conn, scope: str, owner: str, hours) -> None:
    """Seven rows for a scope with its own hours (NULL: closed that day); none when it has none."""
    if hours is None:
        return
    rows = []
    for weekday, key in enumerate(WEEKDAY_KEYS):
        period = getattr(hours, key)
        opens, closes = period.split("-") if period else (None, None)
        rows.append((scope, owner, weekday, opens, closes))
    conn.executemany("INSERT INTO opening_hours (scope, owner, weekday, opens, closes) VALUES (?, ?, ?, ?, ?)", rows)


def _upsert(conn, table: str, rows: list[dict]) -> None:
    """Insert or update by code, and mark active; columns not named keep their values."""
    if not rows:
        return
    columns = [*rows[0], "active"]
    updates = ", ".join(f"{c} = excluded.{c}" for c in columns if c != "code")
    conn.executemany(
        f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({', '.join('?' for _ in columns)}) "
        f"ON CONFLICT (code) DO UPDATE SET {updates}",
        [(*row.values(), 1) for row in rows],
    )
