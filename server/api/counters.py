"""Counter: what an officer does at a counter (loket). Every action answers the ticket it moved
and the counter's new state; one the counter does not allow now answers 409 with the reason."""

from flask import jsonify
from flask_openapi3 import APIBlueprint, Tag

from ..flows import counters
from . import roles, OFFICERS, conn, ctx, require
from .schemas import CallTicket, CounterAnswer, CounterPath, CounterState, ErrorResponse, Transfer

bp = APIBlueprint("counters", __name__, url_prefix="/api/counters", abp_tags=[Tag(name="counter")],
                  abp_security=[{"bearer": []}],
                  abp_responses={401: ErrorResponse, 403: ErrorResponse, 404: ErrorResponse})
REFUSED = {409: ErrorResponse}  # not in the counter's allowed_actions, with a code naming why


@bp.get("/<counter>", summary="The counter's status, officer, current ticket, queues and allowed actions",
        responses={200: CounterState})
@roles(*OFFICERS)
def get_counter(path: CounterPath):
    return jsonify(counters.get_counter(ctx(), conn(), path.counter, require(*OFFICERS)))


def _status_route(action: str):
    @roles(*OFFICERS)
    def view(path: CounterPath):
        return jsonify(counters.set_status(ctx(), path.counter, require(*OFFICERS), action))

    view.__name__ = f"{action}_counter"
    bp.post(f"/<counter>/{action}", summary=f"{action.capitalize()} the counter",
            responses={200: CounterAnswer, **REFUSED})(view)


for _action in ("open", "close", "pause", "resume"):
    _status_route(_action)


@bp.post("/<counter>/call-next", summary="Complete the current ticket, then call the next by the calling rules",
         responses={200: CounterAnswer, **REFUSED})
@roles(*OFFICERS)
def call_next(path: CounterPath):
    return jsonify(counters.call_next(ctx(), path.counter, require(*OFFICERS)))


@bp.post("/<counter>/call", summary="Call one waiting ticket out of turn", responses={200: CounterAnswer, **REFUSED})
@roles(*OFFICERS)
def call(path: CounterPath, body: CallTicket):
    return jsonify(counters.call_ticket(ctx(), path.counter, require(*OFFICERS), body.ticket))


def _ticket_route(action: str, summary: str):
    @roles(*OFFICERS)
    def view(path: CounterPath):
        return jsonify(counters.act_on_current(ctx(), path.counter, require(*OFFICERS), action))

    view.__name__ = f"{action.replace('-', '_')}_ticket"
    bp.post(f"/<counter>/{action}", summary=summary, responses={200: CounterAnswer, **REFUSED})(view)


_ticket_route("recall", "Announce the current ticket again")
_ticket_route("start", "The current ticket is being served")
_ticket_route("done", "The current ticket is done")
_ticket_route("no-show", "The called citizen did not come")
_ticket_route("hold", "Park the current ticket; call it again later by its code")


@bp.post("/<counter>/transfer", summary="The current ticket joins another service's queue, keeping its code",
         responses={200: CounterAnswer, **REFUSED})
@roles(*OFFICERS)
def transfer(path: CounterPath, body: Transfer):
    return jsonify(counters.transfer(ctx(), path.counter, require(*OFFICERS), body.service))
