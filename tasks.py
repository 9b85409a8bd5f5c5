#!/usr/bin/env python3
"""One entry point that works on a fresh machine (Linux or Windows), stdlib only.

    python3 tasks.py demo    set up, then run the demo site: server, virtual printer and (with a
                             screen) a kiosk, two counter apps and a display board; without a
                             screen, a simulated MPP morning through the apps, offscreen
    python3 tasks.py demo --simulate      the simulated morning even with a screen
    python3 tasks.py demo --server-only   only the server and the virtual printer
                             (--port 8080, --printer-port 9100, --data var/demo choose others)
    python3 tasks.py test    set up (system packages too, where allowed), then run the tests
    python3 tasks.py bench   set up, then run the benchmark and the simulated busy day

Setup makes `.venv` beside this file and installs into it the product (antrian-mpp) and, beside
it, the development tools (devtools/: antrian-mpp-devtools), both editable.
"""

import ipaddress
import os
import shutil
import signal
import socket
import subprocess
import sys
import venv
from pathlib import Path

ROOT = Path(__file__).resolve().parent
VENV = ROOT / ".venv"
BIN = VENV / ("Scripts" if os.name == "nt" else "bin")
PYTHON = BIN / ("python.exe" if os.name == "nt" else "python")
# A Python that already has the project installed (the tests run the demo with theirs): no setup.
PREPARED = os.environ.get("MPP_PYTHON")
if PREPARED:
    PYTHON = Path(PREPARED)
STAMP = VENV / ".installed"
DEVTOOLS = ROOT / "devtools"  # the tools' own project: never part of the product's wheel

# Debian packages: Qt's runtime libraries for the apps (offscreen needs EGL, xkbcommon,
# fontconfig and a font; a real X11 screen needs the xcb ones too), and for the tests
# Chromium (the status page).
QT_PACKAGES = ["libegl1", "libgl1", "libxkbcommon0", "libfontconfig1", "libdbus-1-3", "fonts-dejavu-core",
               "libxkbcommon-x11-0", "libxcb-cursor0", "libxcb-icccm4", "libxcb-image0", "libxcb-keysyms1",
               "libxcb-randr0", "libxcb-render-util0", "libxcb-shape0", "libxcb-xinerama0", "libxcb-xkb1"]
APP_PACKAGES = ["espeak-ng"]  # the display's Indonesian voice (pyttsx3 loads libespeak-ng)
TEST_PACKAGES = ["chromium"]


def run(*command, **kwargs) -> None:
    print("+", " ".join(str(c) for c in command), flush=True)
    subprocess.run([str(c) for c in command], check=True, **kwargs)


def setup(extras: str = "test") -> None:
    if PREPARED:
        return
    if not PYTHON.exists():
        venv.EnvBuilder(with_pip=True).create(VENV)
    # Either project file changing (a dependency, a console script) means installing again.
    wanted = "".join(p.read_text(encoding="utf-8") for p in (ROOT / "pyproject.toml", DEVTOOLS / "pyproject.toml"))
    wanted += extras
    if not STAMP.exists() or STAMP.read_text(encoding="utf-8") != wanted:
        run(PYTHON, "-m", "pip", "install", "--quiet", "--upgrade", "pip")
        # One pip run, so devtools' dependency on antrian-mpp is met by this clone, not by an index.
        run(PYTHON, "-m", "pip", "install", "--quiet", "-e", f"{ROOT}[{extras}]", "-e", DEVTOOLS)
        STAMP.write_text(wanted, encoding="utf-8")


def system_packages(packages: list[str]) -> None:
    """Install missing Debian packages when we may (root on a Debian/Ubuntu machine)."""
    if PREPARED or not shutil.which("apt-get") or not shutil.which("dpkg-query"):
        return
    missing = [pkg for pkg in packages if not installed(pkg)]
    if not missing:
        return
    sudo = [] if os.geteuid() == 0 else (["sudo", "-n"] if shutil.which("sudo") else None)
    if sudo is None:
        print(f"Please install: {' '.join(missing)}", file=sys.stderr)
        return
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    run(*sudo, "apt-get", "update", "-qq", env=env)
    run(*sudo, "apt-get", "install", "-y", "-qq", "--no-install-recommends", *missing, env=env)


def installed(package: str) -> bool:
    result = subprocess.run(["dpkg-query", "-W", "-f=${Status}", package], capture_output=True, text=True)
    return result.stdout.strip() == "install ok installed"


