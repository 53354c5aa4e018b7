"""A loaded YAML file: its data, and the line and column where each key path's value starts.

Apart from the loader (engine/rules/yaml_loader.py) so that a rule set read back from the
cache, and code that only reads documents, need not import the YAML parser.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from engine.errors import Location

KeyPath = tuple[str | int, ...]


@dataclass(frozen=True)
class Document:
    """A loaded file: its data, and where each key path's value starts in the file."""

    file: str
    data: Any
    positions: dict[KeyPath, tuple[int, int]]

    def location(self, path: KeyPath) -> Location:
        """The location of `path`, or of its nearest ancestor that has one."""
        probe = tuple(path)
        while probe and probe not in self.positions:
            probe = probe[:-1]
        line, column = self.positions.get(probe, (1, 1))
        return Location(self.file, line, column, format_path(path) or None)


def format_path(path: KeyPath) -> str:
    """`("targets", "P1", "first_response")` -> `targets.P1.first_response`; lists as `[0]`."""
    out = ""
    for part in path:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += f".{part}" if out else str(part)
    return out
