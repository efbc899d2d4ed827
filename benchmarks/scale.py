"""Scale: the whole pipeline at 1 million and 10 million messages, with peak memory per step.

The warehouse is filled as production fills it, by `earshot import` of 1M-message files one after another
(each one the import benchmark's file with its ids renamed and its times moved 14 days further back, so the
data reaches back 14 days per million). After each million: the import's rate and peak memory. At each size
asked for: `earshot detect` over everything from scratch (rate, peak memory), a full recomputation of the inbox facts
(what a change of business hours costs), and the dashboard's main queries against the read copy.

    python -m benchmarks.scale [--sizes 1000000 10000000]
"""
from __future__ import annotations

import argparse
import gzip
import os
import platform
import statistics
import subprocess
import time
from datetime import date, datetime, timedelta, timezone
from pathlib import Path

import orjson

from benchmarks.import_rate import END, OUT, make_file
from tests.test_cli import EARSHOT

MILLION = 1_000_000


def chunk(k: int) -> Path:
    """The k-th million: the 1M file with ids prefixed `k.` and times moved 14*k days back."""
    path = OUT / f"scale-chunk-{k}.jsonl.gz"
    if path.exists():
        return path
    shift = timedelta(days=14 * k)
    with gzip.open(make_file(MILLION), "rb") as source, gzip.open(path.with_suffix(".tmp"), "wb", 1) as target:
        for line in source:
            record = orjson.loads(line)
            record["id"] = f"{k}.{record['id']}"
            if record.get("in_reply_to_id"):
                record["in_reply_to_id"] = f"{k}.{record['in_reply_to_id']}"
            if record.get("conversation_id"):
                record["conversation_id"] = f"{k}.{record['conversation_id']}"
            at = datetime.fromisoformat(record["created_at"]) - shift
            record["created_at"] = at.isoformat()
            target.write(orjson.dumps(record) + b"\n")
    os.replace(path.with_suffix(".tmp"), path)
    return path


def measured(args: list[str]) -> tuple[float, float]:
    """Run `earshot args`; (seconds, peak resident MB of the process)."""
    started = time.perf_counter()
    process = subprocess.Popen([EARSHOT, *args], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    _, status, usage = os.wait4(process.pid, 0)
    if os.waitstatus_to_exitcode(status) != 0:
        raise SystemExit(f"earshot {' '.join(args)} failed: {process.stderr.read().decode()[-500:]}")
    return time.perf_counter() - started, usage.ru_maxrss / 1024


def detect_from_scratch(db: Path) -> tuple[float, float]:
    """`earshot detect` over every message in event time, as on a first run: on a copy without detection
    state (the warehouse's own detector has seen only the first million; later, older millions would reach
    it as late messages, all in one window)."""
    import shutil

    from pipelines.warehouse.connection import connect

    copy = db.with_name("scale-detect.duckdb")
    shutil.copyfile(db, copy)
    try:
        with connect(copy) as con:
            con.execute("DELETE FROM detector_state; DELETE FROM incident_messages; DELETE FROM incident_events; "
                        "DELETE FROM incidents")
        return measured(["detect", "--db", str(copy)])
    finally:
        for leftover in copy.parent.glob("scale-detect*"):
            leftover.unlink() if leftover.is_file() or leftover.is_symlink() else shutil.rmtree(leftover)


def query_times(db: Path) -> dict[str, float]:
    """The dashboard's heaviest queries (dashboard/queries.py) on the read copy, median of 3, warm."""
    os.environ["EARSHOT_DB"] = str(db)
    from dashboard import queries

    end = datetime.combine(END.date(), datetime.min.time(), timezone.utc)
    start = end - timedelta(days=28)
    reads = {
        "overview (inbox_compare)": lambda: queries.compare((end - timedelta(days=7)).isoformat(), end.isoformat()),
        "inbox trend, 28 days": lambda: queries.trend("day", False, start.isoformat(), end.isoformat(),
                                                      queries.Selection()),
        "incidents list": queries.incidents,
        "weekday x hour heatmap": lambda: queries.weekly_heatmap(start.isoformat(), end.isoformat(),
                                                                  queries.Selection()),
    }
    times = {}
    for name, read in reads.items():
        runs = []
        for _ in range(3):
            started = time.perf_counter()
            read()
            runs.append(time.perf_counter() - started)
        times[name] = statistics.median(runs)
    return times


def facts_refresh_seconds(db: Path) -> float:
    from pipelines.metrics import facts
    from pipelines.warehouse.connection import connect

    with connect(db) as con:
        started = time.perf_counter()
        con.execute("BEGIN TRANSACTION")
        facts.refresh(con, only_touched=False)
        con.execute("ROLLBACK")   # measured, not kept: the warehouse stays as the pipeline left it
        return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--sizes", type=int, nargs="+", default=[MILLION, 10 * MILLION])
    args = parser.parse_args()
    OUT.mkdir(exist_ok=True)
    db = OUT / "scale.duckdb"
    for stale in OUT.glob("scale.*"):
        stale.unlink()
    rows, imports = [], []
    for k in range(max(args.sizes) // MILLION):
        seconds, peak = measured(["import", str(chunk(k)), "--db", str(db)])
        imports.append((k + 1, seconds, peak))
        print(f"import of million {k + 1}: {MILLION / seconds:,.0f} messages/s, peak {peak:,.0f} MB", flush=True)
        if (k + 1) * MILLION in args.sizes:
            detect_s, detect_peak = detect_from_scratch(db)
            rows.append(((k + 1) * MILLION, seconds, peak, detect_s, detect_peak, facts_refresh_seconds(db),
                         query_times(db), db.stat().st_size / 1e9))
            print(f"detect over {(k + 1) * MILLION:,}: {detect_s:.0f} s, peak {detect_peak:,.0f} MB", flush=True)
    print(f"\n{date.today()} · {platform.machine()}, {os.cpu_count()} cores · `python -m benchmarks.scale`")
    print("| messages | import of the last million, msg/s | its peak MB | detect over all, msg/s | its peak MB "
          "| inbox facts, full refresh s | " + " | ".join(f"{q}, s" for q in rows[0][6]) + " | database GB |")
    print("|---" * (7 + len(rows[0][6])) + "|")
    for n, imp_s, imp_peak, det_s, det_peak, refresh_s, queries_s, gb in rows:
        print(f"| {n:,} | {MILLION / imp_s:,.0f} | {imp_peak:,.0f} | {n / det_s:,.0f} | {det_peak:,.0f} | "
              f"{refresh_s:.1f} | " + " | ".join(f"{v:.2f}" for v in queries_s.values()) + f" | {gb:.2f} |")


if __name__ == "__main__":
    main()
