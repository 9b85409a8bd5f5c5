"""The board's decisions with a fake view and announcer: what shows, what is said, what is not."""

from datetime import datetime, timedelta

import pytest

from display_board.presenter import CONNECTION_LOST, BoardPresenter

NOW = datetime.fromisoformat("2026-11-23T09:00:00+07:00")
SNAPSHOT = {
    "last_event_id": 2, "now": NOW.isoformat(),
    "site": {"name": "MPP Harapan Jaya", "running_text": "Selamat datang", "timezone": "Asia/Jakarta"},
    "counters": [{"code": "L01", "name": "Loket 1", "spoken_name": "loket satu", "status": "open", "ticket": None},
                 {"code": "L02", "name": "Loket 2", "spoken_name": "loket dua", "status": "closed", "ticket": None}],
    "queues": [{"code": "KTP", "prefix": "A", "agency": "DUKCAPIL", "waiting": 3},
               {"code": "SIPIL", "prefix": "B", "agency": "DUKCAPIL", "waiting": 1},
               {"code": "SAMSAT", "prefix": "S", "agency": "SAMSAT", "waiting": 0}],
    "services": [{"code": "DK-KTP", "agency": "DUKCAPIL", "agency_name": "Disdukcapil"}],
    "recent_calls": [],
}


class Fake:
    def __init__(self):
        self.boards, self.said = [], []

    def show(self, board):
        self.boards.append(board)

    def announce(self, announcement):
        self.said.append(announcement)


def call(type_, code, counter="L01", spoken="loket satu", age_s=0.0, id_=10):
    return type_, {"id": id_, "type": type_, "ts": (NOW - timedelta(seconds=age_s)).isoformat(), "counter": counter,
                   "counter_name": counter.replace("L0", "Loket "), "counter_spoken_name": spoken,
                   "ticket": {"code": code, "counter": counter}}, id_


@pytest.fixture
def board():
    fake = Fake()
    clock = [100.0]
    presenter = BoardPresenter(fake, fake, server_now=lambda: NOW, highlight_s=10, recent=3,
                               monotonic=lambda: clock[0])
    presenter.snapshot(SNAPSHOT)
    return presenter, fake, clock


def test_snapshot_shows_counters_and_waiting_per_agency(board):
    presenter, fake, _ = board
    shown = fake.boards[-1]
    assert shown.ready and shown.site_name == "MPP Harapan Jaya" and shown.now_calling is None
    assert dict(shown.waiting) == {"Disdukcapil": 4, "SAMSAT": 0}
    assert [c.name for c in shown.counters] == ["Loket 1", "Loket 2"]
    presenter.event("queue.counts", {"queues": {"KTP": 7}}, None)
    assert dict(fake.boards[-1].waiting)["Disdukcapil"] == 8
    assert fake.said == []


def test_calls_and_recalls_are_announced_in_order_and_highlighted(board):
    presenter, fake, clock = board
    presenter.event(*call("ticket.called", "A-001", id_=10))
    presenter.event(*call("ticket.called", "B-002", "L02", "loket dua", id_=11))
    presenter.event(*call("ticket.recalled", "A-001", id_=12))
    assert [a.text for a in fake.said] == [
        "Nomor antrean, a, satu, silakan menuju loket satu.",
        "Nomor antrean, be, dua, silakan menuju loket dua.",
        "Nomor antrean, a, satu, silakan menuju loket satu.",
    ]
    shown = fake.boards[-1]
    assert shown.now_calling.code == "A-001" and shown.now_calling.recall and shown.highlight
    assert [c.code for c in shown.recent] == ["B-002"]
    assert {c.code: c.ticket for c in shown.counters} == {"L01": "A-001", "L02": "B-002"}
    clock[0] += 11
    presenter.tick()
    assert not fake.boards[-1].highlight


def test_stale_calls_after_a_reconnect_are_shown_not_announced(board):
    presenter, fake, _ = board
    presenter.event(*call("ticket.called", "A-005", age_s=61))
    presenter.event(*call("ticket.called", "A-006", age_s=59, id_=11))
    assert [a.code for a in fake.said] == ["A-006"]
    assert fake.boards[-1].recent[0].code == "A-005"


