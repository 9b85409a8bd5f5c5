"""A simulated MPP morning through the real apps, offscreen, at accelerated time.

    python -m devtools.simulation.morning [--out var/simulated-morning] [--visitors 300] [--rate 120]

It starts the real server on the demo site (a fresh database in `--out`, the clock at
07:50 WIB of a Monday running `--rate` times as fast), two virtual network printers, and
in this process the real apps, offscreen: two kiosks, one counter app per counter of the
site, and a display board per zone, each speaking its hall's calls (one shared speech engine).
Robots use the apps as people would, through their widgets: citizens arrive by the day's
plan (`simulation.plan`) and touch a kiosk; officers log in, open their counter, call,
recall, serve, mark no-shows and send one citizen on to another agency. At 10:00 the second
kiosk's printer runs out of paper; a new roll goes in at 10:20.

It leaves in `--out`: the ticket images from the printers, display board screenshots, the
spoken announcements (the first WAVs, and every sentence with its time), the server's
database and log, and a summary (tickets per agency, mean and p90 waiting and service
times) computed from the server's records.
"""

from __future__ import annotations

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import argparse  # noqa: E402
import json  # noqa: E402
import logging  # noqa: E402
import shutil  # noqa: E402
import sys  # noqa: E402
import time  # noqa: E402
from collections import Counter, deque  # noqa: E402
from dataclasses import dataclass, field  # noqa: E402
from datetime import datetime, timedelta  # noqa: E402
from pathlib import Path  # noqa: E402
from zoneinfo import ZoneInfo  # noqa: E402

from PySide6.QtCore import QEventLoop, Qt, QTimer  # noqa: E402
from PySide6.QtTest import QTest  # noqa: E402
from PySide6.QtWidgets import QApplication  # noqa: E402

from counter_client.app import CounterApp, CounterConfig  # noqa: E402
from devtools.launcher import ServerProcess, add_officer, add_token, prepare_database  # noqa: E402
from devtools.virtual_printer import VirtualPrinter  # noqa: E402
from display_board.app import DisplayApp, DisplayConfig  # noqa: E402
from kiosk.app import Kiosk, KioskConfig  # noqa: E402
from kiosk.profiles import NetworkConnection, load_profile  # noqa: E402
from mpp_client.clock import ServerClock  # noqa: E402
from server import sites as server_sites  # noqa: E402
from server.site_config import load_site  # noqa: E402

from .plan import Visit, officer_step, plan_day  # noqa: E402
from .summary import morning_report, read_tickets, summarise  # noqa: E402

log = logging.getLogger("devtools.simulation.morning")

ROOT = Path(__file__).resolve().parents[2]  # the clone: var/ is beside tasks.py
DEMO_SITE = Path(server_sites.__file__).parent / "demo.toml"
DAY = "2026-11-23"  # a Monday: the demo site is open 08:00–15:00
ZONE = ZoneInfo("Asia/Jakarta")
PIN = "1234"
TICK_MS = 20  # how often the robots look at their screens
KEPT_WAVS = 30  # announcements kept as WAV files (every sentence is listed in the text file)


def at(hhmm: str) -> datetime:
    return datetime.fromisoformat(f"{DAY}T{hhmm}:00").replace(tzinfo=ZONE)


def click(widget) -> None:
    """A finger (or a mouse) on the widget."""
    QTest.mouseClick(widget, Qt.MouseButton.LeftButton)


# ---------------------------------------------------------------- citizens at the kiosks

@dataclass
class Outcome:
    visit: Visit
    kiosk: str
    code: str | None = None
    refused: str | None = None  # why no ticket: the kiosk's message
    machine: bool = False  # the kiosk failed the citizen (printer, server): they try another kiosk


