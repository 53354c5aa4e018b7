"""Customer contracts: loading, the merge of tier, base, add-ons and overrides into an effective
contract with the origin of every value, weakened guarantees, the builder behind `sla
new`, and contract terms.

Public names are imported on first use (engine/_lazy.py).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from engine._lazy import surface

_NAMES = {
    "EffectiveContract": ".merge",
    "Origin": ".merge",
    "effective_for_contract": ".merge",
    "effective_for_tier": ".merge",
    "load_contract": ".load",
    "resolve_target": ".load",
    "deviation_problems": ".deviations",
    "ContractDiff": ".diff",
    "side_for_target": ".diff",
    "contract_at_revision": ".diff",
    "Given": ".builder",
    "gather": ".builder",
    "write_contract": ".builder",
    "BadOption": ".builder",
    "Terms": ".terms",
    "contract_terms": ".terms",
    "today": ".terms",
}
__all__ = [
    "BadOption",
    "ContractDiff",
    "EffectiveContract",
    "Given",
    "Origin",
    "Terms",
    "contract_at_revision",
    "contract_terms",
    "deviation_problems",
    "effective_for_contract",
    "effective_for_tier",
    "gather",
    "load_contract",
    "resolve_target",
    "side_for_target",
    "today",
    "write_contract",
]
__getattr__, __dir__ = surface(__name__, _NAMES)

if TYPE_CHECKING:
    from engine.contract.builder import BadOption, Given, gather, write_contract
    from engine.contract.deviations import deviation_problems
    from engine.contract.diff import ContractDiff, contract_at_revision, side_for_target
    from engine.contract.load import load_contract, resolve_target
    from engine.contract.merge import (
        EffectiveContract,
        Origin,
        effective_for_contract,
        effective_for_tier,
    )
    from engine.contract.terms import Terms, contract_terms, today
