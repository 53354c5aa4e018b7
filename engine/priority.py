"""A suggested priority from an incident's impact facts (SPEC §2, seed §2.3).

rules/priorities.yaml gives each priority its impact: how many users (`scope`) and what it
does to operations (`effect`). Both lists run from most to least urgent (P1 first), so each
fact, on its own, points at one priority. A priority fits an incident only when both of its
facts are reached: the whole company hampered but not stopped is not PRIO 1 (that needs a
complete stop), so the suggestion is the less urgent of the two priorities the facts point at.
The provider has the final word: an explicit priority always wins over the suggestion.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from engine.errors import InputError, did_you_mean
from engine.i18n import _, language

FACTS = ("scope", "effect")


@dataclass(frozen=True)
class Suggestion:
    """The suggested priority and, per fact, the priority that fact alone points at."""

    priority: int
    by_fact: dict[str, int]

    def reason(self, lang: str = "nl") -> str:
        scope, effect = self.by_fact["scope"], self.by_fact["effect"]
        with language(lang):
            return _(
                "the users affected point at PRIO {scope}, the effect on operations at "
                "PRIO {effect}; a priority needs both, so PRIO {priority}"
            ).format(scope=scope, effect=effect, priority=self.priority)


def choices(priorities: Mapping[str, Any], fact: str) -> list[str]:
    """The values a fact can take, most urgent first (the order of P1…P4)."""
    return [priorities[f"P{n}"]["impact"][fact] for n in range(1, 5)]


def suggest(priorities: Mapping[str, Any], scope: str, effect: str) -> Suggestion:
    """The priority for these impact facts; InputError naming the fact that is not known."""
    by_fact: dict[str, int] = {}
    for fact, value in (("scope", scope), ("effect", effect)):
        known = choices(priorities, fact)
        if value not in known:
            raise InputError.at(
                _("{value} is not a {fact}").format(value=repr(value), fact=fact)
                + did_you_mean(value, known),
                path=fact,
            )
        by_fact[fact] = known.index(value) + 1
    return Suggestion(max(by_fact.values()), by_fact)


def chosen(explicit: int | None, suggestion: Suggestion | None) -> int | None:
    """The priority to use: an explicit one always wins over a suggestion."""
    if explicit is not None:
        return explicit
    return suggestion.priority if suggestion is not None else None
