"""`sla new`: a contract built from answers, checked by the engine before it is written.

The questions, in order: customer; tier; for maatwerk the base tier (optional); the add-ons
that tier may have (from each add-on's `tiers` list); then every value of the effective
contract so far that still says by_agreement (for maatwerk without a base: targets, rates,
allowance); start date and period. A value given as an option is not asked for. With a base,
an override that is worse than the base must be acknowledged with a reason
(engine.contract.deviations), so that is asked too.

The engine never prompts itself: it calls an `Ask` given by the command line, which prompts,
or (with --no-input) returns the default of an optional value and refuses a missing required
one. Every answer is checked as it is given, against the same schema `sla validate` uses, and
the whole file is validated (schema, merge, deviations) before anything is written.
"""

from __future__ import annotations

import json
import re
import unicodedata
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from functools import partial
from pathlib import Path
from typing import Any, Protocol

from engine.contract.consistency import missing_service
from engine.contract.deviations import deviation_problems, deviations, format_value
from engine.contract.merge import PLACEHOLDER, Layer, effective_for_contract, lay, placeholders
from engine.contract.terms import EARLIEST, LATEST
from engine.errors import InputError, SlaError, ValidationError, did_you_mean
from engine.i18n import N_, _
from engine.output import write_atomic
from engine.rules.ruleset import CUSTOM_TIER, NO_SLA_TIER, RuleSet
from engine.rules.schemas import check
from engine.rules.yaml_loader import Document, parse_yaml

SCHEMA_LINE = "# yaml-language-server: $schema=../schemas/contract.schema.json"
_PRIORITY_KEYS = ("first_response", "resolution", "time_on_site")
_RATE_KEYS = ("outside_sla", "prepaid_card", "evening_weekend")
_HINTS = {  # translated where shown (engine/i18n.py)
    "targets": N_("a duration like 4h or 1h30m, best_effort or not_applicable"),
    "rates": N_("an amount like 85.00, included, not_available or price_list"),
    "config_change_allowance": N_("a duration like 30m, or unlimited"),
    "calendar": N_("a calendar id"),
    "services": N_("included, not_included, billed or addon"),
}
_PLAIN = re.compile(r"^(?:\d+h(?:\d+m)?|\d+m|\d{4}-\d\d-\d\d|[a-z][a-z0-9_-]*)$")
_YAML11_WORDS = {"y", "n", "yes", "no", "on", "off", "true", "false", "null"}
_AMOUNT = re.compile(r"^\d+(?:[.,]\d{1,2})?$")


class BadOption(Exception):
    """A value given as an option is wrong; the command line turns it into a usage error."""

    def __init__(self, option: str, message: str) -> None:
        self.option = option
        self.message = message
        super().__init__(f"{option}: {message}")


class Ask(Protocol):
    """Get one value: prompt for it, or (without input) fall back or refuse.

    `option` names the option that gives the value; `check` turns an answer into the value to
    store or raises InputError (asked again); `optional` values take `default` without input.
    """

    def __call__(
        self,
        option: str,
        question: str,
        *,
        check: Callable[[str], str],
        default: str | None = None,
        optional: bool = False,
    ) -> str: ...


@dataclass(frozen=True)
class Given:
    """What the options gave; None (or empty) means: ask."""

    customer: str | None = None
    tier: str | None = None
    base: str | None = None
    addons: tuple[str, ...] = ()
    settings: tuple[str, ...] = ()  # PATH=VALUE
    acknowledgements: tuple[str, ...] = ()  # PATH=REASON
    start: str | None = None
    period_months: int | None = None


@dataclass(frozen=True)
class Draft:
    """A contract ready to be written."""

    customer: str
    tier: str
    start: str
    period_months: int
    base: str | None = None
    addons: tuple[str, ...] = ()
    overrides: dict[str, str] = field(default_factory=dict)  # path -> value
    acknowledged: dict[str, str] = field(default_factory=dict)  # path -> reason


def addons_for(rules: RuleSet, tier: str) -> list[str]:
    """The add-ons a tier may have, from each add-on's `tiers` list."""
    return sorted(a for a, doc in rules.addons.items() if tier in doc.data["tiers"])


