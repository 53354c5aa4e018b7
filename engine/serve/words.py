"""Targets and rates in the annex's words, both ways: what a sales person types ("2u",
"2 uur", "1u30", "€ 85,-") becomes the value the rules write (`2h`, `1h30m`, `"85.00"`), and a
rule value is shown as the annex shows it ("2 uur", "€ 85,00", "best effort").

Messages are Dutch and say what to type; the English words of the rules files are accepted
too, so a value copied from a contract file works.
"""

from __future__ import annotations

import re
from datetime import timedelta
from decimal import Decimal, InvalidOperation

from engine.clock.durations import format_duration, parse_duration
from engine.present.document_format import duration_text
from engine.pricing.money import format_euros, parse_money

TARGET_WORDS = {
    "best effort": "best_effort",
    "best-effort": "best_effort",
    "best_effort": "best_effort",
    "n.v.t.": "not_applicable",
    "n.v.t": "not_applicable",
    "nvt": "not_applicable",
    "niet van toepassing": "not_applicable",
    "not_applicable": "not_applicable",
    "n/a": "not_applicable",
}
ALLOWANCE_WORDS = {
    "onbeperkt": "unlimited",
    "ja, onbeperkt": "unlimited",
    "unlimited": "unlimited",
    "geen": "0m",
}
RATE_WORDS = {
    "inbegrepen": "included",
    "included": "included",
    "gratis": "included",
    "volgens de actuele prijslijst": "price_list",
    "prijslijst": "price_list",
    "price_list": "price_list",
    "niet beschikbaar": "not_available",
    "not_available": "not_available",
}
SHOWN = {
    "nl": {
        "best_effort": "best effort",
        "not_applicable": "n.v.t.",
        "unlimited": "onbeperkt",
        "included": "inbegrepen",
        "price_list": "prijslijst",
        "not_available": "niet beschikbaar",
        "by_agreement": "",
        "hour": "uur",
        "minute": "min",
    },
    "en": {
        "best_effort": "best effort",
        "not_applicable": "n/a",
        "unlimited": "unlimited",
        "included": "included",
        "price_list": "price list",
        "not_available": "not available",
        "by_agreement": "",
        "hour": "h",
        "minute": "min",
    },
}

_HOURS = r"(?:u|uur|uren|h|hr|hrs|hour|hours)"
_MINUTES = r"(?:m|min|mins|minuut|minuten|minute|minutes)"
_HOURS_MINUTES = re.compile(rf"^(\d{{1,4}})\s*{_HOURS}\.?\s*(?:(\d{{1,2}})\s*(?:{_MINUTES}\.?)?)?$")
_ONLY_MINUTES = re.compile(rf"^(\d{{1,5}})\s*{_MINUTES}\.?$")
_CLOCK = re.compile(r"^(\d{1,4}):(\d\d)$")
_EUROS = re.compile(r"^(?:€|eur|euro)?\s*(.*?)\s*(?:€|eur|euro)?$")


class WordError(ValueError):
    """A value a person typed that is not a duration or an amount; the message says why."""


def duration(text: str, *, allowance: bool = False) -> str:
    """ "2u", "2 uur", "1u30", "90 min", "1:30", "best effort" -> `2h`, `1h30m`, `best_effort`."""
    value = " ".join(text.strip().lower().split()).removeprefix("max.").strip()
    words = ALLOWANCE_WORDS if allowance else TARGET_WORDS
    if value in words:
        return words[value]
    hours, minutes = _hours_minutes(value)
    if hours is None:
        example = "30 min of onbeperkt" if allowance else "4 uur, 1u30, 30 min of best effort"
        raise WordError(f"'{text.strip()}' is geen tijdsduur; schrijf bijvoorbeeld {example}")
    if minutes >= 60 and hours:
        raise WordError(f"'{text.strip()}': minuten na de uren moeten onder de 60 blijven")
    return format_duration(timedelta(hours=hours, minutes=minutes))


def _hours_minutes(value: str) -> tuple[int | None, int]:
    for pattern in (_HOURS_MINUTES, _CLOCK):
        match = pattern.match(value)
        if match:
            return int(match[1]), int(match[2] or 0)
    match = _ONLY_MINUTES.match(value)
    if match:
        return 0, int(match[1])
    if re.fullmatch(r"\d+h\d+m|\d+h|\d+m", value):
        spent = parse_duration(value)
        return 0, int(spent.total_seconds()) // 60
    return None, 0


def amount(text: str) -> str:
    """ "€ 85,-", "85", "1.234,50", "85.50", "inbegrepen" -> `85.00`, `1234.50`, `included`."""
    value = " ".join(text.strip().lower().split())
    if value in RATE_WORDS:
        return RATE_WORDS[value]
    match = _EUROS.match(value)
    number = (match[1] if match else value).replace(" ", "")
    number = re.sub(r",-{1,2}$", "", number)
    if "," in number:
        number = number.replace(".", "").replace(",", ".")
    elif re.fullmatch(r"\d{1,3}(?:\.\d{3})+", number):
        number = number.replace(".", "")  # 1.234: a thousands dot
    try:
        parsed = Decimal(number)
    except InvalidOperation:
        parsed = None
    if (
        parsed is None
        or not parsed.is_finite()
        or parsed < 0
        or parsed != parsed.quantize(Decimal("0.01"))
    ):
        raise WordError(
            f"'{text.strip()}' is geen bedrag; schrijf bijvoorbeeld € 85,- of 85,50, "
            "of inbegrepen, prijslijst, niet beschikbaar"
        )
    return f"{parsed:.2f}"


def shown(value: object, kind: str, lang: str = "nl") -> str:
    """A rule value as the form shows it: `4h` -> "4 uur", `"85.00"` -> "€ 85,00"."""
    words = SHOWN.get(lang, SHOWN["nl"])
    if not isinstance(value, str):
        return "" if value is None else str(value)
    if value in words:
        return words[value]
    if kind == "rate":
        return format_euros(parse_money(value), lang)
    return duration_text(value, {"values": words})  # the annex's way, with the form's words
