"""The conversion of one batch of an export by a profile (see engine.evaluate.profiles): each
field's native column computed a column at a time, and every problem of every row collected,
each naming the row's line, the export's column and the profile key to fix."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo

import pyarrow as pa
import pyarrow.compute as pc

from engine.clock.times import DEFAULT_ZONE, Ambiguous
from engine.errors import InputError, Location, Problem, did_you_mean
from engine.evaluate.profile_times import (
    IN_GAP,
    REPEATED,
    UNREADABLE,
    as_array,
    falses,
    read_times,
    write_times,
)
from engine.evaluate.rows import COLUMNS, TIME_COLUMNS, RowError

if TYPE_CHECKING:
    from engine.evaluate.profiles import Profile

CONTRACT = "contract"
OUTPUT_COLUMNS = (*COLUMNS, CONTRACT)
"""The columns of a converted batch: the native ones, then which contract a row belongs to."""
_TIMES = (*TIME_COLUMNS, "pause_start", "pause_end")
_WHOLE = ("minutes", "travel_minutes")
_UNIT_SECONDS = {"seconds": 1, "minutes": 60, "hours": 3600}
_NUMBER = r"^[0-9]+([.,][0-9]+)?$"
_NO_TIME = r"^(0+([.,]0+)?|0?0:00(:00)?|PT0+S)?$"
_NULL = pa.scalar(None, pa.string())


@dataclass(frozen=True)
class Rejection:
    """A row the profile cannot convert, and every reason, each at file:line and column."""

    line: int
    problems: tuple[Problem, ...]

    def row_error(self) -> RowError:
        """The rejection as the evaluation reports a bad row."""
        return RowError(list(self.problems))


@dataclass(frozen=True)
class Converted:
    """One batch converted: the accepted rows' native columns and lines, and the rejections."""

    batch: pa.RecordBatch
    lines: pa.Array
    rejected: tuple[Rejection, ...]
    held: int  # accepted rows with a total time on hold (columns.hold_total) that is not 0


class ProfileConverter:
    """Converts the batches of one export (`file`, the name messages give) with a profile;
    times are written in `zone` (the zone the evaluation reads local times in)."""

    def __init__(
        self,
        profile: Profile,
        file: str,
        zone: ZoneInfo = DEFAULT_ZONE,
        ambiguous: Ambiguous = "reject",
    ) -> None:
        self.profile = profile
        self.file = file
        self.zone = zone
        self.ambiguous = ambiguous
        self.held = 0

    def check_header(self, names: Sequence[str]) -> None:
        """A CSV header must hold every column the profile maps: InputError naming each
        missing one and its profile key (the whole file would be rejected row by row)."""
        problems = []
        for field, source in self.profile.columns.items():
            if list(names).count(source) > 1:
                problems.append(
                    Problem(
                        f"the export has two columns {source!r}, which profile "
                        f"{self.profile.id} maps to {field}; rename one in the export",
                        Location(self.file, 1),
                    )
                )
            if source not in names:
                problems.append(
                    Problem(
                        f"the export has no column {source!r}{did_you_mean(source, names)}, "
                        f"which profile {self.profile.id} maps to {field} "
                        f"({self.profile.where('columns', field)}); fix the profile or the export",
                        Location(self.file, 1),
                    )
                )
        if problems:
            raise InputError(problems)

    def convert(self, raw: pa.RecordBatch | pa.Table, lines: pa.Array | Sequence[int]) -> Converted:
        """The native columns of the rows of `raw` (the line of each in `lines`)."""
        if not isinstance(lines, pa.Array | pa.ChunkedArray):
            lines = pa.array(lines, pa.int64())  # a list, a range or a numpy array
        line_array = as_array(lines)
        run = _Run(self, raw, line_array)
        columns = run.columns()
        keep = pc.invert(run.bad)
        held = run.held(keep)
        self.held += held
        batch = pa.RecordBatch.from_arrays(
            [columns[name] for name in OUTPUT_COLUMNS], names=list(OUTPUT_COLUMNS)
        )
        if not run.found:
            return Converted(batch, line_array, (), held)
        return Converted(batch.filter(keep), pc.filter(line_array, keep), run.rejections(), held)

    def warnings(self) -> list[Problem]:
        """After the last batch: what the profile could not use, e.g. totals time on hold."""
        if not self.held:
            return []
        source = self.profile.columns["hold_total"]
        return [
            Problem(
                f"{self.held} row(s) give a total time on hold ({source!r}) but not when the "
                "ticket was on hold; a total cannot be placed on the business-hours clock, so "
                "those rows are evaluated without pauses. Check them by hand, or export the "
                f"on-hold periods and map them as pause_start/pause_end "
                f"({self.profile.where('columns', 'hold_total')})",
                Location(self.file, path=source),
            )
        ]