def settable_paths(rules: RuleSet) -> list[str]:
    """The override paths `--set` accepts."""
    paths = [f"targets.P{n}.{key}" for n in range(1, 5) for key in _PRIORITY_KEYS]
    paths += [f"rates.{key}" for key in _RATE_KEYS]
    paths += ["config_change_allowance", "calendar"]
    return paths + [f"services.{s}" for s in rules.services]


def open_values(rules: RuleSet, tier: str, base: str | None, addons: tuple[str, ...]) -> list[str]:
    """The by_agreement paths of tier + base + add-ons: what overrides must fill in."""
    return placeholders(_laid(rules, tier, base, addons))


def _laid(rules: RuleSet, tier: str, base: str | None, addons: tuple[str, ...]) -> dict[str, Any]:
    layers = [Layer(f"tier:{tier}", rules.tiers[tier])]
    if base:
        layers.append(Layer(f"base:{base}", rules.tiers[base]))
    layers += [Layer(f"addon:{a}", rules.addons[a], ("sets",)) for a in addons]
    values, _origins = lay(layers)
    return values


def check_value(path: str, answer: str) -> str:
    """An answer for an override path as it will be written, or InputError saying what to give."""
    value = answer.strip()
    section = path.split(".")[0]
    if section == "rates" and _AMOUNT.match(value):
        value = f"{Decimal(value.replace(',', '.')):.2f}"
    if value == PLACEHOLDER:
        raise InputError.at(f"{PLACEHOLDER} is the placeholder; give the agreed value", path=path)
    draft = {"customer": "-", "start": "2026-01-01", "period_months": 1}
    problems = check(Document("-", {**draft, "overrides": _nested({path: value})}, {}), "contract")
    if problems:
        raise InputError.at(f"{value!r} is not valid for {path}; give {_hint(section)}", path=path)
    return value


def _hint(section: str) -> str:
    return _(_HINTS[section]) if section in _HINTS else _("a value")


def gather(rules: RuleSet, given: Given, ask: Ask, today: date) -> Draft:
    """Every value of a new contract, from the options first and `ask` for the rest."""
    customer = _given_or_ask(given.customer, "--customer", ask, _("Customer (legal name)"), _text)
    tiers = sorted(rules.tiers)
    tier_question = _("Tier ({choices})").format(choices=", ".join(tiers))
    tier = _given_or_ask(given.tier, "--tier", ask, tier_question, _choice(tiers, "a tier"))
    base = _base(rules, tier, given, ask)
    addons = _addons(rules, tier, given, ask)
    overrides = _settings(rules, tier, given.settings)
    laid = _laid(rules, tier, base, addons)
    for path in placeholders(laid):
        if path not in overrides:
            section = path.split(".")[0]
            parts = path.split(".")
            if section == "targets" and missing_service(laid, parts[1], parts[2]):
                # D-13: no service behind this target, so it can only be not_applicable.
                overrides[path] = "not_applicable"
                continue
            overrides[path] = ask(
                f"--set {path}=VALUE",
                f"{path} ({_hint(section)})",
                check=partial(check_value, path),
            )
    start = _given_or_ask(
        given.start, "--start", ask, _("Start date (YYYY-MM-DD)"), _date, today.isoformat()
    )
    period = given.period_months
    if period is None:
        period = int(ask("--period-months", _("Period in months"), check=_months, default="12"))
    else:
        _option(_months, str(period), "--period-months")
    draft = Draft(customer, tier, start, period, base, addons, overrides)
    return _acknowledge(rules, draft, given.acknowledgements, ask)


def render(draft: Draft) -> str:
    """The contract as YAML: schema line first, amounts quoted, overrides in flow style."""
    lines = [SCHEMA_LINE, f"customer: {json.dumps(draft.customer, ensure_ascii=False)}"]
    lines.append(f"tier: {draft.tier}")
    if draft.base:
        lines.append(f"base: {draft.base}")
    if draft.addons:
        lines.append(f"addons: [{', '.join(draft.addons)}]")
    lines += [f"start: {draft.start}", f"period_months: {draft.period_months}"]
    if draft.overrides:
        lines.append("overrides:")
        lines += _overlay_lines(_nested(draft.overrides))
    if draft.acknowledged:
        lines.append("acknowledged_deviations:")
        for path, reason in draft.acknowledged.items():
            lines += [f"  - path: {path}", f"    reason: {json.dumps(reason, ensure_ascii=False)}"]
    return "\n".join(lines) + "\n"


