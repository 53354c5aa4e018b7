"""Import profiles: a helpdesk tool's export, as the tool writes it, turned into the columns
`sla evaluate` reads (engine.evaluate.rows.COLUMNS, in the text forms rows.py accepts).

A profile (rules/profiles/<id>.yaml, schemas/profile.schema.json) names, for each engine field,
the tool's CSV header or a dotted path into its JSON objects; how the tool writes times
(`iso`, or a strptime pattern) and in which zone when it writes no offset; its priority values
as PRIO 1 … 4; and optionally its values for work, on_site and causes.

This is one stage, between reading and evaluating: `ProfileConverter.convert` takes a batch of
raw columns (a pyarrow RecordBatch or Table, as any reader gives them) and the line of each row,
and gives the native columns of the rows it accepts, with the line of each, plus one
`Rejection` per row it refuses, naming the line, the export's column and the profile key to fix.
It works a column at a time (pyarrow.compute): value maps over the distinct values, times as
engine.evaluate.profile_times reads them.

Native columns are strings, null where the row gives nothing: times as local time in the
evaluation's zone (`2026-11-23T16:00:00`, with the offset in the repeated autumn hour),
priorities `1` … `4`, minutes as whole numbers, on_site `true`/`false`, a pause of
pause_start/pause_end appended to pauses as `FROM/TO`. pauses, causes and priority_history
columns pass through in the engine's own form. `contract` is one more column (null when the
profile maps none), for engine.evaluate.customers to match rows to contracts.

This module loads profiles; engine.evaluate.profile_convert converts a batch,
engine.evaluate.profile_times reads and writes time columns, engine.evaluate.profile_export
reads a raw export line by line (until the columnar reader reads profiled exports itself).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import pyarrow as pa

from engine.clock.times import DEFAULT_ZONE
from engine.errors import Problem, ReferenceNotFound, ValidationError, did_you_mean
from engine.evaluate.profile_convert import (
    CONTRACT,
    OUTPUT_COLUMNS,
    Converted,
    ProfileConverter,
    Rejection,
)
from engine.evaluate.profile_times import DIRECTIVES, ISO, pattern_regex
from engine.paths import display_path
from engine.rules.schemas import check
from engine.rules.yaml_loader import Document, load_yaml

__all__ = [
    "CONTRACT",
    "OUTPUT_COLUMNS",
    "Converted",
    "Profile",
    "ProfileConverter",
    "Rejection",
    "find_profile",
    "load_profile",
    "profile_of",
]


@dataclass(frozen=True)
class Profile:
    """A loaded, checked profile; `document` keeps where each key is, for messages."""

    id: str
    format: str
    delimiter: str | None
    encoding: str
    zone: ZoneInfo
    time_format: str
    minutes_unit: str
    columns: Mapping[str, str]
    priorities: Mapping[str, int]
    values: Mapping[str, Mapping[str, Any]]
    document: Document

    def json_schema(self) -> pa.Schema:
        """For pyarrow.json.read_json(explicit_schema=…): the time fields as text, nested as
        their dotted paths say; the other fields are left to inference. pyarrow reads
        `2026-11-23T15:00:00Z` as a timestamp without zone when it infers, so without this a
        UTC time would be taken for local time."""
        tree: dict[str, Any] = {}
        for field in _TEXT_FIELDS:
            path = self.columns.get(field)
            if path is not None:
                *parents, leaf = path.split(".")
                node = tree
                for parent in parents:
                    node = node.setdefault(parent, {})
                node[leaf] = None
        return pa.schema(_fields(tree))

    def where(self, *path: str | int) -> str:
        """`rules/profiles/x.yaml:12:3 (columns.priority)`: the key to fix, for a message."""
        location = self.document.location(path)
        return f"{location.prefix().rstrip(': ')}"


_TEXT_FIELDS = (
    "reported",
    "first_response",
    "resolved",
    "on_site_arrival",
    "start",
    "pause_start",
    "pause_end",
    "pauses",
    "priority_history",
)


def _fields(tree: dict[str, Any]) -> list[pa.Field]:
    return [
        pa.field(name, pa.string() if node is None else pa.struct(_fields(node)))
        for name, node in tree.items()
    ]


def load_profile(path: Path, display_name: str | None = None) -> Profile:
    """Read a profile file and check it: schema, zone, time_format; ValidationError otherwise."""
    document = load_yaml(path, display_name)
    problems = check(document, "profile")
    if problems:
        raise ValidationError(problems)
    return profile_of(document)


def profile_of(document: Document) -> Profile:
    """The profile of a schema-checked document; a zone or time_format that cannot be used is
    a ValidationError at its key."""
    data = document.data
    problems = []
    try:
        zone = ZoneInfo(data.get("timezone", DEFAULT_ZONE.key))
    except (ZoneInfoNotFoundError, ValueError):
        zone = DEFAULT_ZONE
        problems.append(
            Problem(
                f"{data['timezone']!r} is not a known time zone; write an IANA name such as "
                "Europe/Amsterdam or UTC",
                document.location(("timezone",)),
            )
        )
    if data["time_format"] != ISO:
        try:
            pattern_regex(data["time_format"])
        except ValueError as error:
            problems.append(
                Problem(
                    f"{error} cannot be used here; use {', '.join('%' + d for d in DIRECTIVES)} "
                    "(times with an offset: write time_format: iso)",
                    document.location(("time_format",)),
                )
            )
    if problems:
        raise ValidationError(problems)
    return Profile(
        id=data["id"],
        format=data["format"],
        delimiter=data.get("delimiter"),
        encoding=data.get("encoding", "utf-8"),
        zone=zone,
        time_format=data["time_format"],
        minutes_unit=data.get("minutes_unit", "minutes"),
        columns=data["columns"],
        priorities={str(key).strip(): value for key, value in data["priorities"].items()},
        values=data.get("values", {}),
        document=document,
    )


def find_profile(name: str, rules_dir: Path) -> Profile:
    """`--profile NAME|FILE`: a profile file, or the shipped one of that id in
    rules_dir/profiles/."""
    path = Path(name)
    if path.suffix in (".yaml", ".yml") or path.exists():
        if not path.is_file():
            raise ReferenceNotFound.at("no such profile file; check the path", file=name)
        return load_profile(path, name)
    shipped = rules_dir / "profiles"
    known = sorted(p.stem for p in shipped.glob("*.yaml"))
    if name not in known:
        raise ReferenceNotFound.at(
            f"{name!r} is not a profile{did_you_mean(name, known)}; the profiles are "
            f"{', '.join(known)}, or give a profile file"
        )
    return load_profile(shipped / f"{name}.yaml", display_path(shipped / f"{name}.yaml"))
