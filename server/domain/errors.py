"""Errors the rules raise; the HTTP layer, the CLI and the apps translate them."""


class DomainError(Exception):
    """A request the rules refuse. `code` is stable, `message` is for a person."""

    status = 409
    code = "conflict"

    def __init__(self, message: str, code: str | None = None, **details):
        super().__init__(message)
        self.message = message
        if code:
            self.code = code
        self.details = {key: value for key, value in details.items() if value is not None}


class NotFound(DomainError):
    status = 404
    code = "not_found"


class Conflict(DomainError):
    status = 409
    code = "conflict"


class Invalid(DomainError):
    status = 422
    code = "invalid"


class Forbidden(DomainError):
    status = 403
    code = "forbidden"


class Unauthorized(DomainError):
    status = 401
    code = "unauthorized"
