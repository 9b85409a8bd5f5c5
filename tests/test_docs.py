"""The README keeps up with the code: its two commands, and every CLI command."""

from pathlib import Path

import click
import pytest

from server.cli import main

README = (Path(__file__).resolve().parent.parent / "README.md").read_text(encoding="utf-8")


def commands(group: click.Group, prefix: str = "mpp-server"):
    for name, command in group.commands.items():
        if isinstance(command, click.Group):
            yield from commands(command, f"{prefix} {name}")
        else:
            yield f"{prefix} {name}"


@pytest.mark.parametrize("command", sorted(commands(main)))
def test_every_cli_command_is_in_the_readme(command):
    assert f"`{command}" in README


def test_readme_starts_with_the_run_and_test_commands():
    block = README.split("```", 2)[1]
    lines = [line.split("#")[0].strip() for line in block.splitlines()[1:] if line.strip()]
    assert lines == ["python3 tasks.py demo", "python3 tasks.py test"]
    assert (Path(__file__).resolve().parent.parent / ".ci" / "run").read_text().strip().endswith(
        "python3 tasks.py test")
