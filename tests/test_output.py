"""Output files are replaced whole or not at all, and never over an input."""

from __future__ import annotations

from pathlib import Path

import pytest

from engine.errors import InputError
from engine.output import atomic_file, write_atomic


def test_atomic_file_replaces_only_when_done(tmp_path: Path) -> None:
    target = tmp_path / "out.csv"
    target.write_text("old\n", encoding="utf-8")
    with pytest.raises(RuntimeError), atomic_file(target) as stream:
        stream.write("half")
        raise RuntimeError("interrupted")
    assert target.read_text(encoding="utf-8") == "old\n"
    assert [p.name for p in tmp_path.iterdir()] == ["out.csv"]  # no temporary file left
    with atomic_file(target) as stream:
        stream.write("new\n")
    assert target.read_text(encoding="utf-8") == "new\n"


def test_write_atomic_text_and_bytes(tmp_path: Path) -> None:
    write_atomic(tmp_path / "a.txt", "€ 1.234,50\n")
    write_atomic(tmp_path / "b.pdf", b"%PDF-1.7\x00")
    assert (tmp_path / "a.txt").read_text(encoding="utf-8") == "€ 1.234,50\n"
    assert (tmp_path / "b.pdf").read_bytes() == b"%PDF-1.7\x00"


def test_refuses_to_overwrite_an_input(tmp_path: Path) -> None:
    source = tmp_path / "in.csv"
    source.write_text("ticket\n", encoding="utf-8")
    with pytest.raises(InputError, match="would overwrite an input"):
        write_atomic(source, "x", inputs=[source])
    assert source.read_text(encoding="utf-8") == "ticket\n"


def test_refuses_a_missing_folder(tmp_path: Path) -> None:
    with (
        pytest.raises(InputError, match="folder does not exist"),
        atomic_file(tmp_path / "no" / "o"),
    ):
        pass
