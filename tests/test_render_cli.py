"""`sla render`: documents to stdout or a file, exit codes, and no traceback for bad input."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from cli import main
from engine.paths import PROJECT_ROOT
from engine.present.pdf import pdf_available

BAKKERIJ = str(PROJECT_ROOT / "contracts" / "bakkerij-de-vries.yaml")
JANSEN = str(PROJECT_ROOT / "contracts" / "jansen-installatietechniek.yaml")
NOTICE = str(PROJECT_ROOT / "examples" / "maintenance" / "bakkerij-server-update.yaml")
INCIDENT = str(PROJECT_ROOT / "examples" / "incidents" / "evening-printer-jansen.yaml")


def run(runner: CliRunner, *args: str) -> tuple[int, str, str]:
    result = runner.invoke(main, list(args))
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    return result.exit_code, result.stdout, result.stderr


def test_annex_markdown_to_stdout(runner: CliRunner, filled_rules_dir: Path) -> None:
    code, out, err = run(
        runner,
        "--rules",
        str(filled_rules_dir),
        "render",
        BAKKERIJ,
        "--doc",
        "annex",
        "--format",
        "md",
        "--date",
        "2026-11-23",
    )
    assert (code, err) == (0, "")  # the provider's numbers are all there: nothing to warn
    assert out.startswith("# Service Level Agreement\n")
    assert "Datum: maandag 23 november 2026" in out
    assert "| PRIO 1 Urgent | 1 uur | 3 uur | 2 uur |" in out


def test_annex_html_to_a_file(runner: CliRunner, tmp_path: Path) -> None:
    target = tmp_path / "annex.html"
    code, out, _ = run(runner, "render", "advanced", "--doc", "annex", "-o", str(target))
    assert (code, out) == (0, f"wrote {target}\n")
    html = target.read_text(encoding="utf-8")
    assert html.startswith("<!DOCTYPE html>") and "<style>" in html
    assert "http" not in html  # self-contained: no link, font or image from the network


def test_quote_from_an_incident_file(runner: CliRunner) -> None:
    code, out, _ = run(
        runner,
        "render",
        JANSEN,
        "--doc",
        "quote",
        "--incident",
        INCIDENT,
        "--format",
        "md",
        "--lang",
        "en",
        "--date",
        "2026-11-25",
    )
    assert code == 0
    assert "| Ticket | T-2042 |" in out
    # start fee 100 + 30 min at 95 (engine.pricing.quote), then 21 % VAT: 30.975 -> 30.98
    assert "| Subtotal | | | €147.50 | |" in out
    assert "| VAT 21% | | | €30.98 | |" in out
    assert "**€178.48**" in out
    assert out.startswith("# Statement of costs\n")  # the call was before the document date


def test_maintenance_notice_takes_its_date_from_the_notice(runner: CliRunner) -> None:
    code, out, _ = run(
        runner, "render", BAKKERIJ, "--doc", "maintenance", "--notice", NOTICE, "--format", "md"
    )
    assert code == 0
    assert "Datum: maandag 16 november 2026" in out
    assert "| Verwachte duur | 2 uur |" in out


@pytest.mark.skipif(pdf_available() is not None, reason="WeasyPrint cannot import here")
def test_pdf_to_a_file(runner: CliRunner, tmp_path: Path) -> None:
    target = tmp_path / "annex.pdf"
    code, _, _ = run(
        runner, "render", "standaard", "--doc", "annex", "--format", "pdf", "-o", str(target)
    )
    assert code == 0
    assert target.read_bytes().startswith(b"%PDF-")


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--doc", "annex", "--format", "pdf"], "--format pdf needs -o FILE"),
        (["--doc", "quote"], "--incident FILE goes with --doc quote"),
        (["--doc", "annex", "--notice", NOTICE], "--notice FILE goes with --doc maintenance"),
        (["--doc", "letter"], "Invalid value for '--doc'"),
        (["--doc", "annex", "--lang", "de"], "Invalid value for '--lang'"),
    ],
)
def test_usage_errors_exit_2(runner: CliRunner, args: list[str], message: str) -> None:
    code, _, err = run(runner, "render", BAKKERIJ, *args)
    assert code == 2
    assert message in err


def test_never_writes_over_an_input(runner: CliRunner, tmp_path: Path) -> None:
    notice = tmp_path / "notice.yaml"
    notice.write_bytes(Path(NOTICE).read_bytes())
    code, _, err = run(
        runner,
        "render",
        BAKKERIJ,
        "--doc",
        "maintenance",
        "--notice",
        str(notice),
        "-o",
        str(notice),
    )
    assert code == 1
    assert "would overwrite an input file" in err
    assert notice.read_bytes() == Path(NOTICE).read_bytes()


def test_notice_missing_a_field_exits_1_with_location(runner: CliRunner, tmp_path: Path) -> None:
    notice = tmp_path / "notice.yaml"
    text = Path(NOTICE).read_text(encoding="utf-8")
    notice.write_text(text.replace("expected_duration: 2h\n", ""), encoding="utf-8")
    code, out, err = run(
        runner,
        "render",
        BAKKERIJ,
        "--doc",
        "maintenance",
        "--notice",
        str(notice),
        "--format",
        "md",
    )
    assert (code, out) == (1, "")
    assert err.endswith(":4:1: missing required key 'expected_duration'; add it\n")
    assert err.startswith("error: ")


def test_a_document_without_a_kvk_number_warns_and_still_renders(runner: CliRunner) -> None:
    code, out, err = run(runner, "render", JANSEN, "--doc", "annex", "--format", "md")
    assert code == 0 and out.startswith("# Service Level Agreement\n")
    assert err.startswith("warning: ") and "company.yaml: kvk is empty" in err


def test_pdfa_goes_with_pdf_only(runner: CliRunner) -> None:
    code, _, err = run(runner, "render", BAKKERIJ, "--doc", "annex", "--pdfa")
    assert code == 2 and "--pdfa goes with --format pdf" in err


def test_quote_text_shows_the_facts_of_the_call(runner: CliRunner) -> None:
    virus = str(PROJECT_ROOT / "examples" / "incidents" / "virus-cleanup-jansen.yaml")
    code, out, _ = run(runner, "quote", JANSEN, "--incident", virus, "--lang", "nl")
    assert code == 0
    # The incident file: ticket T-2043, reported 09:30, 95 minutes, 25 minutes' travel.
    assert "  Ticket:          T-2043\n" in out
    assert "  Gemeld:          ma 23-11-2026 09:30\n" in out
    assert "  Minuten gewerkt: 95\n" in out and "  Reistijd (min):  25\n" in out
    code, out, _ = run(runner, "quote", JANSEN, "--incident", INCIDENT, "--format", "json")
    call = json.loads(out)["call"]
    assert call["description"] == "One user cannot send mail."
    assert (call["ticket"], call["reported"][:16]) == ("T-2042", "2026-11-24T19:10")
