"""What the hall display shows and says, decided without Qt (STYLE 6): a test drives it with a fake view.

The board starts from the snapshot (`GET /api/state?zone=Z`) and applies events in order.
Announcements: every `ticket.called` and `ticket.recalled` is announced (recalls again, in
full), in the order the events came, none dropped; the player queues them and never cuts
one off. An event older than `stale_s` by the *server's* clock is shown but not announced:
after a reconnect the follower replays what was missed, and a call from minutes ago would
send a citizen to a counter that has moved on.

Halls: the board follows every zone of its hall (the snapshot's `hall.zones`) and announces
every call of the hall, but lists only its own zone's counters and queues. The headline shows
a call only while it is current: a done, no-show, transferred or re-queued ticket leaves it at
once (the last calls keep it: they are history).

Running text: the site's own, with the supervisors' messages (`board.message`) of this board's
zone and of the whole building before it, all at once; a message leaves at its `until` (by the
server's clock) or when the server says it ended. The text is shown as plain text, never markup.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime
from typing import Protocol, TypeVar

from mpp_client.clock import is_stale
from mpp_client.texts import text

from .announcement import BadTicketCode, sentence

T = TypeVar("T")
CONNECTION_LOST = text("id", "connection_lost")
CALL_EVENTS = ("ticket.called", "ticket.recalled")
CLEARING_EVENTS = ("ticket.done", "ticket.no_show", "ticket.transferred", "ticket.cancelled", "ticket.waiting")
MESSAGE_GAP = "   •   "  # between the running texts, on the one line of the marquee
# What a counter's row says when it holds no ticket: "—" did not tell idle from closed.
COUNTER_WORDS = {"open": "Siap", "paused": "Istirahat", "closed": "Tutup"}


@dataclass(frozen=True)
class Call:
    code: str
    counter: str  # counter code
    counter_name: str  # as written on the board: "Loket 1"
    spoken_name: str  # as said: "loket satu"
    service: str = ""
    recall: bool = False


@dataclass(frozen=True)
class CounterLine:
    code: str
    name: str
    status: str
    ticket: str | None

    @property
    def shown(self) -> str:
        """The right side of the counter's row: its ticket, else whether it is idle, paused or closed."""
        return self.ticket or COUNTER_WORDS.get(self.status, COUNTER_WORDS["closed"])


@dataclass(frozen=True)
class Announcement:
    text: str
    code: str
    counter: str
    event_id: int | None
    repeat: int = 1


@dataclass(frozen=True)
class Board:
    site_name: str = ""
    hall_name: str = ""  # the hall whose calls this board announces (its title says it)
    running_text: str = ""
    timezone: str = "Asia/Jakarta"
    now_calling: Call | None = None  # the newest call, only while its ticket is at the counter
    highlight: bool = False  # the now-calling panel flashes for a while after a call
    counters: tuple[CounterLine, ...] = ()
    recent: tuple[Call, ...] = ()  # newest first, the now-calling one excluded; finished ones stay
    waiting: tuple[tuple[str, int], ...] = ()  # (agency name, tickets waiting), zone's agencies
    connected: bool = False
    banner: str | None = CONNECTION_LOST
    ready: bool = False  # a snapshot has arrived


def paginate(rows: Sequence[T], per_page: int) -> list[tuple[T, ...]]:
    """`rows` in order, cut into pages of `per_page`: every row is on exactly one page, none is
    dropped. An empty list is one empty page (the panel still says something)."""
    per_page = max(1, per_page)
    return [tuple(rows[i:i + per_page]) for i in range(0, len(rows), per_page)] or [()]


class View(Protocol):
    def show(self, board: Board) -> None: ...


class Announcer(Protocol):
    def announce(self, announcement: Announcement) -> None: ...


@dataclass
class _State:
    counters: dict = field(default_factory=dict)  # code → CounterLine (snapshot order kept)
    queue_agency: dict = field(default_factory=dict)  # queue code → agency code
    agency_names: dict = field(default_factory=dict)
    waiting: dict = field(default_factory=dict)  # queue code → count
    calls: list = field(default_factory=list)  # newest first
    current: set = field(default_factory=set)  # (code, counter) of the calls still at their counter
    messages: dict = field(default_factory=dict)  # id → (text, until) of the supervisors' running texts


