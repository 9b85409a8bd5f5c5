"""The event pipeline in process: frames byte for byte, filters, replay, keep-alive, summaries."""

import sqlite3

import pytest

from server import storage
from server.domain.errors import Invalid
from server.events import Event, EventPipeline, Filter, Frame, resume_point


@pytest.mark.parametrize("frame, encoded", [
    (Frame(data='{"a":1}', event="ticket.called", id=7), b'id: 7\nevent: ticket.called\ndata: {"a":1}\n\n'),
    (Frame(data="one\ntwo"), b"data: one\ndata: two\n\n"),
    (Frame(comment="keep-alive 10.15"), b": keep-alive 10.15\n\n"),
    (Frame(comment="a\nb"), b": a\n: b\n\n"),
    (Frame(comment=""), b": \n\n"),
    (Frame(retry_ms=3000, comment="antrian-mpp"), b": antrian-mpp\nretry: 3000\n\n"),
    (Frame(data="", event="x"), b"event: x\ndata: \n\n"),
    (Frame(data="Nomor antrean A-001 ✓"), "data: Nomor antrean A-001 ✓\n\n".encode()),
])
def test_frames_are_encoded_byte_for_byte(frame, encoded):
    assert frame.encode() == encoded


def test_an_event_frame_carries_its_row_id_first():
    event = Event.make(42, {"type": "ticket.called", "zone": "1", "counter": "L01"}, '{"ts":"t","type":"ticket.called"}',
                       "0a1b")
    assert event.frame == (b'id: 42\nevent: ticket.called\n'
                           b'data: {"id":42,"generation":"0a1b","ts":"t","type":"ticket.called"}\n\n')


def event(type_="ticket.called", zone="1", counter="L01", to_zone=None, event_id=1, queue="A", public_id="p1"):
    body = {"type": type_, "zone": zone, "counter": counter, "to_zone": to_zone,
            "ticket": {"queue": queue, "public_id": public_id}}
    return Event.make(event_id, body, '{"x":1}', "g")


@pytest.mark.parametrize("key, shown, hidden", [
    (Filter(zones=frozenset({"1"})), [event(zone="1"), event(zone="2", to_zone="1", type_="ticket.transferred")],
     [event(zone="2")]),
    # A board of a hall two zones share follows both.
    (Filter.parse(zone="1,2"), [event(zone="1"), event(zone="2")], [event(zone="3")]),
    (Filter(counter="L01"), [event(counter="L01")], [event(counter="L02"), event(type_="ticket.issued", counter=None)]),
    (Filter(summary=True), [event("ticket.called"), event("counter.opened")],
     [event("ticket.issued"), event("ticket.waiting"), event("ticket.cancelled")]),
    (Filter(types=frozenset({"site.changed"})), [event("site.changed", zone=None, counter=None)],
     [event("ticket.called"), event("ticket.issued")]),
    # The whole site's events reach every stream, whatever its zone or counter.
    (Filter(zones=frozenset({"2"}), counter="L09", summary=True), [event("site.changed", zone=None, counter=None)], []),
    # A citizen's page: every event of its own ticket, the calls and transfers of its queue.
    (Filter.citizen("mine", "A"), [event("ticket.waiting", public_id="mine"), event("ticket.called", public_id="x"),
                                   event("ticket.transferred", queue="A", public_id="y")],
     [event("ticket.issued", public_id="x"), event("ticket.called", queue="B", public_id="z"),
      event("counter.opened", queue=None, public_id=None)]),
])
def test_filters_show_what_they_name(key, shown, hidden):
    assert [key.matches(e) for e in shown] == [True] * len(shown)
    assert [key.matches(e) for e in hidden] == [False] * len(hidden)


def test_a_citizen_frame_says_what_changed_and_nothing_about_other_tickets():
    other = event("ticket.called", public_id="someone-else", event_id=9)
    assert other.public_frame("mine") == b'id: 9\ndata: {"type": "ticket.called", "mine": false}\n\n'
    assert b'"mine": true' in event("ticket.done", public_id="mine").public_frame("mine")


def test_an_unknown_event_type_in_a_filter_is_refused():
    with pytest.raises(Invalid) as refused:
        Filter.parse(types="site.changed,ticket.exploded")
    assert refused.value.code == "unknown_event_type" and "ticket.exploded" in str(refused.value)
    assert Filter.parse(types=" site.changed , ").types == frozenset({"site.changed"})


@pytest.mark.parametrize("raw, expected", [(None, 99), ("", 99), ("0", 0), ("12", 12), (" 7 ", 7)])
def test_resume_point(raw, expected):
    assert resume_point(raw, 99) == expected


@pytest.mark.parametrize("raw", ["-1", "abc", "1.5", "١", "²"])
def test_resume_point_refuses_what_is_not_an_ascii_number(raw):
    with pytest.raises(Invalid):
        resume_point(raw, 99)


