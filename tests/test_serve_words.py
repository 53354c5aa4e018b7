"""Targets and rates as a sales person types them, read into the rules' own values."""

from __future__ import annotations

import pytest

from engine.serve import words


@pytest.mark.parametrize(
    ("typed", "value"),
    [
        ("2u", "2h"),
        ("2 uur", "2h"),
        ("2 Uur", "2h"),
        ("1u30", "1h30m"),
        ("1 uur 30 min", "1h30m"),
        ("1u 30m", "1h30m"),
        ("90 min", "1h30m"),
        ("45 minuten", "45m"),
        ("1:30", "1h30m"),
        ("4h", "4h"),
        ("1h30m", "1h30m"),
        ("best effort", "best_effort"),
        ("n.v.t.", "not_applicable"),
        ("niet van toepassing", "not_applicable"),
    ],
)
def test_durations_in_the_annex_words(typed: str, value: str) -> None:
    assert words.duration(typed) == value


@pytest.mark.parametrize(("typed", "value"), [("onbeperkt", "unlimited"), ("max. 15 min", "15m")])
def test_allowance_words(typed: str, value: str) -> None:
    assert words.duration(typed, allowance=True) == value


@pytest.mark.parametrize("typed", ["3", "drie uur", "1u75", "", "2 dagen", "onbeperkt"])
def test_not_a_duration_says_what_to_write(typed: str) -> None:
    with pytest.raises(words.WordError, match=r"uur|minuten"):
        words.duration(typed)


@pytest.mark.parametrize(
    ("typed", "value"),
    [
        ("€ 85,-", "85.00"),
        ("€85,-", "85.00"),
        ("85", "85.00"),
        ("85,50", "85.50"),
        ("85,5", "85.50"),
        ("85.50", "85.50"),
        ("EUR 1.234,50", "1234.50"),
        ("1.234", "1234.00"),
        ("inbegrepen", "included"),
        ("prijslijst", "price_list"),
        ("niet beschikbaar", "not_available"),
    ],
)
def test_amounts_in_the_annex_words(typed: str, value: str) -> None:
    assert words.amount(typed) == value


@pytest.mark.parametrize("typed", ["", "veel", "-5", "85,555", "€"])
def test_not_an_amount_says_what_to_write(typed: str) -> None:
    with pytest.raises(words.WordError, match="geen bedrag"):
        words.amount(typed)


@pytest.mark.parametrize(
    ("value", "kind", "text"),
    [
        ("4h", "target", "4 uur"),
        ("1h30m", "target", "1 uur 30 min"),
        ("30m", "target", "30 min"),
        ("best_effort", "target", "best effort"),
        ("not_applicable", "target", "n.v.t."),
        ("85.00", "rate", "€ 85,00"),
        ("1234.50", "rate", "€ 1.234,50"),
        ("included", "rate", "inbegrepen"),
    ],
)
def test_values_are_shown_as_the_annex_writes_them_and_read_back(
    value: str, kind: str, text: str
) -> None:
    assert words.shown(value, kind) == text
    back = words.amount(text) if kind == "rate" else words.duration(text)
    assert back == value
