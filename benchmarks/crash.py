"""Crash safety: `earshot import`, `earshot detect` and `earshot run` SIGKILLed at random points, many times.

No cleanup of any kind happens on SIGKILL (as in a power cut). After every kill the warehouse must open, and
after the last one a complete run must leave:
- import: the file's messages, each once (a killed import is all in or all out, never half);
- detect: the same incidents as an uninterrupted detection of the same messages;
- run (alerts and auto-published notices): every notice the warehouse calls published posted exactly once
  on the platform, and every alert it calls sent received; an alert sent just before a kill and recorded
  after it is sent again with the same `X-Earshot-Alert-Id`, which the receiver drops (counted).

The platform (Mastodon) and the alert receiver are the local fakes the tests use (tests/fakes), over real
sockets. `tests/test_crash.py` runs a short version in `make test`.

    python -m benchmarks.crash [--kills 10] [--seed 1]
"""
from __future__ import annotations

import argparse
import os
import random
import shutil
import signal
import subprocess
import tempfile
import time
from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from pathlib import Path

from tests.fakes.runs import EARSHOT, clean_environment

SECRET = "crash-suite-secret"


@dataclass
class CrashReport:
    kills: Counter = field(default_factory=Counter)      # per command
    completed_runs: int = 0
    messages_in_file: int = 0
    messages_stored: int = 0
    messages_duplicated: int = 0
    half_imports_seen: int = 0                            # a killed import left part of its file: must be 0
    incidents_expected: int = 0
    incidents_differing: int = 0
    notices_published: int = 0
    posts_on_platform: int = 0
    notices_posted_twice: int = 0
    alerts_sent: int = 0
    alerts_received_distinct: int = 0
    alerts_redelivered: int = 0                           # same id again after a kill: the receiver drops it
    errors: list[str] = field(default_factory=list)

    @property
    def messages_lost(self) -> int:
        return self.messages_in_file - self.messages_stored

    def ok(self) -> bool:
        return not (self.errors or self.messages_lost or self.messages_duplicated or self.half_imports_seen
                    or self.incidents_differing or self.notices_posted_twice
                    or self.posts_on_platform != self.notices_published
                    or self.alerts_received_distinct != self.alerts_sent)

    def lines(self) -> list[str]:
        return [
            f"kills: {sum(self.kills.values())} ({', '.join(f'{k} {n}' for k, n in sorted(self.kills.items()))}); "
            f"complete runs after them: {self.completed_runs}",
            f"messages: {self.messages_in_file} in the file, {self.messages_stored} stored, lost "
            f"{self.messages_lost}, duplicated {self.messages_duplicated}, half-imports seen {self.half_imports_seen}",
            f"incidents: {self.incidents_expected} expected, {self.incidents_differing} differing",
            f"notices: {self.notices_published} published, {self.posts_on_platform} posts on the platform, "
            f"posted twice {self.notices_posted_twice}",
            f"alerts: {self.alerts_sent} sent, {self.alerts_received_distinct} received, "
            f"{self.alerts_redelivered} delivered again with the same id (dropped by the receiver)",
        ] + [f"error: {e}" for e in self.errors]


def _run(args: list[str], cwd: Path, env: dict[str, str]) -> float:
    """Run to completion; the seconds it took."""
    started = time.perf_counter()
    done = subprocess.run([EARSHOT, *args], cwd=cwd, env=env, capture_output=True, text=True, timeout=600)
    if done.returncode != 0:
        raise RuntimeError(f"earshot {args[0]} failed: {done.stderr.strip()[-500:]}")
    return time.perf_counter() - started


def _killed(args: list[str], cwd: Path, env: dict[str, str], after_s: float) -> bool:
    """Start, SIGKILL the whole process group after `after_s`; False when it finished first."""
    process = subprocess.Popen([EARSHOT, *args], cwd=cwd, env=env, stdout=subprocess.DEVNULL,
                               stderr=subprocess.DEVNULL, start_new_session=True)
    try:
        process.wait(timeout=after_s)
        return False
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait()
        return True


def _count(db: Path, sql: str) -> int:
    from pipelines.warehouse.connection import connect

    with connect(db) as con:   # also proves the warehouse opens after the kill
        return con.execute(sql).fetchall()[0][0]


