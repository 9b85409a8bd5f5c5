"""Which actions a counter allows now: ONE rule gives the counter state's `allowed_actions`
and refuses every other action with its reason, so the list and the answers never disagree.

    counter   current ticket   allowed (its holder or a supervisor)
    closed    —                open
    paused    none             resume, close
    paused    called           resume, close, done, no-show, transfer, hold
    paused    serving          resume, close, done, transfer, hold
    open      none             pause, close, call-next, call
    open      called           pause, close, call-next, call, recall, start, done, no-show, transfer, hold
    open      serving          pause, close, call-next, call, done, transfer, hold

An officer at a counter another officer holds may do nothing there (a supervisor may do all
of the above). A held ticket leaves the counter; `call` with its code brings it back. Which
ticket action suits which ticket status is the ticket's rule (tickets.TRANSITIONS); this
module only asks it.
"""

from dataclasses import dataclass
from functools import cache

from .errors import Conflict
from .tickets import ACTIVE_AT_COUNTER, TRANSITIONS, next_status

CLOSED, OPEN, PAUSED = "closed", "open", "paused"

# Every action, by its path name, in the order the list gives them.
ACTIONS = ("open", "close", "pause", "resume", "call-next", "call", "recall", "start", "done", "no-show",
           "transfer", "hold")
TICKET_ACTIONS = ("recall", "start", "done", "no-show", "transfer", "hold")  # on the current ticket
NEEDS_OPEN = ("pause", "call-next", "call", "recall", "start")  # announce or begin: not during a break

# Who asks, as seen from the counter.
HOLDER = "holder"  # the counter's officer, or anyone at a counter nobody holds
OTHER = "other"  # an officer at a counter that another officer holds
SUPERVISOR = "supervisor"  # supervisor or admin: may act on any counter they may see


@dataclass(frozen=True)
class Refusal:
    code: str
    message: str


def refusal(action: str, counter_status: str, ticket_status: str | None, caller: str,
            name: str = "Loket ini") -> Refusal | None:
    """Why `action` is refused now, or None when it is allowed."""
    if action not in ACTIONS:
        raise ValueError(f"unknown counter action {action!r}")
    if caller == OTHER:
        return Refusal("counter_in_use", f"{name} sedang dipakai petugas lain.")
    not_open = Refusal("counter_not_open", f"{name} tutup; buka loket dulu." if counter_status == CLOSED
                       else f"{name} sedang istirahat; lanjutkan dulu.")
    if action == "open":
        if counter_status == OPEN:
            return Refusal("counter_already_open", f"{name} sudah buka.")
        if counter_status == PAUSED:
            return Refusal("counter_paused", f"{name} sedang istirahat; tekan Lanjutkan.")
        return None
    if counter_status == CLOSED:
        if action == "close":
            return Refusal("counter_already_closed", f"{name} sudah tutup.")
        return not_open
    if action == "resume" and counter_status != PAUSED:
        return Refusal("counter_not_paused", f"{name} tidak sedang istirahat.")
    if action in NEEDS_OPEN and counter_status != OPEN:
        return not_open
    if action in TICKET_ACTIONS:
        if ticket_status not in ACTIVE_AT_COUNTER:  # none, or one the day's end already closed
            return Refusal("no_current_ticket", f"{name} tidak sedang melayani tiket.")
        transition = action.replace("-", "_")
        if (ticket_status, transition) not in TRANSITIONS:
            try:
                next_status(ticket_status, transition)  # raises, with the ticket rule's own words
            except Conflict as refused:
                return Refusal(refused.code, refused.message)
    return None


@cache  # a few dozen inputs in all, and every counter view asks: the hot path reads the answer
def allowed_actions(counter_status: str, ticket_status: str | None, caller: str) -> tuple[str, ...]:
    """The actions `refusal` lets through, in ACTIONS order."""
    return tuple(action for action in ACTIONS if refusal(action, counter_status, ticket_status, caller) is None)


def check(action: str, counter_status: str, ticket_status: str | None, caller: str, name: str = "Loket ini") -> None:
    """Raise Conflict (409) with the reason when `action` is refused."""
    refused = refusal(action, counter_status, ticket_status, caller, name)
    if refused is not None:
        raise Conflict(refused.message, code=refused.code, status=counter_status, action=action)
