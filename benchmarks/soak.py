"""Soak: the pipeline writing every few seconds while the dashboard and an analyst's duckdb session read.

The writer, in its own processes as in production, runs back to back three `earshot import`s of a batch of
new messages (inbound messages and the brand's replies to some of them), then an `earshot run` (the demo
source, detection, alerts, notices), and again. Meanwhile, in this process:
- the dashboard's reads: every query its pages make (`dashboard/queries.py`), page after page;
- an analyst: one duckdb session on the read copy held open the whole time, plus a fresh connection every
  half second counting the soak's messages, which must never go down.
At the end every message written must be stored once. Any failed run, reader error (a lock error above
all) or lost message fails the soak. `tests/test_soak.py` runs 30 seconds of it in `make test`.

    python -m benchmarks.soak [--minutes 10]
"""
from __future__ import annotations

import argparse
import os
import subprocess
import tempfile
import threading
import time
import traceback
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from pathlib import Path

from tests.fakes.runs import EARSHOT, clean_environment

BATCH = 400


@dataclass
class SoakReport:
    seconds: float = 0
    imports: int = 0
    runs: int = 0
    failed_runs: list[str] = field(default_factory=list)
    dashboard_reads: int = 0
    analyst_queries: int = 0
    reader_errors: list[str] = field(default_factory=list)
    counts_went_down: int = 0
    messages_written: int = 0
    messages_stored: int = 0

    @property
    def messages_lost(self) -> int:
        return self.messages_written - self.messages_stored

    def ok(self) -> bool:
        return not (self.failed_runs or self.reader_errors or self.counts_went_down or self.messages_lost)

    def lines(self) -> list[str]:
        return [
            f"{self.seconds:.0f} s: writes {self.imports + self.runs} ({self.imports} imports of {BATCH} messages, "
            f"{self.runs} runs), failed {len(self.failed_runs)}",
            f"reads: dashboard {self.dashboard_reads}, analyst {self.analyst_queries}; errors "
            f"{len(self.reader_errors)} (lock errors {sum('lock' in e.lower() for e in self.reader_errors)}); "
            f"the analyst's count went down {self.counts_went_down} times",
            f"messages: {self.messages_written} written, {self.messages_stored} stored, lost {self.messages_lost}",
        ] + [f"failed: {e}" for e in self.failed_runs[:5]] + [f"reader error: {e}" for e in self.reader_errors[:5]]


def _batch(path: Path, first: int, count: int) -> None:
    """`count` messages: every third one the brand's reply to the message before it."""
    import orjson

    now = datetime.now(timezone.utc)
    lines = []
    for n in range(first, first + count):
        reply = n % 3 == 2
        lines.append(orjson.dumps({
            "platform": "soak", "id": f"s{n}", "kind": "mention", "direction": "outbound" if reply else "inbound",
            "author_id": "brand" if reply else f"u{n % 97}", "in_reply_to_id": f"s{n - 1}" if reply else None,
            "created_at": (now - timedelta(seconds=first + count - n)).isoformat(),
            "text": "we are looking into it" if reply else "my card payment failed with error 503", "lang": "en"}))
    path.write_bytes(b"\n".join(lines))


def _writer(folder: Path, db: Path, deadline: float, report: SoakReport) -> None:
    env = clean_environment({})
    toml = folder / "earshot.toml"
    toml.write_text('[brand]\nname = "Voltra"\n\n[[sources]]\nplatform = "demo"\nbackfill_days = 1\n', encoding="utf-8")
    while time.monotonic() < deadline:
        for command in [["import", str(folder / "batch.jsonl")]] * 3 + [["run", "--config", str(toml)]]:
            if command[0] == "import":
                _batch(folder / "batch.jsonl", report.messages_written, BATCH)
            done = subprocess.run([EARSHOT, *command, "--db", str(db)], cwd=folder, env=env, capture_output=True,
                                  text=True, timeout=600)
            if done.returncode != 0:
                report.failed_runs.append(f"{command[0]}: {done.stderr.strip()[-300:]}")
            elif command[0] == "import":
                report.imports += 1
                report.messages_written += BATCH
            else:
                report.runs += 1


