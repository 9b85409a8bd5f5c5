"""The tooling stays out of what a kiosk, counter, board or server installs, and every command the
README and tasks.py give for it still starts."""

import os
import re
import subprocess
import sys
import tomllib
from importlib.util import find_spec
from pathlib import Path

import pytest
from setuptools import find_packages

REPO = Path(__file__).resolve().parents[2]
PRODUCT = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))
DEVTOOLS = tomllib.loads((REPO / "devtools" / "pyproject.toml").read_text(encoding="utf-8"))
TEXTS = (REPO / "README.md").read_text(encoding="utf-8") + (REPO / "tasks.py").read_text(encoding="utf-8")
# `python -m name` in the README, and `"-m", "name"` in tasks.py
MODULES = sorted((set(re.findall(r'python -m ([\w.]+)', TEXTS)) | set(re.findall(r'"-m", "([\w.]+)"', TEXTS)))
                 - {"pip"})  # pip's own finder hack warns when looked up; it is not ours anyway


def test_the_products_wheel_holds_no_tooling():
    packages = find_packages(REPO, include=PRODUCT["tool"]["setuptools"]["packages"]["find"]["include"])
    assert {p.split(".")[0] for p in packages} == {"server", "mpp_client", "kiosk", "counter_client",
                                                   "display_board", "printer_profiles"}
    assert not [p for p in packages if re.search(r"devtools|simulation|benchmark", p)]


def test_the_tools_commands_come_from_devtools_not_the_product():
    product_scripts = PRODUCT["project"]["scripts"]
    assert "mpp-virtual-printer" not in product_scripts
    assert not [target for target in product_scripts.values() if target.startswith("devtools")]
    assert DEVTOOLS["project"]["scripts"]["mpp-virtual-printer"] == "devtools.virtual_printer:main"
    assert "antrian-mpp" in DEVTOOLS["project"]["dependencies"]


def test_devtools_packages_are_every_package_in_the_folder():
    listed = set(DEVTOOLS["tool"]["setuptools"]["packages"])
    found = {"devtools"} | {f"devtools.{p}" for p in find_packages(REPO / "devtools")}
    assert listed == found


@pytest.mark.parametrize("module", MODULES)
def test_every_module_the_readme_and_tasks_run_exists(module):
    assert find_spec(module) is not None, module


@pytest.mark.parametrize("module", ["devtools.benchmark", "devtools.simulation.busy_day",
                                    "devtools.simulation.morning", "devtools.virtual_printer"])
def test_the_tools_command_lines_start(module):
    result = subprocess.run([sys.executable, "-m", module, "--help"], capture_output=True, text=True, timeout=60,
                            cwd=REPO, env={**os.environ, "QT_QPA_PLATFORM": "offscreen"})
    assert result.returncode == 0, result.stderr
    assert "usage:" in result.stdout
