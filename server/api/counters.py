"""Counter: what an officer does at a counter (loket). Every action answers the ticket it moved
and the counter's new state; one the counter does not allow now answers 409 with the reason.
An `Idempotency-Key` header makes a retry after a lost answer safe: the same answer, nothing twice."""

from flask import jsonify, request
from flask_openapi3 import APIBlueprint, Tag

from ..domain.errors import Invalid
from ..flows import counters
from . import roles, OFFICERS, conn, ctx, require
from .schemas import CallTicket, CounterAnswer, CounterPath, CounterState, ErrorResponse, Transfer

bp = APIBlueprint("counters", __name__, url_prefix="/api/counters", abp_tags=[Tag(name="counter")],
                  abp_security=[{"bearer": []}],
                  abp_responses={401: ErrorResponse, 403: ErrorResponse, 404: ErrorResponse})
# 409: not in the counter's allowed_actions, with a code naming why; 422: a bad body or Idempotency-Key.
ANSWERS = {200: CounterAnswer, 409: ErrorResponse, 422: ErrorResponse}
IDEMPOTENCY = ("Optional header Idempotency-Key (8-100 printable ASCII characters): the same key from the same "
               "officer within the service day answers the first answer again and acts once.")


def idempotency_key() -> str | None:
    key = request.headers.get("Idempotency-Key")
    if key is None:
        return None
    if not (8 <= len(key) <= 100 and key.isascii() and key.isprintable()):
        raise Invalid("Idempotency-Key harus 8–100 karakter ASCII yang dapat dicetak.",
                      code="invalid_idempotency_key")
    return key


def act(code: str, action: str, **args):
    return jsonify(counters.act(ctx(), code, require(*OFFICERS), action, idempotency_key(),
                                address=request.remote_addr, **args))


@bp.get("/<counter>", summary="The counter's status, officer, current ticket, queues and allowed actions",
        responses={200: CounterState})
@roles(*OFFICERS)
def get_counter(path: CounterPath):
    return jsonify(counters.get_counter(ctx(), conn(), path.counter, require(*OFFICERS)))


def _route(action: str, summary: str, name: str):
    @roles(*OFFICERS)
    def view(path: CounterPath):
        return act(path.counter, action)

    view.__name__ = name
    bp.post(f"/<counter>/{action}", summary=summary, description=IDEMPOTENCY, responses=ANSWERS)(view)


for _action in ("open", "close", "pause", "resume"):
    _route(_action, f"{_action.capitalize()} the counter", f"{_action}_counter")
_route("call-next", "Complete the current ticket, then call the next by the calling rules", "call_next")
_route("recall", "Announce the current ticket again", "recall_ticket")
_route("start", "The current ticket is being served", "start_ticket")
_route("done", "The current ticket is done", "done_ticket")
_route("no-show", "The called citizen did not come", "no_show_ticket")
_route("hold", "Park the current ticket; call it again later by its code", "hold_ticket")


@bp.post("/<counter>/call", summary="Call one waiting ticket out of turn", description=IDEMPOTENCY,
         responses=ANSWERS)
@roles(*OFFICERS)
def call(path: CounterPath, body: CallTicket):
    return act(path.counter, "call", ticket=body.ticket)


@bp.post("/<counter>/transfer", summary="The current ticket joins another service's queue, keeping its code",
         description=IDEMPOTENCY, responses=ANSWERS)
@roles(*OFFICERS)
def transfer(path: CounterPath, body: Transfer):
    return act(path.counter, "transfer", service=body.service)
