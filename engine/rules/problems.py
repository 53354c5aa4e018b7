"""Problems out: one line of text each, a JSON list, or GitHub workflow annotations.

A problem quotes what the user wrote: file names, key paths, values. Those may hold control
characters (a newline followed by `::error …::` is a GitHub workflow command, ESC starts a
terminal escape sequence, U+202E reverses what follows it), so the text and GitHub forms show
each such character escaped (`\\n`, `\\x1b`, `\\u202e`) and a problem is always one line.
JSON escapes them itself.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Sequence

from engine.errors import Problem

FORMATS = ("text", "json", "github")

_UNPRINTABLE = re.compile(
    "[\x00-\x1f\x7f-\x9f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]"
)


def printable(text: str) -> str:
    """`text` with control, line-break and bidi characters written as escapes."""
    return _UNPRINTABLE.sub(_escape_one, text)


def _escape_one(match: re.Match[str]) -> str:
    character = match.group()
    code = ord(character)
    named = {"\n": "\\n", "\r": "\\r", "\t": "\\t"}
    if character in named:
        return named[character]
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def as_text(problems: Sequence[Problem]) -> str:
    return "".join(f"{printable(str(p))}\n" for p in problems)


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
            fields.append(f"file={_escape_property(printable(p.location.file))}")
        if p.location.line:
            fields.append(f"line={p.location.line}")
        if p.location.column:
            fields.append(f"col={p.location.column}")
        if p.location.path:
            fields.append(f"title={_escape_property(printable(p.location.path))}")
        message = _escape_data(printable(p.message))
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