class BoardPresenter:
    def __init__(self, view: View, announcer: Announcer, *, server_now: Callable[[], datetime],
                 repeat: int = 1, recent: int = 6, highlight_s: float = 10.0, stale_s: float = 60.0,
                 monotonic: Callable[[], float] = time.monotonic):
        self.view, self.announcer = view, announcer
        self.server_now, self.monotonic = server_now, monotonic
        self.repeat, self.recent_n, self.highlight_s, self.stale_s = max(1, repeat), recent, highlight_s, stale_s
        self.state = _State()
        self.board = Board()
        self.called_at: float | None = None
        self.announced: list[Announcement] = []
        self.zone: str | None = None  # the board's own zone, from the snapshot (None: the whole building)
        self.site_text = ""  # the site's own running text

    # -- what the stream reports --------------------------------------------------------------

    def snapshot(self, state: dict) -> None:
        """The starting point: counters, queues, recent calls. Nothing in it is announced."""
        s = _State()
        for service in state.get("services", []):
            if service.get("agency") and service.get("agency_name"):
                s.agency_names.setdefault(service["agency"], service["agency_name"])
        for queue in state.get("queues", []):
            s.queue_agency[queue["code"]] = queue.get("agency") or queue.get("name") or queue["code"]
            s.waiting[queue["code"]] = int(queue.get("waiting") or 0)
        for counter in state.get("counters", []):
            ticket = counter.get("ticket") or None
            s.counters[counter["code"]] = CounterLine(counter["code"], counter.get("name") or counter["code"],
                                                      counter.get("status", "closed"),
                                                      ticket.get("code") if isinstance(ticket, dict) else ticket)
        for item in state.get("recent_calls", []):  # newest first
            call = self._call_from(item, s)
            if call is not None:
                s.calls.append(call)
                line = s.counters.get(call.counter)
                if line is not None and line.ticket == call.code:
                    s.current.add((call.code, call.counter))
        self.state = s
        self.zone = state.get("zone")
        for message in state.get("messages") or []:
            self._take_message(message)
        site = state.get("site") or {}
        hall = state.get("hall") or {}
        self.called_at = None
        # The site's own text, then the latest IKM when the admin shows it (made by the server).
        self.site_text = MESSAGE_GAP.join(str(t) for t in (site.get("running_text"), site.get("ikm_text")) if t)
        self._drop_expired()
        self._render(site_name=site.get("name", ""), hall_name=hall.get("name") or "",
                     timezone=site.get("timezone", "Asia/Jakarta"), ready=True)

    def event(self, type_: str, data: dict, event_id: int | None = None) -> None:
        s = self.state
        if type_ == "queue.counts":
            s.waiting.update({k: int(v) for k, v in (data.get("queues") or {}).items()})
            self._render()
            return
        if type_ == "board.message":
            message = data.get("message") or {}
            if data.get("ended"):
                s.messages.pop(message.get("id"), None)
            else:
                self._take_message(message)
                self._drop_expired()
            self._render()
            return
        code = data.get("counter")
        line = s.counters.get(code)
        ticket = data.get("ticket") or {}
        if type_ in CALL_EVENTS:
            call = self._call_from(data, s, recall=type_ == "ticket.recalled")
            if call is None:
                return
            if line is not None:  # None: a counter of another zone of the hall, announced, not listed
                s.counters[code] = replace(line, ticket=call.code, status="open")
            s.calls = [c for c in s.calls if (c.code, c.counter) != (call.code, call.counter)]
            s.calls.insert(0, call)
            del s.calls[self.recent_n + 1:]
            # A counter serves one ticket: a new call there ends the previous one's headline.
            s.current = {(c, k) for c, k in s.current if k != call.counter} | {(call.code, call.counter)}
            self.called_at = self.monotonic()
            self._render()
            self._announce(call, data, event_id)
        elif type_ in CLEARING_EVENTS:
            s.current.discard((ticket.get("code"), code))
            if line is not None and line.ticket == ticket.get("code"):
                s.counters[code] = replace(line, ticket=None)
            self._render()
        elif type_.startswith("counter."):
            if type_ == "counter.closed":
                s.current = {(c, k) for c, k in s.current if k != code}
            if line is not None:
                status = {"counter.opened": "open", "counter.resumed": "open", "counter.paused": "paused",
                          "counter.closed": "closed"}.get(type_, line.status)
                s.counters[code] = replace(line, status=status, ticket=None if status == "closed" else line.ticket)
            self._render()

    def status(self, status: str, message: str | None = None) -> None:
        connected = status == "connected"
        banner = None if connected else (message if status == "unauthorized" and message else CONNECTION_LOST)
        self._render(connected=connected, banner=banner)

    def tick(self) -> None:
        """The view's timer: the highlight fades after `highlight_s`; a message leaves at its time."""
        if self._drop_expired() or self.board.highlight != self._highlight():
            self._render()

    # -- helpers -------------------------------------------------------------------------------

    def _announce(self, call: Call, data: dict, event_id: int | None) -> None:
        ts = data.get("ts")
        if ts and is_stale(ts, self.server_now(), self.stale_s):
            return  # replayed after a reconnect: shown, not said
        try:
            text = sentence(call.code, call.spoken_name)
        except BadTicketCode:
            return
        announcement = Announcement(text, call.code, call.counter, event_id, self.repeat)
        self.announced.append(announcement)
        self.announcer.announce(announcement)

    @staticmethod
    def _call_from(item: dict, s: _State, recall: bool = False) -> Call | None:
        ticket = item.get("ticket") if isinstance(item.get("ticket"), dict) else item
        code = ticket.get("code") or (item.get("ticket") if isinstance(item.get("ticket"), str) else None)
        counter = item.get("counter") or ticket.get("counter")
        if not code or not counter:
            return None
        line = s.counters.get(counter)
        name = (item.get("counter_name") or ticket.get("counter_name") or (line.name if line else None) or counter)
        spoken = item.get("counter_spoken_name") or ticket.get("counter_spoken_name") or name
        return Call(code, counter, name, spoken, ticket.get("service_name") or "", recall)

    def _take_message(self, message: dict) -> None:
        """A supervisor's running text, if it is for this board (its zone, or the whole building)."""
        try:
            until = datetime.fromisoformat(message["until"])
            text_, key = str(message["text"]), message["id"]
        except (KeyError, TypeError, ValueError):
            return  # not a message this board can show until an end
        if message.get("zone") in (None, self.zone) or self.zone is None:
            self.state.messages[key] = (text_, until)

    def _drop_expired(self) -> bool:
        """Messages whose time is up leave the board even if the server's word of it is late."""
        now = self.server_now()
        gone = [key for key, (_, until) in self.state.messages.items() if until <= now]
        for key in gone:
            del self.state.messages[key]
        return bool(gone)

    def _running_text(self) -> str:
        texts = [text_ for _, (text_, _) in sorted(self.state.messages.items())]
        return MESSAGE_GAP.join([*texts, *([self.site_text] if self.site_text else [])])

    def _highlight(self) -> bool:
        return self.called_at is not None and self.monotonic() - self.called_at < self.highlight_s

    def _waiting_by_agency(self) -> tuple[tuple[str, int], ...]:
        totals: dict[str, int] = {}
        for queue, agency in self.state.queue_agency.items():
            name = self.state.agency_names.get(agency, agency)
            totals[name] = totals.get(name, 0) + self.state.waiting.get(queue, 0)
        return tuple(totals.items())

    def _render(self, **changes) -> None:
        calls = self.state.calls
        now = calls[0] if calls and (calls[0].code, calls[0].counter) in self.state.current else None
        history = calls[1:] if now is not None else calls
        self.board = replace(self.board, **changes, now_calling=now, running_text=self._running_text(),
                             highlight=self._highlight() and now is not None, recent=tuple(history[:self.recent_n]),
                             counters=tuple(self.state.counters.values()), waiting=self._waiting_by_agency())
        self.view.show(self.board)
