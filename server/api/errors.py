"""Every failure leaves as JSON: {"error": {"code", "message"}}, never a traceback."""

import logging

from flask import jsonify
from pydantic import ValidationError
from werkzeug.exceptions import HTTPException

from ..domain.errors import DomainError

log = logging.getLogger("mpp.api")

HTTP_CODES = {
    400: ("bad_request", "Permintaan tidak dapat dibaca."),
    404: ("not_found", "Alamat ini tidak ada."),
    405: ("method_not_allowed", "Metode HTTP ini tidak didukung di alamat ini."),
    413: ("payload_too_large", "Isi permintaan terlalu besar."),
    415: ("unsupported_media_type", "Kirim JSON (Content-Type: application/json)."),
}


class MalformedJson(DomainError):
    status = 400
    code = "malformed_json"


def error_response(http_status: int, code: str, message: str, details: dict | None = None, **extra):
    body = {"error": {"code": code, "message": message, **extra}}
    if details:
        body["error"]["details"] = details
    response = jsonify(body)
    response.status_code = http_status
    return response


def validation_error(exc: ValidationError):
    problems, fields = [], {}
    for error in exc.errors():
        where = ".".join(str(p) for p in error["loc"]) or "body"
        problems.append(f"{where}: {error['msg']}")
        fields.setdefault(where, error["msg"])
    # `fields` (an extension): each field's problem, as the administration's 422s name them.
    return error_response(422, "validation_error", "Isian tidak valid: " + "; ".join(problems[:5]), fields=fields)


def register(app) -> None:
    @app.errorhandler(DomainError)
    def _domain(exc: DomainError):
        return error_response(exc.status, exc.code, exc.message, exc.details, **getattr(exc, "extra", {}))

    @app.errorhandler(HTTPException)
    def _http(exc: HTTPException):
        if exc.response is not None and exc.response.is_json:  # already ours (validation)
            return exc.response
        code, message = HTTP_CODES.get(exc.code, (exc.name.lower().replace(" ", "_"), exc.description))
        return error_response(exc.code or 500, code, message)

    @app.errorhandler(Exception)
    def _unexpected(exc: Exception):
        log.exception("unexpected error")
        return error_response(500, "internal_error", "Terjadi kesalahan di server; kejadian ini sudah dicatat.")
