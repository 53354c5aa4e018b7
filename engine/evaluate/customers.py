"""One export, all customers: each row's `contract` value matched to a contract.

A contract is matched by its `helpdesk_id` (the customer's id in the helpdesk tool), else by
its file name without .yaml. Matching is exact after trimming spaces: ids are what a tool
writes, and `K-1001` is not `k1001`. A row whose value matches no contract is rejected with
the value and what to add; a row without a value is rejected too.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

import pyarrow as pa
import pyarrow.compute as pc

from engine.errors import Location, Problem, ValidationError, did_you_mean
from engine.evaluate.profiles import CONTRACT, Converted, Rejection
from engine.rules.yaml_loader import Document


@dataclass(frozen=True)
class Customers:
    """Helpdesk key -> contract name, and the contracts by name."""

    keys: Mapping[str, str]
    names: tuple[str, ...]


def customer_keys(contracts: Mapping[str, Document]) -> Customers:
    """The key each contract (name -> loaded contract file) is matched by; two contracts with
    one key is a ValidationError at the second."""
    keys: dict[str, str] = {}
    problems = []
    for name, document in sorted(contracts.items()):
        helpdesk_id = document.data.get("helpdesk_id")
        key = str(helpdesk_id).strip() if helpdesk_id is not None else Path(name).stem
        if key in keys:
            problems.append(
                Problem(
                    f"{key!r} already names the customer of {keys[key]}; give each contract its "
                    "own helpdesk_id",
                    document.location(("helpdesk_id",)),
                )
            )
            continue
        keys[key] = name
    if problems:
        raise ValidationError(problems)
    return Customers(keys, tuple(sorted(contracts)))


@dataclass(frozen=True)
class Split:
    """A converted batch split per contract, and the rows that match none."""

    parts: dict[str, Converted]
    rejected: tuple[Rejection, ...]


def split_by_contract(converted: Converted, customers: Customers, file: str) -> Split:
    """The rows of `converted` per contract name; unmatched rows become rejections."""
    values = converted.batch.column(CONTRACT)
    encoded = values.dictionary_encode()
    names = [customers.keys.get(value) for value in encoded.dictionary.to_pylist()]
    matched = pc.take(pa.array(names, pa.string()), encoded.indices)
    unmatched = pc.fill_null(pc.is_null(matched), True)
    lines = converted.lines.to_pylist()
    rejected = []
    for index in pc.indices_nonzero(unmatched).to_pylist():
        value = values[index].as_py()
        rejected.append(Rejection(lines[index], (_problem(value, customers, file, lines[index]),)))
    parts = {}
    for name in customers.names:
        mask = pc.fill_null(pc.equal(matched, name), False)
        if pc.any(mask).as_py():
            parts[name] = Converted(
                converted.batch.filter(mask), pc.filter(converted.lines, mask), (), 0
            )
    return Split(parts, tuple(rejected))


def _problem(value: str | None, customers: Customers, file: str, line: int) -> Problem:
    where = Location(file, line, path=CONTRACT)
    if value is None:
        return Problem("missing; the row does not say which customer it belongs to", where)
    return Problem(
        f"{value!r} matches no contract{did_you_mean(value, customers.keys)}: no contract has "
        f"helpdesk_id {value!r} and none is named {value}.yaml; add helpdesk_id: {value!r} "
        "to the customer's contract",
        where,
    )
