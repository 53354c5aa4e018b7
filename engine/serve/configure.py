"""The configurator's model: a posted form -> a contract draft, its problems per field, and
the YAML to save (comments of a hand-edited file kept).

A field holds a value in the annex's words; it becomes an override only when it differs in
meaning from what the tier, base tier and add-ons give. Only a Maatwerk contract may differ;
an override worse for the customer than the base needs a reason, which is written under
`acknowledged_deviations`. The draft is then validated exactly as `sla validate` does.
"""

from __future__ import annotations

import io
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap
from ruamel.yaml.scalarstring import DoubleQuotedScalarString

from engine.serve import backend, words

PRIORITY_KEYS = ("first_response", "resolution", "time_on_site")
TARGET_PATHS = tuple(f"targets.P{n}.{key}" for n in range(1, 5) for key in PRIORITY_KEYS)
ALLOWANCE = "config_change_allowance"
RATE_PATHS = ("rates.outside_sla", "rates.prepaid_card", "rates.evening_weekend")
VALUE_PATHS = (*TARGET_PATHS, ALLOWANCE, *RATE_PATHS)
CONTACT_KEYS = ("name", "function", "email", "phone")
BASE_TIERS = ("standaard", "advanced", "enterprise")


def kind_of(path: str) -> str:
    if path.startswith("rates."):
        return "rate"
    return "allowance" if path == ALLOWANCE else "target"


@dataclass
class Form:
    """What the page posted (or what a saved contract fills in)."""

    contract_id: str = ""
    customer: str = ""
    contact: dict[str, str] = field(default_factory=dict)
    tier: str = "maatwerk"
    base: str = "advanced"
    addons: tuple[str, ...] = ()
    start: str = ""
    period_months: str = "12"
    values: dict[str, str] = field(default_factory=dict)  # path -> text as typed
    reasons: dict[str, str] = field(default_factory=dict)  # path -> reason
    etag: str = ""  # of the file when the page was opened; "" for a new contract


def form_from_post(posted: Mapping[str, Any], addons: Sequence[str]) -> Form:
    def text(name: str) -> str:
        value = posted.get(name, "")
        return value.strip() if isinstance(value, str) else ""

    return Form(
        contract_id=text("contract_id"),
        customer=text("customer"),
        contact={k: text(f"contact.{k}") for k in CONTACT_KEYS if text(f"contact.{k}")},
        tier=text("tier"),
        base=text("base"),
        addons=tuple(addons),
        start=text("start"),
        period_months=text("period_months"),
        values={p: text(p) for p in VALUE_PATHS if f"{p}" in posted},
        reasons={p: text(f"reason.{p}") for p in VALUE_PATHS if text(f"reason.{p}")},
        etag=text("etag"),
    )


def form_for_new(rules: backend.RuleSet, today: date, tier: str = "maatwerk") -> Form:
    form = Form(tier=tier, base="advanced" if tier == "maatwerk" else "", start=today.isoformat())
    values, _ = backend.layered(rules, form.tier, form.base or None, ())
    form.values = {p: words.shown(backend.value_at(values, p), kind_of(p)) for p in VALUE_PATHS}
    return form


def form_for_saved(contract_id: str, raw: bytes, etag: str, rules: backend.RuleSet) -> Form:
    """The form of a saved contract: its header, and every value as it applies now."""
    import yaml

    data = yaml.safe_load(raw.decode("utf-8")) or {}
    form = Form(
        contract_id=contract_id,
        customer=str(data.get("customer", "")),
        contact={k: str(v) for k, v in (data.get("contact") or {}).items()},
        tier=str(data.get("tier", backend.NO_SLA_TIER)),
        base=str(data.get("base") or ""),
        addons=tuple(data.get("addons") or ()),
        start=str(data.get("start", "")),
        period_months=str(data.get("period_months", "")),
        reasons={
            str(a.get("path")): str(a.get("reason", ""))
            for a in data.get("acknowledged_deviations") or ()
            if isinstance(a, dict)
        },
        etag=etag,
    )
    values, _ = backend.layered(rules, form.tier, form.base or None, form.addons)
    overrides = data.get("overrides") or {}
    for path in VALUE_PATHS:
        value = backend.value_at(overrides, path)
        form.values[path] = words.shown(
            value if value is not None else backend.value_at(values, path), kind_of(path)
        )
    return form


@dataclass
class Draft:
    """A form read and checked: field errors, the contract, and what it differs in."""

    form: Form
    errors: dict[str, str] = field(default_factory=dict)  # field name -> Dutch message
    general: list[str] = field(default_factory=list)  # problems not about one field
    base_values: dict[str, Any] = field(default_factory=dict)
    base_origins: dict[str, backend.Origin] = field(default_factory=dict)
    overrides: dict[str, str] = field(default_factory=dict)
    weakened: list[backend.Deviation] = field(default_factory=list)
    text: str | None = None
    contract: backend.EffectiveContract | None = None

    @property
    def valid(self) -> bool:
        return not self.errors and not self.general and self.contract is not None

    def base_texts(self) -> dict[str, str]:
        """Each field's value from tier, base and add-ons, as the form shows it: the script
        refills a field the user left alone when the tier, base or add-ons change."""
        return {
            p: words.shown(backend.value_at(self.base_values, p), kind_of(p)) for p in VALUE_PATHS
        }

    def needs_reason(self, path: str) -> bool:
        return any(d.path == path for d in self.weakened)


