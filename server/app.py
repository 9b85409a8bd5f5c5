"""The app factory: configuration from a mapping that tests replace."""

import json
import logging
from importlib import resources
from pathlib import Path

from flask import Request, Response, current_app, jsonify, request
from werkzeug.exceptions import RequestEntityTooLarge
from werkzeug.routing import IntegerConverter
from flask_openapi3 import Info, OpenAPI

from . import __version__, storage
from .api import admin as admin_api
from .api import admin_people as admin_people_api
from .api import appointments as appointments_api
from .api import audit as audit_api
from .api import auth as auth_api
from .api import counters as counters_api
from .api import floor as floor_api
from .api import media as media_api
from .api import check_roles, ctx, errors, kiosk, live, release_connection
from .api import supervise as supervise_api
from .api import reports as reports_api
from .api import skm as skm_api
from .api.errors import MalformedJson
from .context import Context, Settings, load_site
from .domain.clock import Clock
from .flows.auth import LoginGuard
from .events import EventPipeline
from .flows.state import queue_counts
from .web import manage
from .web import booking as booking_pages
from .web import skm as skm_pages
from .writer import Writer

log = logging.getLogger("mpp.server")

MAX_BODY_BYTES = 64 * 1024


class ApiRequest(Request):
    """JSON whatever the Content-Type; an empty body reads as {}; broken JSON is a clear 400."""

    def get_json(self, force=False, silent=False, cache=True):
        data = self.get_data(cache=True)
        if self.max_content_length is not None and len(data) >= self.max_content_length:
            raise RequestEntityTooLarge()  # a chunked body is cut at the limit, not refused
        if not data.strip():
            return {}
        try:
            return super().get_json(force=True, silent=False, cache=cache)
        except RecursionError:
            raise MalformedJson("Isi permintaan bersarang terlalu dalam.") from None

    def on_json_loading_failed(self, e):
        raise MalformedJson("Isi permintaan bukan JSON yang valid.")


class AsciiInteger(IntegerConverter):
    """`<int:id>` with ASCII digits only: Werkzeug's `\\d+` also takes "١" (Arabic-Indic one) as 1."""

    regex = r"[0-9]+"


def refuse_oversized_body() -> None:
    """The body limit holds for every endpoint, also those that never read a body; a view marked
    with `body_limit` (an upload) has its own."""
    view = current_app.view_functions.get(request.endpoint or "")
    limit = getattr(view, "max_body", MAX_BODY_BYTES)
    if limit != MAX_BODY_BYTES:
        request.max_content_length = limit
    if request.content_length is not None and request.content_length > limit:
        raise RequestEntityTooLarge()


ERROR = {"application/json": {"schema": {"$ref": "#/components/schemas/ErrorResponse"}}}
EVENT_STREAM = {"text/event-stream": {"schema": {"type": "string"}}}
CSV = {"text/csv": {"schema": {"type": "string"}}}


def documented_answers(document: dict) -> dict:
    """Every status an operation can answer, as the server answers it (every error is ErrorResponse).

    flask-openapi3 documents what each view declares; the answers that come from the shared edge are
    added here: 413 (a body over 64 KiB, on any operation), 400 `malformed_json` (an operation that
    reads a body), a plain 200 for the views that declare no success model, and the event streams'
    media type."""
    for path, operations in document.get("paths", {}).items():
        for operation in operations.values():
            if not isinstance(operation, dict):
                continue
            responses = operation.setdefault("responses", {})
            if not any(code.startswith("2") for code in responses):
                responses["200"] = {"description": "OK"}
            if path.endswith("/events"):
                responses["200"] = {"description": "Server-Sent Events", "content": EVENT_STREAM}
            if path.endswith(".csv"):
                responses["200"] = {"description": "CSV (UTF-8 with BOM, `;`)", "content": CSV}
            responses["413"] = {"description": "The request body is over " + ("1 MiB" if path.endswith("/logo")
                                                                              else "64 KiB"), "content": ERROR}
            if "requestBody" in operation:
                responses["400"] = {"description": "The body is not JSON", "content": ERROR}
            for code, response in responses.items():
                if code[0] in "45":
                    response["content"] = ERROR
    return document


