"""The facade: `engine` and each subpackage name their public surface, import it only when it
is used, and the command line imports nothing heavy before a command runs."""

from __future__ import annotations

import importlib
import json
import subprocess
import sys

import pytest

import engine
from engine.paths import PROJECT_ROOT

PACKAGES = ["engine", *(f"engine.{p}" for p in (
    "rules", "contract", "clock", "incident", "pricing", "evaluate", "present"
))]  # fmt: skip
HEAVY = ("jsonschema", "jinja2", "weasyprint", "holidays", "numpy", "pyarrow", "yaml", "babel")


def modules_after(code: str) -> set[str]:
    """The modules a fresh interpreter has loaded after running `code`."""
    script = f"{code}\nimport sys, json\nprint(json.dumps(sorted(sys.modules)))"
    result = subprocess.run(
        [sys.executable, "-c", script], cwd=PROJECT_ROOT, capture_output=True, text=True
    )
    assert result.returncode == 0, result.stderr
    return set(json.loads(result.stdout.splitlines()[-1]))


@pytest.mark.parametrize("package", PACKAGES)
def test_every_public_name_resolves(package: str) -> None:
    module = importlib.import_module(package)
    assert module.__all__, f"{package} names no public surface"
    for name in module.__all__:
        assert getattr(module, name) is not None
    assert set(module.__all__) <= set(dir(module))


def test_an_unknown_name_is_an_attribute_error() -> None:
    with pytest.raises(AttributeError, match="no attribute 'nothing_here'"):
        engine.nothing_here  # noqa: B018


@pytest.mark.parametrize("package", PACKAGES)
def test_importing_a_package_loads_none_of_its_modules(package: str) -> None:
    loaded = modules_after(f"import {package}")
    ours = {m for m in loaded if m.startswith("engine.")} - {package, "engine._lazy"}
    assert ours == set()
    assert not {m.split(".")[0] for m in loaded} & set(HEAVY)


def test_the_command_line_starts_without_the_heavy_libraries() -> None:
    loaded = {m.split(".")[0] for m in modules_after("import cli")}
    assert not loaded & set(HEAVY)


def test_a_deadline_loads_no_templates_no_pdf_and_from_the_cache_no_yaml_or_schemas() -> None:
    code = (
        "import cli, sys\n"
        "sys.argv = ['sla', 'deadline', 'standaard', '--priority', '1', '--reported', "
        "'2026-11-23T16:00']\n"
        "try:\n    cli.main(standalone_mode=False)\nexcept SystemExit:\n    pass\n"
    )
    first = {m.split(".")[0] for m in modules_after(code)}  # may fill the rule-set cache
    assert not first & {"jinja2", "weasyprint", "pyarrow", "babel"}
    again = {m.split(".")[0] for m in modules_after(code)}
    assert not again & {"jinja2", "weasyprint", "pyarrow", "babel", "yaml", "jsonschema"}
