"""Customer documents: one source of truth, safe templates, Dutch formats, reviewed snapshots."""

from __future__ import annotations

import dataclasses
import re
from datetime import date, datetime, timedelta
from decimal import Decimal
from html.parser import HTMLParser
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from engine.contract.load import resolve_target
from engine.contract.merge import EffectiveContract
from engine.paths import CONTRACTS_DIR, PROJECT_ROOT, TEMPLATES_DIR
from engine.present.document_format import DocumentError, load_texts, long_date, long_datetime
from engine.present.documents import (
    markdown_escape,
    render,
    render_annex,
    render_maintenance,
    render_quote,
)
from engine.present.maintenance import load_notice
from engine.pricing.lines import Quote, QuoteLine
from engine.rules.ruleset import RuleSet

CONTRACTS = sorted(CONTRACTS_DIR.glob("*.yaml"))
ISSUED = date(2026, 11, 23)
AMSTERDAM = ZoneInfo("Europe/Amsterdam")
NOTICE = PROJECT_ROOT / "examples" / "maintenance" / "bakkerij-server-update.yaml"

# What the document must say for each engine value, written from the brief and the seed's table.
STATUS = {"included": "Y", "not_included": "N", "billed": "€", "addon": "add-on"}
WORDS = {"best_effort": "best effort", "not_applicable": "n.v.t."}
RATE_LABELS = {
    "outside_sla": "Tarief buiten SLA (per uur)",
    "prepaid_card": "Uurtarief strippenkaart",
}
TARGET_COLUMNS = ("Eerste reactie", "Tijd tot oplossing", "Tijd ter plaatse (TTP)")
TARGET_KEYS = ("first_response", "resolution", "time_on_site")


def contract(rules: RuleSet, path: Path) -> EffectiveContract:
    return resolve_target(rules, str(path))


# ---- reading a rendered document back, independently of how it was made ----


def markdown_tables(text: str) -> list[list[list[str]]]:
    """Each Markdown table as rows of cells, escapes undone, the |---| line dropped."""
    tables: list[list[list[str]]] = []
    current: list[list[str]] = []
    for line in [*text.splitlines(), ""]:
        if line.startswith("|"):
            cells = re.split(r"(?<!\\)\|", line.strip())[1:-1]
            if not all(re.fullmatch(r":?-+:?", c.strip()) for c in cells):
                current.append([re.sub(r"\\(.)", r"\1", c).strip() for c in cells])
        elif current:
            tables.append(current)
            current = []
    return tables


