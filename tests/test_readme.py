"""Every command the README shows runs here (issue #12: "every command in the README runs in a
test"). Commands are taken from the README itself: its `sh` blocks and the inline `mpp-…`,
`python …` and `.venv/bin/…` commands. Placeholders (FILE, DIR, …) become a temporary database
and folders, optional parts are given; what would serve forever runs with `--help`; the `tasks.py` commands that set up a
machine or run for minutes are run by the tests named in COVERED."""

import os
import re
import shlex
import subprocess
import sys
from pathlib import Path

import pytest

from devtools.launcher import DEMO_SITE

ROOT = Path(__file__).resolve().parent.parent
README = (ROOT / "README.md").read_text(encoding="utf-8")

SCRIPTS = {"mpp-server": "server", "mpp-kiosk": "kiosk", "mpp-counter": "counter_client",
           "mpp-display": "display_board", "mpp-virtual-printer": "devtools.virtual_printer"}
SERVES = ("mpp-server run", "mpp-kiosk", "mpp-counter", "mpp-display", "mpp-virtual-printer",
          "-m kiosk", "-m counter_client", "-m display_board", "-m devtools.virtual_printer")
# The tasks.py commands: they install packages, run the whole suite or a minutes-long day; each
# is run by these tests (or by CI itself: .ci/run is `python3 tasks.py test`).
COVERED = {
    "python3 tasks.py demo": "tests/devtools/simulation/test_morning.py",
    "python3 tasks.py test": ".ci/run",
    "python3 tasks.py demo --simulate": "tests/devtools/simulation/test_morning.py",
    "python3 tasks.py demo --simulate --visitors 500 --rate 60": "tests/devtools/simulation/test_morning.py",
    "python3 tasks.py demo --server-only": "tests/operators/test_clean_stop.py",
    "python3 tasks.py test -k counters": ".ci/run",
    "python3 tasks.py bench": "tests/devtools/simulation/test_busy_day.py",
}


def block_commands() -> list[str]:
    """The `sh` blocks' commands, continuation lines joined, comments dropped."""
    found = []
    for block in re.findall(r"```sh\n(.*?)```", README, re.DOTALL):
        text = block.replace("\\\n", " ")
        found += [line.split("  #")[0].strip() for line in text.splitlines() if line.strip()]
    return found


def inline_commands() -> list[str]:
    found = []
    for code in re.findall(r"`([^`\n]+)`", README):
        if re.match(r"(mpp-[a-z-]+|python3? |\.venv/bin/)", code) and "…" not in code:
            found.append(code)
    return list(dict.fromkeys(found))


def prepared(command: str, tmp: Path) -> list[str]:
    """The command as this test runs it: placeholders filled, optional parts given, the first of
    alternatives, the console scripts as `python -m` of this checkout."""
    command = re.sub(r"\[([^\]]*)\]", r"\1", command)  # [--agency CODE]: given (an officer needs it)
    command = re.sub(r"(\w+)(\\\|\w+)+", r"\1", command)  # kiosk\|display\|counter → kiosk
    command = re.sub(r"(\w+)(\|\w+)+", r"\1", command)
    words = shlex.split(command)
    fill = {"FILE": tmp / "antrian.db", "SITE.toml": DEMO_SITE, "OUT.toml": tmp / "site.toml", "DIR": tmp / "out",
            "NAME": "Kios Tes", "U": "tester", "P": "1234", "CODE": "DUKCAPIL", "Z": "1",
            "BACKUP": next(iter(sorted((tmp / "out").glob("*.db"))), tmp / "none"),  # not export-day's files
            "BOOKINGS.csv": tmp / "bookings.csv", "DAY.csv": tmp / "day.csv"}
    words = [str(fill.get(word, word)) for word in words]
    if words[0] in SCRIPTS:
        words = [sys.executable, "-m", SCRIPTS[words[0]], *words[1:]]
    elif words[0] in (".venv/bin/python", "python", "python3"):
        words[0] = sys.executable
    if len(words) == 3 and words[1] == "-m" and words[2] not in ("devtools.simulation.morning",):
        words.append("--help")  # a program's bare name: what it says about itself
    elif any(serving in command for serving in SERVES) and "--help" not in words:
        words = words[:3] + (["run"] if "mpp-server run" in command else []) + ["--help"]
    return words


def test_the_readme_has_the_commands_this_test_runs():
    commands = block_commands() + inline_commands()
    assert "mpp-server init --db FILE --site SITE.toml" in commands
    assert any(c.startswith("K=$(sed") for c in commands)
    assert ".venv/bin/python -m devtools.simulation.morning --help" in commands


def test_every_inline_command_of_the_readme_runs(tmp_path):
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "XDG_CONFIG_HOME": str(tmp_path / "config")}
    commands = inline_commands()
    # The database commands in the order an operator runs them: init before the rest, restore last.
    order = ["mpp-server init", "mpp-server export", "mpp-server device", "mpp-server officer",
             "mpp-server import-bookings", "mpp-server backup", "mpp-server restore"]
    (tmp_path / "bookings.csv").write_text("service;date;slot;name;phone;nik;ref\n", encoding="utf-8")
    commands.sort(key=lambda c: next((i for i, start in enumerate(order) if c.startswith(start)), -1))
    ran = []
    for command in commands:
        if re.match(r"python3 tasks\.py", command):
            assert command in COVERED, f"a tasks.py command no test runs: {command}"
            assert (ROOT / COVERED[command]).exists()
            continue
        words = prepared(command, tmp_path)
        done = subprocess.run(words, capture_output=True, text=True, env=env, cwd=tmp_path, timeout=60)
        assert done.returncode == 0, f"{command}\n→ {words}\n{done.stdout[-1000:]}{done.stderr[-2000:]}"
        ran.append(command)
    assert len(ran) >= 15, ran


def test_the_curl_block_works_against_the_demo_token_file(floor, tmp_path):
    """The README's curl lines, with `K` taken from a tokens file as the demo writes it."""
    (tmp_path / "var" / "demo").mkdir(parents=True)
    (tmp_path / "var" / "demo" / "tokens.txt").write_text(
        f"kiosk={floor.kiosk_token}\ndisplay={floor.display_token}\ncounter={floor.counter_pc_token}\n")
    block = [c for c in block_commands() if c.startswith(("K=", "curl"))]
    assert len(block) == 3, block
    script = "set -e\n" + "\n".join(line.replace("localhost:8080", floor.url.removeprefix("http://"))
                                    for line in block) + "\n"
    done = subprocess.run(["bash", "-c", script], capture_output=True, text=True, cwd=tmp_path, timeout=30)
    assert done.returncode == 0, done.stderr
    assert '"agencies"' in done.stdout
    assert '"status": "printing"' in done.stdout or '"status":"printing"' in done.stdout, done.stdout
