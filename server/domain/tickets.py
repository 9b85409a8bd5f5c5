"""The ticket's life: which action moves a ticket from which status to which.

printing --printed--> waiting --call--> called --start--> serving --done--> done
printing --print_failed/expire--> cancelled; waiting --cancel--> cancelled
called --no_show--> no_show --requeue--> waiting
called/serving/waiting --transfer--> waiting (another queue, same code)
called/serving --hold--> held --call--> called
"""

from .errors import Conflict

PRINTING, WAITING, CALLED, SERVING = "printing", "waiting", "called", "serving"
DONE, NO_SHOW, CANCELLED, HELD = "done", "no_show", "cancelled", "held"
STATUSES = (PRINTING, WAITING, CALLED, SERVING, HELD, DONE, NO_SHOW, CANCELLED)
ACTIVE_AT_COUNTER = (CALLED, SERVING)

TRANSITIONS: dict[tuple[str, str], str] = {
    (PRINTING, "printed"): WAITING,
    (PRINTING, "print_failed"): CANCELLED,
    (PRINTING, "expire"): CANCELLED,
    # A kiosk whose confirmation arrives after the expiry did print the ticket:
    # the citizen holds the paper, so it takes its place again. (A ticket whose
    # kiosk reported a failed print stays cancelled.)
    (CANCELLED, "late_printed"): WAITING,
    (WAITING, "call"): CALLED,
    (HELD, "call"): CALLED,
    (WAITING, "cancel"): CANCELLED,
    (HELD, "cancel"): CANCELLED,
    (CALLED, "recall"): CALLED,
    (CALLED, "start"): SERVING,
    (CALLED, "done"): DONE,
    (SERVING, "done"): DONE,
    (CALLED, "no_show"): NO_SHOW,
    (NO_SHOW, "requeue"): WAITING,
    (CALLED, "requeue"): WAITING,
    (CALLED, "transfer"): WAITING,
    (SERVING, "transfer"): WAITING,
    (WAITING, "transfer"): WAITING,  # a supervisor moves a waiting ticket
    (CALLED, "hold"): HELD,
    (SERVING, "hold"): HELD,
}

# The event each action writes, as named in the API contract.
EVENT_OF_ACTION = {
    "issue": "ticket.issued",
    "printed": "ticket.waiting",
    "late_printed": "ticket.waiting",
    "print_failed": "ticket.cancelled",
    "expire": "ticket.cancelled",
    "cancel": "ticket.cancelled",
    "call": "ticket.called",
    "recall": "ticket.recalled",
    "start": "ticket.started",
    "done": "ticket.done",
    "no_show": "ticket.no_show",
    "requeue": "ticket.waiting",
    "transfer": "ticket.transferred",
    "hold": "ticket.held",
}

# What happens to a ticket still open when its service day is over.
END_OF_DAY_ACTION = {PRINTING: "expire", WAITING: "cancel", HELD: "cancel", CALLED: "no_show", SERVING: "done"}

STATUS_WORDS = {
    PRINTING: "sedang dicetak",
    WAITING: "menunggu",
    CALLED: "dipanggil",
    SERVING: "sedang dilayani",
    HELD: "ditunda",
    DONE: "selesai",
    NO_SHOW: "tidak hadir",
    CANCELLED: "dibatalkan",
}


def printed_action(status: str, cancel_reason: str | None) -> str:
    """The action a kiosk's confirmation means for a ticket in `status`."""
    return "late_printed" if status == CANCELLED and cancel_reason == "print_timeout" else "printed"


def transfer_changes(ticket, service: str, queue: str, agency: str, zone: str, now: str) -> dict:
    """What changes when a ticket (called, served or waiting) joins another service's queue: it
    keeps its code and its place in time (it queues from when it was issued), and leaves any counter.
    A ticket that was at a counter waits again from `now` (`rejoined_at`); a waiting one waits on."""
    if service == ticket["service"]:
        raise Conflict("Tiket sudah berada di layanan itu.", code="same_service")
    next_status(ticket["status"], "transfer")
    changes = {"status": WAITING, "service": service, "queue": queue, "agency": agency, "zone": zone,
               "counter": None, "officer_id": None, "called_at": None, "started_at": None,
               "queued_at": ticket["issued_at"], "transfer_count": ticket["transfer_count"] + 1}
    if ticket["status"] != WAITING:
        changes["rejoined_at"] = now
    return changes


def next_status(current: str, action: str) -> str:
    """The status after `action`, or Conflict when the rules do not allow it."""
    try:
        return TRANSITIONS[(current, action)]
    except KeyError:
        raise Conflict(
            f"Tiket berstatus '{STATUS_WORDS.get(current, current)}' tidak dapat di-{action.replace('_', ' ')}.",
            code="invalid_transition",
            status=current,
            action=action,
        ) from None