def checked(rules: RuleSet, text: str, name: str) -> Document:
    """Validate a rendered contract as `sla validate` would; ValidationError if it is not."""
    document = parse_yaml(text.encode("utf-8"), name)
    problems = check(document, "contract")
    if problems:
        raise ValidationError(problems)
    contract = effective_for_contract(rules, document)
    problems = deviation_problems(rules, document, contract)
    if problems:
        raise ValidationError(problems)
    return document


def write_contract(rules: RuleSet, draft: Draft, target: Path, force: bool = False) -> str:
    """Validate the draft and write it atomically to `target`; refuse to overwrite unless forced."""
    refuse_overwrite(target, force)
    text = render(draft)
    checked(rules, text, f"{target} (not written)")
    write_atomic(target, text)
    return text


def refuse_overwrite(target: Path, force: bool) -> None:
    """InputError when `target` exists and overwriting was not asked for."""
    if target.exists() and not force:
        raise InputError.at(
            "the file exists; choose another output file, or pass --force to overwrite it",
            file=str(target),
        )


def default_file(customer: str) -> str:
    """contracts/<customer as a file name>.yaml"""
    folded = unicodedata.normalize("NFKD", customer).encode("ascii", "ignore").decode()
    slug = re.sub(r"[^a-z0-9]+", "-", folded.lower()).strip("-")
    return f"contracts/{slug or 'contract'}.yaml"


def parse_assignment(text: str, option: str) -> tuple[str, str]:
    """`PATH=VALUE` -> (PATH, VALUE); BadOption when there is no `=`."""
    path, equals, value = text.partition("=")
    if not equals or not path.strip() or not value.strip():
        raise BadOption(option, f"{text!r} is not PATH=VALUE; write e.g. targets.P1.resolution=3h")
    return path.strip(), value.strip()


# The questions, one helper each.


def _given_or_ask(
    value: str | None,
    option: str,
    ask: Ask,
    question: str,
    check: Callable[[str], str],
    default: str | None = None,
) -> str:
    if value is not None:
        return _option(check, value, option)
    return ask(option, question, check=check, default=default)


def _option(check: Callable[[str], str], value: str, option: str) -> str:
    try:
        return check(value)
    except SlaError as error:
        raise BadOption(option, error.problems[0].message) from None


def _base(rules: RuleSet, tier: str, given: Given, ask: Ask) -> str | None:
    if tier != CUSTOM_TIER:
        if given.base is not None:
            raise BadOption("--base", f"only a {CUSTOM_TIER} contract has a base tier")
        return None
    bases = sorted(t for t in rules.tiers if t not in (CUSTOM_TIER, NO_SLA_TIER))
    pick = _choice(bases, "a base tier", allow_empty=True)
    if given.base is not None:
        return _option(pick, given.base, "--base") or None
    question = _("Base tier ({choices}; empty for none)").format(choices=", ".join(bases))
    return ask("--base", question, check=pick, default="", optional=True) or None


def _addons(rules: RuleSet, tier: str, given: Given, ask: Ask) -> tuple[str, ...]:
    allowed = addons_for(rules, tier)
    if given.addons:
        return tuple(
            _option(_choice(allowed, f"an add-on for {tier}"), a, "--addon") for a in given.addons
        )
    if not allowed:
        return ()

    def pick(answer: str) -> str:
        chosen = [a.strip() for a in answer.replace(" ", ",").split(",") if a.strip()]
        for addon in chosen:
            _choice(allowed, f"an add-on for {tier}")(addon)
        return ",".join(dict.fromkeys(chosen))

    question = _("Add-ons, comma-separated ({choices}; empty for none)").format(
        choices=", ".join(allowed)
    )
    answer = ask("--addon", question, check=pick, default="", optional=True)
    return tuple(a for a in answer.split(",") if a)


