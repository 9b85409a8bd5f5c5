"""The benchmark's monitor pages (issue #13): what a fragment's rows show, htmx's one-fetch-at-a-time
with the last queued, and pairing each call with the first time a page's row showed its ticket."""

import selectors
import socket

import httpx
import pytest

from devtools.benchmark import TARGETS, judge, longest_gap_s
from devtools.browser import how_rows_changed
from devtools.monitor_load import Monitor, fragment_delivery, monitor_accounts, rows_shown, sign_in
from tests.devtools.test_benchmark_verdict import summary

FRAGMENT = b"""<section class="counters"><table><tbody>
<tr data-counter="L01" data-status="open" data-idle-with-queue="false"
class="counter-open">
<th scope="row">Loket 1 <small>Dukcapil</small></th>
<td class="ticket"><strong data-ticket="AB012">AB012</strong> <small>Dipanggil</small></td>
<td>1</td></tr>
<tr data-counter="L02" data-status="closed" data-idle-with-queue="false" class="counter-closed">
<th scope="row">Loket 2</th><td class="ticket">&ndash;</td></tr>
</tbody></table></section>
<section class="queues"><li data-ticket="AB013"><strong>AB013</strong></li></section>"""


def test_a_fragment_shows_each_counter_row_with_its_ticket():
    # AB013 waits in a queue's list, outside any counter row: not L02's ticket
    assert rows_shown(FRAGMENT) == {"L01": "AB012", "L02": None}


def test_a_real_sign_in_and_the_real_fragment_show_the_called_ticket_in_its_row(floor):
    cookie = sign_in(floor.url, "rina", "1234")  # through the form, with its CSRF token, as the monitors do
    ticket = floor.issue()
    with floor.login("budi") as budi:
        budi.post("/api/counters/L01/open")
        budi.post("/api/counters/L01/call-next")
    with httpx.Client(base_url=floor.url, cookies={"mpp_manage": cookie}) as web:
        fragment = web.get("/manage/floor", headers={"HX-Request": "true"})
    assert fragment.status_code == 200
    shown = rows_shown(fragment.content)
    assert shown["L01"] == ticket["code"] and shown["L08"] is None


def call(counter, code, answered_ns, ticket_id=1):
    return (ticket_id, counter, answered_ns, code)


def page(agency, shown):
    return {"agency": agency, "shown": shown}


def test_a_call_pairs_with_the_first_fragment_that_shows_its_ticket_on_every_page_in_scope():
    agency_of = {"L01": "G01", "L02": "G02"}
    calls = [call("L01", "AB012", 1_000_000), call("L02", "CD001", 2_000_000)]
    building = page(None, [("L01", "AB012", 6_000_000), ("L01", "AB012", 9_000_000), ("L02", "CD001", 5_000_000)])
    g01 = page("G01", [("L01", "AB012", 4_000_000)])
    g02_late = page("G02", [])  # its page never showed CD001
    result = fragment_delivery(calls, [building, g01, g02_late], agency_of, (0, 10**9))
    assert sorted([result["p50"], result["max"]]) == [3.0, 5.0] and result["n"] == 3
    assert result["missing"] == 1


def test_a_row_read_before_the_counter_had_its_answer_counts_as_zero_and_is_told():
    result = fragment_delivery([call("L01", "AB012", 5_000_000)], [page(None, [("L01", "AB012", 4_000_000)])],
                               {"L01": "G01"}, (0, 10**9))
    assert (result["p99"], result["before_answer"]) == (0.0, 1)


def test_calls_outside_the_phase_are_not_paired():
    result = fragment_delivery([call("L01", "AB012", 5)], [page(None, [])], {"L01": "G01"}, (10, 20))
    assert (result["n"], result["missing"]) == (0, 0)


def test_one_page_in_ten_watches_the_building_the_rest_their_agency():
    people = monitor_accounts(20, ["G01", "G02"], "2468")
    assert people[0] == ("pemantau-web", "2468", "admin", None)
    monitors = people[1:]
    assert [p[3] for p in monitors].count(None) == 2
    assert {p[2] for p in monitors if p[3]} == {"supervisor"} and {p[3] for p in monitors if p[3]} == {"G01", "G02"}


class FakeEngine:
    """Records the monitor's fetches instead of sending them."""

    def __init__(self, port):
        self.port, self.sel, self.sent, self.stopping = port, selectors.DefaultSelector(), [], False
        self.timers = []

    def at(self, due_ns, fn):
        self.timers.append((due_ns, fn))

    def connect(self):
        return object()

    def request(self, conn, kind, raw, callback, finishing=False):
        if self.stopping:
            return False
        self.sent.append(callback)
        return True


