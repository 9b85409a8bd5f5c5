"""The supervisor's rules in plain Python: a counter's queues for the day, the running text's words
and end, and when a device counts as online."""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from server.domain import devices, supervise
from server.domain.errors import Conflict, Invalid
from server.domain.tickets import transfer_changes

WIB = ZoneInfo("Asia/Jakarta")
NOW = datetime(2026, 11, 23, 9, 0, tzinfo=WIB)


def test_a_queue_plan_keeps_the_calling_order():
    assert supervise.queue_plan(["B", " A "], {"A", "B"}) == ["B", "A"]


@pytest.mark.parametrize("queues, code", [([], "no_queues"), (["A", "X"], "unknown_queue"),
                                          (["A", "A"], "duplicate_queue"), (["A"] * 21, "too_many_queues")])
def test_a_bad_queue_plan_is_refused(queues, code):
    with pytest.raises(Invalid) as refused:
        supervise.queue_plan(queues, {"A", "B"})
    assert refused.value.code == code


def test_todays_queues_override_the_sites_for_the_counters_changed():
    served = supervise.served_today({"L01": ("A",), "L02": ("B",)}, {"L02": ("A", "B")})
    assert served == {"L01": ("A",), "L02": ("A", "B")}
    assert supervise.counters_by_queue(served) == {"A": ["L01", "L02"], "B": ["L02"]}


def test_a_message_is_one_line_of_plain_words():
    assert supervise.message_text("  Loket\n3\ttutup  ") == "Loket 3 tutup"
    with pytest.raises(Invalid):
        supervise.message_text(" \n ")
    assert len(supervise.message_text("x" * 200)) == 200
    with pytest.raises(Invalid):
        supervise.message_text("x" * 201)


def test_a_message_lasts_until_the_end_of_the_service_day_or_the_time_asked():
    assert supervise.message_until(None, NOW, WIB) == datetime(2026, 11, 24, 0, 0, tzinfo=WIB)
    asked = supervise.message_until("2026-11-23T10:00:00+07:00", NOW, WIB)
    assert asked == NOW + timedelta(hours=1)
    for bad in ("2026-11-23T08:59:59+07:00", "2026-11-23T10:00:00", "jam sepuluh"):
        with pytest.raises(Invalid):
            supervise.message_until(bad, NOW, WIB)


def test_a_device_is_online_for_sixty_seconds_after_its_last_request():
    assert devices.is_online(NOW - timedelta(seconds=60), NOW)
    assert not devices.is_online(NOW - timedelta(seconds=61), NOW)
    assert not devices.is_online(None, NOW)


def test_the_watcher_rule_names_only_the_devices_that_moved():
    seen = {1: NOW, 2: NOW - timedelta(minutes=5), 3: NOW - timedelta(seconds=10)}
    known = {1: False, 2: True, 3: True, 4: True}  # 4 was revoked
    assert devices.changed(known, seen, NOW) == {1: True, 2: False, 4: False}
    assert devices.changed({}, {5: None}, NOW) == {}  # a new device never seen: offline, as assumed


def test_a_waiting_ticket_moves_by_the_transfer_rule_keeping_its_place():
    ticket = {"status": "waiting", "service": "KTP", "issued_at": "09:00", "transfer_count": 0}
    changes = transfer_changes(ticket, "KK", "SIPIL", "DUKCAPIL", "1", "09:30")
    assert changes["queue"] == "SIPIL" and changes["queued_at"] == "09:00" and changes["transfer_count"] == 1
    assert "rejoined_at" not in changes  # its wait goes on
    with pytest.raises(Conflict):
        transfer_changes(ticket, "KTP", "KTP", "DUKCAPIL", "1", "09:30")
    with pytest.raises(Conflict):
        transfer_changes({**ticket, "status": "done"}, "KK", "SIPIL", "DUKCAPIL", "1", "09:30")


def test_a_ticket_sent_on_from_a_counter_waits_again_from_then():
    ticket = {"status": "serving", "service": "KTP", "issued_at": "09:00", "transfer_count": 0}
    assert transfer_changes(ticket, "KK", "SIPIL", "DUKCAPIL", "1", "09:30")["rejoined_at"] == "09:30"
