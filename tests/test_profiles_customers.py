"""engine.evaluate.customers: one export of all customers, each row matched to its contract
by helpdesk_id, else by the contract file's name; a row matching none is rejected."""

from __future__ import annotations

from pathlib import Path

import pyarrow as pa
import pytest

from engine.contract.load import load_contract
from engine.errors import ValidationError
from engine.evaluate.customers import customer_keys, split_by_contract
from engine.evaluate.profiles import CONTRACT, OUTPUT_COLUMNS, Converted
from engine.paths import RULES_DIR
from engine.rules.validation import validate

CONTRACT_TEXT = "customer: {name}\n{extra}tier: advanced\nstart: 2026-01-01\nperiod_months: 12\n"


def contracts(tmp_path: Path, **helpdesk_ids: str | None) -> dict[str, object]:
    out = {}
    for name, helpdesk_id in helpdesk_ids.items():
        path = tmp_path / f"{name}.yaml"
        extra = f"helpdesk_id: '{helpdesk_id}'\n" if helpdesk_id else ""
        path.write_text(CONTRACT_TEXT.format(name=name, extra=extra))
        out[f"{name}.yaml"] = load_contract(path)
    return out


def batch(values: list[str | None]) -> Converted:
    columns = {name: pa.nulls(len(values), pa.string()) for name in OUTPUT_COLUMNS}
    columns["ticket"] = pa.array([f"T-{i}" for i in range(len(values))])
    columns[CONTRACT] = pa.array(values, pa.string())
    record = pa.RecordBatch.from_arrays(list(columns.values()), names=list(columns))
    return Converted(record, pa.array(range(2, len(values) + 2), pa.int64()), (), 0)


def test_rows_go_to_the_contract_of_their_helpdesk_id_or_file_name(tmp_path: Path) -> None:
    customers = customer_keys(contracts(tmp_path, meijer="K-1001", bos=None))
    split = split_by_contract(batch(["K-1001", "bos", "K-1001", "meijer"]), customers, "x.csv")
    assert split.parts["meijer.yaml"].batch.column("ticket").to_pylist() == ["T-0", "T-2"]
    assert split.parts["meijer.yaml"].lines.to_pylist() == [2, 4]
    assert split.parts["bos.yaml"].lines.to_pylist() == [3]
    # a contract with a helpdesk_id is not matched by its file name
    (rejection,) = split.rejected
    assert rejection.line == 5
    assert str(rejection.problems[0]).startswith("x.csv:5: contract: 'meijer' matches no contract")
    assert "add helpdesk_id: 'meijer' to the customer's contract" in str(rejection.problems[0])


def test_rows_in_are_rows_out_plus_rejected(tmp_path: Path) -> None:
    customers = customer_keys(contracts(tmp_path, meijer="K-1001", bos="K-1002"))
    values = ["K-1001", None, "K-1002", "K-9999", "K-1001 ", "k-1001"]
    split = split_by_contract(batch(values), customers, "x.csv")
    out = sum(part.batch.num_rows for part in split.parts.values())
    assert out + len(split.rejected) == len(values)
    assert [r.line for r in split.rejected] == [3, 5, 6, 7]
    assert "missing" in str(split.rejected[0].problems[0])
    assert "did you mean 'K-1001'" in str(split.rejected[3].problems[0])


def test_two_contracts_with_one_helpdesk_id_are_refused(tmp_path: Path) -> None:
    with pytest.raises(ValidationError, match="already names the customer of"):
        customer_keys(contracts(tmp_path, meijer="K-1", bos="K-1"))


def test_a_helpdesk_id_must_be_text(tmp_path: Path) -> None:
    path = tmp_path / "meijer.yaml"
    path.write_text(CONTRACT_TEXT.format(name="m", extra="helpdesk_id: 360001\n"))
    with pytest.raises(ValidationError, match=r"meijer.yaml:2:14: helpdesk_id: 360001 is a number"):
        load_contract(path)


def test_sla_validate_checks_the_shipped_profiles_and_a_profile_file(tmp_path: Path) -> None:
    report = validate([RULES_DIR / "profiles"], RULES_DIR)
    assert report.ok, report.problems
    bad = tmp_path / "mine.yaml"
    bad.write_text(
        "# yaml-language-server: $schema=../schemas/profile.schema.json\n"
        "id: mine\nformat: tsv\ntime_format: iso\ntimezone: Mars/Olympus\n"
        "columns:\n  ticket: a\n  priority: b\n  reported: c\npriorities:\n  x: 1\n"
    )
    report = validate([bad], RULES_DIR)
    messages = [str(p) for p in report.problems]
    assert any(m.startswith(f"{bad}:3:9: format: 'tsv' is not allowed") for m in messages), messages