@pytest.fixture
def monitor():
    listener = socket.create_server(("127.0.0.1", 0))  # the stream connects; nothing needs to answer
    engine = FakeEngine(listener.getsockname()[1])
    page = {"triggers": frozenset({b"counter.opened"}), "live": frozenset({b"ticket.called", b"ticket.done"}),
            "holding": frozenset({"called", "serving"}), "counts_every_ns": 3_000_000_000, "refresh_ns": 15_000_000_000}
    watched = Monitor(engine, "m1", "cookie", "1", None, page)
    yield watched, engine
    watched.stream.sock.close()
    listener.close()


def test_a_monitor_fetches_once_at_a_time_and_once_more_after_a_burst(monitor):
    watched, engine = monitor
    for _ in range(5):
        watched.changed(b"event: counter.opened\ndata: {}", 0)
    watched.changed(b"event: ticket.issued\ndata: {}", 0)  # not a trigger of the page
    assert len(engine.sent) == 1  # one in flight; the burst is one queued fetch
    engine.sent[0](200, FRAGMENT, 7)
    assert len(engine.sent) == 2
    engine.sent[1](200, FRAGMENT, 9)
    assert len(engine.sent) == 2  # nothing queued: the page waits for the next frame
    assert watched.shown == [("L01", "AB012", 7)]  # a row counts when it first shows a ticket


def test_a_call_shows_in_its_row_from_the_event_and_leaves_it_when_done(monitor):
    watched, engine = monitor
    called = b'id: 9\nevent: ticket.called\ndata: {"counter":"L02","ticket":{"code":"A-001","status":"called"}}\n\n'
    done = b'id: 10\nevent: ticket.done\ndata: {"counter":"L02","ticket":{"code":"A-001","status":"done"}}\n\n'
    watched.changed(called + done + called.replace(b"A-001", b"A-002"), 5)
    assert watched.shown == [("L02", "A-001", 5), ("L02", "A-002", 5)] and engine.sent == []  # no fetch for a call


def test_waiting_counts_fetch_at_most_every_few_seconds_and_after_the_last(monitor):
    watched, engine = monitor
    for _ in range(4):
        watched.changed(b"event: queue.counts\ndata: {}\n\n", 0)
    assert len(engine.timers) == 1  # one fetch planned however many counts came
    engine.timers.pop()[1]()
    assert len(engine.sent) == 1
    engine.sent[0](200, FRAGMENT, 1)
    watched.changed(b"event: queue.counts\ndata: {}\n\n", 0)
    due, fetch = engine.timers.pop()
    assert due >= watched.last_counts + 3_000_000_000  # the next one waits its turn


def test_a_fragment_a_monitor_could_not_read_changes_nothing(monitor):
    watched, engine = monitor
    watched.fetch()
    engine.sent[0](401, b"", 3)
    assert watched.shown == [] and not watched.busy


def test_the_new_targets_are_judged_and_a_browser_never_measured_misses():
    base = summary()
    monitors = {"api_p99_change_pct": 8.0, "errors": 0}
    browser = {"call_to_row_ms": {"p99": 60.0}}
    assert "MISS" not in judge({**base, "monitors": monitors, "browser": browser}).values()
    missed = judge({**base, "monitors": {**monitors, "api_p99_change_pct": 10.5},
                    "browser": {"skipped": "Chromium is not installed", "not_measured": True}})
    assert [name for name, result in missed.items() if result == "MISS"] == ["monitor_api_impact", "monitor_dom_p99"]
    left_out = judge({**base, "monitors": None, "browser": {"skipped": "--no-browser"}})
    assert "monitor_dom_p99" not in left_out and "monitor_api_impact" not in left_out
    assert judge({**base, "browser": {"call_to_row_ms": {"p99": 100.1}}})["monitor_dom_p99"] == "MISS"
    assert TARGETS["monitor_dom_p99_ms"] == 100.0 and TARGETS["monitor_api_impact_pct"] == 10.0


def test_the_page_tells_which_calls_its_rows_showed_by_their_event_and_which_by_a_fetch():
    ms = 1_000_000
    calls = [call("L01", "AB012", 10 * ms), call("L02", "CD001", 10 * ms), call("L03", "EF001", 50 * ms),
             call("L04", "GH001", 500 * ms)]  # outside the window
    shown = [("L01", "AB012", 12 * ms, "event"), ("L01", "AB012", 40 * ms, "fetch"),  # the first counts
             ("L02", "CD001", 40 * ms, "fetch"), ("L04", "GH001", 501 * ms, "event")]
    assert how_rows_changed(calls, shown, (0, 100 * ms)) == {"event": 1, "fetch": 1}  # L03 never shown


def test_a_phase_with_no_sample_for_seconds_is_told_as_a_stall():
    s = 10**9
    every_50_ms = list(range(0, 5 * s, s // 20))
    assert longest_gap_s(every_50_ms, (0, 5 * s)) == 0.05
    assert longest_gap_s([], (0, 5 * s)) == 5.0  # the sampler never ran within the phase
    assert longest_gap_s([t for t in every_50_ms if not s < t < 3 * s], (0, 5 * s)) > 1.9
