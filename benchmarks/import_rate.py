"""Import rate of `earshot import` on 1 million canonical messages.

Generates the file once from the demo stream (busy enough for 1M messages in 14 days; ~30% of messages
carry no `lang`, so language detection is part of the measurement), then measures, each on a fresh
database: a first import, and a second import of the same file (idempotent: nothing changes).

    python -m benchmarks.import_rate [--messages 1000000]
"""
from __future__ import annotations

import argparse
import gzip
import json
import os
import platform
import resource
import shutil
import time
from datetime import date, datetime, timedelta, timezone
from pathlib import Path

from connectors.demo import DemoStream
from pipelines.config import Settings
from pipelines.ingest.importer import import_jsonl
from pipelines.warehouse.connection import connect
from pipelines.warehouse.prepare import prepare_database

OUT = Path(__file__).parent / "out"
END = datetime(2026, 11, 22, tzinfo=timezone.utc)


def make_file(n: int) -> Path:
    path = OUT / f"messages-{n}.jsonl.gz"
    if path.exists():
        return path
    OUT.mkdir(exist_ok=True)
    # ~750 messages a day at 30/hour peak: scale the peak so that 14 days hold n messages.
    stream = DemoStream(seed=1, peak_per_hour=30 * n / 10_000, events_per_day=3)
    written = 0
    with gzip.open(path.with_suffix(".tmp"), "wt", encoding="utf-8", compresslevel=1) as f:
        t = END - timedelta(days=14)
        while t < END and written < n:
            for record in stream.messages_between(t, t + timedelta(hours=6)):
                if written == n:
                    break
                f.write(json.dumps(record, ensure_ascii=False) + "\n")
                written += 1
            t += timedelta(hours=6)
    os.replace(path.with_suffix(".tmp"), path)
    return path


def timed_import(db: Path, path: Path) -> tuple[float, object]:
    with connect(db) as con:
        prepare_database(con, Settings())
        started = time.perf_counter()
        report = import_jsonl(con, str(path), Settings())
        return time.perf_counter() - started, report


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--messages", type=int, default=1_000_000)
    args = parser.parse_args()
    path = make_file(args.messages)
    work = OUT / "import-bench"
    shutil.rmtree(work, ignore_errors=True)
    work.mkdir(parents=True)
    db = work / "bench.duckdb"
    first_s, first = timed_import(db, path)
    second_s, second = timed_import(db, path)
    rss_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"{platform.machine()}, {os.cpu_count()} cores, {date.today()}, file {path.name} "
          f"({path.stat().st_size / 1e6:.0f} MB gzip)")
    print("| run | messages | inserted | unchanged | seconds | messages/s |")
    print("|---|---|---|---|---|---|")
    print(f"| first import | {first.read:,} | {first.inserted:,} | {first.unchanged:,} | {first_s:.1f} | "
          f"{first.read / first_s:,.0f} |")
    print(f"| same file again | {second.read:,} | {second.inserted:,} | {second.unchanged:,} | {second_s:.1f} | "
          f"{second.read / second_s:,.0f} |")
    print(f"\npeak memory (RSS) {rss_mb:,.0f} MB; database {db.stat().st_size / 1e6:,.0f} MB")
    shutil.rmtree(work)


if __name__ == "__main__":
    main()
