"""Customer contracts: load one file, check it, and make its effective contract.

A TARGET on the command line is either a tier id (`advanced`) or a contract file; both give
an `EffectiveContract`, so every command treats them alike.
"""

from __future__ import annotations

from pathlib import Path

from engine.contract.merge import EffectiveContract, effective_for_contract, effective_for_tier
from engine.errors import ReferenceNotFound, ValidationError, did_you_mean
from engine.rules.document import Document
from engine.rules.ruleset import RuleSet
from engine.rules.schemas import check


def load_contract(path: Path, display_name: str | None = None) -> Document:
    """Read a contract file and check it against the contract schema."""
    from engine.rules.yaml_loader import load_yaml  # the parser only when a file is read

    document = load_yaml(path, display_name)
    problems = check(document, "contract")
    if problems:
        raise ValidationError(problems)
    return document


def resolve_target(rules: RuleSet, target: str, addons: tuple[str, ...] = ()) -> EffectiveContract:
    """A tier id or a contract file -> its effective contract, with extra add-ons laid on."""
    if target in rules.tiers:
        return effective_for_tier(rules, target, addons)
    path = Path(target)
    if path.is_dir():
        raise ReferenceNotFound.at("is a folder; give a contract file or a tier id", file=target)
    if path.suffix in (".yaml", ".yml") or path.exists():
        if not path.is_file():
            raise ReferenceNotFound.at("no such contract file; check the path", file=target)
        return effective_for_contract(rules, load_contract(path, target), addons)
    raise ReferenceNotFound.at(
        f"{target!r} is neither a tier nor a contract file{did_you_mean(target, rules.tiers)}"
    )
