"""The counter presenter driven with a fake view and worker (no Qt, no server)."""

from datetime import UTC, datetime

import pytest

from counter_client.presenter import CONNECTION_LOST, MAYBE_APPLIED, CounterPresenter, allowed_actions, normalise_code

NOW = datetime(2026, 11, 23, 2, 10, tzinfo=UTC)  # 09.10 WIB


class FakeView:
    def __init__(self):
        self.screens = []

    def show(self, screen):
        self.screens.append(screen)


class FakeWorker:
    def __init__(self):
        self.asked = []

    def __getattr__(self, name):
        return lambda *args: self.asked.append((name, *args))


def counter(status="open", ticket=None, waiting=3):
    return {"code": "L01", "name": "Loket 1", "status": status, "ticket": ticket,
            "queues": [{"code": "DUKCAPIL-KTP", "prefix": "A", "name": "KTP", "waiting": waiting,
                        "minutes_each": 6.0, "open_counters": 2}],
            "officer_today": {"served": 4, "no_show": 1, "mean_service_min": 6.0}}


TICKET = {"code": "A-002", "service": "DK-KTP", "service_name": "KTP-el", "priority": "lansia",
          "priority_name": "Lanjut usia", "status": "called", "issued_at": "2026-11-23T09:00:00+07:00",
          "called_at": "2026-11-23T09:04:00+07:00", "recall_count": 1}


@pytest.fixture
def working():
    view, worker, remembered = FakeView(), FakeWorker(), []
    presenter = CounterPresenter(view, worker, last_counter="L02", remember=remembered.append, now=lambda: NOW)
    presenter.start()
    presenter.login("budi", "1234")
    presenter.logged_in({"username": "budi", "role": "officer", "agency": "DUKCAPIL"})
    presenter.counters_loaded({"now": NOW.isoformat(), "counters": [
        {"code": "L01", "name": "Loket 1", "agency": "DUKCAPIL", "status": "closed", "queues": ["DUKCAPIL-KTP"]},
        {"code": "L02", "name": "Loket 2", "agency": "DUKCAPIL", "status": "open", "queues": ["DUKCAPIL-KTP"]},
        {"code": "S01", "name": "Samsat 1", "agency": "SAMSAT", "status": "open", "queues": ["SAMSAT"]}],
        "services": [{"code": "DK-KTP", "name": "KTP-el", "agency": "DUKCAPIL"},
                     {"code": "BN-CEK", "name": "Pengecekan sertipikat", "agency": "BPN", "agency_name": "ATR/BPN"}]})
    assert [c["code"] for c in presenter.screen.counters] == ["L01", "L02"]  # own agency only
    assert presenter.screen.selected == "L02"  # remembered
    presenter.choose_counter("L01")
    assert remembered == ["L01"]
    presenter.counter_loaded(counter())
    worker.asked.clear()
    return presenter, view, worker


def test_login_sends_the_pin_once_and_blocks_a_double_submit():
    view, worker = FakeView(), FakeWorker()
    presenter = CounterPresenter(view, worker)
    presenter.start()
    presenter.login("budi", "1234")
    presenter.login("budi", "1234")
    assert worker.asked == [("login", "budi", "1234")]


def test_wrong_pin_is_said_in_plain_indonesian():
    view, worker = FakeView(), FakeWorker()
    presenter = CounterPresenter(view, worker)
    presenter.login("budi", "9999")
    presenter.action_failed("login", "invalid_credentials", "x", False)
    assert presenter.screen.stage == "login"
    assert presenter.screen.error == "Nama pengguna atau PIN salah."


@pytest.mark.parametrize("status, ticket_status, expected", [
    ("closed", None, {"open"}),
    ("paused", None, {"resume", "close"}),
    ("open", None, {"call-next", "call", "pause", "close"}),
    ("open", "called", {"call-next", "call", "pause", "close", "recall", "start", "done", "no-show", "transfer"}),
    ("open", "serving", {"call-next", "call", "pause", "close", "done", "transfer"}),
])
def test_actions_follow_the_counter_state(status, ticket_status, expected):
    ticket = {"status": ticket_status} if ticket_status else None
    assert allowed_actions(counter(status, ticket)) == expected


