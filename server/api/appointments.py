"""Appointments: public slots, booking, cancelling and rescheduling (JSON, for the booking page and an MPP's own
website), and the kiosk's check-in."""

import time
from typing import Annotated

from flask import current_app, jsonify, request
from flask_openapi3 import APIBlueprint, Tag
from pydantic import BaseModel, Field, RootModel, StringConstraints

from ..domain.appointments import RateLimit
from ..domain.errors import DomainError
from ..flows import appointments
from . import KIOSK, base_url, conn, ctx, require, roles
from .schemas import Body, CodeText, ErrorResponse, IssuedTicket

public = APIBlueprint("appointments", __name__, url_prefix="/api/appointments", abp_tags=[Tag(name="public")])
kiosk = APIBlueprint("appointments_kiosk", __name__, url_prefix="/api/appointments", abp_tags=[Tag(name="kiosk")],
                     abp_security=[{"bearer": []}], abp_responses={401: ErrorResponse, 403: ErrorResponse})

Text = Annotated[str, StringConstraints(max_length=120)]
PublicId = Annotated[str, StringConstraints(min_length=8, max_length=40, pattern=r"^[A-Za-z0-9_-]+$")]
BOOKING_POSTS = 10  # per address in 10 minutes, unless the app's config says BOOKING_POSTS


class TooMany(DomainError):
    status = 429
    code = "too_many_requests"


def limit_booking_posts() -> None:
    """One address books (or tries to) at most BOOKING_POSTS times in 10 minutes."""
    limiter = current_app.extensions.get("mpp.booking_posts")
    if limiter is None:
        limiter = current_app.extensions["mpp.booking_posts"] = RateLimit(
            int(current_app.config.get("BOOKING_POSTS", BOOKING_POSTS)))
    if not limiter.allow(request.remote_addr or "", time.monotonic()):
        raise TooMany("Terlalu banyak permintaan janji temu dari alamat ini; coba lagi 10 menit lagi.")


class SlotsQuery(BaseModel):
    service: CodeText
    date: Annotated[str, StringConstraints(max_length=10)] = Field(description="YYYY-MM-DD")


class Slot(BaseModel):
    slot: str = Field(description="HH:MM, the slot's start")
    capacity: int
    left: int


class Slots(RootModel[list[Slot]]):
    pass


class NewBooking(Body):
    service: CodeText
    date: Annotated[str, StringConstraints(max_length=10)] = Field(description="YYYY-MM-DD")
    slot: Annotated[str, StringConstraints(max_length=5)] = Field(description="HH:MM, one of the slots offered")
    name: Text
    phone: Annotated[str, StringConstraints(max_length=32)]
    nik: Annotated[str, StringConstraints(max_length=32)] | None = Field(
        None, description="Only (and then required) for a service with asks_nik: 16 digits, a real province and birth "
                          "date")
    request_id: Annotated[str, StringConstraints(min_length=8, max_length=100, pattern=r"^[A-Za-z0-9_.:-]+$")] = \
        Field(description="Chosen by the client; the same request_id again returns the same booking (200)")


class Booking(BaseModel):
    code: str = Field(description="8 letters and digits: typed or scanned (the QR holds it) at the kiosk")
    public_id: str = Field(description="The proof of ownership, for cancelling")
    date: str
    slot: str
    check_in_from: str = Field(description="ISO 8601 with offset")
    check_in_until: str
    qr_url: str = Field(description="A PNG of the QR code (it holds the booking code)")
    status: str = Field(description="booked, cancelled, checked_in or no_show (an extension)")
    service: str
    service_name: str
    agency: str
    agency_name: str
    name: str | None = Field(description="Masked")
    phone: str | None = Field(description="Masked")
    nik: str | None = Field(description="Masked")
    page_url: str = Field(description="The booking's own page (cancel or reschedule from there)")


class CodePath(BaseModel):
    code: Annotated[str, StringConstraints(min_length=1, max_length=20)]


class CancelBody(Body):
    public_id: PublicId


class RescheduleBody(Body):
    public_id: PublicId
    date: Annotated[str, StringConstraints(max_length=10)] = Field(description="YYYY-MM-DD")
    slot: Annotated[str, StringConstraints(max_length=5)] = Field(description="HH:MM, one of the slots offered")


class CheckedInTicket(IssuedTicket):
    appointment: dict = Field(description='{"code", "date", "slot"}')


@public.get("/slots", summary="The slots of a service's day still offered (not past, with room)",
            responses={200: Slots, 404: ErrorResponse, 409: ErrorResponse, 422: ErrorResponse})
def slots(query: SlotsQuery):
    return jsonify(appointments.slots(ctx(), conn(), query.service, query.date))


@public.post("", summary="Book a slot: capacity and the online quota are spent in one write; the same "
             "`request_id` again answers the same booking (200)",
             responses={201: Booking, 200: Booking, 404: ErrorResponse, 409: ErrorResponse, 422: ErrorResponse,
                        429: ErrorResponse})
def book(body: NewBooking):
    limit_booking_posts()
    booking, created = appointments.book(ctx(), body.model_dump(), base_url())
    return jsonify(booking), 201 if created else 200


@public.post("/<code>/cancel", summary="Cancel a booking; its `public_id` is the proof",
             responses={200: Booking, 404: ErrorResponse, 409: ErrorResponse, 422: ErrorResponse})
def cancel(path: CodePath, body: CancelBody):
    return jsonify(appointments.cancel(ctx(), path.code, body.public_id, base_url()))


@public.post("/<code>/reschedule", summary="Move a booking still `booked` to another slot of its service "
             "(an extension); its `public_id` is the proof; the new slot is checked and spent as a new booking's",
             responses={200: Booking, 404: ErrorResponse, 409: ErrorResponse, 422: ErrorResponse,
                        429: ErrorResponse})
def reschedule(path: CodePath, body: RescheduleBody):
    limit_booking_posts()
    return jsonify(appointments.reschedule(ctx(), path.code, body.public_id, body.model_dump(), base_url()))


@kiosk.post("/<code>/check-in", summary="Check in at the kiosk: a ticket (`booked`, status printing) in the "
            "service's queue, to print and confirm as any other",
            responses={201: CheckedInTicket, 404: ErrorResponse, 409: ErrorResponse, 422: ErrorResponse})
@roles(*KIOSK)
def check_in(path: CodePath):
    device = require(*KIOSK)
    return jsonify(appointments.check_in(ctx(), device, path.code, base_url())), 201