def evaluate(rules: backend.RuleSet, form: Form, saved: bytes | None, name: str) -> Draft:
    """Read the form as a contract; every problem lands beside its field (or in general)."""
    draft = Draft(form)
    errors = draft.errors
    if not form.customer:
        errors["customer"] = "Vul de naam van de klant in."
    if form.tier not in rules.tiers:
        errors["tier"] = "Kies een tier: Standaard, Advanced, Enterprise, Maatwerk of Geen SLA."
        return draft
    base = form.base if form.tier == backend.CUSTOM_TIER and form.base else None
    if base is not None and base not in BASE_TIERS:
        errors["base"] = "Kies als basis Standaard, Advanced of Enterprise (of geen)."
        base = None
    allowed = backend.addons_for(rules, form.tier)
    wrong = [a for a in form.addons if a not in allowed]
    if wrong:
        errors["addons"] = f"Niet mogelijk bij deze tier: {', '.join(wrong)}."
    addons = tuple(a for a in form.addons if a in allowed)
    draft.base_values, draft.base_origins = backend.layered(rules, form.tier, base, addons)
    for path in VALUE_PATHS:
        _read_value(draft, path, form.values.get(path, ""))
    _check_dates(form, errors)
    if "tier" in errors or "start" in errors or "period_months" in errors:
        return draft
    text = _yaml(rules, form, base, addons, draft.overrides, {}, saved)
    document = _parsed(text, name, draft)
    if document is None:
        return draft
    try:
        contract = backend.contract_of(rules, document)
    except backend.SlaError as error:
        _place(draft, error.problems)
        return draft
    draft.weakened = backend.weakened(rules, document, contract)
    reasons = {}
    for deviation in draft.weakened:
        reason = form.reasons.get(deviation.path, "")
        if reason:
            reasons[deviation.path] = reason
        else:
            before = words.shown(deviation.base_value, kind_of(deviation.path))
            behind = layer_name(deviation.base_layer, rules)
            errors[f"reason.{deviation.path}"] = (
                f"Slechter voor de klant dan {before} van {behind}; "
                "geef de reden waarom dit is afgesproken."
            )
    draft.text = _yaml(rules, form, base, addons, draft.overrides, reasons, saved)
    final = _parsed(draft.text, name, draft)
    draft.contract = backend.contract_of(rules, final) if final is not None else contract
    problems = backend.contract_problems(rules, draft.text.encode("utf-8"), name)
    _place(draft, [p for p in problems if not _about_reason(p, draft)])
    return draft


def _read_value(draft: Draft, path: str, typed: str) -> None:
    base_value = backend.value_at(draft.base_values, path)
    kind = kind_of(path)
    if not typed:
        if base_value == "by_agreement":
            draft.errors[path] = "Vul deze waarde in: de tier laat hem in overeenkomst."
        return
    try:
        value = (
            words.amount(typed)
            if kind == "rate"
            else words.duration(typed, allowance=kind == "allowance")
        )
    except words.WordError as error:
        draft.errors[path] = str(error)
        return
    if base_value is not None and backend.same_value(path, value, base_value):
        return
    if draft.form.tier != backend.CUSTOM_TIER:
        draft.errors[path] = (
            "Alleen een Maatwerk-contract kan afwijken van de tier; kies Maatwerk met deze tier "
            "als basis, of laat de waarde van de tier staan."
        )
        return
    draft.overrides[path] = value


def _check_dates(form: Form, errors: dict[str, str]) -> None:
    try:
        date.fromisoformat(form.start)
    except ValueError:
        errors["start"] = "Geef de ingangsdatum als JJJJ-MM-DD, bijvoorbeeld 2026-01-01."
    if not form.period_months.isdigit() or not 1 <= int(form.period_months) <= 120:
        errors["period_months"] = "Geef de looptijd in hele maanden, van 1 tot 120."


def _parsed(text: str, name: str, draft: Draft) -> backend.Document | None:
    try:
        return backend.parse_contract(text.encode("utf-8"), name)
    except backend.SlaError as error:
        _place(draft, error.problems)
        return None


def _about_reason(problem: backend.Problem, draft: Draft) -> bool:
    path = (problem.location.path or "").removeprefix("overrides.")
    return f"reason.{path}" in draft.errors


def _place(draft: Draft, problems: Sequence[backend.Problem]) -> None:
    """Each engine problem beside the field its key path names, or in the general list."""
    for problem in problems:
        path = problem.location.path or ""
        key = path.removeprefix("overrides.")
        if path.startswith("contact."):
            key = path
        if key in VALUE_PATHS or key in ("customer", "tier", "base", "start", "period_months"):
            draft.errors.setdefault(key, problem.message)
        elif key.startswith("addons"):
            draft.errors.setdefault("addons", problem.message)
        elif key.startswith("contact"):
            draft.errors.setdefault("contact.email", problem.message)
        else:
            draft.general.append(str(problem))


