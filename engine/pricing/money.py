"""Money: exact Decimal from the rules to the output, rounded to cents once, at the end."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from babel.numbers import format_currency

from engine.errors import InputError

CENT = Decimal("0.01")
LOCALES = {"nl": "nl_NL", "en": "en_GB"}


def parse_money(text: str) -> Decimal:
    """A rule's amount (`"90.00"`) as an exact Decimal; floats are refused, never converted."""
    if not isinstance(text, str):
        raise InputError.at(
            f'{text!r} is not an amount; write it as a quoted decimal, e.g. "90.00"'
        )
    try:
        value = Decimal(text)
    except InvalidOperation:
        raise InputError.at(f'{text!r} is not an amount; write e.g. "90.00"') from None
    if not value.is_finite():
        raise InputError.at(f'{text!r} is not an amount; write e.g. "90.00"')
    return value


def round_cents(value: Decimal) -> Decimal:
    """Round half up to whole cents: the one rounding an amount gets, at the end."""
    return value.quantize(CENT, rounding=ROUND_HALF_UP)


def as_decimal_string(value: Decimal) -> str:
    """`Decimal("190")` -> `"190.00"`, the form amounts take in JSON output."""
    return f"{round_cents(value):.2f}"


def format_euros(value: Decimal, lang: str = "nl") -> str:
    """Dutch style `€ 1.234,50` (a plain space, so text output aligns and copies cleanly)."""
    text = format_currency(round_cents(value), "EUR", locale=LOCALES.get(lang, "nl_NL"))
    return text.replace("\xa0", " ")
