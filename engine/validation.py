"""`sla validate`: every file under the given paths, every problem, before any exit.

Four small parts, as check-jsonschema has them: find the files, load each, check it (schema,
then the rules that span files), collect the problems. Rule files are recognised by where they
sit in the rules folder; every other YAML file is a contract.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from engine.contracts import load_contract
from engine.errors import Location, Problem, SlaError
from engine.merge import effective_for_contract
from engine.paths import display_path
from engine.rules import RuleSet, collect_rules, kind_of
from engine.yaml_loader import iter_yaml_files


@dataclass(frozen=True)
class Report:
    """What a validation run found: how many files, and every problem."""

    files: int
    problems: tuple[Problem, ...]

    @property
    def ok(self) -> bool:
        return not self.problems


def validate(paths: list[Path], rules_dir: Path) -> Report:
    """Validate the rules (always: contracts are checked against them) and every contract."""
    rules_dir = rules_dir.resolve()
    rules, rule_problems = collect_rules(rules_dir)
    files = 0
    problems = list(rule_problems)
    rules_usable = not rule_problems
    seen: set[Path] = set()
    for root in paths:
        if not root.exists():
            problems.append(Problem("no such file or folder", Location(str(root))))
            continue
        for path in iter_yaml_files(root):
            resolved = path.resolve()
            if resolved in seen:
                continue
            seen.add(resolved)
            files += 1
            if kind_of(path, rules_dir) is not None:
                continue  # checked with the rule set above
            problems.extend(_contract_problems(path, rules, rules_usable))
    return Report(files, tuple(problems))


def _contract_problems(path: Path, rules: RuleSet, rules_usable: bool) -> list[Problem]:
    name = display_path(path)
    try:
        document = load_contract(path, name)
        if rules_usable:
            effective_for_contract(rules, document)
    except SlaError as error:
        return error.problems
    return []
