"""The configurator's pages, through HTTP as a browser without JavaScript uses them."""

from __future__ import annotations

import csv
import html
import json
import re
import subprocess
from collections import Counter
from datetime import date
from pathlib import Path

import pytest
from click.testing import CliRunner
from fastapi.testclient import TestClient

from cli import main
from engine.paths import EXAMPLES_DIR
from engine.present.pdf import pdf_available
from engine.serve import backend
from tests.serve_support import client, contracts_copy


@pytest.fixture
def contracts(tmp_path: Path) -> Path:
    return contracts_copy(tmp_path, git=True)


@pytest.fixture
def web(contracts: Path) -> TestClient:
    return client(contracts)


def csrf_of(page: str) -> str:
    match = re.search(r'name="csrf" value="([^"]+)"', page)
    assert match
    return match.group(1)


def form_of(page: str) -> dict[str, str]:
    """The configure form's fields as the page fills them (text inputs, selects, textareas)."""
    fields: dict[str, str] = {}
    for name, value in re.findall(r'<input id="[^"]*" name="([^"]+)" value="([^"]*)"', page):
        fields[name] = html.unescape(value)
    for name, value in re.findall(r'<input type="hidden" name="([^"]+)" value="([^"]*)"', page):
        fields[name] = html.unescape(value)
    for name, block in re.findall(
        r'<select id="[^"]*" name="([^"]+)"[^>]*>(.*?)</select>', page, re.S
    ):
        chosen = re.search(r'<option value="([^"]*)" selected', block)
        fields[name] = chosen.group(1) if chosen else ""
    for name, text in re.findall(r'<textarea [^>]*name="([^"]+)"[^>]*>([^<]*)</textarea>', page):
        if text:
            fields[name] = html.unescape(text)
    return fields


def checked_addons(page: str) -> list[str]:
    return re.findall(r'name="addons" value="([^"]+)" checked', page)


