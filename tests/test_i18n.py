"""One catalogue in Dutch and English (SPEC §8): complete, in step with the code, and chosen by
--lang, else the locale, else English; one language per command."""

from __future__ import annotations

import pytest
from babel.messages.pofile import read_po
from click.testing import CliRunner

from cli import main
from engine import i18n
from engine.catalogue import TEMPLATE, extract
from engine.paths import PROJECT_ROOT

CONTRACT = str(PROJECT_ROOT / "contracts" / "bakkerij-de-vries.yaml")
LEDGER = str(PROJECT_ROOT / "examples" / "ledgers" / "jansen-strippenkaart.yaml")


def _read(lang: str):  # type: ignore[no-untyped-def]
    with i18n.catalogue_path(lang).open("rb") as po:
        return read_po(po, locale=lang)


def _keys(catalog) -> set[tuple[object, str | None]]:  # type: ignore[no-untyped-def]
    return {(m.id, m.context) for m in catalog if m.id}


@pytest.mark.parametrize("lang", i18n.LANGUAGES)
def test_every_message_has_a_translation(lang: str) -> None:
    empty = []
    for message in _read(lang):
        if not message.id:
            continue
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        if message.fuzzy or not all(strings):
            empty.append(message.id)
    assert empty == [], f"untranslated in {lang} (run `make messages`, then translate): {empty}"


def test_the_catalogues_hold_exactly_the_messages_of_the_code() -> None:
    """Re-extracted from engine/ and cli.py, the messages are those of the template and of both
    catalogues: none missing, none left over (`make messages` brings them in step)."""
    code = _keys(extract())
    assert len(code) > 100
    with TEMPLATE.open("rb") as pot:
        assert _keys(read_po(pot)) == code
    for lang in i18n.LANGUAGES:
        assert _keys(_read(lang)) == code, lang


@pytest.mark.parametrize("lang", i18n.LANGUAGES)
def test_the_quick_reader_reads_as_babel_does(lang: str) -> None:
    """engine.i18n reads .po files itself (faster start); Babel's reader is the reference."""
    expected: dict[str, object] = {}
    for message in _read(lang):
        if not message.id:
            continue
        key = message.id if isinstance(message.id, str) else message.id[0]
        key = f"{message.context}\x04{key}" if message.context else key
        string = message.string
        expected[key] = string if isinstance(string, str) else tuple(string)
    found = i18n.read_catalogue(i18n.catalogue_path(lang).read_text(encoding="utf-8"))
    found.pop("", None)
    assert found == expected


def test_the_quick_reader_unescapes_and_skips_fuzzy() -> None:
    po = (
        'msgid ""\nmsgstr "Plural-Forms: nplurals=2; plural=(n != 1);\\n"\n\n'
        '#, fuzzy\nmsgid "a"\nmsgstr "b"\n\n'
        'msgctxt "c"\nmsgid "say \\"hi\\""\nmsgstr ""\n"zeg \\"hoi\\"\\t"\n"\\\\"\n\n'
        'msgid "one"\nmsgid_plural "many"\nmsgstr[0] "een"\nmsgstr[1] "veel"\n'
    )
    entries = i18n.read_catalogue(po)
    assert "a" not in entries
    assert entries['c\x04say "hi"'] == 'zeg "hoi"\t\\'
    assert entries["one"] == ("een", "veel")


def test_placeholders_survive_translation() -> None:
    """A Dutch message names the same {placeholders} as its English one."""
    import re

    def names(text: str) -> set[str]:
        return set(re.findall(r"\{(\w+)[^}]*\}", text))

    for message in _read("nl"):
        if not message.id:
            continue
        ids = message.id if isinstance(message.id, tuple) else (message.id,)
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        for text in strings:
            assert names(text) == names(ids[-1]), (message.id, text)


@pytest.mark.parametrize(
    ("environ", "expected"),
    [
        ({}, "en"),
        ({"LANG": "nl_NL.UTF-8"}, "nl"),
        ({"LANG": "C.UTF-8"}, "en"),
        ({"LANG": "de_DE.UTF-8"}, "en"),
        ({"LANG": "en_GB.UTF-8", "LC_MESSAGES": "nl_BE@euro"}, "nl"),
        ({"LC_MESSAGES": "nl_NL", "LC_ALL": "en_US.UTF-8"}, "en"),
        ({"LC_ALL": "en_US.UTF-8", "LANGUAGE": "fr:nl:en"}, "nl"),
        ({"LANG": "nl_NL.UTF-8", "LANGUAGE": ""}, "nl"),
        ({"LANG": "C", "LANGUAGE": "nl"}, "en"),  # gettext ignores LANGUAGE under C
        ({"LANGUAGE": "nl"}, "nl"),
    ],
)
def test_language_from_the_locale(environ: dict[str, str], expected: str) -> None:
    assert i18n.choose_language(None, environ) == expected


