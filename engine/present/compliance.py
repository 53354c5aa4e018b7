"""The summary of an evaluated export: as text for the terminal, and as an HTML report.

Compliance is met / (met + breached): open, at-risk, best-effort and not-applicable targets
count in neither. The HTML report (templates/compliance.html.j2, rendered in the sandboxed
environment of engine.present.documents) has a chart of compliance per priority and month as inline
SVG made here (no script, no network, prints as it shows), and the tables behind it.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from markupsafe import Markup, escape

from engine.clock.times import format_time
from engine.evaluate.summary import Summary
from engine.i18n import _, language
from engine.incident.plans import AT_RISK, BEST_EFFORT_STATUS, BREACHED, CLOCKS, MET, OPEN
from engine.present.document_format import load_texts, long_date, long_datetime
from engine.present.documents import render
from engine.pricing.money import format_euros

TEXT_BREACHES = 50
"""The terminal summary lists this many breaches; the HTML report lists all the summary kept."""


def _words() -> dict[str, Any]:
    """The report's words in the run's language (engine/i18n.py)."""
    return {
        "title": _("Service-level compliance report"),
        "rows": _("Rows: {rows_in} read, {rows_out} evaluated, {rows_rejected} rejected"),
        "as_of": _("As of"),
        "clocks": {
            "first_response": _("first response"),
            "resolution": _("resolution"),
            "time_on_site": _("time on site"),
        },
        "head": (
            "PRIO",
            _("target"),
            _("met"),
            _("breached"),
            _("at risk"),
            _("open"),
            _("best effort"),
            _("compliance"),
        ),
        "compliance": _("Compliance per priority and target (met / (met + breached))"),
        "overall": _("all"),
        "breaches": _("Breached: {total}"),
        "more": _("… and {more} more (not kept; the first {kept} are listed)"),
        "more_text": _("… and {more} more"),
        "breach_head": (
            _("row"),
            _("ticket"),
            "PRIO",
            _("target"),
            _("due"),
        ),
        "costs": _(
            "Costs: {total} ({priced} rows priced, {not_priced} not priceable, "
            "{no_work} without minutes worked)"
        ),
        "cost_head": (
            "PRIO",
            _("costs"),
        ),
        "chart": _("Compliance per priority and month (month reported)"),
        "chart_empty": _("No met or breached targets to show yet."),
        "month_head": (
            _("month"),
            "PRIO 1",
            "PRIO 2",
            "PRIO 3",
            "PRIO 4",
        ),
        "per_month": _("Per month: compliance (met / met + breached)"),
        "chart_note": _(
            "By month reported, first response, resolution and time on site "
            "together; a month without a met or breached target has no point."
        ),
        "costs_title": _("Costs"),
        "breaches_title": _("Breached targets"),
        "facts": {
            "contract": _("Contract"),
            "export": _("Export"),
            "as_of": _("As of"),
            "rows": _("Rows"),
            "mode": _("Priority change"),
            "at_risk": _("At risk from"),
        },
        "rows_fact": _("{rows_in} read = {rows_out} evaluated + {rows_rejected} rejected"),
        "none": _("none"),
        "vat": _("Amounts exclude VAT."),
        "total": _("total"),
    }


@dataclass(frozen=True)
class ReportInfo:
    """What the report says about the run besides the summary."""

    contract: str  # customer and tier, or the tier
    export: str  # the input file as the user named it
    mode: str  # priority_change
    at_risk_share: str
    issued: date


def percent(value: Decimal | None, lang: str) -> str:
    """`Decimal("0.95")` -> `95,0%` (nl) or `95.0%` (en); None -> `–`."""
    if value is None:
        return "–"
    text = f"{value * 100:.1f}%"
    return text.replace(".", ",") if lang == "nl" else text


def summary_text(summary: Summary, lang: str = "nl") -> str:
    """The summary for a terminal: rows, compliance table, breaches, costs."""
    with language(lang):
        return _summary_text(summary, lang, _words())


def _summary_text(summary: Summary, lang: str, w: dict[str, Any]) -> str:
    lines = [_fill(w["rows"], _row_counts(summary)), f"{w['as_of']} {format_time(summary.as_of)}"]
    lines += ["", w["compliance"]]
    table = [list(w["head"])]
    for row in _compliance_rows(summary, w, lang):
        table.append([str(c) for c in row])
    lines += _aligned(table, right_from=2)
    lines += ["", _fill(w["breaches"], {"total": summary.breaches_total})]
    shown = summary.breaches[:TEXT_BREACHES]
    breach_table = [list(w["breach_head"])] + [
        [str(b.line), b.ticket, str(b.priority), w["clocks"][b.target], _time(b.due)] for b in shown
    ]
    if shown:
        lines += _aligned(breach_table, right_from=99)
    if summary.breaches_total > len(shown):
        lines.append(_fill(w["more_text"], {"more": summary.breaches_total - len(shown)}))
    lines += ["", _fill(w["costs"], _cost_counts(summary, lang))]
    return "\n".join(lines) + "\n"


def render_html(summary: Summary, info: ReportInfo, lang: str = "nl") -> str:
    """The compliance report as one self-contained HTML document."""
    with language(lang):
        return _render_html(summary, info, lang, _words())


def _render_html(summary: Summary, info: ReportInfo, lang: str, w: dict[str, Any]) -> str:
    texts = load_texts(lang)
    months = _months(summary)
    context = {
        "lang": lang,
        "t": texts,
        "w": w,
        "title": w["title"],
        "customer": info.contract,
        "issued": long_date(info.issued, lang),
        "facts": [
            (w["facts"]["contract"], info.contract),
            (w["facts"]["export"], info.export),
            (w["facts"]["as_of"], long_datetime(summary.as_of, lang)),
            (w["facts"]["rows"], _fill(w["rows_fact"], _row_counts(summary))),
            (w["facts"]["mode"], info.mode),
            (w["facts"]["at_risk"], percent(Decimal(info.at_risk_share), lang)),
        ],
        "chart": chart_svg(summary, lang) if months else None,
        "compliance_rows": [[str(c) for c in row] for row in _compliance_rows(summary, w, lang)],
        "month_rows": [
            [month, *(_month_cell(summary, month, prio, lang) for prio in (1, 2, 3, 4))]
            for month in months
        ],
        "cost_rows": [
            [str(prio), format_euros(summary.cost_by_priority[prio], lang)]
            for prio in sorted(summary.cost_by_priority)
        ],
        "cost_total": format_euros(summary.cost_total, lang),
        "cost_line": _fill(w["costs"], _cost_counts(summary, lang)),
        "breaches": [
            [str(b.line), b.ticket, str(b.priority), w["clocks"][b.target], _time(b.due)]
            for b in summary.breaches
        ],
        "breaches_line": _fill(w["breaches"], {"total": summary.breaches_total}),
        "more": (
            _fill(
                w["more"],
                {
                    "more": summary.breaches_total - len(summary.breaches),
                    "kept": len(summary.breaches),
                },
            )
            if summary.breaches_total > len(summary.breaches)
            else ""
        ),
    }
    return render("compliance", context, "html")


# -- the chart -------------------------------------------------------------------------------

_SERIES = {  # colour, dash pattern, marker: told apart in colour and in black and white print
    1: ("#b3261e", "", "circle"),
    2: ("#e08a00", "6 3", "square"),
    3: ("#1f6fb2", "2 3", "diamond"),
    4: ("#3b7d3b", "10 3 2 3", "triangle"),
}
_W, _H = 680, 280
_LEFT, _RIGHT, _TOP, _BOTTOM = 48, 96, 16, 48


def chart_svg(summary: Summary, lang: str = "nl") -> Markup:
    """A line chart of compliance per priority over the months reported, as inline SVG."""
    months = _months(summary)
    plot_w, plot_h = _W - _LEFT - _RIGHT, _H - _TOP - _BOTTOM
    step = plot_w / max(len(months) - 1, 1)

    def x(index: int) -> float:
        return _LEFT + (index * step if len(months) > 1 else plot_w / 2)

    def y(value: Decimal) -> float:
        return _TOP + plot_h * (1 - float(value))

    with language(lang):
        title = _("Compliance per priority and month (month reported)")
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {_W} {_H}" width="{_W}" '
        f'height="{_H}" role="img" aria-label="{escape(title)}" class="chart">',
        f'<rect x="{_LEFT}" y="{_TOP}" width="{plot_w}" height="{plot_h}" fill="#ffffff" '
        'stroke="#c9d2dc"/>',
    ]
    for tick in range(0, 101, 25):
        ty = y(Decimal(tick) / 100)
        parts.append(
            f'<line x1="{_LEFT}" y1="{ty:.1f}" x2="{_LEFT + plot_w}" y2="{ty:.1f}" '
            'stroke="#c9d2dc" stroke-width="0.6"/>'
            f'<text x="{_LEFT - 6}" y="{ty + 3.5:.1f}" text-anchor="end" font-size="10" '
            f'fill="#5a6b7d">{tick}%</text>'
        )
    every = max(1, -(-len(months) // 12))  # at most 12 month labels
    for index, month in enumerate(months):
        if index % every == 0 or index == len(months) - 1:
            parts.append(
                f'<text x="{x(index):.1f}" y="{_TOP + plot_h + 16}" text-anchor="middle" '
                f'font-size="10" fill="#1b2430">{escape(month)}</text>'
            )
    for prio, (colour, dash, marker) in _SERIES.items():
        points = [
            (x(index), y(value))
            for index, month in enumerate(months)
            for value in [_share(*summary.months.get((month, prio), (0, 0)))]
            if value is not None
        ]
        if not points:
            continue
        dashes = f' stroke-dasharray="{dash}"' if dash else ""
        if len(points) > 1:
            path = " ".join(f"{px:.1f},{py:.1f}" for px, py in points)
            parts.append(
                f'<polyline points="{path}" fill="none" stroke="{colour}" stroke-width="2"'
                f"{dashes}/>"
            )
        parts += [_marker(marker, px, py, colour) for px, py in points]
        legend_y = _TOP + 14 + (prio - 1) * 18
        legend_x = _LEFT + plot_w + 12
        parts.append(
            f'<line x1="{legend_x}" y1="{legend_y}" x2="{legend_x + 22}" y2="{legend_y}" '
            f'stroke="{colour}" stroke-width="2"{dashes}/>'
            + _marker(marker, legend_x + 11, legend_y, colour)
            + f'<text x="{legend_x + 28}" y="{legend_y + 3.5}" font-size="10" '
            f'fill="#1b2430">PRIO {prio}</text>'
        )
    parts.append("</svg>")
    return Markup("".join(parts))  # built here from numbers and escaped text


def _marker(kind: str, px: float, py: float, colour: str) -> str:
    r = 3.5
    if kind == "circle":
        return f'<circle cx="{px:.1f}" cy="{py:.1f}" r="{r}" fill="{colour}"/>'
    if kind == "square":
        return (
            f'<rect x="{px - r:.1f}" y="{py - r:.1f}" width="{2 * r}" height="{2 * r}" '
            f'fill="{colour}"/>'
        )
    if kind == "diamond":
        shape = [(px, py - r - 1), (px + r + 1, py), (px, py + r + 1), (px - r - 1, py)]
    else:
        shape = [(px, py - r - 1), (px + r + 1, py + r), (px - r - 1, py + r)]
    points = " ".join(f"{a:.1f},{b:.1f}" for a, b in shape)
    return f'<polygon points="{points}" fill="{colour}"/>'


# -- helpers -----------------------------------------------------------------------------------


def _months(summary: Summary) -> list[str]:
    return sorted(
        {month for (month, _), (met, breached) in summary.months.items() if met + breached}
    )


def _month_cell(summary: Summary, month: str, priority: int, lang: str) -> str:
    met, breached = summary.months.get((month, priority), (0, 0))
    if not met + breached:
        return "–"
    return f"{percent(_share(met, breached), lang)} ({met}/{met + breached})"


def _share(met: int, breached: int) -> Decimal | None:
    return None if met + breached == 0 else Decimal(met) / Decimal(met + breached)


def _compliance_rows(summary: Summary, w: Mapping[str, Any], lang: str) -> list[list[object]]:
    rows: list[list[object]] = []
    for prio in (1, 2, 3, 4):
        for clock in CLOCKS:
            counts = summary.statuses.get((prio, clock))
            if counts is None or not any(
                counts[s] for s in (MET, BREACHED, AT_RISK, OPEN, BEST_EFFORT_STATUS)
            ):
                continue
            rows.append(
                [
                    prio,
                    w["clocks"][clock],
                    counts[MET],
                    counts[BREACHED],
                    counts[AT_RISK],
                    counts[OPEN],
                    counts[BEST_EFFORT_STATUS],
                    percent(summary.compliance(prio, clock), lang),
                ]
            )
    rows.append(
        [
            w["overall"],
            "",
            summary.count(MET),
            summary.count(BREACHED),
            summary.count(AT_RISK),
            summary.count(OPEN),
            summary.count(BEST_EFFORT_STATUS),
            percent(summary.compliance(), lang),
        ]
    )
    return rows


def _row_counts(summary: Summary) -> dict[str, object]:
    return {
        "rows_in": summary.rows_in,
        "rows_out": summary.rows_out,
        "rows_rejected": summary.rows_rejected,
    }


def _cost_counts(summary: Summary, lang: str) -> dict[str, object]:
    return {
        "total": format_euros(summary.cost_total, lang),
        "priced": summary.priced,
        "not_priced": summary.not_priced,
        "no_work": summary.no_work,
    }


def _time(moment: datetime | None) -> str:
    return "–" if moment is None else format_time(moment)


def _fill(text: str, values: Mapping[str, object]) -> str:
    for name, value in values.items():
        text = text.replace("{" + name + "}", str(value))
    return text


def _aligned(table: list[list[str]], right_from: int) -> list[str]:
    widths = [max(len(row[i]) for row in table) for i in range(len(table[0]))]
    return [
        "  ".join(
            cell.rjust(width) if i >= right_from else cell.ljust(width)
            for i, (cell, width) in enumerate(zip(row, widths, strict=True))
        ).rstrip()
        for row in table
    ]