def test_contracts_list(web: TestClient, contracts: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(backend, "today", lambda: date(2026, 11, 20))
    page = web.get("/").text
    for file in contracts.glob("*.yaml"):
        result = CliRunner().invoke(
            main, ["term", str(file), "--on", "2026-11-20", "--format", "json"]
        )
        terms = json.loads(result.stdout)
        deadline = date.fromisoformat(terms["notice_deadline"])
        shown = f"{deadline:%d-%m-%Y}"
        assert shown in page
        soon = 0 <= (deadline - date(2026, 11, 20)).days <= 60
        highlighted = f'<mark class="soon">{shown}' in page
        assert highlighted == soon, file.name
    assert "Avond- en Weekend Service" in page and "Maatwerk (Enterprise)" in page
    assert page.count(">geldig<") == 4


def test_invalid_contract_is_listed_with_its_problem(web: TestClient, contracts: Path) -> None:
    (contracts / "kapot.yaml").write_text("customer: Kapot\ntier: gold\n", encoding="utf-8")
    page = web.get("/").text
    assert ">ongeldig<" in page and "kapot.yaml" in page


def preview(web: TestClient, fields: dict[str, str], addons: list[str]) -> dict[str, object]:
    data = {**fields, "addons": addons}
    response = web.post("/configure/preview", data=data)
    assert response.status_code == 200
    answer: dict[str, object] = response.json()
    return answer


def test_faster_prio_1_is_an_override_with_its_origin(web: TestClient) -> None:
    page = web.get("/contracts/bakkerij-de-vries/edit").text
    fields = form_of(page)
    assert fields["targets.P1.first_response"] == "1 uur"
    assert fields["rates.outside_sla"] == "€ 80,00"
    fields["targets.P1.first_response"] = "30 min"
    answer = preview(web, fields, checked_addons(page))
    assert answer["errors"] == {}
    assert "targets.P1.first_response" in answer["overridden"]  # type: ignore[operator]
    panel = str(answer["panel"])
    assert re.search(r"targets\.P1\.first_response</code></th><td>30 min</td><td>afwijking", panel)
    assert "1 uur → 30 min" in panel  # against the saved version


def test_worse_value_asks_for_a_reason_beside_it(web: TestClient) -> None:
    page = web.get("/contracts/bakkerij-de-vries/edit").text
    fields = form_of(page)
    fields["targets.P2.resolution"] = "6u"
    answer = preview(web, fields, checked_addons(page))
    assert answer["reasons"] == ["targets.P1.resolution", "targets.P2.resolution"]
    assert answer["errors"] == {
        "reason.targets.P2.resolution": "Slechter voor de klant dan 2 uur van basis Enterprise; "
        "geef de reden waarom dit is afgesproken."
    }
    fields["reason.targets.P2.resolution"] = "Klant wil lagere prijs"
    assert preview(web, fields, checked_addons(page))["errors"] == {}


def test_messages_stand_beside_their_field_in_dutch(web: TestClient) -> None:
    page = web.get("/configure/new").text
    fields = form_of(page)
    fields["targets.P1.first_response"] = "3 uurtjes"
    fields["rates.outside_sla"] = "veel"
    fields["period_months"] = "0"
    errors = preview(web, fields, [])["errors"]
    assert errors == {
        "customer": "Vul de naam van de klant in.",
        "targets.P1.first_response": "'3 uurtjes' is geen tijdsduur; schrijf bijvoorbeeld "
        "4 uur, 1u30, 30 min of best effort",
        "rates.outside_sla": "'veel' is geen bedrag; schrijf bijvoorbeeld € 85,- of 85,50, "
        "of inbegrepen, prijslijst, niet beschikbaar",
        "period_months": "Geef de looptijd in hele maanden, van 1 tot 120.",
    }


def test_only_maatwerk_may_differ_from_its_tier(web: TestClient) -> None:
    page = web.get("/configure/new?tier=advanced").text
    fields = form_of(page)
    assert fields["tier"] == "advanced"
    fields.update(customer="Acme", **{"targets.P1.first_response": "2u"})
    errors = preview(web, fields, [])["errors"]
    assert list(errors) == ["targets.P1.first_response"]  # type: ignore[call-overload]
    fields["targets.P1.first_response"] = "4 uur"  # the tier's own value, typed another way
    assert preview(web, fields, [])["errors"] == {}


def git(contracts: Path, *args: str) -> str:
    return subprocess.run(
        ["git", "-C", str(contracts), *args], capture_output=True, text=True, check=True
    ).stdout


def test_save_new_maatwerk_writes_a_valid_file_and_commits(
    web: TestClient, contracts: Path
) -> None:
    page = web.get("/configure/new").text
    fields = form_of(page)
    fields.update(
        {
            "customer": "Tandartspraktijk Smit",
            "contact.name": "J. Smit",
            "contact.email": "j@smit.nl",
            "targets.P1.first_response": "1u",
            "targets.P3.resolution": "2 dagen",
        }
    )
    refused = web.post("/configure/save", data={**fields, "addons": ["aws"]})
    assert refused.status_code == 422
    assert "is geen tijdsduur" in refused.text
    assert not (contracts / "tandartspraktijk-smit.yaml").exists()
    fields["targets.P3.resolution"] = "12 uur"  # Advanced has 8 uur: worse, so a reason
    fields["reason.targets.P3.resolution"] = "Kantoor op zaterdag dicht"
    saved = web.post("/configure/save", data={**fields, "addons": ["aws"]}, follow_redirects=False)
    assert saved.status_code == 303, saved.text
    assert saved.headers["location"].startswith("/contracts/tandartspraktijk-smit?commit=")
    file = contracts / "tandartspraktijk-smit.yaml"
    check = CliRunner().invoke(main, ["validate", str(file)])
    assert check.exit_code == 0, check.output
    shown = json.loads(CliRunner().invoke(main, ["show", str(file), "--format", "json"]).stdout)
    assert shown["targets"]["P1"]["first_response"] == "1h"
    assert shown["targets"]["P3"]["resolution"] == "12h"
    assert shown["addons"] == ["aws"]
    assert "Kantoor op zaterdag dicht" in file.read_text()
    assert git(contracts, "log", "-1", "--format=%s").startswith(
        "tandartspraktijk-smit: new contract for Tandartspraktijk Smit (maatwerk)"
    )


def test_edit_keeps_comments_and_commits_the_semantic_difference(
    web: TestClient, contracts: Path
) -> None:
    file = contracts / "bakkerij-de-vries.yaml"
    file.write_text(
        file.read_text().replace("overrides:\n", "# Afgesproken met Anne, 2026.\noverrides:\n")
    )
    git(contracts, "-c", "user.name=t", "-c", "user.email=t@t", "commit", "-qam", "comment")
    page = web.get("/contracts/bakkerij-de-vries/edit").text
    fields = form_of(page)
    fields["targets.P1.first_response"] = "30 min"
    answer = web.post(
        "/configure/save", data={**fields, "addons": checked_addons(page)}, follow_redirects=False
    )
    assert answer.status_code == 303
    text = file.read_text()
    assert "# Afgesproken met Anne, 2026.\n" in text
    assert text.splitlines()[0].startswith("# yaml-language-server")
    assert "P1: {first_response: 30m, resolution: 3h}" in text
    diff = git(contracts, "diff", "HEAD~1", "--stat")
    assert "1 insertion(+), 1 deletion(-)" in diff  # one line changed, nothing else moved
    assert git(contracts, "log", "-1", "--format=%s").strip() == (
        "bakkerij-de-vries: targets.P1.first_response 1h -> 30m (better for the customer)"
    )


def test_a_stale_edit_is_not_saved_and_shows_the_difference(
    web: TestClient, contracts: Path
) -> None:
    page = web.get("/contracts/bakkerij-de-vries/edit").text
    fields = form_of(page)
    file = contracts / "bakkerij-de-vries.yaml"
    theirs = file.read_text().replace('outside_sla: "80.00"', 'outside_sla: "75.00"')
    file.write_text(theirs)
    fields["targets.P1.first_response"] = "30 min"
    answer = web.post("/configure/save", data={**fields, "addons": checked_addons(page)})
    assert answer.status_code == 409
    assert "Iemand anders heeft dit contract gewijzigd" in answer.text
    assert "rates.outside_sla" in answer.text and "€ 75,00 → € 80,00" in answer.text
    assert file.read_text() == theirs


def test_a_new_contract_never_overwrites_one_with_its_name(
    web: TestClient, contracts: Path
) -> None:
    fields = form_of(web.get("/configure/new").text)
    fields["customer"] = "Bakkerij De Vries"  # the file name bakkerij-de-vries is taken
    before = (contracts / "bakkerij-de-vries.yaml").read_bytes()
    answer = web.post("/configure/save", data=fields)
    assert answer.status_code == 409
    assert (contracts / "bakkerij-de-vries.yaml").read_bytes() == before


def test_check_without_javascript_returns_the_form_with_messages(web: TestClient) -> None:
    fields = form_of(web.get("/configure/new").text)
    fields["targets.P1.first_response"] = "snel"
    page = html.unescape(web.post("/configure/check", data=fields).text)
    assert re.search(
        r'id="err-targets-P1-first_response" aria-live="polite">\'snel\' is geen', page
    )
    assert 'value="snel"' in page


@pytest.mark.skipif(pdf_available() is not None, reason="WeasyPrint is not usable here")
def test_annex_preview_and_pdf(web: TestClient) -> None:
    preview_page = web.get("/contracts/bakkerij-de-vries/annex?lang=nl")
    assert preview_page.status_code == 200 and "Bakkerij De Vries B.V." in preview_page.text
    pdf = web.get("/contracts/bakkerij-de-vries/annex.pdf?lang=en")
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")
    assert pdf.headers["content-type"] == "application/pdf"
    assert "attachment" in pdf.headers["content-disposition"]


def test_quote_suggests_a_priority_and_an_explicit_one_wins(
    web: TestClient, contracts: Path
) -> None:
    token = csrf_of(web.get("/quote").text)
    facts = {
        "csrf": token,
        "contract": "advanced",
        "scope": "whole_company",
        "effect": "hampered",
        "start": "2026-11-28T11:00",
        "minutes": "20",
        "travel_minutes": "0",
        "work": "incident",
    }
    page = web.post("/quote", data=facts).text
    assert "PRIO 2</strong>" in page and "Offerte voor een melding · PRIO 2" in page
    expected = json.loads(
        CliRunner()
        .invoke(
            main,
            [
                "quote",
                "advanced",
                "--priority",
                "2",
                "--start",
                "2026-11-28T11:00",
                "--minutes",
                "20",
                "--format",
                "json",
            ],
        )
        .stdout
    )
    for line in expected["lines"]:
        assert line["description"] in page
    total = expected["total"].replace(".", ",")
    assert f"€ {total}" in page
    explicit = web.post("/quote", data={**facts, "priority": "4"}).text
    assert "Offerte voor een melding · PRIO 4" in explicit


def breaches_per_priority(target: str, export: Path, tmp_path: Path, as_of: str) -> Counter[int]:
    out = tmp_path / f"out-{Path(target).stem}.csv"
    CliRunner().invoke(main, ["evaluate", target, str(export), "--as-of", as_of, "-o", str(out)])
    counts: Counter[int] = Counter()
    with out.open(encoding="utf-8") as stream:
        for row in csv.DictReader(stream):
            counts[int(row["priority"])] += sum(
                1 for k, v in row.items() if k.endswith("_status") and v == "breached"
            )
    return counts


def test_what_if_counts_breaches_as_sla_evaluate(
    web: TestClient, contracts: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from datetime import datetime

    import engine.serve.pages as pages

    fixed = datetime.fromisoformat("2026-12-01T09:00:00+01:00")

    class Frozen(datetime):
        @classmethod
        def now(cls, tz=None):  # type: ignore[no-untyped-def, override]
            return fixed

    monkeypatch.setattr(pages, "datetime", Frozen)
    page = web.get("/contracts/advocatenkantoor-meijer/edit").text
    fields = form_of(page)
    export = EXAMPLES_DIR / "exports" / "november.csv"
    with export.open("rb") as stream:
        answer = web.post(
            "/configure/whatif",
            data={**fields, "addons": checked_addons(page)},
            files={"export": ("november.csv", stream, "text/csv")},
        )
    html = answer.json()["html"]
    expected = breaches_per_priority(
        str(contracts / "advocatenkantoor-meijer.yaml"), export, tmp_path, "2026-12-01T09:00"
    )
    for priority in (1, 2, 3, 4):
        row = re.search(rf"PRIO {priority}</th><td class=\"num\">(\d+)</td>", html)
        assert row and int(row.group(1)) == expected[priority], priority


@pytest.mark.skipif(pdf_available() is not None, reason="WeasyPrint is not usable here")
def test_the_annex_of_an_unsaved_draft(web: TestClient, contracts: Path) -> None:
    page = web.get("/contracts/bakkerij-de-vries/edit").text
    fields = form_of(page)
    fields["targets.P1.first_response"] = "30 min"
    data = {**fields, "addons": checked_addons(page)}
    before = (contracts / "bakkerij-de-vries.yaml").read_bytes()
    html_page = web.post("/configure/annex?doc=nl", data=data)
    assert html_page.status_code == 200 and "30 min" in html_page.text
    pdf = web.post("/configure/annex?doc=en&pdf=1", data=data)
    assert (
        pdf.content.startswith(b"%PDF") and "concept-en.pdf" in pdf.headers["content-disposition"]
    )
    assert (contracts / "bakkerij-de-vries.yaml").read_bytes() == before  # nothing saved
    fields["targets.P1.first_response"] = "vlug"
    refused = web.post("/configure/annex?doc=nl", data={**fields, "addons": checked_addons(page)})
    assert refused.status_code == 422 and "is geen tijdsduur" in html.unescape(refused.text)
