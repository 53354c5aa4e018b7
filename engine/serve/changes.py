"""Commit messages that say what a save changed, by meaning, as `sla diff` sees it."""

from __future__ import annotations

from engine.serve import backend

_LISTED = 30
_FOOT = "Saved by sla serve.\n"


def commit_message(
    contract_id: str, old: backend.EffectiveContract | None, new: backend.EffectiveContract
) -> str:
    """`bakkerij-de-vries: targets.P1.first_response 1h -> 30m (better), …`, then details."""
    if old is None:
        who = new.customer or contract_id
        return f"{contract_id}: new contract for {who} ({new.tier})\n\nSaved by sla serve.\n"
    found = backend.differences(old, new, "saved", "new")
    if not found:
        return f"{contract_id}: no change in meaning (layout or comments only)\n\n{_FOOT}"
    items = [_item(d) for d in found]
    head = ", ".join(items[:2]) + (f" and {len(items) - 2} more" if len(items) > 2 else "")
    body = "\n".join(f"- {item}" for item in items[:_LISTED])
    return f"{contract_id}: {head}\n\n{body}\n\nSaved by sla serve.\n"


def _item(d: backend.Difference) -> str:
    effect = f" ({d.effect} for the customer)" if d.effect else ""
    return f"{d.path} {backend.format_value(d.old)} -> {backend.format_value(d.new)}{effect}"