@pytest.fixture
def pipeline(tmp_path):
    db = tmp_path / "events.db"
    conn = storage.connect(db)
    storage.migrate(conn)
    conn.close()
    pool = storage.Pool(db)
    counted = []

    def counts(zone):
        counted.append(zone)
        return {"queues": {"A": len(counted)}, "est_wait_min": {"A": 7}}

    pipeline = EventPipeline(pool, lambda: "2026-11-23T09:00:00.000+07:00", counts, keepalive_s=0.2)
    pipeline.counted = counted
    yield pipeline
    pool.close()


def record(pipeline, type_, zone="1", counter=None):
    conn = storage.connect(pipeline._pool.path)
    with storage.write(conn):
        recorded = pipeline.record(conn, {"ts": "t", "type": type_, "zone": zone, "counter": counter, "ticket": None})
    conn.close()
    pipeline.publish([recorded])
    return recorded


def test_a_stream_replays_from_memory_and_from_the_table(pipeline):
    first = [record(pipeline, "ticket.issued") for _ in range(3)]
    frames = b"".join(pipeline.stream(Filter(), 0, max_events=3))
    assert all(e.frame in frames for e in first)
    # A new pipeline on the same table (a restarted server) has nothing in memory: the table answers.
    again = EventPipeline(pipeline._pool, lambda: "t", lambda zone: {})
    assert again.last_id == first[-1].id
    assert b"".join(again.stream(Filter(), first[0].id, max_events=2)).count(b"event: ticket.issued") == 2


def test_a_summary_stream_replays_only_what_it_shows_from_the_table(pipeline):
    record(pipeline, "ticket.issued")
    called = record(pipeline, "ticket.called", counter="L01")
    again = EventPipeline(pipeline._pool, lambda: "t", lambda zone: {})
    frames = b"".join(again.stream(Filter(summary=True), 0, max_events=1))
    assert called.frame in frames and b"ticket.issued" not in frames


def test_an_idle_stream_sends_retry_then_keep_alives_with_the_server_time(pipeline):
    frames = list(pipeline.stream(Filter(), pipeline.last_id, timeout=0.5))
    assert frames[0] == b": antrian-mpp\nretry: 3000\n\n"
    assert b": keep-alive 2026-11-23T09:00:00.000+07:00\n\n" in frames[1:]


def test_a_summary_stream_gets_queue_counts_once_per_change(pipeline):
    record(pipeline, "ticket.issued")
    frames = b"".join(pipeline.stream(Filter(zones=frozenset({"1"}), summary=True), pipeline.last_id, timeout=0.3))
    assert frames.count(b"event: queue.counts") == 1 and b'"queues": {"A": 1}, "est_wait_min": {"A": 7}' in frames
    assert b'"zone": "1"' in frames and pipeline.counted == [frozenset({"1"})]


def test_closing_ends_every_stream_with_a_last_word(pipeline):
    pipeline.close()
    frames = list(pipeline.stream(Filter(), pipeline.last_id))
    assert frames[-1] == b": shutting-down\n\n"


def test_events_are_recorded_in_the_callers_transaction(pipeline):
    conn = storage.connect(pipeline._pool.path)
    with pytest.raises(RuntimeError):
        with storage.write(conn):
            pipeline.record(conn, {"ts": "t", "type": "ticket.called", "zone": "1", "counter": "L01", "ticket": None})
            raise RuntimeError("the change failed")
    conn.close()
    assert sqlite3.connect(pipeline._pool.path).execute("SELECT COUNT(*) FROM events").fetchone()[0] == 0


def test_issuance_wakes_only_the_streams_that_show_it_and_never_walks_the_summary_streams(pipeline, monkeypatch):
    """Each issued ticket looked at every open stream: with 250 screens that was a large part of an issue."""
    summaries = [Filter(zones=frozenset({str(z)}), counter=f"L{c:03d}", summary=True) for z in (1, 2) for c in range(100)]
    full, citizen, other_citizen = Filter(zones=frozenset({"1"})), Filter.citizen("mine", "A"), Filter.citizen("theirs", "A")
    for key in [*summaries, full, citizen, other_citizen]:
        pipeline._subscribe(key)
    signals = {key: channel.signal for key, channel in pipeline._channels.items()}
    looked = []
    real = Filter.matches
    monkeypatch.setattr(Filter, "matches", lambda self, e: looked.append(self) or real(self, e))
    pipeline.publish([event("ticket.issued", zone="1", public_id="mine", event_id=pipeline.last_id + 1)])
    assert not [key for key in looked if key in summaries]
    assert {key for key, signal in signals.items() if signal.is_set()} == {full, citizen}
    # a call still reaches a summary stream of its counter; a stream that left is forgotten
    pipeline._unsubscribe(full)
    pipeline.publish([event("ticket.called", zone="1", counter="L007", event_id=pipeline.last_id + 1)])
    assert pipeline._channels[Filter(zones=frozenset({"1"}), counter="L007", summary=True)].listeners == 1
    assert signals[Filter(zones=frozenset({"1"}), counter="L007", summary=True)].is_set()
    assert full not in pipeline._issuance_keys()