def test_lang_beats_the_locale() -> None:
    assert i18n.choose_language("en", {"LANGUAGE": "nl", "LANG": "nl_NL.UTF-8"}) == "en"
    assert i18n.choose_language("nl", {}) == "nl"


@pytest.mark.parametrize(
    ("lang", "one", "two"),
    [("en", "1 file valid", "2 files valid"), ("nl", "1 bestand geldig", "2 bestanden geldig")],
)
def test_plurals(lang: str, one: str, two: str) -> None:
    with i18n.language(lang):
        for n, expected in ((1, one), (2, two)):
            text = i18n.ngettext("{count} file valid", "{count} files valid", n)
            assert text.format(count=n) == expected


def _run(runner: CliRunner, *args: str, env: dict[str, str] | None = None) -> tuple[str, str]:
    result = runner.invoke(main, list(args), env=env)
    assert result.exit_code in (0, 1), result.output
    return result.stdout, result.stderr


@pytest.mark.parametrize(
    ("args", "env", "expected"),
    [
        (("validate", CONTRACT), None, "1 file valid\n"),
        (("validate", CONTRACT, "--lang", "nl"), None, "1 bestand geldig\n"),
        (("--lang", "nl", "validate", CONTRACT), None, "1 bestand geldig\n"),
        (("validate", CONTRACT), {"LANG": "nl_NL.UTF-8"}, "1 bestand geldig\n"),
        (("validate", CONTRACT, "--lang", "en"), {"LANG": "nl_NL.UTF-8"}, "1 file valid\n"),
        (("--lang", "nl", "validate", CONTRACT, "--lang", "en"), None, "1 file valid\n"),
    ],
)
def test_validate_speaks_the_chosen_language(
    runner: CliRunner, args: tuple[str, ...], env: dict[str, str] | None, expected: str
) -> None:
    assert _run(runner, *args, env=env)[0] == expected


def test_a_command_does_not_leave_its_language_behind(runner: CliRunner) -> None:
    _run(runner, "validate", CONTRACT, "--lang", "nl")
    assert i18n.current_language() == "en"


@pytest.mark.parametrize(
    "args",
    [
        ("deadline", "standaard", "--priority", "1", "--reported", "2026-11-23T16:00"),
        ("quote", "advanced", "--priority", "1", "--start", "2026-11-28T11:00", "--minutes", "20"),
        ("hours", LEDGER),
    ],
)
def test_reports_in_one_language(runner: CliRunner, args: tuple[str, ...]) -> None:
    """The same report in English and in Dutch shares none of its words but names and codes."""
    english, _ = _run(runner, *args)
    dutch, _ = _run(runner, *args, "--lang", "nl")
    for word in ("reported", "due", "Quote", "Total", "hours", "balance", "Purchases"):
        assert f"{word} " not in dutch
    for word in ("gemeld", "uiterlijk", "Offerte", "Totaal", " uur", "saldo", "Aankopen"):
        assert word not in english
    assert english != dutch


def test_units_follow_the_language(runner: CliRunner) -> None:
    args = ("quote", "standaard", "--priority", "2", "--start", "2026-11-23T10:00")
    dutch, _ = _run(runner, *args, "--minutes", "40", "--lang", "nl")
    english, _ = _run(runner, *args, "--minutes", "40", "--lang", "en")
    assert " uur " in dutch and "0,75 uur" in dutch
    assert "0.75 hours" in english and " uur" not in english


def test_usage_errors_in_the_chosen_language(runner: CliRunner) -> None:
    result = runner.invoke(main, ["diff", "advanced", "--lang", "nl"])
    assert result.exit_code == 2
    assert "geef twee doelen" in result.stderr


def test_every_command_takes_lang() -> None:
    for name, command in main.commands.items():
        assert any(p.name == "lang" for p in command.params), f"sla {name} has no --lang"
    assert any(p.name == "lang" for p in main.params)


def test_documents_stay_dutch_unless_asked(runner: CliRunner, tmp_path) -> None:  # type: ignore[no-untyped-def]
    """SPEC §8: a customer document follows the contract's language, Dutch by default, also
    when the messages around it are English."""
    target = tmp_path / "annex.md"
    result = runner.invoke(
        main, ["render", CONTRACT, "--doc", "annex", "--format", "md", "-o", str(target)]
    )
    assert result.exit_code == 0, result.output
    assert result.stdout.startswith("wrote ")
    dutch = target.read_text(encoding="utf-8")
    assert "Bijlage 2 bij overeenkomst" in dutch
    runner.invoke(
        main,
        ["render", CONTRACT, "--doc", "annex", "--format", "md", "-o", str(target), "--lang", "en"],
    )
    assert "Annex 2 to agreement" in target.read_text(encoding="utf-8")
