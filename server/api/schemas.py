"""Request and response models: they validate input and document the API (OpenAPI)."""

from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, RootModel, StringConstraints

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
    version: Annotated[str, StringConstraints(max_length=32)] | None = Field(
        None, description="The app's version, shown on the device page")
    app_version: Annotated[str, StringConstraints(max_length=32)] | None = Field(
        None, description="Older name of `version`")
    last_error: Annotated[str, StringConstraints(max_length=500)] | None = Field(
        None, description="The device's latest trouble in a sentence, or null when all is well")


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


class StateQuery(BaseModel):
    zone: CodeText | None = None
    counter: CodeText | None = Field(None, description="Only this counter and the queues it serves")


class EventsQuery(BaseModel):
    zone: Annotated[str, StringConstraints(max_length=200, pattern=r"^[A-Za-z0-9_.-]{1,32}(,[A-Za-z0-9_.-]{1,32})*$")] \
        | None = Field(None, description="One zone, or the zones of a hall, comma-separated")
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
    booked: bool = Field(False, description="Checked in from an appointment: called like a priority ticket, "
                                            "outside the walk-in quota (an extension)")


class IssuedTicket(TicketOut):
    ahead: int
    est_wait_min: int
    status_url: str


class SurveyState(BaseModel):
    open: bool = Field(description="Served, not answered yet, within 7 days")
    answered: bool
    until: str | None = Field(description="Answers close then (ISO 8601 with offset)")


class PublicStatus(BaseModel):
    """A ticket as its status page (the QR code) shows it: no personal data."""

    code: str
    status: str
    service: str
    service_name: str
    agency: str
    agency_name: str
    zone: str
    priority: str | None
    priority_name: str | None
    service_day: str
    issued_at: str
    called_at: str | None
    finished_at: str | None
    counter: str | None
    counter_name: str | None
    ahead: int
    est_wait_min: int
    recall_count: int
    site_name: str = Field(description="The MPP's name, for the page's header")
    now: str = Field(description="The server's time (ISO 8601 with offset): the page says when it was updated by it")
    skm: SurveyState | None = Field(None, description="The satisfaction survey of a served ticket: the page "
                                                      "(/t/{public_id}) is the survey while `open`")


CounterAction = Literal["open", "close", "pause", "resume", "call-next", "call", "recall", "start", "done",
                        "no-show", "transfer", "hold"]


class QueueState(BaseModel):
    model_config = ConfigDict(extra="allow")
    code: str
    prefix: str
    name: str
    waiting: int
    est_wait_min: int = Field(description="The server's estimate for a ticket joining this queue now")


class OfficerRef(BaseModel):
    id: int
    username: str


class CounterState(BaseModel):
    model_config = ConfigDict(extra="allow")
    code: str
    name: str
    agency: str
    zone: str
    status: Literal["closed", "open", "paused"]
    officer: OfficerRef | None
    ticket: TicketOut | None = Field(description="The ticket called or served at the counter now")
    queues: list[QueueState]
    allowed_actions: list[CounterAction] = Field(
        description="What the caller may do now, by path name; any other action answers 409")
    last_event_id: int = Field(description="The state includes every event up to this id")


class CounterAnswer(BaseModel):
    """Every counter action's answer. An action not in the counter's allowed_actions answers 409 instead,
    with a code naming why: counter_in_use, counter_not_open, counter_already_open, counter_paused,
    counter_not_paused, counter_already_closed, no_current_ticket or invalid_transition."""

    ticket: TicketOut | None = Field(description="The ticket the action moved, or null")
    counter: CounterState = Field(description="The counter after the action")


# ---------------------------------------------------------------- the floor (GET /api/floor)


class FloorQuery(BaseModel):
    zone: CodeText | None = Field(None, description="Only this zone's agencies, counters and queues")


class FloorKpi(BaseModel):
    waiting: int = Field(description="Tickets waiting now")
    longest_wait_min: int | None = Field(description="The longest wait so far of a waiting ticket; null: nobody waits")
    served: int = Field(description="Tickets done today")
    no_show: int = Field(description="Tickets that did not come when called today")
    service_level_pct: float | None = Field(
        description="% of the day's called tickets whose wait (ready to first call) was within their service's "
                    "target_wait_min (default 15); null before the first call")
    called: int = Field(description="Tickets called at least once today (the service level's base)")
    counters_open: int
    counters_paused: int
    counters_idle_with_queue: int = Field(description="Open counters with no ticket while a queue they serve waits")
    officers_signed_in: int = Field(description="Officers with a valid session, and whoever holds an open or "
                                                "paused counter; each once")


