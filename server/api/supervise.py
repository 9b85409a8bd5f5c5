"""Management: what supervisors and admins do on the floor (a counter's queues today, cancel or
move a waiting ticket, running text on the boards) and the devices' health. Bearer tokens of a
supervisor or admin; a supervisor with an agency acts on that agency only (403 otherwise)."""

from flask import jsonify, request
from flask_openapi3 import APIBlueprint, Tag

from ..flows import broadcasts, devices, readiness, supervise
from . import roles, conn, ctx, require
from .schemas import (
    Broadcast, BroadcastPath, Broadcasts, BroadcastsQuery, CounterPath, CounterQueues, CounterState, Devices,
    ErrorResponse, NewBroadcast, SelfTest, TicketOut, TicketPath, TicketTransfer,
)

SUPERVISORS = ("supervisor", "admin")

bp = APIBlueprint("supervise", __name__, url_prefix="/api", abp_tags=[Tag(name="management")],
                  abp_security=[{"bearer": []}], abp_responses={401: ErrorResponse, 403: ErrorResponse})
ERRORS = {404: ErrorResponse, 409: ErrorResponse, 422: ErrorResponse}


@bp.put("/counters/<counter>/queues", summary="Which queues the counter serves today, in calling order",
        description="For today only: the site's own list holds again tomorrow. Event `counter.updated` "
                    "(`queues`, `configured_queues`). 422 `no_queues`, `unknown_queue` (naming it), "
                    "`duplicate_queue`; 403 `not_your_agency`.",
        responses={200: CounterState, 404: ErrorResponse, 422: ErrorResponse})
@roles(*SUPERVISORS)
def set_counter_queues(path: CounterPath, body: CounterQueues):
    return jsonify(supervise.set_counter_queues(ctx(), require(*SUPERVISORS), path.counter, body.queues,
                                                request.remote_addr))


@bp.post("/tickets/<int:id>/cancel", summary="A waiting ticket is cancelled (its number is never issued again)",
         description="Event `ticket.cancelled` with `reason: \"supervisor\"`. 409 `ticket_not_waiting`; "
                     "404 `unknown_ticket`.",
         responses={200: TicketOut, 404: ErrorResponse, 409: ErrorResponse})
@roles(*SUPERVISORS)
def cancel_ticket(path: TicketPath):
    return jsonify(supervise.cancel_ticket(ctx(), require(*SUPERVISORS), path.id, request.remote_addr))


@bp.post("/tickets/<int:id>/transfer", summary="A waiting ticket joins another service's queue, keeping its code",
         description="Event `ticket.transferred`. 409 `ticket_not_waiting` or `same_service`; "
                     "404 `unknown_ticket` or `unknown_service`.",
         responses={200: TicketOut, **ERRORS})
@roles(*SUPERVISORS)
def transfer_ticket(path: TicketPath, body: TicketTransfer):
    return jsonify(supervise.transfer_ticket(ctx(), require(*SUPERVISORS), path.id, body.service,
                                             request.remote_addr))


@bp.get("/broadcasts", summary="The running texts on the boards now", responses={200: Broadcasts, 422: ErrorResponse})
@roles(*SUPERVISORS)
def list_broadcasts(query: BroadcastsQuery):
    require(*SUPERVISORS)
    return jsonify(broadcasts.active(ctx(), conn(), query.zone))


@bp.post("/broadcasts", summary="Send a running text to the boards of a zone, or of the whole building",
         description="Event `board.message` (`message`, `ended: false`). 422 `empty_text`, `text_too_long`, "
                     "`invalid_until`, `until_in_past`, `unknown_zone`; 403 `not_your_zone`.",
         responses={201: Broadcast, 422: ErrorResponse})
@roles(*SUPERVISORS)
def send_broadcast(body: NewBroadcast):
    message = broadcasts.send(ctx(), require(*SUPERVISORS), body.text, body.zone, body.until, request.remote_addr)
    return jsonify(message), 201


@bp.delete("/broadcasts/<int:id>", summary="Take a running text off the boards now",
           description="Event `board.message` (`message`, `ended: true`, `reason: \"ended\"`). "
                       "404 `unknown_broadcast`; 409 `broadcast_ended`.",
           responses={200: Broadcast, 404: ErrorResponse, 409: ErrorResponse})
@roles(*SUPERVISORS)
def end_broadcast(path: BroadcastPath):
    return jsonify(broadcasts.end(ctx(), require(*SUPERVISORS), path.id, request.remote_addr))


@bp.get("/devices", summary="Every kiosk, board and counter PC: online, last seen, version, printer, last error",
        description="Online: a request of the device within the last 60 s. Events `device.online`, "
                    "`device.offline` (within seconds), `device.printer` (its printer's state moved).",
        responses={200: Devices})
@roles(*SUPERVISORS)
def list_devices():
    require(*SUPERVISORS)
    return jsonify(devices.list_devices(ctx(), conn()))


@bp.get("/selftest", summary="The morning check: what is not ready before opening (devices, printers, day, hours, "
        "counters without officers, services without a counter, QR address, backup, disk)",
        responses={200: SelfTest})
@roles(*SUPERVISORS)
def selftest():
    who = require(*SUPERVISORS)
    return jsonify(readiness.selftest(ctx(), conn(), who.agency if who.role == "supervisor" else None))
