"""How values read in a customer document, in Dutch or English: texts, durations, money, dates.

The prose and labels live in templates/texts/<lang>.yaml; a text names the values it needs as
`{name}` and `fill` puts them in, so no number is ever typed into prose. `{name}` is a plain
substitution (not str.format), so a text can reach nothing but the values it is given.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from datetime import date, datetime
from decimal import Decimal
from functools import cache
from pathlib import Path
from typing import Any

from babel.dates import format_date, get_day_names
from babel.numbers import format_decimal

from engine.clock.durations import parse_duration
from engine.clock.times import DEFAULT_ZONE
from engine.errors import SlaError
from engine.paths import TEMPLATES_DIR, display_path
from engine.pricing.money import LOCALES, format_euros, parse_money
from engine.rules.yaml_loader import load_yaml

LANGS = ("nl", "en")
TEXTS_DIR = TEMPLATES_DIR / "texts"
LONG_DATE = "EEEE d MMMM y"  # maandag 23 november 2026
WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
_PLACEHOLDER = re.compile(r"\{([a-z_]+)\}")


class DocumentError(SlaError, ValueError):
    """A document cannot be made: a template or text is wrong, or a value is missing."""


@cache
def load_texts(lang: str, directory: Path = TEXTS_DIR) -> dict[str, Any]:
    """The prose and labels of one language, read once."""
    if lang not in LANGS:
        raise DocumentError.at(f"no texts for language {lang!r}; use one of {', '.join(LANGS)}")
    texts: dict[str, Any] = load_yaml(
        directory / f"{lang}.yaml", display_path(directory / f"{lang}.yaml")
    ).data
    return texts


def fill(text: str, values: Mapping[str, object], key: str = "text") -> str:
    """`text` with each `{name}` replaced by `values[name]`; a missing name is an error."""

    def value(match: re.Match[str]) -> str:
        name = match.group(1)
        if name not in values:
            raise DocumentError.at(
                f"text {key!r} asks for {{{name}}}, which this document does not have; "
                f"use one of {', '.join(sorted(values))}",
                file=display_path(TEXTS_DIR),
            )
        return str(values[name])

    return _PLACEHOLDER.sub(value, text)


def join_priorities(priorities: Iterable[int], texts: Mapping[str, Any]) -> str:
    """[1, 2] -> `1 & 2`; [1, 2, 3] -> `1, 2 & 3`."""
    items = [str(p) for p in priorities]
    if len(items) < 2:
        return "".join(items)
    return ", ".join(items[:-1]) + str(texts["values"]["and"]) + items[-1]


def duration_text(spec: str, texts: Mapping[str, Any]) -> str:
    """A target or allowance as rules write it (`4h`, `1h30m`, `best_effort`) for a reader."""
    words: Mapping[str, str] = texts["values"]
    if spec in words:
        return words[spec]
    minutes = int(parse_duration(spec).total_seconds()) // 60
    hours, rest = divmod(minutes, 60)
    parts = []
    if hours:
        parts.append(f"{hours} {words['hour']}")
    if rest or not hours:
        parts.append(f"{rest} {words['minute']}")
    return " ".join(parts)


def allowance_text(spec: str, texts: Mapping[str, Any]) -> str:
    """The configuration-change allowance: `max. 15 min`, `ja, onbeperkt`, `geen`."""
    words: Mapping[str, str] = texts["values"]
    if spec in words:
        return words[spec]
    if parse_duration(spec).total_seconds() == 0:
        return words["no_allowance"]
    return fill(words["allowance"], {"duration": duration_text(spec, texts)}, "values.allowance")


def rate_text(spec: object, lang: str, texts: Mapping[str, Any]) -> str:
    """A rate as rules write it (`"90.00"`, `price_list`, `included`) for a reader."""
    words: Mapping[str, str] = texts["values"]
    if isinstance(spec, str) and spec in words:
        return words[spec]
    return euros(parse_money(str(spec)), lang)


def euros(value: Decimal, lang: str) -> str:
    return format_euros(value, lang)


def quantity_text(value: Decimal, lang: str) -> str:
    """1.25 -> `1,25` (nl); whole numbers without decimals."""
    return str(format_decimal(value.normalize(), format="#,##0.##", locale=LOCALES[lang]))


def long_date(value: date | datetime, lang: str) -> str:
    """`maandag 23 november 2026` / `Monday 23 November 2026`."""
    day = value.date() if isinstance(value, datetime) else value
    return str(format_date(day, LONG_DATE, locale=LOCALES[lang]))


def long_datetime(value: datetime, lang: str) -> str:
    """`maandag 23 november 2026 22:00`, on the clock in Europe/Amsterdam (the customer's)."""
    local = value.astimezone(DEFAULT_ZONE)
    return f"{long_date(local, lang)} {local:%H:%M}"


def week_text(weekly: Mapping[str, list[str]], lang: str) -> list[str]:
    """A calendar's weekly windows, runs of days with equal windows joined: `ma–vr 09:00–17:00`."""
    names = get_day_names("abbreviated", locale=LOCALES[lang])
    runs: list[tuple[int, int, tuple[str, ...]]] = []
    for index, day in enumerate(WEEKDAYS):
        windows = tuple(weekly.get(day, ()))
        if runs and runs[-1][2] == windows and runs[-1][1] == index - 1:
            runs[-1] = (runs[-1][0], index, windows)
        else:
            runs.append((index, index, windows))
    out = []
    for first, last, windows in runs:
        if not windows:
            continue
        days = str(names[first]) if first == last else f"{names[first]}–{names[last]}"
        out.append(f"{days} {', '.join(w.replace('-', '–') for w in windows)}")
    return out
