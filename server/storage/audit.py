"""The audit log: appended in the transaction of the action it records, never changed."""

import json


def insert_audit(conn, ts: str, actor: str | None, actor_role: str | None, action: str, target: str | None,
                 details: dict, address: str | None) -> int:
    return conn.execute(
        "INSERT INTO audit_log (ts, actor, actor_role, action, target, details, address) "
        "VALUES (?, ?, ?, ?, ?, ?, ?)",
        (ts, actor, actor_role, action, target, json.dumps(details, ensure_ascii=False), address),
    ).lastrowid


def audit_entries(conn, start: str | None = None, end: str | None = None, actor: str | None = None,
                  action: str | None = None, limit: int = 1000) -> list[dict]:
    """Newest first; `start`/`end` compare with the entries' local ISO times (end exclusive)."""
    where, values = [], []
    for clause, value in (("ts >= ?", start), ("ts < ?", end), ("actor = ? COLLATE NOCASE", actor),
                          ("action = ?", action)):
        if value is not None:
            where.append(clause)
            values.append(value)
    sql = "SELECT * FROM audit_log" + (" WHERE " + " AND ".join(where) if where else "")
    rows = conn.execute(sql + " ORDER BY id DESC LIMIT ?", (*values, limit)).fetchall()
    return [{"id": row["id"], "ts": row["ts"], "actor": row["actor"], "actor_role": row["actor_role"],
             "action": row["action"], "target": row["target"], "details": json.loads(row["details"]),
             "address": row["address"]} for row in rows]


def audit_actions(conn) -> list[str]:
    return [row[0] for row in conn.execute("SELECT DISTINCT action FROM audit_log ORDER BY action")]