class KioskRobot:
    """Citizens in line at one kiosk, served one at a time through its screens."""

    def __init__(self, name: str, kiosk: Kiosk, printer: VirtualPrinter, tickets: dict[str, Visit]):
        self.name, self.kiosk, self.printer = name, kiosk, printer
        self.tickets = tickets  # code → visit, for the officers: who holds that number
        self.line: deque[Visit] = deque()
        self.walk = None  # the citizen at the screen: a generator of conditions to wait for
        self.waiting_for = None
        self.outcomes: list[Outcome] = []

    @property
    def in_service(self) -> bool:
        return self.kiosk.window.current != "out_of_service"

    def step(self) -> None:
        if self.walk is None:
            if not self.line or self.kiosk.window.current != "home":
                return
            self.walk = self._citizen(self.line.popleft())
            self.waiting_for = None
        while self.waiting_for is None or self.waiting_for():
            try:
                self.waiting_for = next(self.walk)
            except StopIteration as finished:
                self.outcomes.append(finished.value)
                self.walk = self.waiting_for = None
                return

    def _citizen(self, visit: Visit):
        window, presenter = self.kiosk.window, self.kiosk.presenter
        outcome = Outcome(visit, self.name)
        service = self._service(visit)
        if service is None or not service.get("available"):
            outcome.refused = (service or {}).get("message") or "layanan tidak ada"
            return outcome  # the citizen reads the tile's status and leaves
        click(window.pages["home"].tiles[visit.agency])
        yield lambda: window.current == "agency"
        click(window.pages["agency"].cards[visit.service])
        yield lambda: window.current == "service"
        if visit.priority:
            click(window.pages["service"].priority_buttons[visit.priority])
        click(window.pages["service"].take)
        yield lambda: window.current in ("done", "failed", "out_of_service", "home")
        if window.current == "done":
            outcome.code = presenter.screen.ticket["code"]
            self.tickets[outcome.code] = visit
            click(window.pages["done"].finish)
        else:
            screen = presenter.screen
            outcome.refused = " ".join(filter(None, [screen.message, screen.detail])) or window.current
            outcome.machine = window.current != "failed" or screen.detail is not None
            if window.current == "failed":
                click(window.pages["failed"].home)
        return outcome

    def _service(self, visit: Visit) -> dict | None:
        for agency in (self.kiosk.presenter.catalog or {}).get("agencies", []):
            for service in agency.get("services", []):
                if service["code"] == visit.service:
                    return service
        return None


# ---------------------------------------------------------------- officers at the counters

@dataclass
class Plan:
    """The officer's intention for the ticket at the counter."""
    code: str
    stage: str  # called, recalled, serving
    action: str
    due: datetime


class OfficerRobot:
    """One officer at one counter app: logs in, opens the counter, works the queue."""

    def __init__(self, counter: str, username: str, app: CounterApp, visits: dict[str, Visit],
                 transferred: set[str], starts: datetime):
        self.counter, self.username, self.app = counter, username, app
        self.visits, self.transferred = visits, transferred
        self.starts = starts
        self.stage = "login"
        self.plan: Plan | None = None
        self.actions: Counter = Counter()

    @property
    def ticket(self) -> dict | None:
        return (self.app.presenter.counter or {}).get("ticket")

    @property
    def idle(self) -> bool:
        return self.stage == "working" and not self.ticket and not self.app.presenter.busy

    def step(self, now: datetime) -> None:
        window, presenter = self.app.window, self.app.presenter
        if now < self.starts:
            return
        if self.stage == "login" and window.current == "login" and not presenter.busy:
            page = window.pages["login"]
            page.username.setText(self.username)
            page.pin.setText(PIN)
            click(page.submit)
            self.stage = "choosing"
        elif self.stage == "choosing" and window.current == "choose" and presenter.screen.counters:
            picker = window.pages["choose"].list
            for row in range(picker.count()):
                if picker.item(row).data(Qt.ItemDataRole.UserRole) == self.counter:
                    picker.setCurrentRow(row)
            click(window.pages["choose"].choose)
            self.stage = "opening"
        elif self.stage == "opening" and window.current == "working" and self._can("open"):
            self._press("open")
        elif self.stage == "opening" and (presenter.counter or {}).get("status") == "open":
            self.stage = "working"
        elif self.stage == "working":
            self._work(now)

    def _work(self, now: datetime) -> None:
        presenter = self.app.presenter
        if presenter.busy or presenter.stale:
            return
        ticket = self.ticket
        if not ticket:
            self.plan = None
            if self._can("call-next") and any(line[2] for line in presenter.screen.queue_lines):
                self._press("call-next")
            return
        stage = "serving" if ticket["status"] == "serving" else "called"
        became_serving = stage == "serving" and self.plan is not None and self.plan.stage != "serving"
        if self.plan is None or self.plan.code != ticket["code"] or became_serving:
            self._plan(ticket["code"], stage, now)
        if self.plan is not None and now >= self.plan.due:
            self._do(self.plan, now)

    def _plan(self, code: str, stage: str, now: datetime) -> None:
        visit = self.visits.get(code)
        if visit is None:  # the kiosk robot has not seen the ticket in the citizen's hand yet
            self.plan = None
            return
        step = officer_step(visit, stage, transferred=code in self.transferred)
        self.plan = Plan(code, stage, step.action, now + timedelta(minutes=step.after_minutes))

    def _do(self, plan: Plan, now: datetime) -> None:
        window, presenter = self.app.window, self.app.presenter
        work = window.pages["working"]
        if plan.action == "no-show":
            if presenter.screen.panel != "confirm":
                self._press("no-show")  # asks "Tandai … tidak hadir?"
                return
            click(work.yes)
        elif plan.action == "transfer":
            if presenter.screen.panel != "transfer":
                self._press("transfer")
                return
            visit = self.visits[plan.code]
            for row in range(work.services.count()):
                if work.services.item(row).data(Qt.ItemDataRole.UserRole) == visit.transfer_to:
                    work.services.setCurrentRow(row)
            click(work.yes)
            self.transferred.add(plan.code)
        elif not self._press(plan.action):
            return
        self.actions[plan.action] += 1
        if plan.action in ("recall", "start"):
            self._plan(plan.code, "recalled" if plan.action == "recall" else "serving", now)
        else:
            self.plan = None

    def _can(self, action: str) -> bool:
        return action in self.app.presenter.screen.enabled

    def _press(self, action: str) -> bool:
        if not self._can(action):
            return False
        click(self.app.window.pages["working"].buttons[action])
        return True