class _Run:
    """The conversion of one batch: each field's native column, and the problems per row."""

    def __init__(
        self, converter: ProfileConverter, raw: pa.RecordBatch | pa.Table, lines: pa.Array
    ):
        self.c = converter
        self.p = converter.profile
        self.raw = raw
        self.lines = lines
        self.size = raw.num_rows
        self.bad = falses(self.size)
        self.found: dict[int, list[Problem]] = {}
        self.texts: dict[str, pa.Array] = {}  # source path -> its text, worked out once

    def source(self, field: str) -> pa.Array | None:
        """The trimmed text of the mapped source of `field` (null where empty); None when
        the profile does not map it."""
        path = self.p.columns.get(field)
        if path is None:
            return None
        if path not in self.texts:
            self.texts[path] = _text(_lookup(self.raw, path, self.size), path, self.c.file)
        return self.texts[path]

    def flag(self, mask: pa.Array, field: str, message: Callable[[Any], str]) -> None:
        """Reject the rows of `mask`, each with `message(value of the field's source)`."""
        mask = pc.fill_null(mask, False)
        if not pc.any(mask).as_py():
            return
        self.bad = pc.or_(self.bad, mask)
        source = self.p.columns.get(field, field)
        texts = self.source(field)
        for index in pc.indices_nonzero(mask).to_pylist():
            value = texts[index].as_py() if texts is not None else None
            where = Location(self.c.file, self.lines[index].as_py(), path=source)
            self.found.setdefault(index, []).append(Problem(message(value), where))

    def missing(self, field: str) -> Callable[[Any], str]:
        return lambda _: (
            f"missing; profile {self.p.id} reads {field} from here "
            f"({self.p.where('columns', field)}) and every row needs it"
        )

    def columns(self) -> dict[str, pa.Array]:
        out = {name: pa.nulls(self.size, pa.string()) for name in OUTPUT_COLUMNS}
        for field in ("ticket", "causes", "pauses", "priority_history", CONTRACT):
            text = self.source(field)
            if text is not None:
                out[field] = text
        self.flag(pc.is_null(out["ticket"]), "ticket", self.missing("ticket"))
        times = {field: self.times(field) for field in _TIMES if field in self.p.columns}
        self.flag(pc.is_null(self.source("reported")), "reported", self.missing("reported"))
        for field in TIME_COLUMNS:
            if field in times:
                out[field] = write_times(times[field], self.c.zone)
        if "pause_start" in times:
            out["pauses"] = self.pause(times["pause_start"], times["pause_end"], out["pauses"])
        out["priority"] = self.priority(out["priority_history"])
        for field in _WHOLE:
            if field in self.p.columns:
                out[field] = self.whole(field)
        for field in ("work", "on_site", "causes"):
            mapped = self.mapped(field)
            if mapped is not None:
                out[field] = mapped
        return out

    def times(self, field: str) -> pa.Array:
        texts = self.source(field)
        assert texts is not None
        read = read_times(texts, self.p.time_format, self.p.zone, self.c.ambiguous)
        form, zone = self.p.time_format, self.p.zone.key
        self.flag(
            pc.equal(read.codes, UNREADABLE),
            field,
            lambda v: (
                f"{v!r} is not a time as time_format {form!r} reads it "
                f"({self.p.where('time_format')}); fix the row, or the profile's time_format"
            ),
        )
        self.flag(
            pc.equal(read.codes, IN_GAP),
            field,
            lambda v: (
                f"{v!r} does not exist in {zone}: the clocks skip that hour (daylight "
                "saving time starts); fix the row, or export times with their offset"
            ),
        )
        self.flag(
            pc.equal(read.codes, REPEATED),
            field,
            lambda v: (
                f"{v!r} happens twice in {zone} (the clocks go back); say which with "
                "--ambiguous earlier or later, or export times with their offset"
            ),
        )
        return read.seconds

    def pause(self, start: pa.Array, end: pa.Array, pauses: pa.Array) -> pa.Array:
        one = pc.xor(pc.is_valid(start), pc.is_valid(end))
        self.flag(
            pc.and_(one, pc.is_null(start)),
            "pause_start",
            lambda _: "missing while the pause has an end; give both or neither",
        )
        self.flag(
            pc.and_(one, pc.is_null(end)),
            "pause_end",
            lambda _: "missing while the pause has a start; give both or neither",
        )
        self.flag(pc.less(end, start), "pause_end", lambda v: f"{v!r} is before the pause starts")
        text = pc.binary_join_element_wise(
            write_times(start, self.c.zone), write_times(end, self.c.zone), "/"
        )
        joined = pc.binary_join_element_wise(pauses, text, ";")
        return pc.coalesce(joined, text, pauses)

    def priority(self, history: pa.Array) -> pa.Array:
        texts = self.source("priority")
        assert texts is not None
        known = self.p.priorities
        folded = {key.casefold(): value for key, value in known.items()}
        mapped = _map_distinct(
            texts, lambda v: str(known.get(v) or folded.get(v.casefold()) or "") or None
        )
        self.flag(
            pc.and_(pc.is_valid(texts), pc.is_null(mapped)),
            "priority",
            lambda v: (
                f"{v!r} is not one of the priorities of profile {self.p.id} "
                f"({', '.join(map(repr, known))}); add it under priorities "
                f"({self.p.where('priorities')}) or fix the row"
            ),
        )
        self.flag(
            pc.and_(pc.is_null(texts), pc.is_null(history)),
            "priority",
            self.missing("priority"),
        )
        return mapped

    def whole(self, field: str) -> pa.Array:
        texts = self.source(field)
        assert texts is not None
        number = pc.match_substring_regex(texts, _NUMBER)
        self.flag(
            pc.invert(number),
            field,
            lambda v: (
                f"{v!r} is not a number of {self.p.minutes_unit} "
                f"({self.p.where('minutes_unit')}); fix the row"
            ),
        )
        readable = pc.if_else(number, pc.replace_substring(texts, ",", "."), _NULL)
        seconds = pc.multiply(pc.cast(readable, pa.float64()), _UNIT_SECONDS[self.p.minutes_unit])
        minutes = pc.ceil(pc.divide(pc.round(seconds, 6), 60.0))
        return pc.cast(pc.cast(minutes, pa.int64()), pa.string())

    def mapped(self, field: str) -> pa.Array | None:
        """work, on_site or causes through the profile's values map (causes item by item)."""
        table = self.p.values.get(field)
        texts = self.source(field)
        if table is None or texts is None:
            return None

        def one(value: str) -> str | None:
            if field == "causes":
                items = [item.strip() for item in value.split(";") if item.strip()]
                found = [
                    table.get(item, item if item in table.values() else None) for item in items
                ]
                return None if None in found else ";".join(str(f) for f in found)
            if value in table:
                found = table[value]
                return ("true" if found else "false") if isinstance(found, bool) else str(found)
            return None

        mapped = _map_distinct(texts, one)
        self.flag(
            pc.and_(pc.is_valid(texts), pc.is_null(mapped)),
            field,
            lambda v: (
                f"{v!r} is not in the {field} values of profile {self.p.id} "
                f"({', '.join(map(repr, table))}); add it under values.{field} "
                f"({self.p.where('values', field)}) or fix the row"
            ),
        )
        return mapped

    def held(self, keep: pa.Array) -> int:
        texts = self.source("hold_total")
        if texts is None:
            return 0
        on_hold = pc.invert(pc.match_substring_regex(texts, _NO_TIME))
        return int(pc.sum(pc.and_(pc.fill_null(on_hold, False), keep)).as_py() or 0)

    def rejections(self) -> tuple[Rejection, ...]:
        return tuple(
            Rejection(self.lines[index].as_py(), tuple(self.found[index]))
            for index in sorted(self.found)
        )


