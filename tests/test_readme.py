"""The README stays true: every command is documented, and its examples run as shown."""

from __future__ import annotations

import re
import shlex
from pathlib import Path

import pytest
from click.testing import CliRunner

from cli import main
from engine.paths import PROJECT_ROOT

README = (PROJECT_ROOT / "README.md").read_text(encoding="utf-8")
EXAMPLES = re.findall(r"^\$ sla (.+)$", README, re.MULTILINE)


def test_every_command_is_documented() -> None:
    for name in main.commands:
        assert f"**`sla {name}" in README, f"README has no section for sla {name}"


def test_the_two_setup_commands_are_there() -> None:
    assert "make demo" in README and "make check" in README


@pytest.mark.parametrize("example", EXAMPLES)
def test_readme_example_runs(example: str, tmp_path: Path) -> None:
    """Each `$ sla …` example exits 0 and prints the first line the README shows under it."""
    args = shlex.split(example)
    if "-o" in args:  # write into a temporary folder, not into the project
        index = args.index("-o") + 1
        args[index] = str(tmp_path / args[index])
    result = CliRunner().invoke(main, args)
    assert result.exit_code == 0, result.output
    shown = README.split(f"$ sla {example}\n", 1)[1].splitlines()[0]
    if not shown.startswith(("…", "{", "wrote")):
        assert result.stdout.splitlines()[0] == shown
