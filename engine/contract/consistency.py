"""D-13: a Maatwerk contract's targets exist only for the services it includes.

Response and resolution targets (PRIO 1–4) belong to incident management (§1.2.2, §1.2.10), a
time on site (TTP, §1.2.12) to on-site support (§1.2.8). A Maatwerk contract that sets a
target for a service it does not include (or not for that priority) would validate and then
be timed and billed for a service it never bought; `sla validate` refuses it instead, at the
target's key, and says the two ways out.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from engine.errors import Location, Problem
from engine.rules.document import Document

TARGET_SERVICES = {
    "first_response": "incident_management",
    "resolution": "incident_management",
    "time_on_site": "on_site_support",
}
"""Which service each kind of target is a promise of."""

_PROVIDED = ("included", "billed")  # billed: on site is delivered, at a price (Standaard)
_NOT_A_TARGET = ("not_applicable", "best_effort", "by_agreement")


def missing_service(values: Mapping[str, Any], priority_key: str, kind: str) -> str | None:
    """Why the target `targets.<priority_key>.<kind>` has no service behind it, or None."""
    service_id = TARGET_SERVICES.get(kind)
    if service_id is None:
        return None
    entry = values.get("services", {}).get(service_id, {})
    status = entry.get("status", "not_included")
    priority = int(str(priority_key)[1:])
    if status not in _PROVIDED:
        return f"it has {service_id} as {status!r}"
    if priority not in entry.get("priorities", (priority,)):
        return f"its {service_id} covers only PRIO {_listed(entry['priorities'])}"
    return None


def target_problems(contract: Document, values: Mapping[str, Any]) -> list[Problem]:
    """A problem for each target set for a service (or priority) the contract lacks."""
    problems = []
    for priority_key, targets in sorted(values.get("targets", {}).items()):
        priority = int(str(priority_key)[1:])
        for kind, value in targets.items():
            if value in _NOT_A_TARGET:
                continue
            why = missing_service(values, priority_key, kind)
            if why is None:
                continue
            service_id = TARGET_SERVICES[kind]
            problems.append(
                Problem(
                    f"{value} is a target of {service_id}, which this contract does not include "
                    f"for PRIO {priority} ({why}); a target exists only for a service the "
                    f"contract includes (D-13): include it under overrides.services."
                    f"{service_id}, or set targets.{priority_key}.{kind} to not_applicable",
                    _where(contract, priority_key, kind, service_id),
                )
            )
    return problems


def _listed(priorities: list[int]) -> str:
    return ", ".join(str(p) for p in priorities)


def _where(contract: Document, priority_key: str, kind: str, service_id: str) -> Location:
    """The target's own line when the contract sets it, else the service's, else the tier's."""
    for path in (
        ("overrides", "targets", priority_key, kind),
        ("overrides", "services", service_id),
    ):
        if path in contract.positions:
            return contract.location(path)
    return contract.location(("tier",))
