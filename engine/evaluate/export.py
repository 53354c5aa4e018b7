"""`sla evaluate`: every row of a helpdesk export evaluated, the rows written, a summary.

- Input: CSV, JSON Lines or Parquet (engine.evaluate.read); output by the extension of `-o`:
  `.csv`, `.jsonl` / `.ndjson`, `.parquet`, or `.html` (the compliance report, made by the
  caller from the summary).
- Every row read is evaluated or rejected, never dropped: rows in = rows out + rows rejected.
  A rejected row is reported (file:line: column: what is wrong) as it is met, in file order.
- Output is written to a temporary file in the output's folder and renamed over it only when
  all rows are written: a reader never sees half a file, and a failed run leaves the old one.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import datetime
from pathlib import Path

import pyarrow as pa

from engine.contract.merge import EffectiveContract
from engine.errors import InputError, Location, Problem
from engine.evaluate.columns import ColumnReader
from engine.evaluate.gc_pacing import paced_collection
from engine.evaluate.read import CSV, HTML, INPUT_FORMATS, JSONL, PARQUET, Chunk, read_export
from engine.evaluate.rows import RowReader
from engine.evaluate.run import Evaluator
from engine.evaluate.summary import Summary, SummaryBuilder
from engine.evaluate.write import OUTPUT_SCHEMA, csv_header, csv_lines, jsonl_lines, output_batch
from engine.output import atomic_file
from engine.rules.ruleset import RuleSet

OUTPUT_FORMATS = {**INPUT_FORMATS, ".html": HTML, ".htm": HTML}
PROGRESS_EVERY = 10_000

__all__ = ["CSV", "HTML", "JSONL", "PARQUET", "evaluate_export", "output_format"]


def output_format(path: Path) -> str:
    found = OUTPUT_FORMATS.get(path.suffix.lower())
    if found is None:
        raise InputError.at(
            "unknown kind of output; name it .csv, .jsonl (JSON Lines), .parquet or .html "
            "(a report)",
            file=str(path),
        )
    return found


class BatchEvaluation:
    """Chunks of one export evaluated under one contract as of one moment."""

    def __init__(
        self, rules: RuleSet, contract: EffectiveContract, as_of: datetime, file: str
    ) -> None:
        self.evaluator = Evaluator(rules, contract, as_of)
        reader = RowReader(file, rules.exception_rules().keys())
        self.columns = ColumnReader(reader, self.evaluator.book, self.evaluator.times)
        self.builder = SummaryBuilder(rules.settings.breach_list_limit, as_of)

    def run(self, chunk: Chunk, on_reject: Callable[[Problem], None]) -> pa.RecordBatch:
        """The row results of a chunk; its rejected rows go to `on_reject` in file order."""
        rows, rejected = self.columns.read(chunk.batch, chunk.lines, chunk.raw)
        done = self.evaluator.evaluate(rows)
        problems = [(line, error) for line, error in chunk.errors]
        problems += [(int(chunk.lines[position]), error) for position, error in rejected]
        for line, error in sorted(problems, key=lambda item: item[0]):
            self.builder.reject()
            for problem in error.problems:
                if problem.location.line is None:
                    where = Location(self.columns.reader.file, line, path=problem.location.path)
                    problem = Problem(problem.message, where)
                on_reject(problem)
        texts = self.evaluator.times.write(rows.incidents.reported)
        self.evaluator.count(done, self.builder, texts)
        if rows.reported_texts:
            values = texts.to_pylist()
            for index, text in rows.reported_texts.items():
                values[index] = text
            texts = pa.array(values, type=pa.string())
        return output_batch(self.evaluator, done, texts)

    def summary(self) -> Summary:
        return self.builder.summary()


def evaluate_export(
    rules: RuleSet,
    contract: EffectiveContract,
    source: Path,
    as_of: datetime,
    *,
    output: Path | None = None,
    on_reject: Callable[[Problem], None],
    on_progress: Callable[[int], None] | None = None,
    name: str | None = None,
) -> Summary:
    """Evaluate every row of `source`, writing row results to `output` (CSV, JSON Lines or
    Parquet; the caller writes an HTML report from the summary).

    Rejected rows go to `on_reject` as they are met; `on_progress` is told the number of rows
    read every PROGRESS_EVERY rows. The output is replaced only when the whole file is done.
    """
    file = name or str(source)
    evaluation = BatchEvaluation(rules, contract, as_of, file)
    kind = output_format(output) if output is not None else None
    with paced_collection() as collect:
        results = _results(evaluation, read_export(source, file), on_reject, on_progress, collect)
        if output is None or kind == HTML:
            for _ in results:
                pass
        elif kind == PARQUET:
            import pyarrow.parquet as pq

            with (
                atomic_file(output, [source], binary=True) as stream,
                pq.ParquetWriter(stream, OUTPUT_SCHEMA) as writer,
            ):
                for batch in results:
                    writer.write_batch(batch)
        else:
            with atomic_file(output, [source], binary=True) as stream:
                if kind == CSV:
                    stream.write(csv_header().encode())
                lines = csv_lines if kind == CSV else jsonl_lines
                for batch in results:
                    stream.write(lines(batch))
    return evaluation.summary()


def _results(
    evaluation: BatchEvaluation,
    chunks: Iterator[Chunk],
    on_reject: Callable[[Problem], None],
    on_progress: Callable[[int], None] | None,
    collect: Callable[[int], None],
) -> Iterator[pa.RecordBatch]:
    next_report = PROGRESS_EVERY
    for chunk in chunks:
        yield evaluation.run(chunk, on_reject)
        builder = evaluation.builder
        done = builder.rows_out + builder.rows_rejected
        collect(done)
        if on_progress is not None:
            while done >= next_report:
                on_progress(next_report)
                next_report += PROGRESS_EVERY