def layer_name(layer: str, rules: backend.RuleSet | None = None, lang: str = "nl") -> str:
    """`base:enterprise` -> "basis Enterprise", `addon:aws` -> "add-on Avond- en Weekend
    Service", `overrides` -> "afwijking": where a value comes from, as sales says it."""
    kind, _, name = layer.partition(":")
    words_for = _LAYER_WORDS.get(lang, _LAYER_WORDS["nl"])
    shown = name.capitalize()
    if rules is not None and kind in ("tier", "base") and name in rules.tiers:
        shown = str(rules.tiers[name].data.get("name", shown))
    elif rules is not None and kind == "addon" and name in rules.addons:
        names = rules.addons[name].data.get("name", {})
        shown = str(names.get(lang, shown)) if isinstance(names, dict) else str(names)
    return f"{words_for.get(kind, kind)} {shown}".strip()


_LAYER_WORDS = {
    "nl": {"tier": "tier", "base": "basis", "addon": "add-on", "overrides": "afwijking"},
    "en": {"tier": "tier", "base": "base", "addon": "add-on", "overrides": "override"},
}


def value_text(path: str, value: Any, lang: str = "nl") -> str:
    """A value of the effective contract in the annex's words."""
    section = path.split(".")[0]
    try:
        if section == "targets":
            return words.shown(value, "target", lang)
        if section == "rates":
            return words.shown(value, "rate", lang)
        if section == "config_change_allowance":
            return words.shown(value, "allowance", lang)
    except (ValueError, backend.SlaError):
        pass
    if section == "services" and isinstance(value, Mapping):
        status = _STATUS.get(lang, _STATUS["nl"]).get(str(value.get("status")), value.get("status"))
        only = value.get("priorities")
        return f"{status} (PRIO {', '.join(map(str, only))})" if only else str(status)
    return backend.format_value(value)


_STATUS = {
    "nl": {
        "included": "inbegrepen",
        "not_included": "niet inbegrepen",
        "addon": "add-on",
        "billed": "tegen betaling",
    },
    "en": {
        "included": "included",
        "not_included": "not included",
        "addon": "add-on",
        "billed": "billed",
    },
}


def _yaml(
    rules: backend.RuleSet,
    form: Form,
    base: str | None,
    addons: tuple[str, ...],
    overrides: Mapping[str, str],
    reasons: Mapping[str, str],
    saved: bytes | None,
) -> str:
    """The contract file: the saved one edited in place (its comments kept), or a new one."""
    months = int(form.period_months) if form.period_months.isdigit() else 12
    if saved is None:
        source = backend.new_contract_text(form.customer or "-", form.tier, base, addons,
                                           form.start, months)  # fmt: skip
    else:
        source = saved.decode("utf-8")
    yaml = YAML()
    yaml.preserve_quotes = True
    yaml.width = 4096  # never fold a long reason: the file stays as its author wrote it
    yaml.indent(mapping=2, sequence=4, offset=2)
    document = yaml.load(source)
    wanted: dict[str, Any] = {
        "customer": form.customer,
        "tier": form.tier,
        "base": base,
        "addons": list(addons) or None,
        "start": form.start,
        "period_months": months,
        "contact": {k: form.contact[k] for k in backend.contact_fields() if form.contact.get(k)}
        or None,
        "overrides": _nested(overrides) or None,
        "acknowledged_deviations": [{"path": p, "reason": r} for p, r in reasons.items()] or None,
    }
    if form.tier == backend.NO_SLA_TIER and "tier" not in document:
        wanted["tier"] = None  # a contract without a tier is geen-sla (§2.7): keep it so
    _merge(document, wanted)
    out = io.StringIO()
    yaml.dump(document, out)
    return out.getvalue()


def _nested(flat: Mapping[str, str]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for path, value in flat.items():
        keys = path.split(".")
        node = out
        for key in keys[:-1]:
            node = node.setdefault(key, {})
        # Amounts are strings that look like numbers: quoted as `sla new` and people write them.
        node[keys[-1]] = DoubleQuotedScalarString(value) if keys[0] == "rates" else value
    return out


def _merge(node: CommentedMap, wanted: Mapping[str, Any]) -> None:
    """Make `node` hold `wanted`, touching only what differs (so comments and layout stay).

    A key whose wanted value is None is removed; a mapping is merged key by key; a list or a
    scalar is replaced only when it differs.
    """
    for key, value in wanted.items():
        if value is None:
            if key in node:
                del node[key]
            continue
        current = node.get(key)
        if isinstance(value, dict):
            if not isinstance(current, dict):
                current = CommentedMap()
                if not any(isinstance(v, dict) for v in value.values()):
                    current.fa.set_flow_style()  # `P1: {first_response: 1h}`, as people write
                node[key] = current
            for old in [k for k in current if k not in value]:
                del current[old]
            _merge(current, value)
        elif _plain(current) != _plain(value):
            node[key] = value


def _plain(value: Any) -> Any:
    if isinstance(value, list):
        return [_plain(v) for v in value]
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    return None if value is None else str(value)