def test_an_action_in_flight_disables_everything_until_answered(working):
    presenter, view, worker = working
    presenter.act("call-next")
    presenter.act("call-next")
    assert worker.asked == [("act", "L01", "call-next")]
    assert presenter.screen.enabled == frozenset()
    presenter.action_done("call-next", {"ticket": TICKET})
    assert "recall" in presenter.screen.enabled
    lines = presenter.screen.ticket_lines
    assert (lines["code"], lines["priority"], lines["waited"], lines["called_ago"], lines["recalls"]) == \
        ("A-002", "Lanjut usia", 4, 6, 1)


def test_nothing_waiting_is_told(working):
    presenter, view, worker = working
    presenter.act("call-next")
    presenter.action_done("call-next", {"ticket": None})
    assert presenter.screen.info == "Tidak ada antrian menunggu."


def test_no_show_and_close_ask_first(working):
    presenter, view, worker = working
    presenter.counter_loaded(counter(ticket=TICKET))
    presenter.act("no-show")
    assert worker.asked == [] and presenter.screen.panel == "confirm"
    assert "A-002" in presenter.screen.question
    presenter.cancel()
    assert presenter.screen.panel is None and worker.asked == []
    presenter.act("no-show")
    presenter.confirm()
    assert worker.asked == [("act", "L01", "no-show")]


def test_a_lost_answer_blocks_actions_until_the_counter_is_read_again(working):
    presenter, view, worker = working
    presenter.act("call-next")
    presenter.action_failed("call-next", "unreachable", "Sambungan ke server terputus.", True)
    assert presenter.screen.error == MAYBE_APPLIED
    assert presenter.screen.enabled == frozenset()
    presenter.act("call-next")
    assert worker.asked == [("act", "L01", "call-next")]  # never sent twice
    presenter.counter_loaded(counter(ticket=TICKET))
    assert "recall" in presenter.screen.enabled


def test_connection_banner_and_live_counts(working):
    presenter, view, worker = working
    presenter.stream_status("disconnected", "Server tidak dapat dihubungi.")
    assert presenter.screen.banner == CONNECTION_LOST
    presenter.stream_status("connected", None)
    assert presenter.screen.banner is None
    presenter.event("queue.counts", {"queues": {"DUKCAPIL-KTP": 7}})
    assert presenter.screen.queue_lines[0][2] == 7
    assert presenter.screen.queue_lines[0][3] == 21  # 7 × the queue's 6 min ÷ its 2 open counters


def test_our_counters_event_rereads_it_and_others_do_not(working):
    presenter, view, worker = working
    presenter.event("ticket.called", {"counter": "L02"})
    presenter.event("ticket.called", {"counter": "L01"})
    assert worker.asked == [("refresh", "L01")]


def test_expired_session_goes_back_to_login(working):
    presenter, view, worker = working
    presenter.stream_status("unauthorized", "x")
    assert presenter.screen.stage == "login"
    assert "masuk lagi" in presenter.screen.error


def test_transfer_and_call_specific(working):
    presenter, view, worker = working
    presenter.counter_loaded(counter(ticket=TICKET))
    presenter.act("transfer")
    assert presenter.screen.panel == "transfer"
    assert ("DK-KTP", "KTP-el (DUKCAPIL)") in presenter.screen.services
    assert ("BN-CEK", "Pengecekan sertipikat (ATR/BPN)") in presenter.screen.services  # other zones too
    presenter.transfer_to("DK-KK")
    presenter.action_done("transfer", {"ticket": {**TICKET, "service": "DK-KK", "service_name": "KK"}})
    assert presenter.screen.info == "A-002 dialihkan ke KK."
    presenter.act("call")
    presenter.call_code("a7")
    assert worker.asked[-1] == ("call_ticket", "L01", "A-007")


@pytest.mark.parametrize("typed, code", [("a7", "A-007"), ("A-007", "A-007"), ("b 12", "B-012"), ("DK3", "DK-003")])
def test_typed_codes_are_normalised(typed, code):
    assert normalise_code(typed) == code
