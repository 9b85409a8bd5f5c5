"""The officer's day at a counter, as plain Python (no Qt): what the screen shows and
which actions it offers; a view draws it and a worker does the network.

login → choose counter → working (closed / open / paused) → logout
The server decides: the buttons are the counter state's `allowed_actions`, the counts
and estimates are its queues' `waiting` and `est_wait_min`, and each action's answer
carries the counter's new state. Every action waits for the server's answer before
another can start; an answer that may have been lost blocks the buttons until the
counter is read again, so nothing is ever done twice.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from typing import Callable, Protocol

from mpp_client.clock import ServerClock
from mpp_client.indonesian import decimal, minutes
from mpp_client.texts import SERVER_MESSAGES as MESSAGES, message_for, text
from mpp_client.tickets import normalise_code

SESSION_ENDED = "Sesi Anda berakhir. Silakan masuk lagi."
MAYBE_APPLIED = "Jawaban server hilang; status loket dibaca ulang. Periksa dulu sebelum melanjutkan."
CONNECTION_LOST = text("id", "connection_lost")

# Actions, their labels and their keys (shown on the buttons; the window binds the same keys).
ACTIONS = {
    "call-next": ("Panggil berikutnya", "F1 · Num +"),
    "recall": ("Panggil ulang", "F2 · Num *"),
    "start": ("Mulai layani", "F3 · Num /"),
    "done": ("Selesai", "F4 · Num -"),
    "no-show": ("Tidak hadir", "F5"),
    "transfer": ("Alihkan layanan", "F6"),
    "call": ("Panggil nomor…", "F7"),
    "pause": ("Istirahat", "F8"),
    "resume": ("Lanjutkan", "F8"),
    "open": ("Buka loket", "F9"),
    "close": ("Tutup loket", "F10"),
}
CONFIRM = {
    "no-show": "Tandai {code} tidak hadir?",
    "close": "Tutup loket {counter} untuk hari ini?",
}


def queue_line(name: str, prefix: str, waiting: int, est_min: int | None) -> str:
    """One queue as a person says it: "Tidak ada yang menunggu", "3 menunggu · sekitar 12 menit"."""
    head = f"{name} ({prefix})" if prefix else name
    if not waiting:
        return f"{head}: Tidak ada yang menunggu"
    wait = f" · sekitar {minutes(est_min)}" if est_min else ""
    return f"{head}: {decimal(waiting)} menunggu{wait}"


def minutes_since(iso: str | None, now: datetime) -> int | None:
    if not iso:
        return None
    return max(0, int((now - datetime.fromisoformat(iso)).total_seconds() // 60))


@dataclass(frozen=True)
class Screen:
    """Everything a view needs to draw the app."""

    stage: str = "login"  # login, choose, working
    username: str = ""
    officer: dict | None = None
    counters: tuple = ()  # the picker's choices: dicts with code, name, status
    selected: str | None = None  # the picker's preselection (the last counter)
    counter: dict | None = None
    enabled: frozenset = frozenset()
    busy: bool = False
    connected: bool = True
    banner: str | None = None
    error: str | None = None
    info: str | None = None
    panel: str | None = None  # None, "confirm", "transfer", "call"
    confirm: str | None = None  # the action awaiting "Enter = ya"
    question: str | None = None
    services: tuple = ()  # (code, name) pairs for the transfer list
    queue_lines: tuple = ()  # (name, prefix, waiting, est_min)
    ticket_lines: dict = field(default_factory=dict)  # code, service, priority, booked, waited, called_ago, recalls
    today: dict = field(default_factory=dict)


class View(Protocol):
    def show(self, screen: Screen) -> None: ...


class Worker(Protocol):
    def login(self, username: str, pin: str) -> None: ...
    def logout(self) -> None: ...
    def load_counters(self) -> None: ...
    def select_counter(self, code: str) -> None: ...
    def act(self, code: str, action: str) -> None: ...
    def call_ticket(self, code: str, ticket: str) -> None: ...
    def transfer(self, code: str, service: str) -> None: ...
    def refresh(self, code: str) -> None: ...
    def refresh_counts(self, code: str) -> None: ...  # a re-read for moved counts, at most twice a second


class CounterPresenter:
    def __init__(self, view: View, worker: Worker, last_counter: str | None = None,
                 remember: Callable[[str], None] | None = None, now: Callable[[], datetime] | None = None,
                 username: str = ""):
        self.view, self.worker = view, worker
        self.last_counter = last_counter
        self.remember = remember or (lambda code: None)
        self.clock = ServerClock(now or (lambda: datetime.now(UTC)))  # the server's, measured from its answers
        self.screen = Screen(username=username)
        self.busy = False
        self.stale = False  # an answer may have been lost: no action until the counter is read again
        self.connected = True
        self.counter: dict | None = None
        self.counters: list[dict] = []
        self.services: dict[str, str] = {}
        self.pending: str | None = None  # the action sent and not yet answered
        self.unseen_event = 0  # the newest event of our counter that came while an action was in flight
        self.unseen_counts: dict | None = None  # queue counts that came meanwhile
        self.sent_at: dict[str, float] = {}

    # ------------------------------------------------------------ what the officer does

    def start(self) -> None:
        self._render()

    def login(self, username: str, pin: str) -> None:
        if self.screen.stage != "login" or self.busy:
            return
        if not username.strip() or not pin:
            self._render(error="Isi nama pengguna dan PIN.")
            return
        self.busy = True
        self._render(username=username.strip(), error=None, info="Masuk…")
        self.worker.login(username.strip(), pin)

    def choose_counter(self, code: str) -> None:
        if self.screen.stage != "choose" or self.busy or not code:
            return
        self.busy = True
        self.stale = True  # nothing to act on until the counter's state arrives
        self.remember(code)
        self.last_counter = code
        self.worker.select_counter(code)
        self._render(info="Membuka data loket…", error=None)

    def change_counter(self) -> None:
        if self.screen.stage == "working" and not self.busy:
            self.counter = None
            self.screen = replace(self.screen, stage="choose")
            self.worker.load_counters()
            self._render(info=None, error=None)

    def logout(self) -> None:
        if self.screen.stage == "login" or self.busy:
            return
        self.counter = None
        self.screen = Screen(username=self.screen.username)
        self.worker.logout()
        self._render(info="Anda sudah keluar.")

    def act(self, action: str) -> None:
        """A button or key: asks to confirm a destructive action, else sends it."""
        if action == "pause-toggle":
            action = "resume" if (self.counter or {}).get("status") == "paused" else "pause"
        if action not in self._enabled():
            return
        if action == "transfer":
            self._render(panel="transfer", confirm=None, error=None, info=None)
        elif action == "call":
            self._render(panel="call", confirm=None, error=None, info=None)
        elif action in CONFIRM:
            ticket = (self.counter or {}).get("ticket") or {}
            question = CONFIRM[action].format(code=ticket.get("code", ""), counter=self.counter.get("name", ""))
            self._render(panel="confirm", confirm=action, question=question, error=None, info=None)
        else:
            self._send(action)

    def confirm(self) -> None:
        action = self.screen.confirm
        if self.screen.panel == "confirm" and action and action in self._enabled():
            self._send(action)

    def cancel(self) -> None:
        if self.screen.panel:
            self._render(panel=None, confirm=None, question=None)

    def transfer_to(self, service: str) -> None:
        if self.screen.panel == "transfer" and service and "transfer" in self._enabled():
            self._begin("transfer")
            self.worker.transfer(self.counter["code"], service)

    def call_code(self, ticket_code: str) -> None:
        ticket_code = normalise_code(ticket_code)
        if self.screen.panel == "call" and ticket_code and "call" in self._enabled():
            self._begin("call")
            self.worker.call_ticket(self.counter["code"], ticket_code)

    def tick(self) -> None:
        """The view's clock: "dipanggil N menit lalu" moves on."""
        if self.screen.stage == "working":
            self._render()

    # ------------------------------------------------------------ what the worker reports

    def logged_in(self, officer: dict) -> None:
        self.busy = False
        self.screen = replace(self.screen, stage="choose", officer=officer)
        self.worker.load_counters()
        self._render(info="Memuat daftar loket…", error=None)

    def counters_loaded(self, state: dict) -> None:
        self._measure_clock(state)
        officer = self.screen.officer or {}
        self.counters = [c for c in state.get("counters", [])
                         if officer.get("role") in ("supervisor", "admin") or c.get("agency") == officer.get("agency")]
        self._learn_services(state)
        if self.screen.stage == "choose":
            codes = [c["code"] for c in self.counters]
            selected = self.last_counter if self.last_counter in codes else (codes[0] if codes else None)
            info = None if codes else "Tidak ada loket untuk instansi Anda."
            self._render(counters=tuple(self.counters), selected=selected, info=info)

    def counter_loaded(self, counter: dict) -> None:
        """The counter's true state (after choosing it, after an action, after a reconnect)."""
        if self.screen.stage == "login":
            return
        self.counter = counter
        self.stale = False
        error = MESSAGES["counter_in_use"] if self._someone_else() else None
        if self.screen.stage == "choose":
            self.busy = False
            self.screen = replace(self.screen, stage="working")
            self._render(info=None, error=error)
        elif error:
            self._render(error=error)
        else:
            self._render()

    def action_done(self, action: str, answer: dict) -> None:
        """The server confirmed an action; its answer has the ticket moved and the counter's new state."""
        self.busy, self.pending = False, None
        if self.counter is None:
            return
        ticket = answer.get("ticket")
        if answer.get("counter"):
            self.counter = answer["counter"]
        info = None
        if action == "call-next" and ticket is None:
            info = MESSAGES["nothing_waiting"]
        elif action in ("done", "no-show", "transfer") and ticket:
            info = {"done": "{code} selesai.", "no-show": "{code} ditandai tidak hadir.",
                    "transfer": "{code} dialihkan ke {service}."}[action].format(
                code=ticket.get("code", ""), service=ticket.get("service_name") or ticket.get("service", ""))
        self._render(panel=None, confirm=None, question=None, info=info, error=None)
        self._catch_up()

    def action_failed(self, action: str, code: str, message: str, maybe_applied: bool) -> None:
        self.busy, self.pending = False, None
        if code == "unauthorized":
            self.session_ended()
            return
        if maybe_applied and self.counter:
            self.stale = True  # the worker re-reads the counter by itself; the buttons wait for it
            self._render(error=MAYBE_APPLIED, panel=None, confirm=None)
            return
        if code == "unreachable":
            text = message
        else:
            text = message_for(code, message)
        if self.screen.stage == "choose" and action == "select":
            self.stale = False
        self._render(error=text, info=None, panel=self.screen.panel if action in ("transfer", "call") else None,
                     confirm=None)

    def session_ended(self) -> None:
        self.busy, self.stale, self.counter = False, False, None
        self.screen = Screen(username=self.screen.username)
        self.worker.logout()
        self._render(error=SESSION_ENDED)

    def stream_status(self, status: str, message: str | None) -> None:
        if status == "unauthorized":
            if self.screen.stage != "login":
                self.session_ended()
            return
        self.connected = status == "connected"
        self._render()

    def event(self, type_: str, data: dict) -> None:
        """An event from the stream. Moved counts or a change at our counter that the state we hold
        does not include yet: read the counter again (the server computes counts and estimates)."""
        if not self.counter:
            return
        if type_ == "queue.counts" and "est_wait_min" in data:
            self._take_counts(data)  # the server's counts and estimates, as they are: nothing to re-read
            return
        if type_ == "queue.counts":
            self.unseen_counts = data.get("queues") or {}
        elif data.get("counter") == self.counter.get("code"):
            self.unseen_event = max(self.unseen_event, data.get("id") or 0)
        else:
            return
        if not self.busy:  # else the action's answer comes first, then _catch_up
            self._catch_up()

    # ------------------------------------------------------------ helpers

    def _take_counts(self, data: dict) -> None:
        counts, waits = data.get("queues") or {}, data.get("est_wait_min") or {}
        queues = [{**q, "waiting": counts[q["code"]], "est_wait_min": waits.get(q["code"], q.get("est_wait_min"))}
                  if q["code"] in counts else q for q in self.counter.get("queues", [])]
        if queues != self.counter.get("queues"):
            self.counter = {**self.counter, "queues": queues}
            self._render()

    def _catch_up(self) -> None:
        """Ask for a re-read if an event or count seen is newer than the counter state held."""
        counter = self.counter or {}
        if self.unseen_event > (counter.get("last_event_id") or 0):
            self.worker.refresh(counter["code"])
        elif self.unseen_counts is not None and any(
                q["code"] in self.unseen_counts and self.unseen_counts[q["code"]] != q.get("waiting")
                for q in counter.get("queues", [])):
            self.worker.refresh_counts(counter["code"])
        self.unseen_event, self.unseen_counts = 0, None

    def _begin(self, action: str) -> None:
        self.busy, self.pending = True, action
        self._render(error=None, info=None)

    def _send(self, action: str) -> None:
        self._begin(action)
        self.worker.act(self.counter["code"], action)

    def _someone_else(self) -> bool:
        """The server allows us nothing at a counter another officer holds: say why."""
        counter = self.counter or {}
        holder = counter.get("officer") or {}
        me = self.screen.officer or {}
        return not counter.get("allowed_actions") and bool(holder) and holder.get("username") != me.get("username")

    def _enabled(self) -> frozenset[str]:
        if self.busy or self.stale or self.screen.stage != "working":
            return frozenset()
        return frozenset((self.counter or {}).get("allowed_actions") or ())

    def _measure_clock(self, state: dict) -> None:
        self.clock.measure(state.get("now"), state.get("clock_rate"))

    def _learn_services(self, state: dict) -> None:
        """The transfer list: the snapshot lists every service of the site (any zone)."""
        for service in state.get("services", []):
            agency = service.get("agency_name") or service.get("agency") or ""
            self.services[service["code"]] = f"{service['name']} ({agency})" if agency else service["name"]

    def _describe(self) -> tuple[dict, tuple, dict]:
        counter = self.counter or {}
        now = self.clock.now()
        ticket = counter.get("ticket")
        lines = {}
        if ticket:
            lines = {
                "code": ticket.get("code", ""),
                "service": ticket.get("service_name") or ticket.get("service", ""),
                "priority": ticket.get("priority_name") or ticket.get("priority"),
                "booked": bool(ticket.get("booked")),  # checked in from an appointment
                "status": {"called": "Dipanggil", "serving": "Sedang dilayani"}.get(ticket.get("status"), ""),
                "waited": minutes_since(ticket.get("issued_at"), now) if not ticket.get("called_at") else
                int((datetime.fromisoformat(ticket["called_at"])
                     - datetime.fromisoformat(ticket["issued_at"])).total_seconds() // 60),
                "called_ago": minutes_since(ticket.get("called_at"), now),
                "recalls": ticket.get("recall_count", 0),
            }
        today = counter.get("officer_today") or {}
        queues = tuple((q.get("name") or q["code"], q.get("prefix", ""), q.get("waiting", 0), q.get("est_wait_min"))
                       for q in counter.get("queues", []))
        return lines, queues, today

    def _render(self, **changes) -> None:
        ticket_lines, queue_lines, today = self._describe()
        banner = None if self.connected else CONNECTION_LOST
        self.screen = replace(self.screen, **changes, counter=self.counter, enabled=self._enabled(),
                              busy=self.busy, connected=self.connected, banner=banner,
                              services=tuple(sorted(self.services.items(), key=lambda s: s[1])),
                              ticket_lines=ticket_lines, queue_lines=queue_lines, today=today)
        self.view.show(self.screen)

