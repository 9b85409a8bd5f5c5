"""The ticket's life: which action moves a ticket from which status to which."""

import pytest

from server.domain.errors import Conflict
from server.domain.tickets import (
    EVENT_OF_ACTION,
    STATUS_WORDS,
    STATUSES,
    TRANSITIONS,
    next_status,
    printed_action,
)

ACTIONS = sorted({action for _, action in TRANSITIONS} | {"issue", "explode"})


@pytest.mark.parametrize(
    "current, action, expected",
    [pytest.param(current, action, after, id=f"{current}-{action}") for (current, action), after in TRANSITIONS.items()],
)
def test_every_allowed_transition(current, action, expected):
    assert next_status(current, action) == expected


@pytest.mark.parametrize(
    "current, action, expected",
    [
        ("printing", "printed", "waiting"),
        ("printing", "print_failed", "cancelled"),
        ("printing", "expire", "cancelled"),
        ("cancelled", "late_printed", "waiting"),
        ("waiting", "call", "called"),
        ("called", "recall", "called"),
        ("called", "start", "serving"),
        ("serving", "done", "done"),
        ("called", "no_show", "no_show"),
        ("no_show", "requeue", "waiting"),
        ("serving", "transfer", "waiting"),
        ("serving", "hold", "held"),
        ("held", "call", "called"),
    ],
)
def test_the_documented_life_of_a_ticket(current, action, expected):
    """The diagram in DESIGN.md, written out, so a change to TRANSITIONS is a visible choice."""
    assert TRANSITIONS[(current, action)] == expected


@pytest.mark.parametrize(
    "current, action",
    [
        ("done", "call"),
        ("waiting", "start"),
        ("printing", "call"),
        ("no_show", "done"),
        ("cancelled", "call"),
        ("cancelled", "printed"),  # a failed print stays cancelled
        ("waiting", "done"),
        ("waiting", "no_show"),
        ("waiting", "recall"),
        ("serving", "recall"),
        ("serving", "start"),
        ("serving", "no_show"),
        ("called", "call"),
        ("done", "requeue"),
        ("done", "transfer"),
        ("held", "done"),
        ("printing", "transfer"),
        ("waiting", "printed"),
        ("unknown-status", "call"),
        ("waiting", "explode"),
    ],
)
def test_forbidden_transitions_are_a_conflict(current, action):
    with pytest.raises(Conflict) as refused:
        next_status(current, action)
    error = refused.value
    assert error.code == "invalid_transition" and error.status == 409
    assert error.details == {"status": current, "action": action}
    assert error.message and STATUS_WORDS.get(current, current) in error.message


@pytest.mark.parametrize(
    "current, action",
    [(s, a) for s in STATUSES for a in ACTIONS if (s, a) not in TRANSITIONS],
)
def test_every_pair_not_in_the_table_is_refused(current, action):
    with pytest.raises(Conflict, match="tidak dapat"):
        next_status(current, action)


@pytest.mark.parametrize(
    "status, cancel_reason, action",
    [
        ("printing", None, "printed"),
        ("cancelled", "print_timeout", "late_printed"),  # the citizen does hold the paper
        ("cancelled", "print_failed: paper out", "printed"),  # ... and is then refused
        ("waiting", None, "printed"),
    ],
)
def test_printed_action(status, cancel_reason, action):
    assert printed_action(status, cancel_reason) == action


def test_a_late_confirmation_after_a_failed_print_is_refused():
    with pytest.raises(Conflict):
        next_status("cancelled", printed_action("cancelled", "print_failed: paper out"))
    assert next_status("cancelled", printed_action("cancelled", "print_timeout")) == "waiting"


def test_every_action_writes_an_event_and_every_status_has_words():
    assert {action for _, action in TRANSITIONS} <= set(EVENT_OF_ACTION)
    assert all(name.startswith("ticket.") for name in EVENT_OF_ACTION.values())
    assert set(STATUS_WORDS) == set(STATUSES)
    assert set(TRANSITIONS.values()) <= set(STATUSES)
    assert {current for current, _ in TRANSITIONS} <= set(STATUSES)
