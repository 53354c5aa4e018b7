"""`sla priority`: a priority suggested from the impact facts of rules/priorities.yaml."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

from cli import main
from engine import priority
from engine.errors import InputError
from engine.rules.ruleset import RuleSet

# By hand from §2.3: a priority needs both its users and its effect.
CASES = [
    ("whole_company", "stopped", 1),
    ("whole_company", "hampered", 2),  # the whole company, but not stopped: not urgent
    ("crucial_users", "stopped", 2),  # stopped, but only some users
    ("crucial_users", "hampered", 2),
    ("other_users", "stopped", 3),
    ("other_users", "not_hampered", 3),
    ("whole_company", "not_hampered", 3),
    ("none", "stopped", 4),
    ("whole_company", "none", 4),
    ("none", "none", 4),
]


@pytest.mark.parametrize(("scope", "effect", "expected"), CASES)
def test_suggestion(rules: RuleSet, scope: str, effect: str, expected: int) -> None:
    assert priority.suggest(rules.priorities, scope, effect).priority == expected


def test_an_explicit_priority_always_wins(rules: RuleSet) -> None:
    found = priority.suggest(rules.priorities, "whole_company", "stopped")
    assert priority.chosen(3, found) == 3
    assert priority.chosen(None, found) == 1


def test_unknown_fact_names_the_choices(rules: RuleSet) -> None:
    with pytest.raises(InputError, match="did you mean 'whole_company'"):
        priority.suggest(rules.priorities, "whole_compny", "stopped")


def test_cli(runner: CliRunner) -> None:
    result = runner.invoke(
        main, ["priority", "--scope", "whole_company", "--effect", "hampered", "--format", "json"]
    )
    assert result.exit_code == 0
    assert json.loads(result.stdout) == {
        "priority": 2,
        "suggested": 2,
        "by_fact": {"scope": 1, "effect": 2},
    }
    text = runner.invoke(main, ["priority", "--scope", "none", "--effect", "stopped"])
    assert text.exit_code == 0 and text.stdout.startswith("PRIO 4: ")
    given = runner.invoke(
        main, ["priority", "--scope", "none", "--effect", "none", "--priority", "1"]
    )
    assert given.stdout.startswith("PRIO 1 (given)")
    bad = runner.invoke(main, ["priority", "--scope", "everyone", "--effect", "stopped"])
    assert bad.exit_code == 1 and "scope" in bad.stderr
