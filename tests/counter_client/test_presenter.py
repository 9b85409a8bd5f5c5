"""The counter presenter driven with a fake view and worker (no Qt, no server)."""

from datetime import UTC, datetime

import pytest

from counter_client.presenter import CONNECTION_LOST, MAYBE_APPLIED, CounterPresenter, normalise_code

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


# What the server allows in a state (the app takes the list as given; these are only samples).
ALLOWED = {"closed": ["open"], "open": ["close", "pause", "call-next", "call"], "paused": ["close", "resume"]}
WITH_TICKET = ["close", "pause", "call-next", "call", "recall", "start", "done", "no-show", "transfer", "hold"]


def counter(status="open", ticket=None, waiting=3, est=9, allowed=None, last_event_id=10, officer="budi"):
    return {"code": "L01", "name": "Loket 1", "status": status, "ticket": ticket,
            "officer": {"id": 1, "username": officer} if status != "closed" else None,
            "queues": [{"code": "DUKCAPIL-KTP", "prefix": "A", "name": "KTP", "waiting": waiting,
                        "minutes_each": 6.0, "open_counters": 2, "est_wait_min": est}],
            "allowed_actions": allowed if allowed is not None else (WITH_TICKET if ticket else ALLOWED[status]),
            "last_event_id": last_event_id,
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


@pytest.mark.parametrize("allowed", [[], ["open"], ["resume", "close"], ["done"], WITH_TICKET])
def test_the_buttons_are_the_servers_allowed_actions(working, allowed):
    presenter, view, worker = working
    presenter.counter_loaded(counter(ticket=TICKET, allowed=allowed))
    assert presenter.screen.enabled == frozenset(allowed)


def test_an_action_the_server_does_not_allow_is_not_sent(working):
    presenter, view, worker = working
    presenter.counter_loaded(counter(ticket=TICKET, allowed=["done"]))  # e.g. a paused counter
    for action in ("call-next", "recall", "start", "no-show", "transfer", "call", "pause-toggle", "open"):
        presenter.act(action)
    assert worker.asked == [] and presenter.screen.panel is None
    presenter.act("done")
    assert worker.asked == [("act", "L01", "done")]


def test_an_action_in_flight_disables_everything_until_answered(working):
    presenter, view, worker = working
    presenter.act("call-next")
    presenter.act("call-next")
    assert worker.asked == [("act", "L01", "call-next")]
    assert presenter.screen.enabled == frozenset()
    presenter.action_done("call-next", {"ticket": TICKET, "counter": counter(ticket=TICKET, waiting=2, est=6)})
    assert presenter.screen.enabled == frozenset(WITH_TICKET)
    assert worker.asked == [("act", "L01", "call-next")]  # the answer is the new state: no read follows
    assert presenter.screen.queue_lines == (("KTP", "A", 2, 6),)
    lines = presenter.screen.ticket_lines
    assert (lines["code"], lines["priority"], lines["waited"], lines["called_ago"], lines["recalls"]) == \
        ("A-002", "Lanjut usia", 4, 6, 1)
    assert lines["booked"] is False


def test_a_booked_ticket_is_marked(working):
    presenter, _, _ = working
    booked = {**TICKET, "priority": None, "priority_name": None, "booked": True}
    presenter.act("call-next")
    presenter.action_done("call-next", {"ticket": booked, "counter": counter(ticket=booked, waiting=2, est=6)})
    assert presenter.screen.ticket_lines["booked"] is True


def test_nothing_waiting_is_told(working):
    presenter, view, worker = working
    presenter.act("call-next")
    presenter.action_done("call-next", {"ticket": None, "counter": counter(waiting=0, est=0)})
    assert presenter.screen.info == "Tidak ada antrean menunggu."


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
    assert presenter.screen.queue_lines == (("KTP", "A", 3, 9),)  # the server's count and estimate
    presenter.event("queue.counts", {"queues": {"DUKCAPIL-KTP": 3, "DUKCAPIL-SIPIL": 5}})
    assert worker.asked == []  # our queue's count did not move
    presenter.event("queue.counts", {"queues": {"DUKCAPIL-KTP": 7}})
    assert worker.asked == [("refresh_counts", "L01")]  # the server computes the estimate, not the app
    presenter.counter_loaded(counter(waiting=7, est=21))
    assert presenter.screen.queue_lines == (("KTP", "A", 7, 21),)


def test_counts_with_the_servers_estimates_are_shown_without_a_read(working):
    presenter, view, worker = working
    presenter.event("queue.counts", {"queues": {"DUKCAPIL-KTP": 7, "DUKCAPIL-SIPIL": 5},
                                     "est_wait_min": {"DUKCAPIL-KTP": 23, "DUKCAPIL-SIPIL": 11}})
    assert presenter.screen.queue_lines == (("KTP", "A", 7, 23),)  # the server's numbers, as they came
    assert worker.asked == []


def test_our_counters_newer_event_rereads_it_and_others_do_not(working):
    presenter, view, worker = working
    presenter.event("ticket.called", {"id": 11, "counter": "L02"})
    presenter.event("ticket.called", {"id": 9, "counter": "L01"})  # the state we hold already has it
    assert worker.asked == []
    presenter.event("ticket.called", {"id": 11, "counter": "L01"})
    assert worker.asked == [("refresh", "L01")]


def test_the_event_of_our_own_action_is_not_read_again(working):
    presenter, view, worker = working
    presenter.act("call-next")
    presenter.event("ticket.done", {"id": 11, "counter": "L01"})  # before the answer
    presenter.event("queue.counts", {"queues": {"DUKCAPIL-KTP": 2}})
    presenter.action_done("call-next", {"ticket": TICKET, "counter": counter(ticket=TICKET, waiting=2,
                                                                             last_event_id=12)})
    presenter.event("ticket.called", {"id": 12, "counter": "L01"})  # after it
    assert worker.asked == [("act", "L01", "call-next")]


def test_a_change_by_someone_else_during_our_action_is_read_after_the_answer(working):
    presenter, view, worker = working
    presenter.counter_loaded(counter(ticket=TICKET))
    presenter.act("recall")
    presenter.event("ticket.started", {"id": 14, "counter": "L01"})  # a supervisor, just after our recall
    assert worker.asked == [("act", "L01", "recall")]
    presenter.action_done("recall", {"ticket": TICKET, "counter": counter(ticket=TICKET, last_event_id=13)})
    assert worker.asked[-1] == ("refresh", "L01")


def test_a_counter_another_officer_holds_is_told_and_offers_nothing(working):
    presenter, view, worker = working
    presenter.counter_loaded(counter(allowed=[], officer="sari"))
    assert presenter.screen.error == "Loket sedang dipakai petugas lain."
    assert presenter.screen.enabled == frozenset()


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
    presenter.action_done("transfer", {"ticket": {**TICKET, "service": "DK-KK", "service_name": "KK"},
                                       "counter": counter()})
    assert presenter.screen.info == "A-002 dialihkan ke KK."
    presenter.act("call")
    presenter.call_code("a7")
    assert worker.asked[-1] == ("call_ticket", "L01", "A-007")


@pytest.mark.parametrize("typed, code", [("a7", "A-007"), ("A-007", "A-007"), ("b 12", "B-012"), ("DK3", "DK-003")])
def test_typed_codes_are_normalised(typed, code):
    assert normalise_code(typed) == code


def test_queue_lines_read_as_a_person_says_them_not_0_menunggu_plus_minus_0_menit():
    from counter_client.presenter import queue_line

    assert queue_line("Paspor", "A", 0, 0) == "Paspor (A): Tidak ada yang menunggu"
    assert queue_line("Paspor", "A", 3, 12) == "Paspor (A): 3 menunggu · sekitar 12 menit"
    assert queue_line("KTP", "B", 1250, 95) == "KTP (B): 1.250 menunggu · sekitar 95 menit"
    assert queue_line("KTP", "B", 2, None) == "KTP (B): 2 menunggu"
    assert "±" not in queue_line("KTP", "B", 2, 0)
