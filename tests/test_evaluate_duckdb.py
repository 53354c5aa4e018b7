"""The batch API inside DuckDB: a Parquet file of several customers' calls, each customer's rows
evaluated under its own contract as record batches, the results queried back with SQL. The
results equal `sla evaluate` of each customer's rows as a CSV file."""

from __future__ import annotations

import csv
from pathlib import Path

import duckdb
import pyarrow as pa
import pyarrow.parquet as pq

from engine import evaluate_batches
from engine.clock.times import parse_time
from engine.contract.load import resolve_target
from engine.evaluate.export import evaluate_export
from engine.rules.ruleset import RuleSet

AS_OF = parse_time("2026-12-01T09:00")
CUSTOMERS = {
    "meijer": "contracts/advocatenkantoor-meijer.yaml",
    "de-vries": "contracts/bakkerij-de-vries.yaml",
    "los": "standaard",
}
HEADER = ["ticket", "priority", "reported", "first_response", "resolved", "minutes", "causes"]


def calls(customer: str, count: int) -> list[dict[str, object]]:
    out: list[dict[str, object]] = []
    for i in range(count):
        day, hour = 23 + i % 5, 8 + i % 12
        out.append(
            {
                "customer": customer,
                "ticket": f"{customer}-{i}",
                "priority": 1 + i % 4,
                "reported": f"2026-11-{day:02d}T{hour:02d}:15",
                "first_response": f"2026-11-{day:02d}T{hour:02d}:55" if i % 3 else None,
                "resolved": f"2026-11-{day + 1:02d}T10:00" if i % 2 else None,
                "minutes": 15 * (i % 6) if i % 5 else None,
                "causes": "derde-partij" if i % 17 == 0 else None,
            }
        )
    out[3]["reported"] = "gisteren"  # a bad row: rejected, the rest evaluated
    return out


def test_each_customer_evaluated_inside_duckdb(tmp_path: Path, rules: RuleSet) -> None:
    rows = [row for customer in CUSTOMERS for row in calls(customer, 60)]
    source = tmp_path / "calls.parquet"
    pq.write_table(pa.Table.from_pylist(rows), source)
    con = duckdb.connect()
    results: dict[str, pa.Table] = {}
    summaries = {}
    for customer, target in CUSTOMERS.items():
        reader = con.execute(
            "SELECT * EXCLUDE (customer) FROM read_parquet(?) WHERE customer = ? ORDER BY ticket",
            [str(source), customer],
        ).to_arrow_reader(25)
        run = evaluate_batches(rules, resolve_target(rules, target), reader, AS_OF)
        results[customer] = pa.Table.from_batches(list(run), schema=None)
        summaries[customer] = run.summary

        # the same rows through `sla evaluate` as a CSV file
        ordered = sorted((r for r in rows if r["customer"] == customer), key=lambda r: r["ticket"])
        as_csv = tmp_path / f"{customer}.csv"
        with as_csv.open("w", encoding="utf-8", newline="") as stream:
            writer = csv.writer(stream)
            writer.writerow(HEADER)
            for row in ordered:
                writer.writerow(["" if row[name] is None else row[name] for name in HEADER])
        out = tmp_path / f"{customer}-out.csv"
        summary = evaluate_export(
            rules,
            resolve_target(rules, target),
            as_csv,
            AS_OF,
            output=out,
            on_reject=lambda problem: None,
        )
        with out.open(encoding="utf-8", newline="") as stream:
            expected = [{k: v for k, v in r.items() if k != "row"} for r in csv.DictReader(stream)]
        got = [
            {k: "" if v is None else str(v) for k, v in r.items() if k != "row"}
            for r in results[customer].to_pylist()
        ]
        assert got == expected
        assert summaries[customer].statuses == summary.statuses
        assert summaries[customer].cost_total == summary.cost_total
        assert (summaries[customer].rows_out, summaries[customer].rows_rejected) == (59, 1)

    con.register("outcomes", pa.concat_tables(list(results.values())))
    breached = con.execute(
        "SELECT count(*) FROM outcomes WHERE first_response_status = 'breached'"
    ).fetchone()
    assert breached is not None
    total = summaries["meijer"] + summaries["de-vries"] + summaries["los"]
    assert total.rows_in == 180 and total.rows_rejected == 3
    assert total.count("breached", clock="first_response") == breached[0]
