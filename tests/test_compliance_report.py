"""The compliance report: percentages, the SVG chart, the HTML document and the text summary."""

from __future__ import annotations

import re
from collections import Counter
from datetime import date
from decimal import Decimal

import pytest

from engine.clock.times import parse_time
from engine.evaluate.summary import Breach, Summary
from engine.present.compliance import ReportInfo, chart_svg, percent, render_html, summary_text


def summary(**changes: object) -> Summary:
    values: dict[str, object] = {
        "rows_in": 7,
        "rows_out": 6,
        "rows_rejected": 1,
        "statuses": {
            (1, "first_response"): Counter({"met": 3, "breached": 1}),
            (2, "resolution"): Counter({"met": 1, "at_risk": 2}),
        },
        "months": {("2026-10", 1): (1, 1), ("2026-11", 1): (2, 0), ("2026-11", 2): (1, 0)},
        "breaches": (Breach(4, "T-<b>4</b>", 1, "first_response", parse_time("2026-10-05T17:00")),),
        "breaches_total": 3,
        "cost_total": Decimal("1234.5"),
        "cost_by_priority": {1: Decimal("1234.5")},
        "priced": 2,
        "not_priced": 0,
        "no_work": 4,
        "as_of": parse_time("2026-12-01T09:00"),
    }
    values.update(changes)
    return Summary(**values)  # type: ignore[arg-type]


INFO = ReportInfo("Acme <B.V.> (advanced)", "in.csv", "carry_over", "0.75", date(2026, 12, 1))


@pytest.mark.parametrize(
    ("value", "lang", "text"),
    [
        (Decimal(3) / Decimal(4), "nl", "75,0%"),
        (Decimal(2) / Decimal(3), "en", "66.7%"),
        (Decimal(1), "en", "100.0%"),
        (None, "nl", "–"),
    ],
)
def test_percent(value: Decimal | None, lang: str, text: str) -> None:
    assert percent(value, lang) == text


def test_compliance_is_met_over_met_and_breached() -> None:
    s = summary()
    assert s.compliance(1) == Decimal("0.75")
    assert s.compliance(2) == Decimal(1)  # at risk counts in neither
    assert s.compliance() == Decimal(4) / Decimal(5)


def test_chart_points_follow_the_months() -> None:
    svg = str(chart_svg(summary()))
    assert svg.startswith("<svg") and svg.endswith("</svg>")
    # PRIO 1: October 50 %, November 100 %; plot from y=16 (100 %) to y=232 (0 %), x 48..584
    assert '<polyline points="48.0,124.0 584.0,16.0"' in svg
    assert ">2026-10<" in svg and ">2026-11<" in svg
    assert "PRIO 3" not in svg  # no data, no legend entry


def test_html_report_is_self_contained_and_escaped() -> None:
    html = render_html(summary(), INFO, "nl")
    assert "<svg" in html
    assert not re.search(r"<script|https?://(?!www\.w3\.org/2000/svg)", html)
    assert "Acme &lt;B.V.&gt; (advanced)" in html
    assert "T-&lt;b&gt;4&lt;/b&gt;" in html
    assert re.search(r"€\s1\.234,50", html)  # a no-break space in HTML
    assert "… en nog 2 (niet bewaard; de eerste 1 staan hier)" in html
    assert "@page" in html  # print styles


def test_html_report_without_any_judged_target_has_no_chart() -> None:
    html = render_html(summary(statuses={}, months={}, breaches=(), breaches_total=0), INFO, "en")
    assert "<svg" not in html
    assert "No met or breached targets to show yet." in html


def test_summary_text_lists_breaches_and_says_how_many_more() -> None:
    text = summary_text(summary(), "en")
    assert text.startswith("Rows: 7 read, 6 evaluated, 1 rejected\n")
    assert "1     first response    3         1        0     0            0       75.0%" in text
    assert "4    T-<b>4</b>  1     first response  2026-10-05T17:00:00+02:00" in text
    assert "… and 2 more\n" in text
