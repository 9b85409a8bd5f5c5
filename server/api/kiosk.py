"""Kiosk: the catalog, issuing a ticket, two-phase printing; and the public status."""

from flask import jsonify
from flask_openapi3 import APIBlueprint, Tag

from ..events import Filter
from ..flows import skm, tickets
from . import roles, KIOSK, base_url, conn, ctx, event_stream, require
from .schemas import ErrorResponse, IssuedTicket, IssueTicket, PrintFailed, PublicPath, PublicStatus, TicketPath

bp = APIBlueprint("kiosk", __name__, url_prefix="/api", abp_tags=[Tag(name="kiosk")],
                  abp_security=[{"bearer": []}], abp_responses={401: ErrorResponse, 403: ErrorResponse})


@bp.get("/kiosk/catalog", summary="Agencies and services with availability, waiting counts and wait estimates; "
        "`site_version` moves whenever the site changes (event `site.changed`)",
        description="Each service's `est_wait_min` is the wait of a normal ticket taken now, "
                    "`est_wait_min_priority` (an extension) that of a priority one. Each agency's `logo_url` "
                    "(an extension) is the address of its logo (`/media/agency/CODE.png|svg?v=N`, relative "
                    "to the server), or null: the tile then shows its name.")
@roles(*KIOSK)
def catalog():
    require(*KIOSK)
    return jsonify(tickets.catalog(ctx(), conn()))


@bp.post("/tickets", summary="Reserve a number (status printing); the kiosk then prints and confirms",
         responses={201: IssuedTicket, 200: IssuedTicket, 404: ErrorResponse, 409: ErrorResponse})
@roles(*KIOSK)
def issue(body: IssueTicket):
    device = require(*KIOSK)
    ticket, created = tickets.issue_ticket(ctx(), device, body.service, body.priority, body.request_id,
                                           base_url(), nik=body.nik, phone=body.phone)
    return jsonify(ticket), 201 if created else 200


@bp.post("/tickets/<int:id>/printed", summary="The ticket is printed: it joins the queue",
         responses={200: IssuedTicket, 404: ErrorResponse, 409: ErrorResponse})
@roles(*KIOSK)
def printed(path: TicketPath):
    require(*KIOSK)
    return jsonify(tickets.confirm_printed(ctx(), path.id, base_url()))


@bp.post("/tickets/<int:id>/print-failed", summary="Printing failed: the ticket is cancelled, its number never reused",
         responses={200: IssuedTicket, 404: ErrorResponse, 409: ErrorResponse})
@roles(*KIOSK)
def print_failed(path: TicketPath, body: PrintFailed):
    require(*KIOSK)
    return jsonify(tickets.report_print_failed(ctx(), path.id, body.reason, base_url()))


public = APIBlueprint("public", __name__, url_prefix="/api", abp_tags=[Tag(name="public")])


@public.get("/tickets/public/<public_id>", summary="A ticket's status for its QR page (no personal data)",
            responses={200: PublicStatus, 404: ErrorResponse, 422: ErrorResponse})
def public_status(path: PublicPath):
    answer = tickets.public_status(ctx(), conn(), path.public_id, base_url())
    answer["skm"] = skm.ticket_state(ctx(), conn(), path.public_id)  # the page turns into the survey
    response = jsonify(answer)
    response.headers["Cache-Control"] = "no-store"
    return response


@public.get("/tickets/public/<public_id>/events",
            summary="Server-Sent Events for a ticket's status page: that its status or its queue changed "
                    "(the event type and whether it is this ticket; never another ticket's data)",
            responses={404: ErrorResponse, 422: ErrorResponse})
def public_events(path: PublicPath):
    return event_stream(Filter.citizen(path.public_id, tickets.public_ticket(conn(), path.public_id)["queue"]))