# ---------------------------------------------------------------- the morning

@dataclass
class Morning:
    out: Path
    visitors: int = 300
    rate: float = 120.0
    seed: int = 2026
    arrivals_until: str = "11:30"
    closes: str = "12:00"
    paper_out: tuple[str, str] = ("10:00", "10:20")  # the second kiosk's roll ends; a new one goes in
    screenshot_times: tuple[str, ...] = ("08:30", "09:30", "10:10", "11:00")
    site_path: Path = DEMO_SITE
    started: float = field(default_factory=time.perf_counter)

    def run(self) -> dict:
        self._prepare()
        try:
            self._start()
            # The apps' own event loop, as in a real app: exec() lets other threads take the GIL while
            # it waits (a processEvents/qWait loop held it, and Qt's media threads froze on it).
            self.loop = QEventLoop()
            ticker = QTimer()
            ticker.timeout.connect(self._tick)
            ticker.start(TICK_MS)
            self.loop.exec()
            ticker.stop()
            return self._finish()
        finally:
            self._stop()

    # ------------------------------------------------------------ set-up

    def _prepare(self) -> None:
        if self.out.exists():
            shutil.rmtree(self.out)
        for sub in ("tickets", "screens", "announcements"):
            (self.out / sub).mkdir(parents=True)
        self.site = load_site(self.site_path)
        self.db = self.out / "antrian.db"
        prepare_database(self.db, site_path=self.site_path, now=at("07:30").isoformat())
        self.kiosk_tokens = [add_token(self.db, "kiosk", f"Kios {n}", "1") for n in (1, 2)]
        self.display_tokens = {zone.code: add_token(self.db, "display", f"Layar {zone.name}", zone.code)
                               for zone in self.site.zones}
        self.officers = {}
        for number, counter in enumerate(self.site.counters, start=1):
            username = f"petugas{number:02d}"
            add_officer(self.db, username, PIN, "officer", counter.agency)
            self.officers[counter.code] = username
        self.visits = plan_day(self.site, self.visitors, at("08:00"), at(self.arrivals_until), self.seed)

    def _start(self) -> None:
        self.server = ServerProcess(self.db, now=at("07:50").isoformat(), env={"MPP_CLOCK_RATE": str(self.rate)},
                                    log_path=self.out / "server.log").start()
        health = self.server.health()
        self.clock = ServerClock()
        self.clock.measure(health["now"], health["clock_rate"])
        self.qt = QApplication.instance() or QApplication(sys.argv[:1])
        self.printers, self.kiosks = [], []
        self.by_code: dict[str, Visit] = {}
        for number, token in enumerate(self.kiosk_tokens, start=1):
            printer = VirtualPrinter(port=0, jobs_dir=self.out / "tickets" / f"kios-{number}").start()
            profile = load_profile("virtual").model_copy(update={"connection": NetworkConnection(
                type="network", host="127.0.0.1", port=printer.port)})
            kiosk = Kiosk(KioskConfig(server_url=self.server.url, token=token, profile="virtual"), profile=profile)
            kiosk.window.resize(1080, 1920)
            kiosk.window.show()
            self.printers.append(printer)
            self.kiosks.append(KioskRobot(f"Kios {number}", kiosk.start(), printer, self.by_code))
        self.transferred: set[str] = set()
        self.officer_robots = []
        for number, counter in enumerate(self.site.counters):
            app = CounterApp(CounterConfig(server_url=self.server.url))
            app.window.resize(1366, 768)
            app.window.show()
            starts = at("07:50") + timedelta(minutes=number % 8)  # they come in over a few minutes
            self.officer_robots.append(OfficerRobot(counter.code, self.officers[counter.code], app.start(),
                                                    self.by_code, self.transferred, starts))
        self.displays = []
        for zone, token in self.display_tokens.items():
            # Each zone is a hall of its own: every board speaks (both through the process's one engine).
            display = DisplayApp(DisplayConfig(server_url=self.server.url, token=token, zone=zone,
                                               audio_dir=self.out / f"audio-{zone}"))
            display.window.resize(1920, 1080)
            display.window.show()
            self.displays.append(display.start())
        self.announcements: list[tuple[str, str, str, str | None]] = []  # moment, zone, sentence, WAV kept
        self.kept_wavs = 0
        for display in self.displays:
            display.worker.spoken.connect(lambda result, zone=display.config.zone: self._spoken(zone, result))
        self.arrivals = deque(self.visits)
        self.events = {"paper_out": at(self.paper_out[0]), "paper_back": at(self.paper_out[1])}
        self.screenshots = deque(at(t) for t in self.screenshot_times)
        log.info("morning of %d citizens at %g× real time: %d counters, %d kiosks, %d displays",
                 len(self.visits), self.rate, len(self.officer_robots), len(self.kiosks), len(self.displays))

    def _spoken(self, zone: str, result) -> None:
        moment = self.clock.now().astimezone(ZONE).strftime("%H:%M:%S")
        kept = None
        if result.wav and self.kept_wavs < KEPT_WAVS:
            self.kept_wavs += 1
            kept = f"{len(self.announcements) + 1:03d}.wav"
            shutil.copyfile(result.wav, self.out / "announcements" / kept)
        self.announcements.append((moment, zone, result.text, kept))

    # ------------------------------------------------------------ the clock ticks

    def _tick(self) -> None:
        now = self.clock.now()
        while self.arrivals and self.arrivals[0].arrives <= now:
            visit = self.arrivals.popleft()
            line = min((k for k in self.kiosks if k.in_service), default=self.kiosks[0],
                       key=lambda k: len(k.line) + (k.walk is not None))
            line.line.append(visit)
        for kiosk in self.kiosks:
            if not kiosk.in_service and kiosk.line and any(k.in_service for k in self.kiosks):
                other = next(k for k in self.kiosks if k.in_service)  # the line moves to a working kiosk
                other.line.extend(kiosk.line)
                kiosk.line.clear()
            seen = len(kiosk.outcomes)
            kiosk.step()
            for outcome in kiosk.outcomes[seen:]:
                others = [k for k in self.kiosks if k is not kiosk and k.in_service]
                if outcome.machine and others:
                    others[0].line.appendleft(outcome.visit)  # the citizen walks to the other kiosk
        for officer in self.officer_robots:
            officer.step(now)
        # The roll ends between two citizens: a roll ending in the middle of one citizen's ticket
        # (after the kiosk asked the printer, before it printed) rightly costs that number, which
        # the kiosk then cancels; the morning shows the kiosk asking first, so it never races it.
        if "paper_out" in self.events and now >= self.events["paper_out"] and self.kiosks[1].walk is None:
            del self.events["paper_out"]
            self.kiosks[1].printer.paper = "out"
            log.info("%s: the printer of %s runs out of paper", now.astimezone(ZONE).strftime("%H:%M"),
                     self.kiosks[1].name)
        elif "paper_back" in self.events and now >= self.events["paper_back"]:
            del self.events["paper_back"]
            self.kiosks[1].printer.paper = "ok"
            log.info("%s: a new roll in %s", now.astimezone(ZONE).strftime("%H:%M"), self.kiosks[1].name)
        if self.screenshots and now >= self.screenshots[0]:
            self._screenshot(self.screenshots.popleft().strftime("%H%M"))
        if now >= at(self.closes) and self._quiet() or now >= at(self.closes) + timedelta(minutes=45):
            self.loop.quit()

    def _quiet(self) -> bool:
        return (not self.arrivals and all(not k.line and k.walk is None for k in self.kiosks)
                and all(o.idle for o in self.officer_robots)
                and not any(line[2] for o in self.officer_robots for line in o.app.presenter.screen.queue_lines))

    def _screenshot(self, label: str) -> None:
        QApplication.sendPostedEvents()
        for display in self.displays:
            zone = display.config.zone
            display.window.grab().save(str(self.out / "screens" / f"layar-zona-{zone}-{label}.png"))

    # ------------------------------------------------------------ the end

    def _finish(self) -> dict:
        self._screenshot("akhir")
        board = self.displays[0].window
        board.resize(1080, 1920)  # the same board on a portrait screen
        QApplication.sendPostedEvents()
        QApplication.processEvents()
        board.grab().save(str(self.out / "screens" / "layar-zona-1-potret.png"))
        self.kiosks[0].kiosk.window.grab().save(str(self.out / "screens" / "kios-1.png"))
        self.officer_robots[0].app.window.grab().save(str(self.out / "screens" / "loket-L01.png"))
        tickets, names = read_tickets(self.db)
        summary = summarise(tickets, names)
        outcomes = [o for k in self.kiosks for o in k.outcomes]
        refused = Counter(o.refused.split(".")[0] for o in outcomes if o.refused and not o.machine)
        machine = Counter(o.refused.split(".")[0] for o in outcomes if o.machine)
        jobs = {k.name: len(k.printer.jobs) for k in self.kiosks}
        report = {
            "site": self.site.site.name,
            "day": DAY,
            "period": {"from": "08:00", "to": self.clock.now().astimezone(ZONE).strftime("%H:%M"), "zone": "WIB"},
            "visitors": len(self.visits),
            "tickets_taken": sum(bool(o.code) for o in outcomes),
            "turned_away": dict(refused),
            "kiosk_failures": dict(machine),  # those citizens went on to the other kiosk
            "printed_jobs": jobs,
            "paper_out": {"kiosk": self.kiosks[1].name, "from": self.paper_out[0], "to": self.paper_out[1]},
            "announcements": len(self.announcements),
            "announcements_per_zone": dict(Counter(zone for _, zone, _, _ in self.announcements)),
            "officer_actions": dict(sum((o.actions for o in self.officer_robots), Counter())),
            "rate": self.rate,
            "wall_s": round(time.perf_counter() - self.started, 1),
            "server_clock_end": self.clock.now().astimezone(ZONE).strftime("%H:%M"),
            "summary": summary,
        }
        (self.out / "summary.json").write_text(json.dumps(report, indent=2, ensure_ascii=False), encoding="utf-8")
        (self.out / "announcements" / "kalimat.txt").write_text(
            "".join(f"{moment}  zona {zone}  {text}{'  → ' + wav if wav else ''}\n"
                    for moment, zone, text, wav in self.announcements),
            encoding="utf-8")
        text = morning_report(report)
        (self.out / "summary.txt").write_text(text, encoding="utf-8")
        return report

    def _stop(self) -> None:
        for robot in getattr(self, "officer_robots", []):
            robot.app.stop()
        for robot in getattr(self, "kiosks", []):
            robot.kiosk.stop()
            robot.printer.stop()
        for display in getattr(self, "displays", []):
            display.stop()
        if getattr(self, "server", None):
            self.server.stop()


