"""engine.rules.cache: a checked rule set is reused between runs only while nothing it was made
from has changed, and a cache that is gone, broken or turned off only costs time."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from engine.errors import ValidationError
from engine.paths import RULES_DIR
from engine.rules import cache


@pytest.fixture
def folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("SLA_CACHE_DIR", str(tmp_path / "cache"))
    rules = tmp_path / "rules"
    shutil.copytree(RULES_DIR, rules)
    return rules


def entries(folder: Path) -> list[Path]:
    return sorted((folder.parent / "cache").glob("rules-*.pickle"))


def test_the_second_load_comes_from_the_cache_and_equals_the_first(folder: Path) -> None:
    first = cache.load_rules(folder)
    (entry,) = entries(folder)
    second = cache.load_rules(folder)
    assert second is not first
    assert second.settings == first.settings
    assert second.tiers["advanced"].data == first.tiers["advanced"].data
    assert second.tiers["advanced"].positions == first.tiers["advanced"].positions
    assert second.calendar_rules() == first.calendar_rules()
    entry.write_bytes(b"not a pickle")  # a broken entry is read past
    assert cache.load_rules(folder).settings == first.settings


def test_an_edited_rule_file_is_read_again(folder: Path) -> None:
    assert cache.load_rules(folder).settings.travel_time_unit_minutes == 15
    decisions = folder / "decisions.yaml"
    text = decisions.read_text(encoding="utf-8")
    decisions.write_text(text.replace("value: 15", "value: 30"), encoding="utf-8")
    assert cache.load_rules(folder).settings.travel_time_unit_minutes == 30
    assert len(entries(folder)) == 2


def test_a_broken_rule_file_fails_even_after_a_good_load(folder: Path) -> None:
    cache.load_rules(folder)
    tier = folder / "tiers" / "advanced.yaml"
    tier.write_text(tier.read_text(encoding="utf-8").replace("kantooruren", "kantoor"))
    with pytest.raises(ValidationError, match="unknown calendar 'kantoor'"):
        cache.load_rules(folder)


def test_the_cache_can_be_turned_off(folder: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SLA_CACHE_DIR", "")
    assert cache.cache_dir() is None
    cache.load_rules(folder)
    assert entries(folder) == []


def test_an_unwritable_cache_folder_is_ignored(
    folder: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    blocker = folder.parent / "file"
    blocker.write_text("", encoding="utf-8")
    monkeypatch.setenv("SLA_CACHE_DIR", str(blocker / "cache"))
    assert cache.load_rules(folder).settings.breach_list_limit == 1000


def test_a_cached_deadline_does_not_load_the_holidays_package(folder: Path) -> None:
    import json
    import os
    import subprocess
    import sys

    code = (
        "import sys, json, cli\n"
        "sys.argv = ['sla', '--rules', sys.argv[1], 'deadline', 'standaard', '--priority', "
        "'1', '--reported', '2026-12-24T16:00', '--lang', 'nl']\n"
        "try:\n    cli.main(standalone_mode=False)\nexcept SystemExit:\n    pass\n"
        "print(json.dumps('holidays' in sys.modules))\n"
    )
    env = dict(os.environ)  # SLA_CACHE_DIR set by the fixture
    runs = [
        subprocess.run(
            [sys.executable, "-c", code, str(folder)],
            capture_output=True,
            text=True,
            env=env,
            cwd=Path(__file__).parent.parent,
        )
        for _ in range(2)
    ]
    for run in runs:
        assert run.returncode == 0, run.stderr
        # Christmas and Boxing Day are closed, from the holidays package or from the cache
        assert "uiterlijk ma 28-12-2026 16:00" in run.stdout
    assert [json.loads(run.stdout.splitlines()[-1]) for run in runs] == [True, False]


def test_the_cached_holidays_are_the_holidays_package_own(folder: Path) -> None:
    import holidays

    from engine.clock import calendars

    cache.load_rules(folder)
    calendars.HOLIDAY_NAMES.clear()
    cache.load_rules(folder)  # from the cache: fills the table
    for year in (2026, 2030):
        table = holidays.country_holidays("NL", language="nl", years=year)
        expected = {day: table.get_list(day) for day in table}
        assert calendars.HOLIDAY_NAMES[("NL", "nl", year)] == expected
