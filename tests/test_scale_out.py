"""Past one machine: pulls run on Celery workers (Dagster's celery executor, real `celery` workers started by
`earshot worker`) and land Parquet files in a shared directory; the warehouse's machine loads them, each
exactly once, also when a pull dies between its file and its cursor or the loader is SIGKILLed."""
from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import time
from datetime import datetime, timezone
from pathlib import Path

import duckdb
import pytest

from connectors.demo import DemoSource, DemoStream
from pipelines.config import ConfigError, Settings, Source, load_settings
from pipelines.ingest.landing import LandingZone, load_landed, pull_to_landing
from pipelines.warehouse.connection import connect
from pipelines.warehouse.prepare import prepare_database
from tests.fakes.mastodon import FakeMastodon
from tests.fakes.runs import EARSHOT, clean_environment, earshot_run

TOKEN_ENV = "EARSHOT_TEST_MASTODON_TOKEN"
NOW = datetime(2026, 11, 20, 12, tzinfo=timezone.utc)


def _config(folder: Path, fake: FakeMastodon, scale: str) -> Path:
    path = folder / "earshot.toml"
    path.write_text(f'''[brand]
name = "Voltra"

[[sources]]
platform = "mastodon"
name = "mastodon"
service = "{fake.url}"
token_env = "{TOKEN_ENV}"

[[sources]]
platform = "demo"
name = "demo-eu"
backfill_days = 1
{scale}''', encoding="utf-8")
    return path


def _descendants(pid: int) -> set[int]:
    """Every process below `pid` (Linux /proc): a Celery worker forks its pool's processes."""
    parents = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue   # ended meanwhile
        parents[int(stat.parent.name)] = int(fields[1])
    found, frontier = set(), {pid}
    while frontier:
        frontier = {child for child, parent in parents.items() if parent in frontier} - found
        found |= frontier
    return found


def _stored(db: Path, sql: str) -> list[tuple]:
    with connect(db) as con:
        return con.execute(sql).fetchall()


def test_pulls_on_celery_workers_land_files_the_warehouse_loads_once(start_fake, tmp_path):
    fake = start_fake(FakeMastodon)
    brand, ana = fake.add_account("voltra"), fake.add_account("ana")
    for n in range(7):
        fake.publish(ana, f"@voltra payment {n} failed with error 503")
    shared = tmp_path / "shared"   # what the machines share: the config, the landing zone, the broker
    shared.mkdir()
    toml = _config(shared, fake, f'''
[scale]
landing = "landing"
executor = "celery"
broker = "filesystem://{shared}/broker"
backend = "file://{shared}/results"
''')
    env = clean_environment({TOKEN_ENV: brand.token})
    workers = []
    for name in ("east", "west"):   # each in a folder of its own, with no warehouse: another machine's view
        home = tmp_path / name
        home.mkdir()
        workers.append(subprocess.Popen([EARSHOT, "worker", "--config", str(toml), "--name", name,
                                         "--concurrency", "1"], cwd=home, env=env, start_new_session=True,
                                        stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True))
    try:
        db = tmp_path / "warehouse" / "w.duckdb"
        db.parent.mkdir()
        first = earshot_run(db, toml, {TOKEN_ENV: brand.token})
        assert first.returncode == 0, first.stderr
        pullers = {int(row[0].split(":")[1]) for row in _stored(db, "SELECT landed_by FROM landed_files")}
        worker_processes = set().union(*(_descendants(w.pid) for w in workers))
        assert pullers and pullers <= worker_processes, "every pull ran in a worker's process"
        second = earshot_run(db, toml, {TOKEN_ENV: brand.token})
        assert second.returncode == 0, second.stderr
        assert "ingest_mastodon: fetched 0," in second.stdout   # the landed cursor held
    finally:
        for worker in workers:
            os.killpg(worker.pid, signal.SIGTERM)
        for worker in workers:
            worker.wait(timeout=60)
    assert not list(tmp_path.glob("east/**/*.duckdb")) and not list(tmp_path.glob("west/**/*.duckdb"))

    # The same sources pulled the ordinary way, straight into a warehouse, store the same Mastodon messages.
    single = tmp_path / "single" / "w.duckdb"
    single.parent.mkdir()
    plain = _config(single.parent, fake, "")
    assert earshot_run(single, plain, {TOKEN_ENV: brand.token}).returncode == 0
    rows = "SELECT id, kind, direction, text, conversation_key FROM messages WHERE platform = 'mastodon' ORDER BY id"
    assert len(_stored(db, rows)) == 7 and _stored(db, rows) == _stored(single, rows)
    assert _stored(db, "SELECT count(*) = count(DISTINCT (platform, id)) FROM messages") == [(True,)]
    assert _stored(db, "SELECT count(*), count(*) FILTER (WHERE error IS NULL) FROM landed_files") == [(4, 4)]
    health = "SELECT source, status, failures_in_a_row, newest_message_at FROM source_health WHERE source = 'mastodon'"
    assert _stored(db, health) == _stored(single, health)   # health sees the landed pulls as its own
    runs = "SELECT source, fetched, inserted, rejected, error FROM connector_runs ORDER BY started_at, source"
    assert [r for r in _stored(db, runs) if r[0] == "mastodon"] == [("mastodon", 7, 7, 0, None), ("mastodon", 0, 0, 0, None)]


def _demo(name: str) -> tuple[Source, DemoSource]:
    return Source(platform="demo", name=name), DemoSource(DemoStream(seed=5, account=name), backfill_days=2)


