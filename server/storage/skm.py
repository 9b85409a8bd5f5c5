"""The satisfaction survey's answers (SKM): one per served ticket, the respondents' profile as anonymous
counts, and the follow-up plans. The figures are sums the domain turns into NRR and IKM."""

_ANSWERS = ", ".join(f"a{i}" for i in range(1, 10))
_SUMS = ", ".join(f"COALESCE(SUM(a{i}), 0)" for i in range(1, 10))


def skm_answered(conn, ticket_id: int) -> bool:
    return conn.execute("SELECT 1 FROM skm_responses WHERE ticket_id = ?", (ticket_id,)).fetchone() is not None


def insert_skm_response(conn, ticket, channel: str, now: str, answers: list[int], comment: str | None) -> int:
    """The answer for `ticket` (a tickets row, served), where it was served. UNIQUE per ticket."""
    return conn.execute(
        f"INSERT INTO skm_responses (ticket_id, service_day, service, agency, counter, officer_id, channel, "
        f"answered_at, {_ANSWERS}, comment) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id",
        (ticket["id"], ticket["service_day"], ticket["service"], ticket["agency"], ticket["counter"],
         ticket["officer_id"], channel, now, *answers, comment)).fetchone()[0]


def count_skm_profile(conn, service_day: str, agency: str, service: str, profile: dict) -> None:
    """One more respondent with these profile values: counts only, nothing that leads back to a ticket."""
    conn.executemany(
        "INSERT INTO skm_profile_counts (service_day, agency, service, field, value, n) VALUES (?, ?, ?, ?, ?, 1) "
        "ON CONFLICT (service_day, agency, service, field, value) DO UPDATE SET n = n + 1",
        [(service_day, agency, service, field, value) for field, value in profile.items()])


def _where(first: str, last: str, agency: str | None, service: str | None, officer: int | None,
           table: str = "skm_responses") -> tuple[str, list]:
    clauses, params = ["service_day BETWEEN ? AND ?"], [first, last]
    for column, value in (("agency", agency), ("service", service), ("officer_id", officer)):
        if value is not None:
            clauses.append(f"{column} = ?")
            params.append(value)
    return " AND ".join(clauses), params


def skm_sums(conn, first: str, last: str, agency=None, service=None, officer=None) -> tuple[int, list[int]]:
    """(respondents, the sum of each element's answers)."""
    where, params = _where(first, last, agency, service, officer)
    row = conn.execute(f"SELECT COUNT(*), {_SUMS} FROM skm_responses WHERE {where}", params).fetchone()
    return row[0], list(row[1:])


def skm_sums_by_month(conn, first: str, last: str, agency=None, service=None, officer=None) -> list[tuple]:
    """[(YYYY-MM, respondents, [sums])], oldest first."""
    where, params = _where(first, last, agency, service, officer)
    return [(row[0], row[1], list(row[2:])) for row in conn.execute(
        f"SELECT substr(service_day, 1, 7) AS month, COUNT(*), {_SUMS} FROM skm_responses WHERE {where} "
        "GROUP BY month ORDER BY month", params)]


def served_population(conn, first: str, last: str, agency=None, service=None, officer=None) -> int:
    """Tickets served (done) in the range, where they ended: the population the sample is drawn from."""
    where, params = _where(first, last, agency, service, officer)
    return conn.execute(f"SELECT COUNT(*) FROM tickets WHERE status = 'done' AND {where}", params).fetchone()[0]


def skm_comments(conn, first: str, last: str, agency=None, service=None, limit: int = 100) -> list[dict]:
    """The latest comments, newest first: the day and service only (never the ticket or officer)."""
    where, params = _where(first, last, agency, service, None)
    return [{"service_day": day, "service": svc, "comment": text} for day, svc, text in conn.execute(
        f"SELECT service_day, service, comment FROM skm_responses WHERE comment IS NOT NULL AND {where} "
        "ORDER BY id DESC LIMIT ?", [*params, limit])]


def skm_profile_counts(conn, first: str, last: str, agency=None, service=None) -> dict[str, dict[str, int]]:
    where, params = _where(first, last, agency, service, None)
    counts: dict[str, dict[str, int]] = {}
    for field, value, n in conn.execute(
            f"SELECT field, value, SUM(n) FROM skm_profile_counts WHERE {where} GROUP BY field, value", params):
        counts.setdefault(field, {})[value] = n
    return counts


def skm_latest_done_at_counter(conn, counter: str, service_day: str, since: str):
    """The ticket this counter finished last on `service_day`, if at or after `since` (local ISO text) and
    the counter has called nobody since (the citizen at the counter now is someone else)."""
    return conn.execute(
        "SELECT * FROM tickets WHERE service_day = ? AND status = 'done' AND counter = ? AND finished_at >= ? "
        "AND NOT EXISTS (SELECT 1 FROM counters WHERE code = ? AND ticket_id IS NOT NULL) "
        "ORDER BY finished_at DESC LIMIT 1", (service_day, counter, since, counter)).fetchone()


def skm_plans(conn, agency: str, first: str, last: str) -> dict[int, dict]:
    return {row["element"]: {"text": row["text"], "changed_at": row["changed_at"], "changed_by": row["changed_by"]}
            for row in conn.execute("SELECT * FROM skm_plans WHERE agency = ? AND first_day = ? AND last_day = ?",
                                    (agency, first, last))}


def set_skm_plan(conn, agency: str, first: str, last: str, element: int, text: str | None, now: str,
                 by: str) -> None:
    """The plan of an element for a period; an empty text removes it."""
    if not text:
        conn.execute("DELETE FROM skm_plans WHERE agency = ? AND first_day = ? AND last_day = ? AND element = ?",
                     (agency, first, last, element))
        return
    conn.execute("INSERT INTO skm_plans (agency, first_day, last_day, element, text, changed_at, changed_by) "
                 "VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT (agency, first_day, last_day, element) "
                 "DO UPDATE SET text = excluded.text, changed_at = excluded.changed_at, "
                 "changed_by = excluded.changed_by",
                 (agency, first, last, element, text, now, by))
