"""The rule set: the strict YAML loader, the JSON Schemas, the rules of rules/ loaded and cross-
checked (and cached between runs), their typed settings, `sla validate` and how its problems
are reported.

Public names are imported on first use (engine/_lazy.py).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from engine._lazy import surface

_NAMES = {
    "RuleSet": ".ruleset",
    "load_rules": ".cache",
    "collect_rules": ".ruleset",
    "kind_of": ".ruleset",
    "Settings": ".settings",
    "read_settings": ".settings",
    "Document": ".yaml_loader",
    "load_yaml": ".yaml_loader",
    "parse_yaml": ".yaml_loader",
    "check": ".schemas",
    "KINDS": ".schemas",
    "schema_files": ".schemas",
    "validate": ".validation",
    "Report": ".validation",
    "FORMATS": ".problems",
    "REPORTERS": ".problems",
}
__all__ = [
    "FORMATS",
    "KINDS",
    "REPORTERS",
    "Document",
    "Report",
    "RuleSet",
    "Settings",
    "check",
    "collect_rules",
    "kind_of",
    "load_rules",
    "load_yaml",
    "parse_yaml",
    "read_settings",
    "schema_files",
    "validate",
]
__getattr__, __dir__ = surface(__name__, _NAMES)

if TYPE_CHECKING:
    from engine.rules.cache import load_rules
    from engine.rules.problems import FORMATS, REPORTERS
    from engine.rules.ruleset import RuleSet, collect_rules, kind_of
    from engine.rules.schemas import KINDS, check, schema_files
    from engine.rules.settings import Settings, read_settings
    from engine.rules.validation import Report, validate
    from engine.rules.yaml_loader import Document, load_yaml, parse_yaml
