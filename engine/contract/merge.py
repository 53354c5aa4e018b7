"""Tier -> base tier -> add-ons -> overrides: the effective contract, and where values came from.

Every layer is an *overlay* of the same shape (`services`, `targets`, `calendar`,
`extended_hours`, `config_change_allowance`, `rates`), so one function lays them all. A leaf
value remembers the layer and the file:line:col that set it, and the seed clause it carries.

Granularity of a leaf: a service entry is replaced whole (an add-on that includes on-site
support drops an earlier "PRIO 1 and 2 only"), `extended_hours` is replaced whole, targets and
rates are laid key by key.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

from engine.errors import Location, Problem, ValidationError, did_you_mean
from engine.rules.document import Document, KeyPath, format_path
from engine.rules.ruleset import CUSTOM_TIER, NO_SLA_TIER, RuleSet

PLACEHOLDER = "by_agreement"
# The contract keys that tie it to its signed agreement, kept as given for the documents.
AGREEMENT_KEYS = ("agreement_number", "annex_number", "version", "signatories")
_SECTIONS = (
    "services",
    "targets",
    "calendar",
    "extended_hours",
    "config_change_allowance",
    "rates",
)


@dataclass(frozen=True)
class Origin:
    """Who set a value: the layer (`tier:advanced`, `addon:aws`, `overrides`…) and where."""

    layer: str
    file: str
    line: int
    column: int
    clause: str | None = None

    def where(self) -> str:
        return f"{self.file}:{self.line}:{self.column}"


@dataclass(frozen=True)
class Layer:
    """One overlay to lay: its name, the document it lives in and the key path of its data."""

    name: str
    document: Document
    prefix: KeyPath = ()
    clause: str | None = None
    shared: bool = True  # a rule file's layer, the same for every contract that lays it

    @property
    def data(self) -> Mapping[str, Any]:
        data: Any = self.document.data
        for key in self.prefix:
            data = data[key]
        return data  # type: ignore[no-any-return]


@dataclass(frozen=True)
class EffectiveContract:
    """A contract as it applies: the merged values and, per leaf path, the origin."""

    tier: str
    values: dict[str, Any]
    origins: dict[str, Origin]
    customer: str | None = None
    base: str | None = None
    addons: tuple[str, ...] = ()
    start: str | None = None
    period_months: int | None = None
    contact: dict[str, str] = field(default_factory=dict)
    acknowledged_deviations: tuple[dict[str, str], ...] = ()
    file: str | None = None
    # What ties the contract to its signed agreement (agreement_number, annex_number, version,
    # signatories), as the customer documents show it.
    agreement: dict[str, Any] = field(default_factory=dict)

    @property
    def has_sla(self) -> bool:
        return self.tier != NO_SLA_TIER

    def as_dict(self) -> dict[str, Any]:
        """The contract as plain data, the header fields first."""
        header: dict[str, Any] = {"customer": self.customer, "tier": self.tier}
        if self.base:
            header["base"] = self.base
        header["addons"] = list(self.addons)
        if self.start is not None:
            header["start"] = self.start
            header["period_months"] = self.period_months
        return {**header, **self.values}


def lay(layers: list[Layer]) -> tuple[dict[str, Any], dict[str, Origin]]:
    """Lay the overlays in order; later layers win. Returns values and origins.

    The leading shared layers (tier, base, add-ons) are laid once per combination and copied
    for each contract: validating a thousand contracts lays each tier once, not a thousand
    times.
    """
    count = 0
    while count < len(layers) and layers[count].shared:
        count += 1
    values, origins = _laid_shared(tuple(layers[:count]))
    for layer in layers[count:]:
        _lay_one(layer, values, origins)
    return values, origins


def _laid_shared(layers: tuple[Layer, ...]) -> tuple[dict[str, Any], dict[str, Origin]]:
    key = tuple((layer.name, id(layer.document), layer.prefix) for layer in layers)
    cached = _SHARED.get(key)
    # The entry holds the layers, so their documents stay alive and their ids unique.
    if cached is None or any(
        a.document is not b.document for a, b in zip(cached[0], layers, strict=True)
    ):
        values: dict[str, Any] = {}
        origins: dict[str, Origin] = {}
        for layer in layers:
            _lay_one(layer, values, origins)
        cached = (layers, values, origins)
        if len(_SHARED) < _SHARED_LIMIT:
            _SHARED[key] = cached
    return _copy_tree(cached[1]), dict(cached[2])


_SHARED_LIMIT = 512
_SHARED: dict[
    tuple[tuple[str, int, KeyPath], ...],
    tuple[tuple[Layer, ...], dict[str, Any], dict[str, Origin]],
] = {}


def _copy_tree(values: dict[str, Any]) -> dict[str, Any]:
    """A copy whose mappings and lists are new, so laying on it leaves the cached tree as it is."""
    return {
        key: _copy_tree(value)
        if isinstance(value, dict)
        else list(value)
        if isinstance(value, list)
        else value
        for key, value in values.items()
    }


def _lay_one(layer: Layer, values: dict[str, Any], origins: dict[str, Origin]) -> None:
    for path, value, clause in _leaves(layer.data):
        # Every layer has the same leaf granularity, so a leaf never hides a deeper origin.
        _put(values, path, value)
        line, column = layer.document.positions.get((*layer.prefix, *path), (1, 1))
        origins[format_path(path)] = Origin(
            layer.name, layer.document.file, line, column, clause or layer.clause
        )


def _leaves(data: Mapping[str, Any]) -> Iterator[tuple[KeyPath, Any, str | None]]:
    """(path, value, seed clause) of each leaf of an overlay, `source` keys taken as clauses."""
    sources = data.get("sources", {})
    for section in _SECTIONS:
        if section not in data:
            continue
        value = data[section]
        if section == "services":
            for service_id, entry in value.items():
                plain = {k: v for k, v in entry.items() if k != "source"}
                yield ("services", service_id), plain, entry.get("source")
        elif section == "targets":
            for priority, entry in value.items():
                for key, target in entry.items():
                    if key != "source":
                        yield ("targets", priority, key), target, entry.get("source")
        elif section == "rates":
            for key, rate in value.items():
                yield ("rates", key), rate, sources.get(f"rates.{key}", sources.get("rates"))
        else:
            yield (section,), value, sources.get(section)


def _put(values: dict[str, Any], path: KeyPath, value: Any) -> None:
    node = values
    for key in path[:-1]:
        node = node.setdefault(str(key), {})
    node[str(path[-1])] = value


def placeholders(values: Mapping[str, Any], prefix: str = "") -> list[str]:
    """The paths that still say by_agreement (a value, or a service's status)."""
    found = []
    for key, value in values.items():
        path = f"{prefix}.{key}" if prefix else key
        if isinstance(value, Mapping):
            found.extend(placeholders(value, path))
        elif value == PLACEHOLDER:
            found.append(path)
    return found


def effective_for_tier(
    rules: RuleSet, tier_id: str, addons: tuple[str, ...] = ()
) -> EffectiveContract:
    """The effective contract of a tier with add-ons, as `sla show advanced --addon aws`."""
    problems: list[Problem] = []
    tier = _tier(rules, tier_id, Location(path="tier"), problems)
    layers = [Layer(f"tier:{tier_id}", tier)] if tier else []
    layers += _addon_layers(rules, tier_id, addons, lambda i: Location(path="--addon"), problems)
    if problems:
        raise ValidationError(problems)
    values, origins = lay(layers)
    return EffectiveContract(tier=tier_id, values=values, origins=origins, addons=addons)


def effective_for_contract(
    rules: RuleSet, contract: Document, extra_addons: tuple[str, ...] = ()
) -> EffectiveContract:
    """The effective contract of a customer contract (already checked against its schema)."""
    data = contract.data
    problems: list[Problem] = []
    tier_id = data.get("tier", NO_SLA_TIER)
    layers: list[Layer] = []
    tier = _tier(rules, tier_id, contract.location(("tier",)), problems)
    if tier:
        layers.append(Layer(f"tier:{tier_id}", tier))
    base_id = data.get("base")
    if base_id is not None:
        if tier_id != CUSTOM_TIER:
            problems.append(
                Problem(
                    f"base is only for tier {CUSTOM_TIER}; remove it or set tier: {CUSTOM_TIER}",
                    contract.location(("base",)),
                )
            )
        elif base_id in (CUSTOM_TIER, NO_SLA_TIER):
            problems.append(
                Problem(
                    f"a maatwerk contract cannot be based on {base_id!r}; "
                    "choose standaard, advanced or enterprise",
                    contract.location(("base",)),
                )
            )
        else:
            base = _tier(rules, base_id, contract.location(("base",)), problems)
            if base:
                layers.append(Layer(f"base:{base_id}", base))
    addons = tuple(data.get("addons", ())) + tuple(extra_addons)
    layers += _addon_layers(
        rules, tier_id, addons, lambda i: contract.location(("addons", i)), problems
    )
    if "overrides" in data:
        if tier_id != CUSTOM_TIER:
            problems.append(
                Problem(
                    f"overrides are only for maatwerk contracts; this contract is {tier_id!r}. "
                    "Set tier: maatwerk (with base: <tier>) or remove overrides",
                    contract.location(("overrides",)),
                )
            )
        else:
            layers.append(Layer("overrides", contract, ("overrides",), shared=False))
            problems.extend(_calendar_problems(rules, contract))
    if problems:
        raise ValidationError(problems)
    values, origins = lay(layers)
    open_paths = placeholders(values)
    if open_paths:
        problems.append(
            Problem(
                "these values are still 'by_agreement' (in overeenkomst) and must be filled in, "
                "under overrides or by a base tier: " + ", ".join(open_paths),
                contract.location(("tier",) if "tier" in data else ()),
            )
        )
        raise ValidationError(problems)
    return EffectiveContract(
        tier=tier_id,
        values=values,
        origins=origins,
        customer=data.get("customer"),
        base=base_id,
        addons=addons,
        start=data.get("start"),
        period_months=data.get("period_months"),
        contact=dict(data.get("contact", {})),
        acknowledged_deviations=tuple(data.get("acknowledged_deviations", ())),
        file=contract.file,
        agreement={key: data[key] for key in AGREEMENT_KEYS if key in data},
    )


def _tier(
    rules: RuleSet, tier_id: str, where: Location, problems: list[Problem]
) -> Document | None:
    if tier_id in rules.tiers:
        return rules.tiers[tier_id]
    problems.append(Problem(f"unknown tier {tier_id!r}{did_you_mean(tier_id, rules.tiers)}", where))
    return None


def _addon_layers(
    rules: RuleSet,
    tier_id: str,
    addons: tuple[str, ...],
    where: Any,
    problems: list[Problem],
) -> list[Layer]:
    layers = []
    for index, addon_id in enumerate(addons):
        if addon_id not in rules.addons:
            problems.append(
                Problem(
                    f"unknown add-on {addon_id!r}{did_you_mean(addon_id, rules.addons)}",
                    where(index),
                )
            )
            continue
        addon = rules.addons[addon_id]
        allowed = addon.data["tiers"]
        if tier_id not in allowed:
            problems.append(
                Problem(
                    f"add-on {addon_id!r} is not available for tier {tier_id!r}; "
                    f"it is for {', '.join(allowed)}",
                    where(index),
                )
            )
            continue
        if addons.index(addon_id) != index:
            problems.append(Problem(f"add-on {addon_id!r} is listed twice; keep one", where(index)))
            continue
        layers.append(Layer(f"addon:{addon_id}", addon, ("sets",), addon.data["source"]))
    return layers


def _calendar_problems(rules: RuleSet, contract: Document) -> list[Problem]:
    overrides = contract.data["overrides"]
    problems = []
    references: list[tuple[KeyPath, Any]] = [(("overrides", "calendar"), overrides.get("calendar"))]
    extended = overrides.get("extended_hours")
    if isinstance(extended, dict):
        references.append((("overrides", "extended_hours", "calendar"), extended.get("calendar")))
    for path, calendar_id in references:
        if calendar_id is not None and calendar_id not in rules.calendars:
            problems.append(
                Problem(
                    f"unknown calendar {calendar_id!r}{did_you_mean(calendar_id, rules.calendars)}",
                    contract.location(path),
                )
            )
    return problems
