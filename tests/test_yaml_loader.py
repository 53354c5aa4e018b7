"""The loader reads YAML 1.2 core types only and refuses what YAML 1.1 would misread."""

from __future__ import annotations

from pathlib import Path

import pytest

from engine.errors import YamlError
from engine.rules.yaml_loader import MAX_BYTES, load_yaml, parse_yaml


def test_core_scalars_and_positions() -> None:
    document = parse_yaml(
        b"a: 1\nb: [x, 2026-01-01, 1.5, true, null, '18:00', \"no\"]\nc: {d: -3}\n", "f.yaml"
    )
    assert document.data == {
        "a": 1,
        "b": ["x", "2026-01-01", 1.5, True, None, "18:00", "no"],
        "c": {"d": -3},
    }
    assert document.positions[("b", 2)] == (2, 20)
    assert document.positions[("c", "d")] == (3, 8)


def test_plain_dates_stay_text() -> None:
    """A date's meaning is the schema's business; the loader never turns it into an object."""
    assert parse_yaml(b"start: 2026-01-01\n", "f.yaml").data == {"start": "2026-01-01"}


@pytest.mark.parametrize("word", ["yes", "No", "on", "OFF", "y", "n"])
def test_yaml11_booleans_are_refused(word: str) -> None:
    with pytest.raises(YamlError, match=r"yes/no value by YAML 1\.1"):
        parse_yaml(f"a: {word}\n".encode(), "f.yaml")


@pytest.mark.parametrize("number", ["0x1F", "1_000", "0b101", "+.inf", ".NaN"])
def test_yaml11_number_forms_are_refused(number: str) -> None:
    with pytest.raises(YamlError, match="ambiguous number"):
        parse_yaml(f"a: {number}\n".encode(), "f.yaml")


def test_utf8_byte_order_mark_is_accepted() -> None:
    assert parse_yaml(b"\xef\xbb\xbfa: b\n", "f.yaml").data == {"a": "b"}


def test_file_too_large_is_refused_before_parsing(tmp_path: Path) -> None:
    path = tmp_path / "huge.yaml"
    path.write_bytes(b"a: " + b"x" * MAX_BYTES + b"\n")
    with pytest.raises(YamlError) as caught:
        load_yaml(path, "huge.yaml")
    assert str(caught.value).startswith("huge.yaml: the file is 1,000,004 bytes, over the limit")


def test_unreadable_file_names_the_file(tmp_path: Path) -> None:
    with pytest.raises(YamlError, match=r"^missing.yaml: cannot read the file"):
        load_yaml(tmp_path / "missing.yaml", "missing.yaml")


def test_key_that_is_a_mapping_is_refused() -> None:
    with pytest.raises(YamlError, match="a key must be a plain word"):
        parse_yaml(b"? [a, b]\n: 1\n", "f.yaml")