def crash_suite(folder: Path, kills: int, seed: int) -> CrashReport:
    import orjson

    from pipelines.warehouse.connection import connect
    from tests.conftest import WAVES
    from tests.fakes.mastodon import FakeMastodon
    from tests.fakes.receivers import SignedWebhook

    rng, report = random.Random(seed), CrashReport()
    now = datetime.now(timezone.utc).replace(microsecond=0)
    records = WAVES.messages_between(now - timedelta(days=3), now - timedelta(minutes=5))
    messages = folder / "waves.jsonl"
    messages.write_bytes(b"\n".join(orjson.dumps(r) for r in records))
    report.messages_in_file = len({(r["platform"], r["id"]) for r in records})
    db, env = folder / "crash.duckdb", clean_environment({})

    # 1. Import: each kill leaves all of the file or none of it.
    full = _run(["import", str(messages), "--db", str(folder / "timing.duckdb")], folder, env)
    for _ in range(kills):
        if _killed(["import", str(messages), "--db", str(db)], folder, env, rng.uniform(0.1, 0.9) * full):
            report.kills["import"] += 1
        if db.exists():   # a kill before the first migration committed leaves an empty file: 0 messages
            stored = _count(db, "SELECT count(*) FROM duckdb_tables() WHERE table_name = 'messages'") and \
                _count(db, "SELECT count(*) FROM messages")
            report.half_imports_seen += stored not in (0, report.messages_in_file)
            if stored:
                with connect(db) as con:   # start over: every kill lands on a real import
                    con.execute("DELETE FROM messages")
    _run(["import", str(messages), "--db", str(db)], folder, env)
    report.completed_runs += 1

    # 2. Detection, killed; then once to the end; against an uninterrupted detection of a copy.
    reference = folder / "reference.duckdb"
    shutil.copyfile(db, reference)
    full = _run(["detect", "--db", str(reference)], folder, env)
    before = folder / "before-detect.duckdb"
    shutil.copyfile(db, before)
    for _ in range(kills):
        if _killed(["detect", "--db", str(db)], folder, env, rng.uniform(0.1, 0.9) * full):
            report.kills["detect"] += 1
            _count(db, "SELECT count(*) FROM incidents")   # the next attempt continues from what is there
        else:   # it finished first: start over, so that every kill lands on a detection with work to do
            shutil.copyfile(before, db)
    _run(["detect", "--db", str(db)], folder, env)
    report.completed_runs += 1
    incidents = "SELECT incident_id, kind, message_count FROM incidents ORDER BY incident_id"
    with connect(reference) as con:
        expected = con.execute(incidents).fetchall()
    with connect(db) as con:
        got = con.execute(incidents).fetchall()
    report.incidents_expected = len(expected)
    report.incidents_differing = len(set(expected) ^ set(got))

    # 3. `earshot run`: alerts to a signed webhook and notices auto-published on Mastodon, killed.
    mastodon, hook = FakeMastodon(), SignedWebhook(SECRET)
    timing_mastodon, timing_hook = FakeMastodon(), SignedWebhook(SECRET)
    try:
        def config(at: Path, platform: FakeMastodon, receiver: SignedWebhook) -> tuple[Path, dict[str, str]]:
            token = platform.add_account("voltra").token
            at.mkdir(exist_ok=True)
            toml = at / "earshot.toml"
            toml.write_text(
                f'[brand]\nname = "Voltra"\n\n[[sources]]\nplatform = "mastodon"\nname = "m"\n'
                f'service = "{platform.url}"\ntoken_env = "T"\n\n'
                f'[alerts]\nmax_age_minutes = 100000\n\n[[alerts.channels]]\nname = "ops"\ntype = "webhook"\n'
                f'url = "{receiver.url}/earshot"\nsecret_env = "HOOK_SECRET"\n\n'
                f'[[notices.auto_publish]]\nkind = "scam"\nmin_severity = 1\n', encoding="utf-8")
            return toml, clean_environment({"T": token, "HOOK_SECRET": SECRET})

        toml, run_env = config(folder / "run", mastodon, hook)
        timing_toml, timing_env = config(folder / "timing", timing_mastodon, timing_hook)
        shutil.copyfile(db, reference)
        full = _run(["run", "--db", str(reference), "--config", str(timing_toml)], folder, timing_env)
        for _ in range(kills):
            report.kills["run"] += _killed(["run", "--db", str(db), "--config", str(toml)], folder, run_env,
                                           rng.uniform(0.1, 0.9) * full)
            _count(db, "SELECT count(*) FROM notices")
        for _ in range(2):   # the second finds nothing left to do
            _run(["run", "--db", str(db), "--config", str(toml)], folder, run_env)
            report.completed_runs += 1
        with connect(db) as con:
            published = con.execute("SELECT text, url FROM notices WHERE status = 'published'").fetchall()
            sent = {r[0] for r in con.execute("SELECT alert_id FROM alerts WHERE status = 'sent'").fetchall()}
            report.messages_stored = con.execute(
                "SELECT count(DISTINCT (platform, id)) FROM messages WHERE platform = 'demo'").fetchone()[0]
            report.messages_duplicated = con.execute(
                "SELECT count(*) - count(DISTINCT (platform, id)) FROM messages").fetchone()[0]
        posts = list(mastodon.state.statuses.values())
        report.notices_published, report.posts_on_platform = len(published), len(posts)
        per_text = Counter(post["content"] for post in posts)
        report.notices_posted_twice = sum(n - 1 for n in per_text.values() if n > 1)
        received = [p["alert_id"] for p in hook.verified]
        report.alerts_sent, report.alerts_received_distinct = len(sent), len(set(received) & sent)
        report.alerts_redelivered = len(received) - len(set(received))
        if hook.refused:
            report.errors.append(f"the receiver refused {len(hook.refused)} deliveries: {hook.refused[:3]}")
    finally:
        for server in (mastodon, hook, timing_mastodon, timing_hook):
            server.close()
    return report


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--kills", type=int, default=10, help="kills per command (import, detect, run)")
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        started = time.perf_counter()
        report = crash_suite(Path(folder), args.kills, args.seed)
    import platform
    print(f"{datetime.now():%Y-%m-%d} · {platform.machine()}, {os.cpu_count()} cores · "
          f"{time.perf_counter() - started:.0f} s")
    print("\n".join(report.lines()))
    raise SystemExit(0 if report.ok() else 1)


if __name__ == "__main__":
    main()