def _settings(rules: RuleSet, tier: str, settings: tuple[str, ...]) -> dict[str, str]:
    if settings and tier != CUSTOM_TIER:
        raise BadOption(
            "--set", f"only a {CUSTOM_TIER} contract has overrides; use --tier {CUSTOM_TIER}"
        )
    known = settable_paths(rules)
    out: dict[str, str] = {}
    for entry in settings:
        path, value = parse_assignment(entry, "--set")
        path = path.removesuffix(".status") if path.startswith("services.") else path
        if path not in known:
            raise BadOption("--set", f"cannot set {path!r}{did_you_mean(path, known)}")
        if path == "calendar" and value not in rules.calendars:
            raise BadOption(
                "--set calendar",
                f"unknown calendar {value!r}{did_you_mean(value, rules.calendars)}",
            )
        out[path] = _option(partial(check_value, path), value, f"--set {path}")
    return out


def _acknowledge(rules: RuleSet, draft: Draft, given: tuple[str, ...], ask: Ask) -> Draft:
    reasons = dict(parse_assignment(entry, "--acknowledge") for entry in given)
    document = parse_yaml(render(draft).encode("utf-8"), "draft")
    contract = effective_for_contract(rules, document)
    for deviation in deviations(rules, document, contract):
        if deviation.path not in reasons:
            reasons[deviation.path] = ask(
                f"--acknowledge {deviation.path}=REASON",
                _(
                    "{path}: {value} is worse for the customer than {base_value} of {base}. "
                    "Reason it was agreed"
                ).format(
                    path=deviation.path,
                    value=format_value(deviation.new_value),
                    base_value=format_value(deviation.base_value),
                    base=deviation.base_layer,
                ),
                check=_text,
            )
    return Draft(
        draft.customer,
        draft.tier,
        draft.start,
        draft.period_months,
        draft.base,
        draft.addons,
        draft.overrides,
        reasons,
    )


def _choice(choices: list[str], what: str, allow_empty: bool = False) -> Callable[[str], str]:
    def pick(answer: str) -> str:
        value = answer.strip()
        if (allow_empty and not value) or value in choices:
            return value
        raise InputError.at(f"{value!r} is not {what}{did_you_mean(value, choices)}")

    return pick


def _text(answer: str) -> str:
    if not answer.strip():
        raise InputError.at("give a value; it cannot be empty")
    if len(answer.strip()) > 200 or any(not c.isprintable() for c in answer.strip()):
        raise InputError.at("give one line of at most 200 characters, without control characters")
    return answer.strip()


def _date(answer: str) -> str:
    try:
        value = date.fromisoformat(answer.strip())
    except ValueError:
        raise InputError.at(f"{answer[:40]!r} is not a date; write YYYY-MM-DD") from None
    if not EARLIEST <= value <= LATEST:
        raise InputError.at(f"{value.isoformat()} is not in the years 1900–2999; check the year")
    return value.isoformat()


def _months(answer: str) -> str:
    try:
        months = int(answer.strip())
    except ValueError:
        months = 0
    if not 1 <= months <= 120:
        raise InputError.at(f"{answer!r} is not a period; give whole months from 1 to 120")
    return str(months)


def _nested(flat: Mapping[str, str]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for path, value in flat.items():
        keys = path.split(".")
        node = out
        for key in keys[:-1]:
            node = node.setdefault(key, {})
        node[keys[-1]] = {"status": value} if keys[0] == "services" else value
    return out


def _overlay_lines(overlay: Mapping[str, Any]) -> list[str]:
    lines = []
    for section in ("services", "targets", "calendar", "config_change_allowance", "rates"):
        if section not in overlay:
            continue
        value = overlay[section]
        if section == "targets":
            lines.append("  targets:")
            for priority in sorted(value):
                lines.append(f"    {priority}: {_flow(value[priority])}")
        elif section == "services":
            lines.append("  services:")
            lines += [f"    {sid}: {_flow(entry)}" for sid, entry in value.items()]
        elif isinstance(value, Mapping):
            lines.append(f"  {section}: {_flow(value)}")
        else:
            lines.append(f"  {section}: {_scalar(value)}")
    return lines


def _flow(mapping: Mapping[str, str]) -> str:
    return "{" + ", ".join(f"{k}: {_scalar(v)}" for k, v in mapping.items()) + "}"


def _scalar(value: str) -> str:
    """Plain when YAML cannot misread it (ids, durations, dates), else quoted."""
    if _PLAIN.match(value) and value not in _YAML11_WORDS:
        return value
    return json.dumps(value, ensure_ascii=False)