def demo(args: list[str]) -> int:
    """The server on the demo site, a virtual network printer, and (with a screen) the apps;
    without a screen (or with --simulate) the simulated morning instead."""
    system_packages(QT_PACKAGES + APP_PACKAGES)
    setup()
    server_only = "--server-only" in args
    args = [a for a in args if a != "--server-only"]
    if "--simulate" in args or not (has_screen() or server_only):
        return simulate([a for a in args if a != "--simulate"])
    port, args = option(args, "--port", "8080")
    printer_port, args = option(args, "--printer-port", "9100")  # the kiosk's `virtual` profile uses 9100
    data, args = option(args, "--data", str(ROOT / "var" / "demo"))
    data = Path(data)
    data.mkdir(parents=True, exist_ok=True)
    db = data / "antrian.db"
    python = str(PYTHON)
    run(python, "-m", "server", "init", "--db", db, "--site", ROOT / "server" / "sites" / "demo.toml")
    tokens = demo_tokens(db, data / "tokens.txt")
    env = dict(os.environ)
    if "MPP_NOW" not in env:
        env["MPP_NOW"] = demo_morning()
        print(f"Demo clock starts at {env['MPP_NOW']} (set MPP_NOW to choose, or MPP_NOW= for the real time).")
    print(f"Demo tokens are in {data / 'tokens.txt'}; officers budi and sari (Dukcapil), supervisor rina and "
          "admin, PIN 1234.")
    print(f"Server: http://localhost:{port}/api/health  ·  API document: http://localhost:{port}/api/openapi.json")
    print(f"Management pages (floor monitor, devices, administration): http://localhost:{port}/manage/")
    print(f"Printed tickets (bytes and PNG previews): {data / 'printer'}\n")
    args = with_public_url(args, host_addresses(), int(port))
    stop_on_signals()
    children: list[subprocess.Popen] = []
    try:  # from the first child on: a signal at any moment still stops those started
        children += [
            start(python, "-m", "server", "run", "--db", db, "--port", port, *args, env=env),
            start(python, "-m", "devtools.virtual_printer", "--port", printer_port, "--jobs-dir", data / "printer"),
        ]
        if not server_only:
            server = f"http://127.0.0.1:{port}"
            children.append(start(python, "-m", "kiosk", "--server", server, "--token", tokens["kiosk"],
                                  "--profile", "virtual", "--windowed"))
            for username, counter in (("budi", "L01"), ("sari", "L02")):  # two officers of Dukcapil
                children.append(start(python, "-m", "counter_client", "--server", server, "--username", username,
                                      "--counter", counter, "--windowed", "--settings",
                                      data / f"counter-{counter}.json"))
            children.append(start(python, "-m", "display_board", "--server", server, "--token", tokens["display"],
                                  "--zone", "1", "--windowed"))
        apps = set(children[2:])
        while children[0].poll() is None:  # the demo lasts as long as the server
            for app in [a for a in apps if a.poll() is not None]:
                apps.discard(app)
                if app.returncode:
                    print(f"{' '.join(app.args[1:3])} stopped (exit {app.returncode}); the server goes on.")
            try:
                children[0].wait(timeout=1)
            except subprocess.TimeoutExpired:
                pass
    except KeyboardInterrupt:
        pass
    finally:
        for child in reversed(children):
            if child.poll() is None:
                stop(child)
        for child in children:
            try:
                child.wait(timeout=10)
            except subprocess.TimeoutExpired:
                child.kill()
                child.wait()
    return 0


def host_addresses() -> list[str]:
    """This PC's IPv4 addresses as its own name resolves (hosts file, local resolver): no packet
    is sent to any other machine to learn them."""
    try:
        infos = socket.getaddrinfo(socket.gethostname(), None, socket.AF_INET)
    except OSError:
        return []
    return list(dict.fromkeys(info[4][0] for info in infos))


def with_public_url(args: list[str], addresses: list[str], port: int = 8080) -> list[str]:
    """The server's arguments with `--public-url http://<LAN address>:port` (unless given), so
    ticket QR codes open on a phone; with only loopback known, 127.0.0.1 and a note saying so."""
    if any(a == "--public-url" or a.startswith("--public-url=") for a in args):
        return args
    address = lan_address(addresses)
    if address is None:
        address = "127.0.0.1"
        print(f"Only a loopback address is known for this PC: ticket QR codes point at 127.0.0.1, which a phone "
              f"can't open. Pass --public-url http://ADDRESS-OF-THIS-PC:{port} to fix that.")
    return ["--public-url", f"http://{address}:{port}", *args]


def lan_address(addresses: list[str]) -> str | None:
    """The first address a phone on the LAN could reach: not loopback, link-local or unspecified."""
    for text in addresses:
        try:
            address = ipaddress.ip_address(text)
        except ValueError:
            continue
        if address.version == 4 and not (address.is_loopback or address.is_link_local or address.is_unspecified):
            return text
    return None


def option(args: list[str], name: str, default: str) -> tuple[str, list[str]]:
    """`name VALUE` (or `name=VALUE`) taken out of `args`."""
    rest, value = [], default
    items = iter(args)
    for arg in items:
        if arg == name:
            value = next(items, default)
        elif arg.startswith(name + "="):
            value = arg.split("=", 1)[1]
        else:
            rest.append(arg)
    return value, rest


