"""Request and response models: they validate input and document the API (OpenAPI)."""

from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, StringConstraints

ShortText = Annotated[str, StringConstraints(min_length=1, max_length=64, strip_whitespace=True)]
CodeText = Annotated[str, StringConstraints(min_length=1, max_length=32, strip_whitespace=True)]


class Body(BaseModel):
    # Unknown fields are ignored (newer clients), but known ones are strictly typed.
    model_config = ConfigDict(extra="ignore", strict=True)


class IssueTicket(Body):
    service: CodeText = Field(description="Service code from the catalog")
    priority: CodeText | None = Field(None, description="A priority category code from the catalog, or null")
    request_id: Annotated[str, StringConstraints(min_length=8, max_length=100, pattern=r"^[A-Za-z0-9_.:-]+$")] = Field(
        description="Chosen by the kiosk (e.g. a UUID); the same request_id again returns the same ticket"
    )
    nik: Annotated[str, StringConstraints(max_length=32)] | None = Field(
        None, description="Only for services whose catalog entry has asks_nik; never printed or streamed")
    phone: Annotated[str, StringConstraints(max_length=32)] | None = Field(
        None, description="Only for services whose catalog entry has asks_phone; never printed or streamed")


class PrintFailed(Body):
    reason: Annotated[str, StringConstraints(max_length=200)] = Field("unknown", description="What went wrong")


class PrinterHealth(Body):
    online: bool | None = None
    paper: Literal["ok", "low", "out", "unknown"] = "unknown"
    profile: Annotated[str, StringConstraints(max_length=64)] | None = None
    message: Annotated[str, StringConstraints(max_length=200)] | None = None


class Heartbeat(Body):
    printer: PrinterHealth | None = None
    app_version: Annotated[str, StringConstraints(max_length=32)] | None = None


class Login(Body):
    username: ShortText
    pin: Annotated[str, StringConstraints(min_length=1, max_length=64)]


class CallTicket(Body):
    ticket: Annotated[str, StringConstraints(min_length=1, max_length=16, strip_whitespace=True)] = Field(
        description="Ticket code, e.g. A-007"
    )


class Transfer(Body):
    service: CodeText


class TicketPath(BaseModel):
    id: int = Field(ge=1, le=2**62)


class PublicPath(BaseModel):
    public_id: Annotated[str, StringConstraints(min_length=8, max_length=40, pattern=r"^[A-Za-z0-9_-]+$")]


class CounterPath(BaseModel):
    counter: CodeText


class ZoneQuery(BaseModel):
    zone: CodeText | None = None


class EventsQuery(BaseModel):
    zone: CodeText | None = None
    counter: CodeText | None = Field(None, description="Only this counter's events")
    summary: bool = Field(False, description="Queue counts a few times a second instead of every issuance")
    types: str | None = Field(None, max_length=500, description="Only these event types, comma-separated "
                              "(e.g. site.changed for a kiosk)")


class Error(BaseModel):
    code: str
    message: str


class ErrorResponse(BaseModel):
    error: Error


class TicketOut(BaseModel):
    model_config = ConfigDict(extra="allow")
    id: int
    public_id: str
    code: str
    number: int
    queue: str
    service: str
    agency: str
    priority: str | None
    status: str
    service_day: str
    issued_at: str
    counter: str | None = None
    called_at: str | None = None


class IssuedTicket(TicketOut):
    ahead: int
    est_wait_min: int
    status_url: str


class CallResult(BaseModel):
    ticket: TicketOut | None
