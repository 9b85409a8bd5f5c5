"""Officers log in with username and PIN; devices report they are alive."""

from flask import current_app, jsonify, request
from flask_openapi3 import APIBlueprint, Tag

from ..flows import auth, devices
from . import roles, DEVICES, OFFICERS, conn, ctx, require
from .schemas import ErrorResponse, Heartbeat, Login

bp = APIBlueprint("auth", __name__, url_prefix="/api", abp_tags=[Tag(name="auth")])


@bp.post("/auth/login", summary="Log in with username and PIN; returns an officer token",
         responses={401: ErrorResponse, 409: ErrorResponse})
def login(body: Login):
    guard = current_app.extensions["mpp.login_guard"]
    return jsonify(auth.login(ctx(), conn(), guard, body.username, body.pin, request.remote_addr))


@bp.post("/auth/logout", summary="The officer token stops working", security=[{"bearer": []}],
         responses={401: ErrorResponse, 403: ErrorResponse})
@roles(*OFFICERS)
def logout():
    auth.logout(ctx(), require(*OFFICERS), request.remote_addr)
    return jsonify({"status": "logged_out"})


@bp.post("/devices/heartbeat",
         summary="A device is alive; it reports its version and last error, a kiosk its printer's health",
         description="Event `device.printer` when the printer's online or paper state moved.",
         security=[{"bearer": []}], responses={401: ErrorResponse, 403: ErrorResponse})
@roles(*DEVICES)
def heartbeat(body: Heartbeat):
    device = require(*DEVICES)
    # An empty body only says "alive"; any field given replaces the health kept (`last_error: null`: all well).
    now = devices.heartbeat(ctx(), device, body.model_dump(exclude_none=True) if body.model_fields_set else None)
    return jsonify({"status": "ok", "server_time": now, "device": {"id": device.id, "name": device.name,
                                                                   "kind": device.role}})
