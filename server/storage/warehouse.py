"""What `mpp-server export-day` reads (server/warehouse.py): one service day's tickets and events, in
batches, without personal data (NIK and phone live in personal_data, never read here; the status
page's public id, the kiosk's request id and free text are left out)."""

from collections.abc import Iterator

from .floor import _tuples

# A cancel reason may carry who or what said it ("supervisor: rina", "print_failed: paper out"):
# only the kind before the colon leaves the building.
_REASON_KIND = ("CASE WHEN instr({0}, ':') > 0 THEN substr({0}, 1, instr({0}, ':') - 1) ELSE {0} END")

# The events a warehouse can rebuild a day from: the tickets' and the counters'. Not the devices',
# the boards' messages (free text), the site's changes nor the streams' derived counts.
EVENT_TYPES = ("ticket.%", "counter.%")


def warehouse_tickets(conn, day: str, batch: int = 2000) -> Iterator[list[tuple]]:
    """The day's tickets by id: id, code, queue, issued service, service, agency, zone, priority,
    status, cancel reason's kind, issued, printed, first called, (last) called, started, finished,
    cancelled, counter, officer id, recalls, transfers, wait seconds, service seconds."""
    cursor = _tuples(conn).execute(
        "SELECT id, code, queue, issued_service, service, agency, zone, priority, status, "
        f"{_REASON_KIND.format('cancel_reason')}, issued_at, printed_at, first_called_at, called_at, started_at, "
        "finished_at, cancelled_at, counter, officer_id, recall_count, transfer_count, wait_s, service_s "
        "FROM tickets WHERE service_day = ? ORDER BY id", (day,))
    while rows := cursor.fetchmany(batch):
        yield rows


def warehouse_events(conn, day: str, batch: int = 2000) -> Iterator[list[tuple]]:
    """The day's ticket and counter events by id (their time is the site's, so its date is the
    service day): id, time, type, zone, counter, ticket id, the ticket's code, service and status
    after the event, the reason's kind (cancelled, no-show, ended by the day's end)."""
    types = " OR ".join("type LIKE ?" for _ in EVENT_TYPES)
    reason = _REASON_KIND.format("json_extract(data, '$.reason')")
    cursor = _tuples(conn).execute(
        "SELECT id, ts, type, zone, counter, ticket_id, json_extract(data, '$.ticket.code'), "
        f"json_extract(data, '$.ticket.service'), json_extract(data, '$.ticket.status'), {reason} "
        f"FROM events WHERE ts >= ? AND ts < ? AND ({types}) ORDER BY id",
        (day, day + "U", *EVENT_TYPES))  # "U" sorts after the "T" of every time that day
    while rows := cursor.fetchmany(batch):
        yield rows
