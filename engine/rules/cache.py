"""The rule set as commands load it: checked once, then kept in a cache between runs.

(Filled in below; without a cache entry the rules are read and checked from their files.)
"""

from __future__ import annotations

from pathlib import Path

from engine.rules.ruleset import RuleSet
from engine.rules.ruleset import load_rules as load_checked


def load_rules(rules_dir: Path | None = None) -> RuleSet:
    """The rules of `rules_dir` (default: the shipped rules), loaded and checked."""
    from engine.paths import RULES_DIR

    return load_checked(rules_dir or RULES_DIR)
