"""What the live panel beside the configure form shows, computed from a draft."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from engine.serve import backend, configure, words

_EXAMPLE_REPORTED = "2026-11-23T16:00"  # a Monday an hour before closing: clocks run overnight
_PRICE_EXAMPLES = (
    ("example_office", dict(priority=1, start="2026-11-23T10:00", minutes=60)),
    ("example_evening", dict(priority=1, start="2026-11-24T19:00", minutes=50)),
    (
        "example_saturday",
        dict(priority=1, start="2026-11-28T11:00", minutes=60, on_site=True, travel_minutes=30),
    ),
    (
        "example_change",
        dict(priority=3, start="2026-11-25T10:00", minutes=40, kind="config-change"),
    ),
)


@dataclass(frozen=True)
class Row:
    path: str
    value: str
    origin: str
    overridden: bool
    clause: str


@dataclass(frozen=True)
class Price:
    label: str
    total: str | None
    lines: list[tuple[str, str]]
    problem: str | None


@dataclass(frozen=True)
class DeadlineRow:
    priority: int
    due: dict[str, str]


@dataclass(frozen=True)
class Change:
    path: str
    old: str
    new: str
    effect: str | None


@dataclass(frozen=True)
class Weakened:
    path: str
    value: str
    base_value: str
    base_layer: str


@dataclass(frozen=True)
class Panel:
    weakened: list[Weakened]
    rows: list[Row]
    prices: list[Price]
    deadlines: list[DeadlineRow]
    diff_base: list[Change] | None
    base_label: str
    diff_saved: list[Change] | None


def panel_for(
    rules: backend.RuleSet,
    draft: configure.Draft,
    saved: backend.EffectiveContract | None,
    lang: str,
) -> Panel | None:
    contract = draft.contract
    if contract is None:
        return None
    rows = rows_of(rules, contract, lang)
    base_tier, base = base_of(rules, draft)
    weakened = [
        Weakened(
            d.path,
            configure.value_text(d.path, d.new_value, lang),
            configure.value_text(d.path, d.base_value, lang),
            configure.layer_name(d.base_layer, rules, lang),
        )
        for d in draft.weakened
    ]
    return Panel(
        weakened,
        rows,
        [_price(rules, contract, label, facts, lang) for label, facts in _PRICE_EXAMPLES],
        _deadlines(rules, contract, lang),
        changes_between(base, contract, lang, skip=_HEADER) if base is not None else None,
        base_tier,
        changes_between(saved, contract, lang) if saved is not None else None,
    )


def rows_of(rules: backend.RuleSet, contract: backend.EffectiveContract, lang: str) -> list[Row]:
    """Each value of the effective contract with where it comes from and its seed clause."""
    return [
        Row(
            r["path"],
            configure.value_text(r["path"], r["value"], lang),
            configure.layer_name(r["layer"], rules, lang),
            r["layer"] == "overrides",
            r["clause"] or "",
        )
        for r in backend.explain_rows(contract)
    ]


def base_of(
    rules: backend.RuleSet, draft: configure.Draft
) -> tuple[str, backend.EffectiveContract | None]:
    form = draft.form
    tier = form.base if form.tier == backend.CUSTOM_TIER and form.base else form.tier
    if tier == backend.CUSTOM_TIER:
        return tier, None
    allowed = backend.addons_for(rules, tier)
    try:
        return tier, backend.tier_contract(rules, tier, [a for a in form.addons if a in allowed])
    except backend.SlaError:
        return tier, None


_HEADER = frozenset(
    {"customer", "tier", "base", "start", "period_months", "contact", "acknowledged_deviations"}
)


def changes_between(
    old: backend.EffectiveContract,
    new: backend.EffectiveContract,
    lang: str = "nl",
    skip: frozenset[str] = frozenset(),
) -> list[Change]:
    """The differences by meaning; against a tier, the customer's own header is no news."""
    return [
        Change(
            d.path,
            configure.value_text(d.path, d.old, lang),
            configure.value_text(d.path, d.new, lang),
            d.effect,
        )
        for d in backend.differences(old, new, "old", "new")
        if d.path.split("[")[0] not in skip
    ]


def _price(
    rules: backend.RuleSet,
    contract: backend.EffectiveContract,
    label: str,
    facts: dict[str, Any],
    lang: str,
) -> Price:
    try:
        work = backend.make_work(**{**facts, "start": backend.time_of(facts["start"])})
        result = backend.quote_dict(backend.quote_for(rules, contract, work), work)
    except backend.SlaError as error:
        return Price(label, None, [], error.problems[0].message)
    key = "description" if lang == "nl" else "description_en"
    lines = [(line[key], words.shown(line["amount"], "rate", lang)) for line in result["lines"]]
    return Price(label, words.shown(result["total"], "rate", lang), lines, None)


def _deadlines(
    rules: backend.RuleSet, contract: backend.EffectiveContract, lang: str
) -> list[DeadlineRow]:
    out = []
    for priority in (1, 2, 3, 4):
        try:
            found = backend.deadlines_dict(
                rules, contract, priority=priority, reported=backend.time_of(_EXAMPLE_REPORTED)
            )
        except backend.SlaError:
            continue
        due = {}
        for clock in configure.PRIORITY_KEYS:
            entry = found.get(clock) or {}
            when = entry.get("due")
            due[clock] = (
                _short_time(when, lang)
                if when
                else ("best effort" if entry.get("best_effort") else "–")
            )
        out.append(DeadlineRow(priority, due))
    return out


_DAYS = {
    "nl": ("ma", "di", "wo", "do", "vr", "za", "zo"),
    "en": ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"),
}


def _short_time(text: str, lang: str) -> str:
    moment = datetime.fromisoformat(text)
    return f"{_DAYS.get(lang, _DAYS['nl'])[moment.weekday()]} {moment:%d-%m %H:%M}"
