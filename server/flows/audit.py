"""Reading the audit log: by day (the site's local dates), person and action. Nothing here writes."""

from datetime import date, timedelta

from .. import storage
from ..domain.errors import Invalid

MAX_ENTRIES = 1000


def parse_day(text: str | None, field: str) -> date | None:
    if text is None or not text.strip():
        return None
    try:
        return date.fromisoformat(text.strip()) if len(text.strip()) == 10 else _invalid(text, field)
    except ValueError:
        return _invalid(text, field)


def _invalid(text: str, field: str):
    raise Invalid(f"Tanggal '{text[:20]}' pada '{field}' tidak valid; tulis sebagai TTTT-BB-HH, "
                  "misalnya 2026-11-23.", code="invalid_date", field=field)


def entries(conn, start: str | None = None, end: str | None = None, actor: str | None = None,
            action: str | None = None, limit: int = MAX_ENTRIES) -> list[dict]:
    """Newest first; `start`/`end`: local dates YYYY-MM-DD, both included."""
    first, last = parse_day(start, "from"), parse_day(end, "to")
    if first and last and first > last:
        raise Invalid("Tanggal 'from' jatuh setelah tanggal 'to'.", code="invalid_range", field="from")
    rows = storage.audit_entries(
        conn,
        start=f"{first.isoformat()}T00:00:00" if first else None,
        end=f"{(last + timedelta(days=1)).isoformat()}T00:00:00" if last else None,
        actor=(actor or "").strip() or None,
        action=(action or "").strip() or None,
        limit=limit,
    )
    return [{"ts": row["ts"], "actor": row["actor"], "actor_role": row["actor_role"], "action": row["action"],
             "target": row["target"], "details": row["details"], "address": row["address"]} for row in rows]


def actions(conn) -> list[str]:
    """The actions the log holds, for a filter's choices."""
    return storage.audit_actions(conn)