def test_a_pull_that_died_before_its_cursor_lands_again_and_loads_once(tmp_path):
    zone, settings = LandingZone(tmp_path / "landing"), Settings()
    source, connector = _demo("demo-eu")
    first = pull_to_landing(zone, source, connector, NOW)
    (zone.folder("demo-eu") / "cursor.json").unlink()          # died after the file, before the cursor
    again = pull_to_landing(zone, source, connector, NOW)
    assert again.fetched == first.fetched > 0                   # the same messages, fetched again
    landed = duckdb.sql(f"SELECT source, count(*) FROM read_parquet('{zone.root}/source=*/*.parquet', "
                        "hive_partitioning = true) GROUP BY source").fetchall()
    assert landed == [("demo-eu", 2 * first.fetched)]            # plain Parquet, partitioned by source
    db = tmp_path / "w.duckdb"
    with connect(db) as con:
        prepare_database(con, settings)
        report = load_landed(con, zone, settings)
        assert (report.files, report.inserted) == (2, again.fetched)
        assert con.execute("SELECT count(*), count(DISTINCT id) FROM messages").fetchone() == (again.fetched,) * 2
        assert load_landed(con, zone, settings).files == 0      # nothing loads twice
        assert con.execute("SELECT cursor FROM source_cursors").fetchone() == (again.cursor,)


def test_an_unreadable_file_is_named_recorded_and_skipped_while_the_rest_loads(tmp_path):
    zone, settings = LandingZone(tmp_path / "landing"), Settings()
    source, connector = _demo("demo-eu")
    good = pull_to_landing(zone, source, connector, NOW)
    bad = zone.folder("demo-eu") / "20261120T130000000000Z-torn.parquet"
    bad.write_bytes(b"PAR1 not really")
    with connect(tmp_path / "w.duckdb") as con:
        prepare_database(con, settings)
        report = load_landed(con, zone, settings)
        assert report.files == 1 and report.inserted == good.fetched
        assert len(report.errors) == 1 and report.errors[0].startswith(f"{bad}: cannot be read: ")
        assert "\n" not in report.errors[0]
        assert dict(con.execute("SELECT run_id, error IS NOT NULL FROM landed_files").fetchall()) == {
            None: True, good.run_id: False}
        assert load_landed(con, zone, settings).errors == []   # recorded once, then skipped


LOADER = """
import sys
from pathlib import Path
from pipelines.config import Settings
from pipelines.ingest.landing import LandingZone, load_landed
from pipelines.warehouse.connection import connect
with connect(Path(sys.argv[1])) as con:
    print(load_landed(con, LandingZone(Path(sys.argv[2])), Settings()).files)
"""


def test_a_loader_killed_at_any_point_loses_and_duplicates_nothing(tmp_path):
    zone, settings = LandingZone(tmp_path / "landing"), Settings()
    expected = 0
    for n in range(12):   # 12 sources' pulls of 3 days each: a few seconds of loading
        source, connector = _demo(f"demo-{n}")
        expected += pull_to_landing(zone, source, connector, NOW).fetched
    db = tmp_path / "w.duckdb"
    with connect(db) as con:
        prepare_database(con, settings)
    loader = [sys.executable, "-c", LOADER, str(db), str(zone.root)]
    started = time.perf_counter()
    subprocess.run(loader, check=True, capture_output=True, cwd=tmp_path)
    full = time.perf_counter() - started
    consistent = ("SELECT (SELECT count(*) FROM messages) = (SELECT coalesce(sum(inserted), 0) FROM landed_files)"
                  " AND (SELECT count(*) FROM messages) = (SELECT count(DISTINCT (platform, id)) FROM messages)")
    loaded_when_killed = []
    for fraction in (0.3, 0.5, 0.7, 0.9):
        db.unlink()
        with connect(db) as con:
            prepare_database(con, settings)
        process = subprocess.Popen(loader, cwd=tmp_path, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        time.sleep(full * fraction)
        process.kill()
        process.wait()
        assert _stored(db, consistent) == [(True,)], f"after a kill at {fraction:.0%}"
        loaded_when_killed.append(_stored(db, "SELECT count(*) FROM landed_files")[0][0])
        done = subprocess.run(loader, check=True, capture_output=True, text=True, cwd=tmp_path)
        assert _stored(db, "SELECT count(*), count(DISTINCT id) FROM messages") == [(expected, expected)]
        assert _stored(db, "SELECT count(*) FROM landed_files") == [(12,)], done.stdout
    assert any(0 < n < 12 for n in loaded_when_killed), f"no kill landed mid-load: {loaded_when_killed}"


def test_scale_settings_are_checked(tmp_path):
    path = tmp_path / "earshot.toml"
    for body, message in [
        ('executor = "celery"', "scale.landing is required"),
        ('landing = "l"\nexecutor = "k8s"', "scale.executor must be one of multiprocess, celery"),
        ('landing = "l"\nexecutor = "celery"', "scale.broker (or scale.broker_env) is required"),
        ('landing = "l"\nbroker = "redis://x"', "apply to the celery executor only"),
    ]:
        path.write_text(f"[scale]\n{body}\n", encoding="utf-8")
        with pytest.raises(ConfigError, match=re.escape(message)):
            load_settings(path)
    path.write_text('[scale]\nlanding = "l"\n', encoding="utf-8")
    assert load_settings(path).scale.landing == (tmp_path / "l").resolve()