def _lookup(raw: pa.RecordBatch | pa.Table, path: str, size: int) -> pa.Array:
    """The column `path` names: a column of that name, else a dotted path through struct
    columns (JSON objects); all null when the batch has no such column (a JSON field that no
    row of this batch has)."""
    names = raw.schema.names
    if path in names:
        return as_array(raw.column(path))
    head, *rest = path.split(".")
    if head not in names:
        return pa.nulls(size, pa.string())
    column = as_array(raw.column(head))
    for name in rest:
        if not pa.types.is_struct(column.type) or column.type.get_field_index(name) < 0:
            return pa.nulls(size, pa.string())
        column = pc.struct_field(column, [column.type.get_field_index(name)])
    return column


def _text(column: pa.Array, path: str, file: str) -> pa.Array:
    """A column as trimmed strings, null where empty; numbers and booleans as JSON writes them."""
    kind = column.type
    if pa.types.is_null(kind):
        return pa.nulls(len(column), pa.string())
    if pa.types.is_boolean(kind):
        column = pc.if_else(column, "true", "false")
    elif pa.types.is_floating(kind):
        whole = pc.equal(column, pc.floor(column))
        column = pc.if_else(
            whole,
            pc.cast(pc.cast(column, pa.int64(), safe=False), pa.string()),
            pc.cast(column, pa.string()),
        )
    elif pa.types.is_timestamp(kind) and kind.tz is None:
        raise InputError.at(
            f"{path!r} was read as a time without zone, which loses a written offset or Z; "
            "read it as text (Profile.json_schema gives the schema for pyarrow.json)",
            file=file,
        )
    elif pa.types.is_integer(kind) or pa.types.is_large_string(kind) or pa.types.is_timestamp(kind):
        column = pc.cast(column, pa.string())
    elif not pa.types.is_string(kind):
        raise InputError.at(
            f"{path!r} holds {kind}, not text; map a field inside it with a dotted path "
            "(e.g. priority.name)",
            file=file,
        )
    trimmed = pc.utf8_trim_whitespace(column)
    return pc.if_else(pc.equal(trimmed, ""), _NULL, trimmed)


def _map_distinct(texts: pa.Array, one: Callable[[str], str | None]) -> pa.Array:
    """`one` applied to each distinct value (a column of a million rows holds a few)."""
    encoded = texts.dictionary_encode()
    dictionary = [one(value) for value in encoded.dictionary.to_pylist()]
    return pc.take(pa.array(dictionary, pa.string()), encoded.indices)
