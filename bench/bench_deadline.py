"""Deadline throughput: engine.clock.business_time against businesstimedelta and pandas.

Run: .venv/bin/python bench/bench_deadline.py [N]   (needs: pip install businesstimedelta pandas)

N random (start, duration) pairs (default 100,000): starts at whole minutes in 2024–2030,
durations 1–40 whole hours (pandas' CustomBusinessHour adds whole hours only), on office hours
Mon–Fri 09:00–17:00 Europe/Amsterdam with the Dutch public holidays of the shipped rules.
All three are given the same aware datetimes and the same holiday dates. Results are compared:
where another library's deadline differs from ours, it still counts as equal when the business
time from the start to its answer equals the duration (pandas moves a deadline that lands
exactly at closing to the next opening). Any remaining difference is reported as a mismatch.
"""

from __future__ import annotations

import random
import sys
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import businesstimedelta
import pandas as pd
import pytz
import yaml
from pandas.tseries.offsets import CustomBusinessHour

from engine.clock.business_time import deadline, elapsed
from engine.clock.calendars import build_calendar

ZONE = "Europe/Amsterdam"
RULE = Path(__file__).resolve().parent.parent / "rules" / "calendars" / "kantooruren.yaml"
BDT_BUDGET_S = 30.0  # businesstimedelta is timed on a subset when it would take longer


def pairs(n: int) -> list[tuple[datetime, timedelta]]:
    rng = random.Random(42)
    zone = ZoneInfo(ZONE)
    first = datetime(2024, 1, 1, tzinfo=zone).astimezone(UTC)
    span = 7 * 365 * 24 * 60
    return [
        (
            (first + timedelta(minutes=rng.randrange(span))).astimezone(zone),
            timedelta(hours=rng.randint(1, 40)),
        )
        for _ in range(n)
    ]


def closed_dates(calendar_rule: dict[str, object]) -> list[object]:
    """The same closed days our calendar uses: the holidays of the rule's country."""
    import holidays

    spec = calendar_rule["holidays"]
    assert isinstance(spec, dict)
    table = holidays.country_holidays(spec["country"], years=range(2024, 2033))
    return sorted(d for d in table if not set(table.get_list(d)) <= set(spec["keep_open"]))


def main() -> None:
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 100_000
    rule = yaml.safe_load(RULE.read_text(encoding="utf-8"))
    work = pairs(n)
    days = closed_dates(rule)

    t0 = time.perf_counter()
    calendar = build_calendar(rule)
    deadline(work[0][0], work[0][1], calendar)
    deadline(datetime(2032, 12, 1, tzinfo=ZoneInfo(ZONE)), timedelta(hours=1), calendar)
    setup = time.perf_counter() - t0

    t0 = time.perf_counter()
    ours = [deadline(start, duration, calendar) for start, duration in work]
    ours_s = time.perf_counter() - t0

    tz = pytz.timezone(ZONE)
    rules = businesstimedelta.Rules(
        [
            businesstimedelta.WorkDayRule(
                start_time=datetime.min.time().replace(hour=9),
                end_time=datetime.min.time().replace(hour=17),
                working_days=[0, 1, 2, 3, 4],
                tz=tz,
            ),
            businesstimedelta.HolidayRule(days, tz=tz),
        ]
    )
    bdt: list[datetime] = []
    t0 = time.perf_counter()
    for start, duration in work:
        bdt.append(start + businesstimedelta.BusinessTimeDelta(rules, timedelta=duration))
        if time.perf_counter() - t0 > BDT_BUDGET_S:
            break
    bdt_s = time.perf_counter() - t0

    offsets = {
        h: CustomBusinessHour(n=h, start="09:00", end="17:00", holidays=days) for h in range(1, 41)
    }
    t0 = time.perf_counter()
    pds = [
        (pd.Timestamp(start) + offsets[duration // timedelta(hours=1)]).to_pydatetime()
        for start, duration in work
    ]
    pd_s = time.perf_counter() - t0

    def mismatches(theirs: list[datetime]) -> tuple[int, int]:
        differ = wrong = 0
        for (start, duration), mine, other in zip(work, ours, theirs, strict=False):
            if other != mine:
                differ += 1
                wrong += elapsed(start, other, calendar) != duration
        return differ, wrong

    rate = {"engine.clock.business_time": n / ours_s}
    rate["businesstimedelta"] = len(bdt) / bdt_s
    rate["pandas CustomBusinessHour"] = n / pd_s
    print(f"{n} deadlines, office hours with Dutch holidays, {sys.version.split()[0]}")
    print(f"calendar build and compile 2024–2032 (once): {setup * 1000:.1f} ms")
    for name, r in rate.items():
        print(f"  {name:26} {r:>12,.0f} deadlines/s")
    if len(bdt) < n:
        print(
            f"  (businesstimedelta timed on the first {len(bdt)} pairs only: "
            f"{BDT_BUDGET_S:.0f} s budget)"
        )
    for name in ("businesstimedelta", "pandas CustomBusinessHour"):
        print(f"  ratio engine / {name}: {rate['engine.clock.business_time'] / rate[name]:,.0f}x")
    for name, theirs in (("businesstimedelta", bdt), ("pandas", pds)):
        differ, wrong = mismatches(theirs)
        print(
            f"  vs {name}: {len(theirs)} compared, {differ} different instants, "
            f"{differ - wrong} of them equal by elapsed business time, {wrong} mismatches"
        )


if __name__ == "__main__":
    main()
