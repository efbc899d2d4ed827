"""A live tick's detection: `earshot detect` in a new process, as the 5-minute schedule runs it.

A warehouse holds days of the held-out stream (another brand; en, es, fr, it, sk, pt), already detected up to
5 minutes before its end. Then those 5 minutes arrive, and a new process runs `earshot detect`. Timed: the
whole process, from start-up and imports through reading the detector's state, loading the language data of
the new messages, their windows, and storing incidents and state. Once with an empty language-data cache
directory (the first tick on a new machine), then three times with it filled.

    python -m benchmarks.live_tick [--days 7]

It measures the checkout it is run from (PYTHONPATH is set to it), so an older revision can be measured by
copying this file into its checkout.
"""
from __future__ import annotations

import argparse
import os
import platform
import shutil
import subprocess
import sys
import tempfile
import time
from datetime import date, datetime, timedelta, timezone
from pathlib import Path

from benchmarks.detection.heldout_wording import heldout_wording
from connectors.demo import DemoStream
from connectors.message import MessageBatch
from pipelines.config import Settings
from pipelines.detection.run import detect
from pipelines.warehouse.connection import connect
from pipelines.warehouse.messages import begin_staging, stage, upsert_staged
from pipelines.warehouse.prepare import prepare_database

END = datetime(2026, 11, 3, 13, tzinfo=timezone.utc)  # a Tuesday, 15:00 local: a busy afternoon tick
TICK = timedelta(minutes=5)
CHECKOUT = Path(__file__).resolve().parent.parent


def store(db: Path, records: list[dict]) -> None:
    batch = MessageBatch()
    for seq, record in enumerate(records):
        batch.add_record(seq, record)
    with connect(db) as con:
        prepare_database(con, Settings())
        con.execute("BEGIN")
        begin_staging(con)
        stage(con, batch.to_arrow())
        upsert_staged(con, Settings().languages)
        con.execute("COMMIT")


# The command, then its own peak memory. A child's ru_maxrss would include the RSS of the parent it was
# forked from (Linux carries the high-water mark across exec); VmHWM is that of the new process alone.
COMMAND_THEN_PEAK = ("import sys; from pipelines.cli import main; code = main(sys.argv[1:]); "
                     "print(open('/proc/self/status').read().split('VmHWM:')[1].split()[0]); sys.exit(code)")


def tick(db: Path, cache: Path) -> tuple[float, float, str]:
    """`earshot detect` in a new process: (wall seconds, peak RSS MB, what it printed)."""
    env = dict(os.environ, PYTHONPATH=str(CHECKOUT), EARSHOT_CACHE_DIR=str(cache))
    started = time.perf_counter()
    done = subprocess.run([sys.executable, "-c", COMMAND_THEN_PEAK, "detect", "--db", str(db)], env=env,
                          cwd=db.parent, capture_output=True, text=True)
    seconds = time.perf_counter() - started
    if done.returncode:
        raise SystemExit(f"earshot detect failed: {done.stderr.strip() or done.stdout.strip()}")
    printed, peak_kb = done.stdout.strip().rsplit("\n", 1)
    return seconds, int(peak_kb) / 1024, printed


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--days", type=int, default=7)
    args = parser.parse_args()
    source = DemoStream(seed=5, brand="Nordwave", peak_per_hour=120, events_per_day=1.5, wording=heldout_wording(),
                        utc_offset_hours=2)
    records = source.messages_between(END - timedelta(days=args.days), END)
    history = [r for r in records if datetime.fromisoformat(r["created_at"]) <= END - TICK]
    arriving = [r for r in records if datetime.fromisoformat(r["created_at"]) > END - TICK]
    with tempfile.TemporaryDirectory() as work:
        template, cache = Path(work) / "history.duckdb", Path(work) / "cache"
        store(template, history)
        with connect(template) as con:
            detect(con, Settings(), END - TICK + timedelta(seconds=120))
        store(template.with_name("langs.duckdb"), arriving)
        with connect(template.with_name("langs.duckdb")) as con:  # as stored: a missing lang is detected
            langs = [lang for lang, in con.execute("SELECT DISTINCT lang FROM messages WHERE direction = 'inbound' "
                                                   "ORDER BY lang").fetchall()]
        print(f"{platform.machine()}, {date.today()}; checkout {CHECKOUT}; {len(history):,} messages over "
              f"{args.days} days detected, then {len(arriving)} arrive in 5 minutes (inbound in {', '.join(langs)})\n")
        print("| run | language-data cache | wall s | peak RSS MB | earshot detect printed |")
        print("|---|---|---|---|---|")
        for run in range(4):
            db = Path(work) / "tick.duckdb"
            shutil.copy(template, db)
            store(db, arriving)
            seconds, peak, printed = tick(db, cache)
            state = "empty (first tick on a machine)" if run == 0 else "filled"
            print(f"| {run + 1} | {state} | {seconds:.2f} | {peak:,.0f} | {printed} |", flush=True)
            db.unlink()


if __name__ == "__main__":
    main()
