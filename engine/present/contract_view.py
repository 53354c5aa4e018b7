"""Presenting an effective contract: as YAML or JSON, and `--explain` with each value's origin."""

from __future__ import annotations

import json
from typing import Any

import yaml

from engine.contract.merge import EffectiveContract
from engine.i18n import _


def contract_yaml(contract: EffectiveContract) -> str:
    return yaml.safe_dump(
        contract.as_dict(), sort_keys=False, allow_unicode=True, default_flow_style=False
    )


def contract_json(contract: EffectiveContract) -> str:
    return json.dumps(contract.as_dict(), indent=2, ensure_ascii=False) + "\n"


def explain_rows(contract: EffectiveContract) -> list[dict[str, Any]]:
    """One row per leaf value: path, value, layer, file:line:col, seed clause."""
    rows = []
    for path, origin in contract.origins.items():
        value: Any = contract.values
        for key in path.split("."):
            value = value[key]
        rows.append(
            {
                "path": path,
                "value": value,
                "layer": origin.layer,
                "where": origin.where(),
                "clause": origin.clause,
            }
        )
    return rows


def explain_text(contract: EffectiveContract) -> str:
    rows = explain_rows(contract)
    shown = [(r["path"], _short(r["value"]), r) for r in rows]
    path_width = max(len(p) for p, _, _ in shown)
    value_width = max(len(v) for _, v, _ in shown)
    heading = _("# {name}: tier {tier}")
    lines = [heading.format(name=contract.customer or contract.tier, tier=contract.tier)]
    for path, value, row in shown:
        clause = f"  ({row['clause']})" if row["clause"] else ""
        lines.append(
            f"{path:<{path_width}}  {value:<{value_width}}  {row['layer']} {row['where']}{clause}"
        )
    return "\n".join(lines) + "\n"


def explain_json(contract: EffectiveContract) -> str:
    return json.dumps(explain_rows(contract), indent=2, ensure_ascii=False) + "\n"


def _short(value: Any) -> str:
    if isinstance(value, dict) and "status" in value:  # a service: `included (PRIO 1, 2)`
        only = value.get("priorities")
        return str(value["status"]) + (f" (PRIO {', '.join(map(str, only))})" if only else "")
    if isinstance(value, dict):
        return json.dumps(value, ensure_ascii=False, separators=(", ", ": "))
    return "null" if value is None else str(value)
