"""Problems out: one line of text each, a JSON list, or GitHub workflow annotations."""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence

from engine.errors import Problem

FORMATS = ("text", "json", "github")


def as_text(problems: Sequence[Problem]) -> str:
    return "".join(f"{p}\n" for p in problems)


def as_json(problems: Sequence[Problem]) -> str:
    rows = [
        {
            "file": p.location.file,
            "line": p.location.line,
            "column": p.location.column,
            "path": p.location.path,
            "message": p.message,
        }
        for p in problems
    ]
    return json.dumps(rows, indent=2, ensure_ascii=False) + "\n"


def as_github(problems: Sequence[Problem]) -> str:
    """`::error file=…,line=…,col=…::message`, the form a workflow turns into annotations."""
    lines = []
    for p in problems:
        fields = []
        if p.location.file:
            fields.append(f"file={_escape_property(p.location.file)}")
        if p.location.line:
            fields.append(f"line={p.location.line}")
        if p.location.column:
            fields.append(f"col={p.location.column}")
        if p.location.path:
            fields.append(f"title={_escape_property(p.location.path)}")
        message = _escape_data(p.message)
        lines.append(
            f"::error {','.join(fields)}::{message}\n" if fields else f"::error::{message}\n"
        )
    return "".join(lines)


def _escape_data(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _escape_property(text: str) -> str:
    return _escape_data(text).replace(":", "%3A").replace(",", "%2C")


REPORTERS: dict[str, Callable[[Sequence[Problem]], str]] = {
    "text": as_text,
    "json": as_json,
    "github": as_github,
}