def create_app(config: dict) -> OpenAPI:
    """`config`: DATABASE (path), and optionally CLOCK, PUBLIC_URL, KEEPALIVE_S, PRINTING_TIMEOUT_S,
    MANAGE_IDLE_MINUTES (a management page's session ends after that long without a request; 30),
    DEVICE_OFFLINE_S, WATCH_EVERY_S, BACKUP_DIR (the nightly backups, for the morning check)."""
    app = OpenAPI(
        __name__,
        info=Info(title="Antrian MPP", version=__version__,
                  description="Queue and kiosk system of a Mal Pelayanan Publik"),
        security_schemes={"bearer": {"type": "http", "scheme": "bearer"}},
        doc_ui=False,
        validation_error_status=422,
        validation_error_callback=errors.validation_error,
        static_folder=None,  # our /static route serves server/web/static
    )
    app.request_class = ApiRequest
    app.url_map.converters["int"] = AsciiInteger
    app.config["MAX_CONTENT_LENGTH"] = MAX_BODY_BYTES
    app.json.ensure_ascii = False
    app.json.sort_keys = False
    app.config.update(config)

    pool = storage.Pool(config["DATABASE"])
    with pool.connection() as connection:
        site = load_site(connection)
        if site is None:
            raise RuntimeError(f"{config['DATABASE']}: no site loaded; run `mpp-server init --db FILE --site FILE`")
    settings = Settings(public_url=config.get("PUBLIC_URL"), printing_timeout_s=config.get("PRINTING_TIMEOUT_S"),
                        device_offline_s=config.get("DEVICE_OFFLINE_S"), watch_every_s=config.get("WATCH_EVERY_S"),
                        backup_dir=config.get("BACKUP_DIR"))

    def now_text() -> str:
        return context.site.local_text(context.now())

    def counts(zones) -> dict:
        with pool.connection() as connection:
            return queue_counts(context, connection, zones)

    events = EventPipeline(pool, now_text, counts, keepalive_s=float(config.get("KEEPALIVE_S", 15.0)))
    writer = Writer(config["DATABASE"], lambda batch: context.committed(batch))
    context = Context(site, pool, writer, events, config.get("CLOCK") or Clock(), settings)
    app.extensions["mpp"] = context
    app.extensions["mpp.login_guard"] = LoginGuard()

    errors.register(app)
    app.before_request(refuse_oversized_body)
    app.before_request(check_roles)
    app.teardown_appcontext(release_connection)
    app.register_api(kiosk.bp)
    app.register_api(kiosk.public)
    app.register_api(counters_api.bp)
    app.register_api(auth_api.bp)
    app.register_api(live.bp)
    app.register_api(floor_api.bp)
    app.register_api(audit_api.bp)
    app.register_api(admin_api.bp)
    app.register_api(admin_people_api.bp)
    app.register_blueprint(media_api.bp)  # /media/…: plain Flask (not JSON, not in the OpenAPI document)
    manage.register(app)  # the management pages, /manage/
    app.register_blueprint(skm_pages.bp)  # the survey's pages for citizens
    app.register_blueprint(booking_pages.bp)  # the public booking page, /booking
    app.register_api(supervise_api.bp)
    app.register_api(reports_api.bp)
    app.register_api(skm_api.public)
    app.register_api(skm_api.bp)
    app.register_api(appointments_api.public)
    app.register_api(appointments_api.kiosk)

    @app.get("/api/health")
    def health():
        context = ctx()
        moment = context.now()
        return jsonify({
            "status": "ok",
            "version": __version__,
            "site": context.site.info.name,
            "now": context.site.local_text(moment),
            "clock_rate": context.clock_rate,
            "service_day": context.site.service_day(moment),
            "generation": context.events.generation,
            "last_event_id": context.events.last_id,
            "streams": context.events.streams,
        })

    @app.get("/api/openapi.json")
    def openapi():
        return Response(json.dumps(documented_answers(app.api_doc), ensure_ascii=False), mimetype="application/json")

    @app.route("/t/<public_id>")  # plain Flask routes: flask-openapi3 wrappers drop path args
    def status_page(public_id):
        return skm_pages.status_page(public_id)  # a served ticket's page is its survey while open

    @app.route("/static/<path:name>")
    def static_file(name):
        folder = Path(resources.files("server.web")) / "static"
        target = (folder / name).resolve()
        if not target.is_file() or folder.resolve() not in target.parents:
            return errors.error_response(404, "not_found", "Berkas tidak ada.")
        types = {".js": "text/javascript", ".css": "text/css", ".svg": "image/svg+xml", ".png": "image/png",
                 ".map": "application/json", ".txt": "text/plain", ".md": "text/markdown"}
        return Response(target.read_bytes(), mimetype=types.get(target.suffix, "application/octet-stream"),
                        headers={"Cache-Control": "no-cache"})

    return app
