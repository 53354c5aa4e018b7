"""The public batch API: evaluate Arrow record batches of export rows, yield record batches of
row results, and keep a summary that adds up.

    run = evaluate_batches(rules, contract, batches, as_of)
    for result in run:          # pyarrow.RecordBatch, columns OUTPUT_COLUMNS
        ...
    run.summary                 # Summary; parts evaluated apart merge: a.summary + b.summary

The input batches hold the native columns of an export (engine.evaluate.rows COLUMNS; text,
or typed as Parquet and DuckDB give them: integers for priority and minutes, booleans for
on_site, lists for pauses and causes). Rows are numbered from `first_row` on, in the order
given; a rejected row goes to `on_reject` with that number and is counted in the summary.
This is the evaluation `sla evaluate` runs, so DuckDB, Polars (`map_batches`) or Spark
(`mapInArrow`) can run it on parts of an export too large for one machine (docs/scale.md).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from datetime import datetime

import pyarrow as pa

from engine.contract.merge import EffectiveContract
from engine.errors import Problem
from engine.evaluate.export import BatchEvaluation
from engine.evaluate.read import check_header, parquet_chunk
from engine.evaluate.summary import Summary
from engine.evaluate.write import OUTPUT_COLUMNS, OUTPUT_SCHEMA
from engine.rules.ruleset import RuleSet

__all__ = ["OUTPUT_COLUMNS", "OUTPUT_SCHEMA", "BatchRun", "evaluate_batches"]


class BatchRun:
    """An evaluation of record batches: iterate it for the results, then read `summary`."""

    def __init__(
        self,
        rules: RuleSet,
        contract: EffectiveContract,
        batches: Iterable[pa.RecordBatch],
        as_of: datetime,
        on_reject: Callable[[Problem], None] | None,
        first_row: int,
        name: str,
    ) -> None:
        self._evaluation = BatchEvaluation(rules, contract, as_of, name)
        self._batches = batches
        self._on_reject = on_reject or (lambda problem: None)
        self._next_row = first_row
        self._name = name
        self._checked = False

    def __iter__(self) -> Iterator[pa.RecordBatch]:
        for batch in self._batches:
            if not self._checked:
                check_header(batch.schema.names, self._name)
                self._checked = True
            chunk = parquet_chunk(batch, self._next_row - 1)
            self._next_row += batch.num_rows
            yield self._evaluation.run(chunk, self._on_reject)

    @property
    def summary(self) -> Summary:
        """The summary of the rows evaluated so far."""
        return self._evaluation.summary()


def evaluate_batches(
    rules: RuleSet,
    contract: EffectiveContract,
    batches: Iterable[pa.RecordBatch],
    as_of: datetime,
    *,
    on_reject: Callable[[Problem], None] | None = None,
    first_row: int = 1,
    name: str = "<batches>",
) -> BatchRun:
    """Evaluate `batches` under `contract` as of `as_of` (lazily, as the run is iterated)."""
    return BatchRun(rules, contract, batches, as_of, on_reject, first_row, name)