class _Tables(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.tables: list[list[list[str]]] = []
        self.cell: list[str] | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "table":
            self.tables.append([])
        elif tag == "tr":
            self.tables[-1].append([])
        elif tag in ("td", "th"):
            self.cell = []

    def handle_endtag(self, tag: str) -> None:
        if tag in ("td", "th") and self.cell is not None:
            self.tables[-1][-1].append(" ".join("".join(self.cell).split()))
            self.cell = None

    def handle_data(self, data: str) -> None:
        if self.cell is not None:
            self.cell.append(data.replace("\xa0", " "))


def html_tables(text: str) -> list[list[list[str]]]:
    parser = _Tables()
    parser.feed(text)
    return parser.tables


def rows_by_label(tables: list[list[list[str]]], header: str | None = None) -> dict[str, list[str]]:
    """Rows by their first cell, of every table or of the one whose first header is `header`."""
    chosen = [t for t in tables if header is None or (t and t[0][0] == header)]
    assert chosen, header
    return {row[0]: row[1:] for table in chosen for row in table if row}


def read_duration(text: str) -> timedelta | str:
    """`8 uur`, `1 uur 30 min`, `15 min` -> timedelta; words stay words."""
    match = re.fullmatch(r"(?:(\d+) uur)? ?(?:(\d+) min)?", text)
    if not match or not text:
        return text
    return timedelta(hours=int(match[1] or 0), minutes=int(match[2] or 0))


def expected_duration(spec: str) -> timedelta | str:
    if spec in WORDS:
        return WORDS[spec]
    match = re.fullmatch(r"(?:(\d+)h)?(?:(\d+)m)?", spec)
    assert match
    return timedelta(hours=int(match[1] or 0), minutes=int(match[2] or 0))


def read_euros(text: str) -> list[Decimal]:
    """Every Dutch amount in `text`: `€ 1.234,50` -> Decimal('1234.50')."""
    return [
        Decimal(amount.replace(".", "").replace(",", "."))
        for amount in re.findall(r"€ ?(\d{1,3}(?:\.\d{3})*,\d{2})", text)
    ]


# ---- one source of truth: every shipped contract, every value, in both formats ----


@pytest.mark.parametrize("output_format", ["md", "html"])
@pytest.mark.parametrize("path", CONTRACTS, ids=lambda p: p.stem)
def test_annex_values_equal_the_engines(rules: RuleSet, path: Path, output_format: str) -> None:
    effective = contract(rules, path)
    text = render_annex(rules, effective, output_format, "nl", ISSUED)
    tables = markdown_tables(text) if output_format == "md" else html_tables(text)
    rows = rows_by_label(tables, "Onderdeel")
    services = rows_by_label(tables, "Dienst")
    values = effective.values
    for service_id, service in rules.services.items():
        entry = values["services"][service_id]
        only = entry.get("priorities")
        want = (
            "PRIO " + " & ".join(map(str, only))
            if entry["status"] == "included" and only
            else STATUS[entry["status"]]
        )
        assert services[service["name"]["nl"]] == [want], service_id
    header = next(t[0] for t in tables if t[0][0] == "Prioriteit")
    assert tuple(header[1:]) == TARGET_COLUMNS
    targets = rows_by_label(tables, "Prioriteit")
    for p in (1, 2, 3, 4):
        row = next(r for label, r in targets.items() if label.startswith(f"PRIO {p} "))
        for key, cell in zip(TARGET_KEYS, row, strict=True):
            assert read_duration(cell) == expected_duration(values["targets"][f"P{p}"][key])
    for key, label in RATE_LABELS.items():
        rate = values["rates"][key]
        if rate == "price_list":
            assert "prijslijst" in rows[label][0]
        else:
            assert read_euros(rows[label][0]) == [Decimal(rate)], key
    evening = values["rates"]["evening_weekend"]
    assert Decimal(evening) in read_euros(rows["Uurtarief avond- en weekendservice"][0])
    allowance = values["config_change_allowance"]
    cell = rows["Configuratiewijzigingen inbegrepen"][0]
    if allowance == "unlimited":
        assert cell == "ja, onbeperkt"
    else:
        assert cell.startswith("max. ") or cell == "geen"
        want = expected_duration(allowance)
        assert cell == "geen" if want == timedelta(0) else read_duration(cell[5:]) == want


def test_annex_lists_every_exception_and_priority_in_the_rules(rules: RuleSet) -> None:
    text = render_annex(rules, contract(rules, CONTRACTS[0]), "md", "nl", ISSUED)
    for rule in rules.exception_rules().values():
        assert rule["description"]["nl"] in text
    for p in ("P1", "P2", "P3", "P4"):
        assert rules.priorities[p]["description"]["nl"] in text


def test_aws_rows_per_priority_for_a_contract_with_the_addon(rules: RuleSet) -> None:
    """Meijer (Advanced + AWS): PRIO 1 & 2 free of start fee and hourly rate, others billed."""
    text = render_annex(
        rules, contract(rules, CONTRACTS_DIR / "advocatenkantoor-meijer.yaml"), "md"
    )
    rows = rows_by_label(markdown_tables(text), "Onderdeel")
    assert rows["Starttarief avond- en weekendservice (per call)"] == [
        "€ 0,00 voor PRIO 1 & 2; overige prioriteiten € 100,00"
    ]
    assert rows["Uurtarief avond- en weekendservice"] == [
        "inbegrepen voor PRIO 1 & 2; overige prioriteiten € 90,00"
    ]
    assert rows["Avond- en weekendservice"] == ["PRIO 1 & 2: ma–vr 17:00–22:00, za–zo 10:00–16:00"]


def test_no_sla_customer_pays_the_no_sla_start_fee(rules: RuleSet) -> None:
    text = render_annex(rules, contract(rules, CONTRACTS_DIR / "fietsenmaker-bos.yaml"), "md")
    rows = rows_by_label(markdown_tables(text), "Onderdeel")
    assert rows["Starttarief avond- en weekendservice (per call)"] == ["€ 160,00"]
    assert rows["Tarief buiten SLA (per uur)"] == ["volgens de actuele prijslijst"]


# ---- safe templates ----

HOSTILE = ("<script>alert(1)</script>", "{{ 7*7 }}", "A | B & C")


@pytest.mark.parametrize("name", HOSTILE)
def test_customer_name_appears_literally_in_html(rules: RuleSet, name: str) -> None:
    effective = dataclasses.replace(contract(rules, CONTRACTS[0]), customer=name)
    text = render_annex(rules, effective, "html")
    assert "<script>" not in text and "49" not in text.split("<body>")[1][:2000]
    rows = rows_by_label(html_tables(text))
    assert rows["Klant"] == [name]


@pytest.mark.parametrize("name", HOSTILE)
def test_customer_name_appears_literally_in_markdown(rules: RuleSet, name: str) -> None:
    effective = dataclasses.replace(contract(rules, CONTRACTS[0]), customer=name)
    text = render_annex(rules, effective, "md")
    assert "<script>" not in text
    assert rows_by_label(markdown_tables(text))["Klant"] == [name]  # one cell, escapes undone


def test_markdown_escape_keeps_text_literal() -> None:
    assert markdown_escape("a | b") == r"a \| b"
    assert markdown_escape("<b>*x*</b>") == r"\<b\>\*x\*\</b\>"
    assert markdown_escape("# kop") == r"\# kop"
    assert markdown_escape("1. FC Bakkerij") == r"1\. FC Bakkerij"
    assert markdown_escape("- item") == r"\- item"
    assert markdown_escape("&amp; & co") == r"\&amp; & co"
    assert markdown_escape("twee\nregels") == "twee regels"
    assert markdown_escape("€ 1.234,50 (excl. btw)") == "€ 1.234,50 (excl. btw)"


def test_missing_variable_names_template_and_line() -> None:
    with pytest.raises(DocumentError) as caught:
        render("annex", {}, "md")
    problem = caught.value.problems[0]
    assert problem.location.file == "templates/annex.md.j2"
    assert problem.location.line == 1
    assert "'title' is undefined" in problem.message


def test_sandbox_refuses_internals(tmp_path: Path) -> None:
    (tmp_path / "evil.md.j2").write_text("{{ x.__class__.__mro__ }}\n", encoding="utf-8")
    with pytest.raises(DocumentError) as caught:
        render("evil", {"x": "text"}, "md", tmp_path)
    assert caught.value.problems[0].location.line == 1


def test_none_value_is_an_error_not_the_word_none(tmp_path: Path) -> None:
    (tmp_path / "empty.html.j2").write_text("<p>{{ value }}</p>\n", encoding="utf-8")
    with pytest.raises(DocumentError, match="None"):
        render("empty", {"value": None}, "html", tmp_path)


def test_texts_have_the_same_keys_in_every_language() -> None:
    def keys(data: object, prefix: str = "") -> set[str]:
        if isinstance(data, dict):
            return {k for key, v in data.items() for k in keys(v, f"{prefix}.{key}")} | {prefix}
        if isinstance(data, list):
            return {k for i, v in enumerate(data) for k in keys(v, f"{prefix}[{i}]")}
        return {prefix}

    assert keys(load_texts("nl")) == keys(load_texts("en"))


def test_templates_hold_no_amounts_or_durations() -> None:
    for template in TEMPLATES_DIR.glob("*.j2"):
        text = template.read_text(encoding="utf-8")
        assert not re.search(r"€|\d+ ?(uur|u\b|h\b|min)", text), template.name


# ---- Dutch and English formats ----


def a_quote(customer: str = "Bakkerij De Vries B.V.") -> Quote:
    return Quote(
        customer=customer,
        tier="standaard",
        priority=2,
        start=datetime(2026, 11, 23, 19, 30, tzinfo=AMSTERDAM),
        lines=(
            QuoteLine(
                "Starttarief avond-/weekendservice",
                "Evening/weekend start fee",
                Decimal(1),
                "call",
                Decimal("100.00"),
                "prices",
                "§1.3.16",
            ),
            QuoteLine(
                "Uurtarief avond-/weekendservice",
                "Evening/weekend hourly rate",
                Decimal("11.9"),
                "hour",
                Decimal("95.00"),
                "tier:standaard rates.evening_weekend",
                "§1.3.16",
            ),
            QuoteLine(
                "Incidentwerk, inbegrepen",
                "Incident work, included",
                Decimal("0.25"),
                "hour",
                Decimal(0),
                "tier:standaard",
                "§1",
            ),
        ),
        notes=("De kosten per call zijn verschuldigd.",),
        notes_en=("Call costs are due.",),
        ticket="T-1",
    )


def test_quote_in_dutch_formats(rules: RuleSet) -> None:
    rows = rows_by_label(markdown_tables(render_quote(rules, a_quote(), "md", "nl", ISSUED)))
    assert rows["Uurtarief avond-/weekendservice"] == [
        "11,9 uur",
        "€ 95,00",
        "€ 1.130,50",
        "§1.3.16",
    ]
    assert rows["Incidentwerk, inbegrepen"][2] == "kosteloos"
    assert rows["Subtotaal"][2] == "€ 1.230,50"  # 100 + 1130.50
    assert rows["Btw 21%"][2] == "€ 258,41"  # 1230.50 × 0.21 = 258.405, half up
    assert rows["**Totaal incl. btw**"][2] == "**€ 1.488,91**"
    assert rows["Aanvang werkzaamheden"] == ["maandag 23 november 2026 19:30"]
    assert rows["Service level"] == ["Standaard"]


def test_quote_in_english(rules: RuleSet) -> None:
    text = render_quote(rules, a_quote(), "md", "en", ISSUED)
    rows = rows_by_label(markdown_tables(text))
    assert rows["Evening/weekend hourly rate"][2] == "€1,130.50"
    assert "Monday 23 November 2026" in text and "Call costs are due." in text


def test_long_date_is_dutch() -> None:
    assert long_date(date(2026, 11, 23), "nl") == "maandag 23 november 2026"
    assert long_date(date(2026, 11, 23), "en") == "Monday 23 November 2026"


def test_times_are_shown_on_the_amsterdam_clock() -> None:
    utc = datetime(2026, 11, 23, 23, 30, tzinfo=ZoneInfo("UTC"))  # 00:30 the next day in CET
    assert long_datetime(utc, "nl") == "dinsdag 24 november 2026 00:30"


def test_english_annex_uses_the_english_names(rules: RuleSet) -> None:
    text = render_annex(rules, contract(rules, CONTRACTS[0]), "md", "en", ISSUED)
    assert "| Remote help | Y |" in text
    assert "First response" in text and "Eerste reactie" not in text
    for rule in rules.exception_rules().values():
        assert rule["description"]["en"] in text


# ---- snapshots, reviewed by hand ----


@pytest.mark.parametrize("path", CONTRACTS, ids=lambda p: p.stem)
def test_annex_markdown_snapshot(rules: RuleSet, path: Path, file_regression) -> None:  # type: ignore[no-untyped-def]
    text = render_annex(rules, contract(rules, path), "md", "nl", ISSUED)
    file_regression.check(text, basename=f"annex-{path.stem}", extension=".md")


def test_annex_html_snapshot(rules: RuleSet, file_regression) -> None:  # type: ignore[no-untyped-def]
    effective = contract(rules, CONTRACTS_DIR / "bakkerij-de-vries.yaml")
    text = render_annex(rules, effective, "html", "nl", ISSUED)
    file_regression.check(text, basename="annex-bakkerij-de-vries", extension=".html")


def test_annex_english_snapshot(rules: RuleSet, file_regression) -> None:  # type: ignore[no-untyped-def]
    effective = contract(rules, CONTRACTS_DIR / "advocatenkantoor-meijer.yaml")
    text = render_annex(rules, effective, "md", "en", ISSUED)
    file_regression.check(text, basename="annex-advocatenkantoor-meijer-en", extension=".md")


@pytest.mark.parametrize("output_format", ["md", "html"])
def test_quote_snapshot(rules: RuleSet, output_format: str, file_regression) -> None:  # type: ignore[no-untyped-def]
    text = render_quote(rules, a_quote(), output_format, "nl", ISSUED)
    file_regression.check(text, basename="quote", extension=f".{output_format}")


@pytest.mark.parametrize("output_format", ["md", "html"])
def test_maintenance_snapshot(rules: RuleSet, output_format: str, file_regression) -> None:  # type: ignore[no-untyped-def]
    effective = contract(rules, CONTRACTS_DIR / "bakkerij-de-vries.yaml")
    notice = load_notice(NOTICE, rules, "notice.yaml")
    text = render_maintenance(rules, effective, notice, output_format, "nl")
    file_regression.check(text, basename="maintenance", extension=f".{output_format}")


# ---- polish a customer would notice (issue 13) ----


def test_a_tier_without_a_customer_renders_as_a_specimen(rules: RuleSet) -> None:
    text = render_annex(rules, resolve_target(rules, "advanced"), "md", "nl", ISSUED)
    assert "Dit is een specimen: het service level Advanced van VIOMS" in text
    assert "dat Advanced bij VIOMS heeft afgenomen" not in text
    assert "**Namens de klant**" in text


def test_evening_weekend_service_billed_says_per_call_not_a_lone_euro(rules: RuleSet) -> None:
    text = render_annex(rules, resolve_target(rules, "standaard"), "md", "nl", ISSUED)
    rows = rows_by_label(markdown_tables(text), "Onderdeel")
    assert rows["Avond- en weekendservice"] == ["tegen betaling, per call (zie 1.3.16)"]
    assert "#### 1.2.9 Algemeen supportticket" in text
    assert text.count("Avond- en weekendservice (AWS)") == 1  # one section, §1.3.16


def test_a_long_customer_name_is_shortened_in_the_running_header_only(rules: RuleSet) -> None:
    name = "Stichting Regionaal Samenwerkingsverband Kinderopvang Gelderse Vallei"
    effective = dataclasses.replace(resolve_target(rules, "standaard"), customer=name)
    html = render_annex(rules, effective, "html", "nl", ISSUED)
    running = re.search(r'data-running="([^"]*)"', html)
    assert running and running[1] == "Stichting Regionaal Samenwerkingsverband Kinder…"
    assert f">{name}</p>" in html  # the title block keeps the full name
