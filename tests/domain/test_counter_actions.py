"""The counter rule: which actions a counter allows now, and why it refuses the others."""

import pytest

from server.domain.counter_actions import (ACTIONS, HOLDER, OTHER, SUPERVISOR, allowed_actions, check,
                                           refusal)
from server.domain.errors import Conflict

# counter status, current ticket status → allowed for its holder (the module's table, as data)
TABLE = [
    ("closed", None, {"open"}),
    ("paused", None, {"resume", "close"}),
    ("paused", "called", {"resume", "close", "done", "no-show", "transfer", "hold"}),
    ("paused", "serving", {"resume", "close", "done", "transfer", "hold"}),
    ("open", None, {"pause", "close", "call-next", "call"}),
    ("open", "called", {"pause", "close", "call-next", "call", "recall", "start", "done", "no-show", "transfer",
                        "hold"}),
    ("open", "serving", {"pause", "close", "call-next", "call", "done", "transfer", "hold"}),
    # A ticket the day's end already closed is no ticket at the counter.
    ("open", "done", {"pause", "close", "call-next", "call"}),
]


@pytest.mark.parametrize("counter, ticket, expected", TABLE, ids=[f"{c}-{t}" for c, t, _ in TABLE])
def test_the_holder_may_do_what_the_table_says(counter, ticket, expected):
    assert set(allowed_actions(counter, ticket, HOLDER)) == expected


@pytest.mark.parametrize("counter, ticket, expected", TABLE, ids=[f"{c}-{t}" for c, t, _ in TABLE])
def test_a_supervisor_may_act_on_a_counter_another_officer_holds(counter, ticket, expected):
    assert set(allowed_actions(counter, ticket, SUPERVISOR)) == expected


@pytest.mark.parametrize("counter, ticket", [(c, t) for c, t, _ in TABLE if c != "closed"])
def test_an_officer_may_do_nothing_at_a_counter_another_officer_holds(counter, ticket):
    assert allowed_actions(counter, ticket, OTHER) == ()
    assert {refusal(action, counter, ticket, OTHER).code for action in ACTIONS} == {"counter_in_use"}


def test_the_list_keeps_the_order_of_actions():
    assert allowed_actions("open", "called", HOLDER) == tuple(a for a in ACTIONS if a not in ("open", "resume"))


@pytest.mark.parametrize("action, counter, ticket, code", [
    ("call-next", "closed", None, "counter_not_open"),
    ("call-next", "paused", None, "counter_not_open"),
    ("recall", "paused", "called", "counter_not_open"),
    ("start", "paused", "called", "counter_not_open"),
    ("pause", "paused", None, "counter_not_open"),
    ("resume", "closed", None, "counter_not_open"),
    ("done", "closed", None, "counter_not_open"),
    ("open", "open", None, "counter_already_open"),
    ("open", "paused", None, "counter_paused"),
    ("close", "closed", None, "counter_already_closed"),
    ("resume", "open", None, "counter_not_paused"),
    ("done", "open", None, "no_current_ticket"),
    ("recall", "open", None, "no_current_ticket"),
    ("transfer", "paused", None, "no_current_ticket"),
    ("recall", "open", "serving", "invalid_transition"),
    ("start", "open", "serving", "invalid_transition"),
    ("no-show", "open", "serving", "invalid_transition"),
])
def test_a_refusal_names_its_reason(action, counter, ticket, code):
    refused = refusal(action, counter, ticket, HOLDER, "Loket 1")
    assert refused.code == code
    assert refused.message  # for a person, in Indonesian
    with pytest.raises(Conflict) as raised:
        check(action, counter, ticket, HOLDER, "Loket 1")
    assert raised.value.code == code and raised.value.status == 409


@pytest.mark.parametrize("counter", ["closed", "open", "paused"])
@pytest.mark.parametrize("ticket", [None, "called", "serving"])
def test_every_action_is_either_listed_or_refused(counter, ticket):
    allowed = allowed_actions(counter, ticket, HOLDER)
    for action in ACTIONS:
        assert (action in allowed) == (refusal(action, counter, ticket, HOLDER) is None)


def test_closed_counter_messages_say_what_to_do():
    assert refusal("call-next", "closed", None, HOLDER, "Loket 1").message == "Loket 1 tutup; buka loket dulu."


def test_an_unknown_action_is_a_programming_error():
    with pytest.raises(ValueError):
        refusal("call-everyone", "open", None, HOLDER)
