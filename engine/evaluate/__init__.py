"""A helpdesk export checked against a contract: rows read, every deadline judged, every call
priced, rows written and a summary that adds up.

Public names are imported on first use (engine/_lazy.py).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from engine._lazy import surface

_NAMES = {
    "evaluate_export": ".export",
    "Summary": ".run",
}
__all__ = [
    "Summary",
    "evaluate_export",
]
__getattr__, __dir__ = surface(__name__, _NAMES)

if TYPE_CHECKING:
    from engine.evaluate.export import evaluate_export
    from engine.evaluate.run import Summary
