"""Detection throughput: replay >= 500,000 inbound messages in event time, with peak memory.

Two streams: the demo stream scaled up (its wording repeats, as copy-paste complaints and reposts do),
and the same with every text made unique (a random order number and name appended), which defeats the
per-text cache and grows the vocabulary: the harder, more realistic case. Then the same through
`earshot detect` on a DuckDB file (reading messages, writing incidents and the detector's state).

    python -m benchmarks.detection_speed [--messages 500000]
"""
from __future__ import annotations

import argparse
import os
import platform
import random
import resource
import shutil
import time
from datetime import date, datetime, timedelta, timezone
from pathlib import Path

from connectors.demo import DemoStream
from detectors.emergence import DetectorSettings, EmergenceDetector
from detectors.incidents import Post
from detectors.replay import replay
from detectors.stats import prior_share
from detectors.text import brand_terms, terms_of

END = datetime(2026, 11, 1, tzinfo=timezone.utc)
OUT = Path(__file__).parent / "out"
NAMES = ["anna", "petr", "olga", "jan", "maria", "ivan", "eva", "tomas", "lena", "karel", "sofia", "marek"]


def records(n_inbound: int) -> list[dict]:
    days = 21
    stream = DemoStream(seed=9, peak_per_hour=30 * n_inbound / (500 * days) * 1.15, events_per_day=3)
    return stream.messages_between(END - timedelta(days=days), END)


def posts_of(recs: list[dict], unique: bool, limit: int) -> list[Post]:
    rng = random.Random(1)
    out = []
    for r in recs:
        if r["direction"] != "inbound":
            continue
        text = r["text"] + (f" order {rng.randint(100000, 999999)} {rng.choice(NAMES)}" if unique else "")
        out.append(Post(r["platform"], r["id"], r["author_id"], datetime.fromisoformat(r["created_at"]).timestamp(),
                        text, r.get("lang") or "en"))
        if len(out) == limit:
            break
    return out


LOADED: dict[str, float] = {}  # language -> seconds its data took to load


def load_languages(langs: set[str | None]) -> None:
    """Language data loads once per process, on first sight of the language: before timing, as in a
    long-lived worker (its one-off cost is printed on its own)."""
    for lang in sorted(langs - LOADED.keys(), key=str):
        started = time.perf_counter()
        terms_of("warm up", lang)
        prior_share("warm", lang)
        LOADED[lang] = time.perf_counter() - started


def run(recs: list[dict], unique: bool, limit: int) -> tuple[int, float, float, float, int]:
    """Replay in a forked child that builds its own posts first, so its heap is its own, as in a worker
    that loads a stream (a parent's pages shared copy-on-write get copied as soon as the replay touches
    them): (messages, seconds, the child's peak RSS MB, MB of it that were the parent's pages at the fork,
    incidents). The parent's pages (the generated records, ~0.8 GB for 500,000 messages) stay mapped in the
    child and count in its RSS; a worker that reads its stream from a file or DuckDB would not hold them."""
    read, write = os.pipe()
    pid = os.fork()
    if pid == 0:
        inherited = _status_mb("VmRSS")
        posts = posts_of(recs, unique, limit)
        load_languages({p.lang for p in posts})
        detector = EmergenceDetector(DetectorSettings(), brand="Voltra", ignore=brand_terms("Voltra"))
        started = time.perf_counter()
        incidents = replay(detector, posts)
        os.write(write, f"{len(posts)} {time.perf_counter() - started} {_status_mb('VmHWM')} {inherited} "
                        f"{len(incidents)}".encode())
        os._exit(0)
    os.close(write)
    n, seconds, peak, inherited, found = os.read(read, 200).decode().split()
    os.waitpid(pid, 0)
    return int(n), float(seconds), float(peak), float(inherited), int(found)


def _status_mb(field: str) -> float:
    """A memory figure of this process from /proc/self/status (VmRSS now, VmHWM its peak), in MB."""
    status = open("/proc/self/status").read()
    return int(status.split(f"{field}:")[1].split()[0]) / 1024


def through_duckdb(recs: list[dict], limit: int) -> tuple[float, int]:
    from benchmarks.live_tick import store
    from pipelines.config import Settings
    from pipelines.detection.run import detect
    from pipelines.warehouse.connection import connect

    work = OUT / "detect-bench"
    shutil.rmtree(work, ignore_errors=True)
    work.mkdir(parents=True)
    store(work / "b.duckdb", [dict(r, lang=r.get("lang") or "en") for r in recs])
    with connect(work / "b.duckdb") as con:
        load_languages({lang for lang, in con.execute("SELECT DISTINCT lang FROM messages").fetchall()})
        started = time.perf_counter()
        report = detect(con, Settings(), END + timedelta(days=1))
        seconds = time.perf_counter() - started
    shutil.rmtree(work)
    return seconds, report.messages


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--messages", type=int, default=500_000)
    args = parser.parse_args()
    recs = records(args.messages)
    print(f"{platform.machine()}, {date.today()}; replay of inbound messages in "
          f"{DetectorSettings().window_s}-second windows\n")
    print("| stream | inbound messages | seconds | messages/s | peak RSS of the replaying child | of it, the "
          "parent's records at the fork | incidents |")
    print("|---|---|---|---|---|---|---|")
    for label, unique in (("demo wording (texts repeat)", False), ("every text unique", True)):
        n, seconds, peak_mb, inherited_mb, found = run(recs, unique, args.messages)
        print(f"| {label} | {n:,} | {seconds:.1f} | {n / seconds:,.0f} | {peak_mb:,.0f} MB | {inherited_mb:,.0f} MB "
              f"| {found} |")
    seconds, n = through_duckdb(recs, args.messages)
    print(f"| `earshot detect` on DuckDB (demo wording) | {n:,} | {seconds:.1f} | {n / seconds:,.0f} | | | |")
    print(f"\nEach run loads the data of its stream's languages (stop words, lemma tables, word frequencies) "
          f"before timing; for `earshot detect`'s {len(LOADED)} languages that took {sum(LOADED.values()):.1f} s")
    print(f"process peak RSS {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:,.0f} MB")


if __name__ == "__main__":
    main()
