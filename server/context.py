"""What every flow needs: the site, the clock, the connection pool, the event pipeline.

`Work` is one write transaction: the change and its events commit together, and
the events reach the streams only after the commit.
"""

from dataclasses import dataclass, field
from datetime import datetime

from . import storage
from .domain.calling import PriorityRatio
from .domain.estimates import FloorChanges, Memo
from .domain.schedule import Schedule
from .events import Event, EventPipeline
from .site_config import SiteConfig
from .writer import Writer


class Site:
    """The site as the database holds it, indexed for the lookups the flows make on every request.

    Immutable: a change to the site builds a new `Site` (see `load_site`) that replaces this one."""

    def __init__(self, config: SiteConfig, version: int = 0, logos: dict | None = None):
        self.config = config
        self.version = version
        self.logos: dict[str, tuple[str, int]] = logos or {}  # agency → (png|svg, version) of its stored logo
        self.info = config.site
        self.schedule: Schedule = config.schedule()
        self.tz = self.schedule.tz
        self.ratio: PriorityRatio = config.ratio()
        self.agencies = {a.code: a for a in config.agencies}
        self.services = {s.code: s for a in config.agencies for s in a.services}
        self.agency_of_service = {s.code: a for a in config.agencies for s in a.services}
        self.service_schedules = {
            s.code: config.service_schedule(a, s) for a in config.agencies for s in a.services
        }
        self.queues = {q.code: q for q in config.queues}
        self.counters = {c.code: c for c in config.counters}
        self.priority = {p.code: p for p in config.site.priority_categories}
        self.counters_by_queue: dict[str, list[str]] = {q: [] for q in self.queues}
        for counter in config.counters:
            for queue in counter.queues:
                self.counters_by_queue[queue].append(counter.code)
        # A queue no service feeds any more still has the counters that empty it.
        self.queue_zone = {q: c.zone for c in reversed(config.counters) for q in c.queues}
        self.queue_agency = {q: c.agency for c in reversed(config.counters) for q in c.queues}
        self.queue_zone.update({s.queue: self.agency_of_service[s.code].zone for s in self.services.values()})
        self.queue_agency.update({s.queue: self.agency_of_service[s.code].code for s in self.services.values()})
        self.hall = {z.code: z.hall or z.name for z in config.zones}  # the hall whose voice calls a zone
        self.hall_zones = {z: [other for other in self.hall if self.hall[other] == hall]
                           for z, hall in self.hall.items()}

    def local_text(self, moment: datetime) -> str:
        return moment.astimezone(self.tz).isoformat(timespec="milliseconds")

    def service_day(self, moment: datetime) -> str:
        return self.schedule.service_day(moment).isoformat()

    def day_start_text(self, moment: datetime) -> str:
        return f"{self.service_day(moment)}T00:00:00.000"


def load_site(conn) -> Site | None:
    """The site the database holds now, or None before the first `mpp-server init`."""
    stored = storage.load_site(conn)
    return Site(*stored, storage.logo_index(conn)) if stored else None


@dataclass
class Settings:
    public_url: str | None = None  # `mpp-server run --public-url`, over the site's
    printing_timeout_s: float | None = None  # None: the site file's value
    session_hours: float = 16.0
    device_offline_s: float | None = None  # None: domain/devices.py's OFFLINE_AFTER_S
    watch_every_s: float | None = None  # None: flows/devices.py's WATCH_EVERY_S
    backup_dir: str | None = None  # `mpp-server run --backup-dir`: the morning check reads its newest copy


@dataclass
class Context:
    site: Site
    pool: storage.Pool  # read connections, one per request
    writer: "Writer"  # the one write connection, shared by group commit
    events: EventPipeline
    clock: object
    settings: Settings = field(default_factory=Settings)
    estimates: Memo = field(default_factory=Memo)  # replays of the wait estimate (flows/waits.py)
    # Device id → its latest authenticated request; written to the database in batches (flows/devices.py).
    seen: dict = field(default_factory=dict)
    changes: FloorChanges = field(default_factory=FloorChanges)  # when those replays' inputs moved

    def committed(self, events: list) -> None:
        """Every committed batch of events, in order (the writer calls this after each COMMIT)."""
        self.changes.saw(events)
        self.events.publish(events)

    def now(self) -> datetime:
        return self.clock.now()

    @property
    def clock_rate(self) -> float:
        """1 in a real MPP; more in a simulated day, whose clients must run their clocks as fast."""
        return getattr(self.clock, "rate", 1.0)

    @property
    def printing_timeout_s(self) -> float:
        # A kiosk's print takes real seconds, however fast a simulated day's clock runs.
        return (self.settings.printing_timeout_s or self.site.info.printing_timeout_seconds) * self.clock_rate


class Work:
    """`with Work(ctx) as work:` one change and its events, durable when the block ends.

    The events reach the streams only after the commit (see writer.py)."""

    def __init__(self, ctx: Context):
        self.ctx = ctx
        self.events: list[Event] = []

    def __enter__(self) -> "Work":
        self.conn = self.ctx.writer.begin()
        self.moment = self.ctx.now()
        self.now = self.ctx.site.local_text(self.moment)
        self.service_day = self.ctx.site.service_day(self.moment)
        return self

    def __exit__(self, exc_type, exc, tb):
        if exc_type is not None:
            self.ctx.writer.abort()
            return False
        self.ctx.writer.commit(self.events)
        return False

    def audit(self, actor, action: str, target: str | None = None, address: str | None = None,
              **details) -> None:
        """An entry of the audit log, kept or lost with this change. `actor`: the Principal who acts,
        or a name (a console command, an unknown username)."""
        name, role = (actor.name, actor.role) if hasattr(actor, "role") else (actor, None)
        storage.insert_audit(self.conn, self.now, name, role, action, target, details, address)

    def emit(self, type_: str, zone, counter=None, ticket: dict | None = None, to_zone=None, **extra) -> None:
        body = {"ts": self.now, "type": type_, "zone": zone, "counter": counter, "ticket": ticket, **extra}
        if to_zone is not None:
            body["to_zone"] = to_zone
        if counter is not None:
            info = self.ctx.site.counters.get(counter)
            body["counter_name"] = info.name if info else counter
            body["counter_spoken_name"] = (info.spoken_name or info.name) if info else counter
        self.events.append(self.ctx.events.record(self.conn, body))


def ticket_view(site: Site, row) -> dict:
    """A ticket as the API shows it."""
    service = site.services.get(row["service"])
    agency = site.agencies.get(row["agency"])
    counter = site.counters.get(row["counter"]) if row["counter"] else None
    priority = site.priority.get(row["priority"]) if row["priority"] else None
    return {
        "id": row["id"],
        "public_id": row["public_id"],
        "code": row["code"],
        "number": row["number"],
        "queue": row["queue"],
        "service": row["service"],
        "service_name": service.name if service else row["service"],
        "agency": row["agency"],
        "agency_name": agency.name if agency else row["agency"],
        "zone": row["zone"],
        "priority": row["priority"],
        "priority_name": priority.name if priority else None,
        "status": row["status"],
        "service_day": row["service_day"],
        "issued_at": row["issued_at"],
        "printed_at": row["printed_at"],
        "called_at": row["called_at"],
        "started_at": row["started_at"],
        "finished_at": row["finished_at"],
        "counter": row["counter"],
        "counter_name": counter.name if counter else None,
        "counter_spoken_name": (counter.spoken_name or counter.name) if counter else None,
        "recall_count": row["recall_count"],
        "booked": bool(row["booked"]),  # checked in from an appointment: called like a priority ticket
    }
