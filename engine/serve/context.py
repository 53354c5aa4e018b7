"""What every request handler shares: the rules, the contracts folder, the guard."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from fastapi import Request

from engine.errors import ReferenceNotFound, did_you_mean
from engine.serve import backend
from engine.serve.security import Guard
from engine.serve.store import ContractStore, is_slug

MAX_BODY = 1_000_000  # a contract or a request is a page; YAML files are refused above this
MAX_UPLOAD = 50_000_000  # a year of helpdesk export


@dataclass
class Server:
    rules: backend.RuleSet
    store: ContractStore
    guard: Guard
    examples: Path | None = None
    lang: str = "nl"
    _tiers: dict[tuple[str, tuple[str, ...]], backend.EffectiveContract] = field(
        default_factory=dict, repr=False
    )

    def target(self, target: str, addons: tuple[str, ...] = ()) -> backend.EffectiveContract:
        """A tier id or a contract id as an effective contract; ReferenceNotFound otherwise."""
        if target in self.rules.tiers:
            key = (target, addons)
            cached = self._tiers.get(key)
            if cached is None:
                cached = backend.tier_contract(self.rules, target, addons)
                if len(self._tiers) < 256:  # tiers x add-on lists in use: a handful
                    self._tiers[key] = cached
            return cached
        if is_slug(target) and self.store.exists(target):
            if addons:
                return backend.effective(self.rules, self.store.name(target), addons)
            loaded = self.store.load(target)
            if loaded is not None and loaded.contract is not None:
                return loaded.contract
            if loaded is not None:
                raise backend.SlaError(list(loaded.problems))
        choices = [*self.rules.tiers, *self.store.ids()]
        raise ReferenceNotFound.at(
            f"{target!r} is neither a tier nor a contract id{did_you_mean(target, choices)}",
            path="contract",
        )


def server_of(request: Request) -> Server:
    found: Server = request.app.state.server
    return found
