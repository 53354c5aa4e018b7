"""The rule set: every tier, add-on, exception, calendar and list of rules/, loaded and checked.

Loading collects every problem in every file (schema and cross-file) before it fails, so one
`sla validate` run shows all that is wrong. A `RuleSet` is read-only once built.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from engine.errors import Location, Problem, SlaError, ValidationError, did_you_mean
from engine.paths import RULES_DIR, display_path
from engine.rules.document import Document
from engine.rules.settings import Settings, read_settings

# Folder of rules/ -> kind of file in it; each file's `id` must equal its file name.
FOLDER_KINDS = {
    "tiers": "tier",
    "addons": "addon",
    "exceptions": "exception",
    "calendars": "calendar",
    "profiles": "profile",  # helpdesk import profiles (engine.evaluate.profiles)
}
# Single files of rules/ -> kind.
FILE_KINDS = {
    "services.yaml": "services",
    "priorities.yaml": "priorities",
    "prices.yaml": "prices",
    "decisions.yaml": "decisions",
    "evaluation.yaml": "evaluation",
    "company.yaml": "company",
}
NO_SLA_TIER = "geen-sla"
CUSTOM_TIER = "maatwerk"


def kind_of(path: Path, rules_dir: Path) -> str | None:
    """The kind of a rule file by where it sits in `rules_dir`; None if it is not a rule file."""
    if not path.is_absolute():
        path = path.absolute()
    try:
        relative = path.relative_to(rules_dir if rules_dir.is_absolute() else rules_dir.absolute())
    except ValueError:
        return None
    if len(relative.parts) == 1:
        return FILE_KINDS.get(relative.name)
    if len(relative.parts) == 2:
        return FOLDER_KINDS.get(relative.parts[0])
    return None


@dataclass
class RuleSet:
    """All rules, by kind and id. Values are the loaded documents (data plus positions)."""

    directory: Path
    tiers: dict[str, Document] = field(default_factory=dict)
    addons: dict[str, Document] = field(default_factory=dict)
    exceptions: dict[str, Document] = field(default_factory=dict)
    calendars: dict[str, Document] = field(default_factory=dict)
    profiles: dict[str, Document] = field(default_factory=dict)
    singles: dict[str, Document] = field(default_factory=dict)
    _calendar_rules: dict[str, dict[str, Any]] | None = field(default=None, repr=False)
    # Built on first use from decisions.yaml and evaluation.yaml; not copied by
    # dataclasses.replace, so a copy with other documents reads its own settings.
    _settings: Settings | None = field(default=None, init=False, repr=False, compare=False)

    def single(self, kind: str) -> dict[str, Any]:
        data: dict[str, Any] = self.singles[kind].data
        return data

    @property
    def services(self) -> dict[str, Any]:
        services: dict[str, Any] = self.single("services")["services"]
        return services

    @property
    def prices(self) -> dict[str, Any]:
        return self.single("prices")

    @property
    def company(self) -> dict[str, Any]:
        """The provider as customer documents name it (rules/company.yaml)."""
        return self.single("company")

    @property
    def priorities(self) -> dict[str, Any]:
        priorities: dict[str, Any] = self.single("priorities")["priorities"]
        return priorities

    @property
    def settings(self) -> Settings:
        """The named settings (decisions D-1 … D-n and those of `sla evaluate`), typed.

        A rule set from `load_rules` has them checked already; one whose documents were
        changed by hand raises ValidationError here when a value is unusable.
        """
        if self._settings is None:
            settings, problems = read_settings(
                self.singles["decisions"], self.singles["evaluation"]
            )
            if settings is None:
                raise ValidationError(problems)
            self._settings = settings
        return self._settings

    def with_settings(self, **changes: Any) -> RuleSet:
        """A copy of this rule set whose settings differ by `changes` (e.g. for a what-if)."""
        copy = dataclasses.replace(self, _calendar_rules=None)
        copy._settings = dataclasses.replace(self.settings, **changes)
        return copy

    def calendar_rules(self) -> dict[str, dict[str, Any]]:
        """The calendar rules as the decisions apply them.

        D-2 `public_holidays_closed: false` drops the public holidays; D-3
        `aws_holiday_window: closed` drops an extension's holiday windows, so its holidays stay
        closed. The result is computed once: a RuleSet does not change after loading.
        """
        if self._calendar_rules is None:
            settings = self.settings
            applied = {}
            for calendar_id, document in self.calendars.items():
                rule = dict(document.data)
                if not settings.public_holidays_closed:
                    rule.pop("holidays", None)
                if settings.aws_holiday_window == "closed":
                    rule.pop("holiday_windows", None)
                applied[calendar_id] = rule
            self._calendar_rules = applied
        return self._calendar_rules

    def exception_rules(self) -> dict[str, dict[str, Any]]:
        return {eid: doc.data for eid, doc in self.exceptions.items()}


def load_rules(rules_dir: Path = RULES_DIR) -> RuleSet:
    """Load and check every rule file; raise ValidationError listing every problem found.

    The calendars are not built here (the holiday tables cost a noticeable part of a second):
    a command that needs the clock builds them then, and `sla validate` builds them to check.
    """
    rules, problems = collect_rules(rules_dir, build_calendars=False)
    if problems:
        raise ValidationError(problems)
    return rules


def collect_rules(
    rules_dir: Path, *, build_calendars: bool = True
) -> tuple[RuleSet, list[Problem]]:
    """Load what can be loaded, and every problem found on the way."""
    from engine.rules.schemas import check
    from engine.rules.yaml_loader import load_yaml

    rules = RuleSet(rules_dir)
    problems: list[Problem] = []
    if not rules_dir.is_dir():
        problems.append(Problem(f"no rules folder at {rules_dir}; pass --rules DIR"))
        return rules, problems
    for path in sorted(rules_dir.rglob("*.y*ml")):
        kind = kind_of(path, rules_dir)
        if kind is None:
            problems.append(
                Problem(
                    "not a known kind of rule file; put it under tiers/, addons/, exceptions/, "
                    "calendars/ or profiles/, or remove it",
                    Location(display_path(path)),
                )
            )
            continue
        try:
            document = load_yaml(path, display_path(path))
        except SlaError as error:
            problems.extend(error.problems)
            continue
        found = check(document, kind)
        problems.extend(found)
        if found:
            continue
        _file(rules, kind, path, document, problems)
    for kind in FILE_KINDS.values():
        if kind not in rules.singles:
            problems.append(Problem(f"the rules have no {kind}.yaml", Location(str(rules_dir))))
    if not problems:
        problems.extend(_cross_file_problems(rules))
    if not problems and build_calendars:
        problems.extend(_calendar_build_problems(rules))
    return rules, problems


def _file(
    rules: RuleSet, kind: str, path: Path, document: Document, problems: list[Problem]
) -> None:
    if kind in FILE_KINDS.values():
        rules.singles[kind] = document
        return
    rule_id = document.data["id"]
    if rule_id != path.stem:
        problems.append(
            Problem(
                f"id {rule_id!r} differs from the file name; rename the file to {rule_id}.yaml "
                f"or set id: {path.stem}",
                document.location(("id",)),
            )
        )
        return
    table = {
        "tier": rules.tiers,
        "addon": rules.addons,
        "exception": rules.exceptions,
        "profile": rules.profiles,
    }
    table.get(kind, rules.calendars)[rule_id] = document


def _cross_file_problems(rules: RuleSet) -> list[Problem]:
    problems: list[Problem] = []
    services = set(rules.services)
    for tier_id, tier in rules.tiers.items():
        missing = sorted(services - set(tier.data["services"]))
        if missing:
            problems.append(
                Problem(
                    f"tier {tier_id!r} does not say what it does with: {', '.join(missing)}",
                    tier.location(("services",)),
                )
            )
        _check_calendar_refs(rules, tier, problems)
    for required in (NO_SLA_TIER, CUSTOM_TIER):
        if required not in rules.tiers:
            problems.append(Problem(f"the rules have no tier {required!r}", Location("tiers")))
    for addon in rules.addons.values():
        for index, tier_id in enumerate(addon.data["tiers"]):
            if tier_id not in rules.tiers:
                problems.append(
                    Problem(
                        f"unknown tier {tier_id!r}{did_you_mean(tier_id, rules.tiers)}",
                        addon.location(("tiers", index)),
                    )
                )
        _check_calendar_refs(rules, addon, problems, ("sets",))
    for calendar in rules.calendars.values():
        base = calendar.data.get("extends")
        if base is not None and base not in rules.calendars:
            problems.append(
                Problem(
                    f"unknown calendar {base!r}{did_you_mean(base, rules.calendars)}",
                    calendar.location(("extends",)),
                )
            )
    prices = rules.singles["prices"]
    evening = prices.data["evening_weekend"]["calendar"]
    if evening not in rules.calendars:
        problems.append(
            Problem(
                f"unknown calendar {evening!r}{did_you_mean(evening, rules.calendars)}",
                prices.location(("evening_weekend", "calendar")),
            )
        )
    problems.extend(_settings_problems(rules))
    return problems


def _calendar_build_problems(rules: RuleSet) -> list[Problem]:
    """Build each calendar once, so that what only the clock can check (a time zone, a holiday
    name under keep_open, a window's order) is reported by `sla validate`, at its line."""
    from engine.clock.calendars import build_calendar  # the clock is only needed for this check

    problems = []
    applied = rules.calendar_rules()
    for calendar_id, document in rules.calendars.items():
        base_id = document.data.get("extends")
        try:
            if base_id is None:
                build_calendar(applied[calendar_id])
            else:
                build_calendar(applied[base_id], [applied[calendar_id]])
        except SlaError as error:
            prefix = f"calendars.{calendar_id}."
            for problem in error.problems:
                if not (problem.location.path or "").startswith(prefix):
                    continue  # a problem of the base calendar, reported at the base
                key_path = (problem.location.path or "").removeprefix(prefix)
                keys = tuple(_path_keys(key_path))
                problems.append(Problem(problem.message, document.location(keys)))
    return problems


def _path_keys(path: str) -> list[str | int]:
    """`weekly.mon[0]` -> ["weekly", "mon", 0]."""
    keys: list[str | int] = []
    for part in path.split(".") if path else []:
        name, _, rest = part.partition("[")
        keys.append(name)
        if rest:
            keys.append(int(rest.rstrip("]")))
    return keys


def _check_calendar_refs(
    rules: RuleSet, document: Document, problems: list[Problem], prefix: tuple[str, ...] = ()
) -> None:
    data = document.data
    for key in prefix:
        data = data.get(key, {})
    references: list[tuple[tuple[str, ...], Any]] = [(("calendar",), data.get("calendar"))]
    extended = data.get("extended_hours")
    if isinstance(extended, dict):
        references.append((("extended_hours", "calendar"), extended.get("calendar")))
    for path, calendar_id in references:
        if calendar_id is not None and calendar_id not in rules.calendars:
            problems.append(
                Problem(
                    f"unknown calendar {calendar_id!r}{did_you_mean(calendar_id, rules.calendars)}",
                    document.location((*prefix, *path)),
                )
            )


def _settings_problems(rules: RuleSet) -> list[Problem]:
    settings, problems = read_settings(rules.singles["decisions"], rules.singles["evaluation"])
    rules._settings = settings
    return problems
