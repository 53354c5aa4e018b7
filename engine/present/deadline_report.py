"""Deadlines presented: a JSON-ready dict and a readable text (Dutch or English)."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from engine.clock.business_time import Segment
from engine.clock.durations import format_duration
from engine.clock.times import format_time
from engine.i18n import _, language, pgettext
from engine.incident.deadlines import Deadlines, Target

_CLOCKS = ("first_response", "resolution", "time_on_site")


def _words() -> dict[str, Any]:
    """The report's words in the run's language (engine/i18n.py)."""
    return {
        "days": weekday_abbreviations(),
        "first_response": (_("First response"), _("responded")),
        "resolution": (_("Resolution"), _("resolved")),
        "time_on_site": (_("Time on site"), pgettext("deadline: the engineer was", "on site")),
        "reported": pgettext("deadline: the incident was", "reported"),
        "clock_start": _("clock starts"),
        "calendar": _("service hours"),
        "due": _("due"),
        "counted": _("counted"),
        "none_counted": _("no service time"),
        "best_effort": _("best effort: no deadline"),
        "not_applicable": _("not applicable"),
        "used": _("service time used"),
        "met": (_("target breached"), _("target met")),
        "waiver": _("exception"),
        "waiver_effect": _("all targets best effort"),
        "basis": {
            "actual": _("from the first response"),
            "projected": _("from the first-response deadline"),
            "reported": _("from the report"),
        },
    }


def weekday_abbreviations() -> tuple[str, ...]:
    """Monday to Sunday, abbreviated, in the run's language (`ma` … `zo`, `Mon` … `Sun`)."""
    return (_("Mon"), _("Tue"), _("Wed"), _("Thu"), _("Fri"), _("Sat"), _("Sun"))


def deadlines_as_dict(d: Deadlines) -> dict[str, Any]:
    """The deadlines as JSON-ready values; times with their offset, durations like `1h30m`."""
    out: dict[str, Any] = {
        "priority": d.priority,
        "reported": format_time(d.reported),
        "clock_start": format_time(d.clock_start),
    }
    for name in _CLOCKS:
        out[name] = _target_dict(getattr(d, name), with_basis=name == "resolution")
    if d.outside_term is not None:  # D-11
        out["outside_term"] = {**d.outside_term.as_dict(), "note": d.outside_term.en}
    return out


def _target_dict(t: Target, with_basis: bool) -> dict[str, Any]:
    out: dict[str, Any] = {"due": _time_or_none(t.due), "target": t.target}
    if with_basis:
        out["basis"] = t.basis
    out["best_effort"] = t.best_effort
    out["met"] = t.met
    out["elapsed"] = None if t.elapsed is None else duration_text(t.elapsed)
    out["waived_by"] = list(t.waived_by)
    out["segments"] = [
        {
            "start": format_time(s.start),
            "end": format_time(s.end),
            "duration": duration_text(s.duration),
        }
        for s in t.segments
    ]
    return out


def _time_or_none(moment: datetime | None) -> str | None:
    return None if moment is None else format_time(moment)


def duration_text(value: timedelta) -> str:
    """`1h30m`, with seconds added only when there are any (`7h59m30s`)."""
    minutes, seconds = divmod(int(value.total_seconds()), 60)
    text = format_duration(timedelta(minutes=minutes))
    return f"{text}{seconds}s" if seconds else text


def format_deadlines_text(d: Deadlines, lang: str = "nl") -> str:
    """A readable account of each clock, with the stretches of service time it counted."""
    with language(lang):
        return _deadlines_text(d, lang, _words())


def _deadlines_text(d: Deadlines, lang: str, w: dict[str, Any]) -> str:
    ticket = f"{d.ticket} · " if d.ticket else ""
    lines = [
        f"{ticket}PRIO {d.priority} · {w['reported']} {_when(d.reported, w)} · "
        f"{w['clock_start']} {_when(d.clock_start, w)} · {w['calendar']}: {d.calendar}"
    ]
    if d.outside_term is not None:  # D-11, first: everything below is read in its light
        lines.insert(0, d.outside_term.nl if lang == "nl" else d.outside_term.en)
    for waiver in d.waivers:
        source = f", {waiver.source}" if waiver.source else ""
        lines.append(
            f"{w['waiver']} {waiver.id} ({waiver.name(lang)}{source}): {w['waiver_effect']}"
        )
    for name in _CLOCKS:
        lines.extend(_target_lines(getattr(d, name), name, w))
    return "\n".join(lines)


def _target_lines(t: Target, name: str, w: dict[str, Any]) -> list[str]:
    label, did = w[name]
    if t.target == "not_applicable":
        return [f"{label}: {w['not_applicable']}"]
    basis = f", {w['basis'][t.basis]}" if t.basis else ""
    head = f"{label} ({t.target}{basis}): "
    head += w["best_effort"] if t.due is None else f"{w['due']} {_when(t.due, w)}"
    if t.waived_by:
        head += f" ({w['waiver']}: {', '.join(t.waived_by)})"
    lines = [head]
    if t.elapsed is not None:
        outcome = "" if t.met is None else f": {w['met'][t.met]}"
        did_at = f" {_when(t.actual, w)}" if t.actual is not None else ""
        lines.append(f"  {did}{did_at}; {w['used']} {duration_text(t.elapsed)}{outcome}")
    if t.due is not None or t.elapsed is not None:
        counted = ", ".join(_segment_text(s, w) for s in t.segments) or w["none_counted"]
        lines.append(f"  {w['counted']}: {counted}")
    return lines


def _when(moment: datetime, w: dict[str, Any]) -> str:
    return f"{w['days'][moment.weekday()]} {moment:%d-%m-%Y %H:%M}"


def _segment_text(s: Segment, w: dict[str, Any]) -> str:
    day = f"{w['days'][s.start.weekday()]} {s.start:%d-%m}"
    return f"{day} {s.start:%H:%M}–{s.end:%H:%M} {duration_text(s.duration)}"
