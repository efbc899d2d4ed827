"""The landing zone's one writer: how fast the loader stores landed files, and what a landed file costs.

Lands `--files` pulls of demo sources (each its own source, `--days` of history: the shape of many sources
pulled on other machines), then loads them into an empty warehouse and again into one that already holds
them (every message then an unchanged duplicate). Prints messages per second of each step and the landing
zone's size per message.

    python -m benchmarks.scale_out [--files 24] [--days 7]
"""
from __future__ import annotations

import argparse
import os
import platform
import tempfile
import time
from datetime import datetime, timezone
from pathlib import Path

from connectors.demo import DemoSource, DemoStream
from pipelines.config import Settings, Source
from pipelines.ingest.landing import LandingZone, load_landed, pull_to_landing
from pipelines.warehouse.connection import connect
from pipelines.warehouse.prepare import prepare_database

NOW = datetime(2026, 11, 20, 12, tzinfo=timezone.utc)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--files", type=int, default=24)
    parser.add_argument("--days", type=int, default=7)
    args = parser.parse_args()
    settings = Settings()
    print(f"{datetime.now():%Y-%m-%d} · {platform.machine()}, {os.cpu_count()} cores")
    with tempfile.TemporaryDirectory() as folder:
        zone = LandingZone(Path(folder) / "landing")
        started, messages = time.perf_counter(), 0
        for n in range(args.files):
            name = f"demo-{n}"
            source = DemoSource(DemoStream(seed=n, account=name), backfill_days=args.days)
            messages += pull_to_landing(zone, Source(platform="demo", name=name), source, NOW).fetched
        landed_s = time.perf_counter() - started
        size = sum(p.stat().st_size for p in zone.root.rglob("*.parquet"))
        print(f"landed: {args.files} files, {messages:,} messages in {landed_s:.1f} s (demo generation included), "
              f"{size / messages:.0f} bytes per message on disk")
        for label, fresh in (("into an empty warehouse", True), ("again, every message already stored", False)):
            db = Path(folder) / "w.duckdb"
            with connect(db) as con:
                prepare_database(con, settings)
                if not fresh:
                    con.execute("DELETE FROM landed_files; DELETE FROM connector_runs")   # load the same files again
                started = time.perf_counter()
                report = load_landed(con, zone, settings)
                seconds = time.perf_counter() - started
            print(f"loaded {label}: {report.files} files, {report.messages:,} messages, {report.inserted:,} new, "
                  f"{seconds:.1f} s, {report.messages / seconds:,.0f} messages/s")


if __name__ == "__main__":
    main()