def test_done_clears_the_counter_and_recent_calls_are_capped(board):
    presenter, fake, _ = board
    for n in range(1, 7):
        presenter.event(*call("ticket.called", f"A-00{n}", id_=10 + n))
    presenter.event("ticket.done", {"counter": "L01", "ticket": {"code": "A-006"}}, 20)
    shown = fake.boards[-1]
    assert shown.counters[0].ticket is None
    assert shown.now_calling is None and [c.code for c in shown.recent] == ["A-006", "A-005", "A-004"]
    assert len(fake.said) == 6


@pytest.mark.parametrize("finish", ["ticket.done", "ticket.no_show", "ticket.transferred", "ticket.cancelled",
                                    "ticket.waiting"])
def test_a_finished_ticket_leaves_the_headline_and_its_counter(board, finish):
    """Regression: a headline stayed on the second-floor board 51 minutes after its ticket was done."""
    presenter, fake, _ = board
    presenter.event(*call("ticket.called", "A-001", id_=10))
    presenter.event(*call("ticket.called", "B-002", "L02", "loket dua", id_=11))
    presenter.event(finish, {"counter": "L02", "ticket": {"code": "B-002"}}, 12)
    shown = fake.boards[-1]
    assert shown.now_calling is None and not shown.highlight
    assert [c.code for c in shown.recent] == ["B-002", "A-001"]  # the last calls are history
    assert {c.code: c.ticket for c in shown.counters} == {"L01": "A-001", "L02": None}
    presenter.event(*call("ticket.recalled", "A-001", id_=13))
    assert fake.boards[-1].now_calling.code == "A-001"


def test_a_closed_counter_ends_its_headline_and_a_snapshot_shows_only_current_calls(board):
    presenter, fake, _ = board
    presenter.event(*call("ticket.called", "A-001", id_=10))
    presenter.event("counter.closed", {"counter": "L01"}, 11)
    assert fake.boards[-1].now_calling is None
    done = {**SNAPSHOT, "recent_calls": [{"counter": "L01", "counter_name": "Loket 1", "ticket": {"code": "A-001"}}]}
    presenter.snapshot(done)
    assert fake.boards[-1].now_calling is None and fake.boards[-1].recent[0].code == "A-001"
    serving = {**done, "counters": [{**SNAPSHOT["counters"][0], "ticket": {"code": "A-001"}}]}
    presenter.snapshot(serving)
    assert fake.boards[-1].now_calling.code == "A-001"


def test_an_idle_counter_says_whether_it_is_ready_paused_or_closed(board):
    presenter, fake, _ = board
    presenter.event("counter.paused", {"counter": "L01"}, 10)
    assert [c.shown for c in fake.boards[-1].counters] == ["Istirahat", "Tutup"]
    presenter.event("counter.resumed", {"counter": "L01"}, 11)
    presenter.event(*call("ticket.called", "B-002", "L02", "loket dua", id_=12))
    assert [c.shown for c in fake.boards[-1].counters] == ["Siap", "B-002"]


def test_a_call_of_another_zone_of_the_hall_is_announced_but_not_listed(board):
    presenter, fake, _ = board
    presenter.snapshot({**SNAPSHOT, "zone": "1", "hall": {"name": "Hall Utama", "zones": ["1", "2"]}})
    assert fake.boards[-1].hall_name == "Hall Utama"
    presenter.event(*call("ticket.called", "P-007", "L21", "loket dua puluh satu", id_=10))
    shown = fake.boards[-1]
    assert [a.code for a in fake.said] == ["P-007"]
    assert shown.now_calling.code == "P-007"  # the hall heard it: the headline says it too
    assert [c.code for c in shown.counters] == ["L01", "L02"] and all(c.ticket is None for c in shown.counters)
    presenter.event("queue.counts", {"queues": {"KTP": 5, "IZIN": 9}}, None)
    assert dict(fake.boards[-1].waiting) == {"Disdukcapil": 6, "SAMSAT": 0}  # zone 2's queue not listed


def test_repeat_and_connection_lost(board):
    presenter, fake, _ = board
    presenter.repeat = 2
    presenter.event(*call("ticket.called", "A-001"))
    assert fake.said[-1].repeat == 2
    presenter.status("disconnected", "server mati")
    assert fake.boards[-1].banner == CONNECTION_LOST and not fake.boards[-1].connected
    presenter.status("connected")
    assert fake.boards[-1].banner is None