def _dashboard_reader(stop: threading.Event, report: SoakReport) -> None:
    from dashboard import queries

    end = datetime.now(timezone.utc) + timedelta(days=1)
    start = end - timedelta(days=28)
    reads = [
        lambda: queries.compare((end - timedelta(days=8)).isoformat(), end.isoformat()),
        lambda: queries.daily_totals(30),
        lambda: queries.trend("day", False, start.isoformat(), end.isoformat(), queries.Selection()),
        lambda: queries.weekly_heatmap(start.isoformat(), end.isoformat(), queries.Selection(langs=["en"])),
        lambda: queries.incidents(),
        lambda: queries.notices(["draft", "approved", "published"]),
        lambda: queries.source_health(),
        lambda: queries.schema(),
    ]
    while not stop.is_set():
        for read in reads:
            try:
                read()
                report.dashboard_reads += 1
            except Exception:  # noqa: BLE001 - every error is a finding, reported
                report.reader_errors.append("dashboard: " + traceback.format_exc(limit=1).strip().splitlines()[-1])
            time.sleep(0.1)


def _analyst(db: Path, stop: threading.Event, report: SoakReport) -> None:
    import duckdb

    from pipelines.warehouse.connection import read_copy_path

    link = read_copy_path(db)
    session = duckdb.connect(str(link), read_only=True)   # held open throughout, as a duckdb CLI would be
    last = 0
    try:
        while not stop.is_set():
            try:
                session.execute("SELECT count(*) FROM inbox_daily").fetchall()
                with duckdb.connect(str(link), read_only=True) as fresh:
                    seen = fresh.execute("SELECT count(*) FROM messages WHERE platform = 'soak'").fetchall()[0][0]
                report.analyst_queries += 2
                report.counts_went_down += seen < last
                last = max(last, seen)
            except Exception:  # noqa: BLE001
                report.reader_errors.append("analyst: " + traceback.format_exc(limit=1).strip().splitlines()[-1])
            time.sleep(0.5)
    finally:
        session.close()


def soak(folder: Path, seconds: float) -> SoakReport:
    from pipelines.warehouse.connection import connect

    report, db = SoakReport(), folder / "soak.duckdb"
    _batch(folder / "first.jsonl", 0, BATCH)   # readers need a read copy to open
    subprocess.run([EARSHOT, "import", str(folder / "first.jsonl"), "--db", str(db)], cwd=folder, check=True,
                   capture_output=True)
    report.messages_written = BATCH
    os.environ["EARSHOT_DB"] = str(db)   # the dashboard's queries read the read copy of this warehouse
    stop, started = threading.Event(), time.monotonic()
    readers = [threading.Thread(target=_dashboard_reader, args=(stop, report)),
               threading.Thread(target=_analyst, args=(db, stop, report))]
    for reader in readers:
        reader.start()
    try:
        _writer(folder, db, started + seconds, report)
    finally:
        stop.set()
        for reader in readers:
            reader.join()
    report.seconds = time.monotonic() - started
    with connect(db) as con:
        report.messages_stored = con.execute(
            "SELECT count(DISTINCT id) FROM messages WHERE platform = 'soak'").fetchall()[0][0]
    return report


def main() -> None:
    import platform

    parser = argparse.ArgumentParser()
    parser.add_argument("--minutes", type=float, default=10)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        report = soak(Path(folder), args.minutes * 60)
    print(f"{datetime.now():%Y-%m-%d} · {platform.machine()}, {os.cpu_count()} cores")
    print("\n".join(report.lines()))
    raise SystemExit(0 if report.ok() else 1)


if __name__ == "__main__":
    main()