def parse_args(argv=None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m devtools.simulation.morning", description=__doc__.split("\n\n")[0])
    parser.add_argument("--out", type=Path, default=ROOT / "var" / "simulated-morning",
                        help="folder for what the morning leaves (emptied first)")
    parser.add_argument("--visitors", type=int, default=300, help="citizens arriving 08:00–11:30 (default 300)")
    parser.add_argument("--rate", type=float, default=120.0, help="simulated seconds per real second (default 120)")
    parser.add_argument("--seed", type=int, default=2026)
    return parser.parse_args(argv)


def main(argv=None) -> int:
    args = parse_args(argv)
    logging.basicConfig(level=logging.WARNING, format="%(asctime)s %(name)s %(levelname)s %(message)s")
    log.setLevel(logging.INFO)
    qt = QApplication(sys.argv[:1])  # noqa: F841 (the apps need it alive)
    morning = Morning(args.out.resolve(), visitors=args.visitors, rate=args.rate, seed=args.seed)
    report = morning.run()
    print((args.out / "summary.txt").read_text(encoding="utf-8"))
    print(f"Semua hasil di {args.out}")
    agrees = report["tickets_taken"] == sum(report["printed_jobs"].values()) == report["summary"]["total"]["tickets"]
    if not agrees:
        print("The printers, the kiosks and the server's records disagree: see summary.json.", file=sys.stderr)
    return 0 if agrees else 1


if __name__ == "__main__":
    sys.exit(main())