def start(*command, env=None) -> subprocess.Popen:
    """A child of the demo. On Windows in its own process group, so that `stop` can send it
    Ctrl+Break (which it handles like Ctrl+C) instead of killing it outright."""
    flags = subprocess.CREATE_NEW_PROCESS_GROUP if sys.platform == "win32" else 0
    return subprocess.Popen([str(c) for c in command], env=env, creationflags=flags)


def stop(child: subprocess.Popen) -> None:
    """Ask a child to stop cleanly (the server checkpoints its database, the apps close)."""
    if sys.platform == "win32":
        child.send_signal(signal.CTRL_BREAK_EVENT)
    else:
        child.terminate()  # SIGTERM


def stop_on_signals() -> None:
    """SIGTERM (and on Windows Ctrl+Break or a closed console: SIGBREAK) end the demo as Ctrl+C
    does: its children are asked to stop and waited for, and the exit code is 0."""
    def interrupt(*_):
        raise KeyboardInterrupt
    for name in ("SIGTERM", "SIGBREAK"):
        if hasattr(signal, name):
            signal.signal(getattr(signal, name), interrupt)


def demo_tokens(db: Path, path: Path) -> dict:
    """Register the demo's devices and officers once; their tokens are kept in `path`."""
    if not path.exists():
        lines = []
        for kind, name in (("kiosk", "Kios Demo"), ("display", "Layar Demo"), ("counter", "PC Loket Demo")):
            out = subprocess.run([str(PYTHON), "-m", "server", "device", "add", "--db", str(db), "--kind", kind,
                                  "--name", name, "--zone", "1"], check=True, capture_output=True, text=True)
            lines.append(f"{kind}={out.stdout.strip().splitlines()[-1]}")
        path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    officers = (("budi", "officer", "DUKCAPIL"), ("sari", "officer", "DUKCAPIL"), ("rina", "supervisor", None),
                ("admin", "admin", None))
    for user, role, agency in officers:  # again each time: adding is also resetting
        extra = ["--agency", agency] if agency else []
        subprocess.run([str(PYTHON), "-m", "server", "officer", "add", "--db", str(db), "--username", user,
                        "--pin", "1234", "--role", role, *extra], check=True, capture_output=True)
    return dict(line.split("=", 1) for line in path.read_text(encoding="utf-8").split())


def simulate(args: list[str]) -> int:
    """The simulated MPP morning through the real apps, offscreen; results in var/simulated-morning."""
    print("A simulated MPP morning (08:00–12:00 at 120x: about three minutes) through the real apps, offscreen.")
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    return subprocess.run([str(PYTHON), "-m", "devtools.simulation.morning", *args], cwd=ROOT, env=env).returncode


def has_screen() -> bool:
    return os.name == "nt" or sys.platform == "darwin" or bool(os.environ.get("DISPLAY")
                                                               or os.environ.get("WAYLAND_DISPLAY"))


def demo_morning(today=None) -> str:
    """09:00 WIB of today, or of the next day the demo site opens (its weekdays, not its holidays:
    Monday to Saturday; Friday too, whose prayer break comes later in the day)."""
    import tomllib
    from datetime import datetime, timedelta, timezone

    site = tomllib.loads((ROOT / "server" / "sites" / "demo.toml").read_text(encoding="utf-8"))["site"]
    open_days = set(site["hours"])
    holidays = {holiday["date"] for holiday in site.get("holidays", [])}
    day = today or datetime.now(timezone(timedelta(hours=7))).date()
    while ("mon", "tue", "wed", "thu", "fri", "sat", "sun")[day.weekday()] not in open_days or day in holidays:
        day += timedelta(days=1)
    return f"{day.isoformat()}T09:00:00+07:00"


def test(args: list[str]) -> int:
    system_packages(QT_PACKAGES + APP_PACKAGES + TEST_PACKAGES)
    setup()
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    # The slowest tests at the end of every run: the suite must stay well under 15 minutes.
    result = subprocess.run([str(PYTHON), "-m", "pytest", "--durations=25", *args], cwd=ROOT, env=env)
    return result.returncode


def bench(args: list[str]) -> int:
    """The load benchmark, then the simulated busy day of the largest MPPs (3,000 visitors).
    Exits non-zero when either one misses a target or fails to run (the benchmark's code first)."""
    setup()
    load = subprocess.run([str(PYTHON), "-m", "devtools.benchmark", *args], cwd=ROOT).returncode
    day = subprocess.run([str(PYTHON), "-m", "devtools.simulation.busy_day"], cwd=ROOT).returncode
    return load or day


def main() -> int:
    commands = {"demo": demo, "test": test, "bench": bench}
    if len(sys.argv) < 2 or sys.argv[1] not in commands:
        print(__doc__)
        return 2
    return commands[sys.argv[1]](sys.argv[2:])


if __name__ == "__main__":
    sys.exit(main())
