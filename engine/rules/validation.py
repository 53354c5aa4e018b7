"""`sla validate`: every file under the given paths, every problem, before any exit.

Four small parts, as check-jsonschema has them: find the files, load each, check it (schema,
then the rules that span files), collect the problems. Rule files are recognised by where they
sit in the rules folder; any other file by the schema its first line names for editors
(incident, ledger, maintenance notice), and a contract if it names none.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from engine.contract.deviations import deviation_problems
from engine.contract.load import load_contract
from engine.contract.merge import effective_for_contract
from engine.errors import Location, Problem, SlaError
from engine.incident.load import load_incident
from engine.paths import display_path
from engine.present.maintenance import load_notice
from engine.pricing.prepaid import evaluate_ledger, ledger_contract, load_ledger
from engine.rules.ruleset import RuleSet, collect_rules, kind_of
from engine.rules.yaml_loader import iter_yaml_files


@dataclass(frozen=True)
class Report:
    """What a validation run found: how many files, and every problem."""

    files: int
    problems: tuple[Problem, ...]

    @property
    def ok(self) -> bool:
        return not self.problems


def validate(paths: list[Path], rules_dir: Path) -> Report:
    """Validate the rules (always: every other file is checked against them) and each file."""
    rules_dir = rules_dir.resolve()
    rules, rule_problems = collect_rules(rules_dir)
    files = 0
    problems = list(rule_problems)
    rules_usable = not rule_problems
    problems.extend(_profile_problems(rules))
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
            check_file = CHECKS[declared_kind(path)]
            try:
                problems.extend(check_file(path, display_path(path), rules, rules_usable))
            except SlaError as error:
                problems.extend(error.problems)
    return Report(files, tuple(problems))


def declared_kind(path: Path) -> str:
    """The kind a file declares with its editor schema line, e.g.
    `# yaml-language-server: $schema=../schemas/incident.schema.json`; a contract otherwise."""
    try:
        with path.open("rb") as stream:
            first = stream.readline(300).decode("utf-8", errors="replace")
    except OSError:
        return "contract"  # the loader reports why it cannot be read
    match = _SCHEMA_LINE.match(first)
    if match and match["kind"] in CHECKS:
        return match["kind"]
    return "contract"


_SCHEMA_LINE = re.compile(
    r"^#\s*yaml-language-server:\s*\$schema=\S*?(?P<kind>[a-z]+)\.schema\.json"
)


def _contract(path: Path, name: str, rules: RuleSet, rules_usable: bool) -> list[Problem]:
    document = load_contract(path, name)
    if not rules_usable:
        return []
    contract = effective_for_contract(rules, document)
    return deviation_problems(rules, document, contract)


def _incident(path: Path, name: str, rules: RuleSet, rules_usable: bool) -> list[Problem]:
    load_incident(path, name, rules if rules_usable else None)
    return []


def _ledger(path: Path, name: str, rules: RuleSet, rules_usable: bool) -> list[Problem]:
    document = load_ledger(path, name)
    if not rules_usable:
        return []
    contract = ledger_contract(rules, document, path)
    return list(evaluate_ledger(rules, contract, document).rejected)


def _notice(path: Path, name: str, rules: RuleSet, rules_usable: bool) -> list[Problem]:
    if rules_usable:
        load_notice(path, rules, name)
    return []


def _profile(path: Path, name: str, rules: RuleSet, rules_usable: bool) -> list[Problem]:
    from engine.evaluate.profiles import load_profile  # pyarrow: only where profiles are

    load_profile(path, name)
    return []


def _profile_problems(rules: RuleSet) -> list[Problem]:
    """What the schema cannot check in the shipped profiles: a known zone, a usable pattern."""
    if not rules.profiles:
        return []
    from engine.evaluate.profiles import profile_of

    problems: list[Problem] = []
    for document in rules.profiles.values():
        try:
            profile_of(document)
        except SlaError as error:
            problems.extend(error.problems)
    return problems


Check = Callable[[Path, str, RuleSet, bool], list[Problem]]
CHECKS: dict[str, Check] = {
    "contract": _contract,
    "incident": _incident,
    "ledger": _ledger,
    "maintenance": _notice,
    "profile": _profile,
}