class FloorAgency(BaseModel):
    code: str
    name: str
    short_name: str | None
    zone: str
    waiting: int
    longest_wait_min: int | None
    counters_open: int
    service_level_pct: float | None
    over_target: bool = Field(description="A ticket waits longer than its service's target")


class FloorQueueOfCounter(BaseModel):
    code: str
    waiting: int


class FloorCounter(BaseModel):
    code: str
    name: str
    agency: str
    zone: str
    status: Literal["closed", "open", "paused"]
    officer: OfficerRef | None
    ticket: TicketOut | None = Field(description="The ticket called or served at the counter now")
    queues: list[FloorQueueOfCounter]
    since: str | None = Field(description="Since when the current ticket is at the counter; an open counter "
                                          "without one: since it opened or its last ticket ended (the later); "
                                          "else since when it has its status")
    since_min: int | None
    served_today: int
    idle_with_queue: bool
    allowed_actions: list[CounterAction] = Field(description="What a supervisor may do at the counter now")


class FloorTicket(BaseModel):
    code: str
    priority: str | None
    service: str
    waited_min: int = Field(description="Minutes since it joined the queue (again, after a transfer)")
    transferred: bool
    booked: bool = Field(False, description="Checked in from an appointment (an extension)")
    over_target: bool


class FloorQueue(BaseModel):
    code: str
    name: str
    prefix: str
    agency: str | None
    zone: str | None
    waiting: int
    longest_wait_min: int | None
    over_target: bool
    tickets: list[FloorTicket] = Field(description="The longest waiting first, at most 50; no personal data")


class Floor(BaseModel):
    generation: str
    last_event_id: int = Field(description="The figures include every event up to this id")
    service_day: str
    now: str
    zone: str | None
    agency: str | None = Field(description="The agency a supervisor of one agency sees; null: every agency")
    kpi: FloorKpi
    agencies: list[FloorAgency]
    counters: list[FloorCounter]
    queues: list[FloorQueue]


# ---------------------------------------------------------------- management (supervisor and admin)


class CounterQueues(Body):
    queues: list[CodeText] = Field(max_length=50, description="Queue codes in calling order (at least one); "
                                   "for today only: tomorrow the counter serves the site's list again")


class TicketTransfer(Body):
    service: CodeText = Field(description="The service whose queue the waiting ticket joins, keeping its code")


class NewBroadcast(Body):
    text: Annotated[str, StringConstraints(max_length=2000)] = Field(
        description="Plain text, 1-200 characters once stripped (never read as markup)")
    zone: CodeText | None = Field(None, description="The zone whose boards show it; null: every board")
    until: Annotated[str, StringConstraints(max_length=64)] | None = Field(
        None, description="ISO 8601 with offset, in the future; null: until the end of the service day")


class BroadcastPath(BaseModel):
    id: int = Field(ge=1, le=2**62)


class BroadcastsQuery(BaseModel):
    zone: CodeText | None = Field(None, description="Only what a board of this zone shows (its zone's and the "
                                  "building's)")


class Broadcast(BaseModel):
    id: int
    text: str
    zone: str | None
    until: str
    created_at: str
    created_by: str


class Broadcasts(RootModel[list[Broadcast]]):
    pass


class PrinterState(BaseModel):
    model_config = ConfigDict(extra="allow")
    online: bool | None = None
    paper: str | None = None


class Device(BaseModel):
    id: int
    kind: str
    name: str
    zone: str | None
    online: bool = Field(description="A request of this device within the last 60 s")
    last_seen: str | None
    version: str | None
    printer: PrinterState | None
    last_error: str | None
    printer_since: str | None = Field(None, description="Since when the printer is in its reported state")


class Devices(RootModel[list[Device]]):
    pass


class Check(BaseModel):
    key: str = Field(description="`holiday`, `hours`, `zone:Z`, `devices:KIND`, `printers`, `officers`, `services`, "
                                 "`public_url`, `backup`, `disk`")
    title: str
    ok: bool = Field(description="false: needs action before opening")
    reason: str = Field(description="One line in Indonesian")


class SelfTest(BaseModel):
    ready: bool = Field(description="Every check is OK")
    now: str
    service_day: str
    agency: str | None = Field(description="A supervisor's agency: its zone, counters and services only")
    checks: list[Check]
