"""Where the shipped rules, schemas and templates are.

In a source checkout they are the folders rules/, schemas/ and templates/ beside engine/; an
installed package carries copies of them in engine/_shipped/ (pyproject.toml maps them there
when it builds), so `sla` finds them from any working folder. `--rules DIR` points a command
at another rules folder.
"""

from __future__ import annotations

from pathlib import Path

PACKAGE_DIR = Path(__file__).resolve().parent
PROJECT_ROOT = PACKAGE_DIR.parent
_SHIPPED = PACKAGE_DIR / "_shipped"


def _shipped(name: str) -> Path:
    installed = _SHIPPED / name
    return installed if installed.is_dir() else PROJECT_ROOT / name


RULES_DIR = _shipped("rules")
SCHEMAS_DIR = _shipped("schemas")
TEMPLATES_DIR = _shipped("templates")
# The example contracts and inputs of a source checkout (not installed; tests use them).
CONTRACTS_DIR = PROJECT_ROOT / "contracts"
EXAMPLES_DIR = PROJECT_ROOT / "examples"


def display_path(path: Path) -> str:
    """A path as the user would write it: relative to the working folder when inside it."""
    try:
        return str(path.resolve().relative_to(Path.cwd().resolve()))
    except ValueError:
        return str(path)
