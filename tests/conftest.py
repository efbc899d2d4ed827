from __future__ import annotations

import json
import os
from collections import defaultdict
import subprocess
from collections.abc import Callable, Iterator
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import duckdb
import httpx
import pytest

from connectors.demo import DemoStream
from pipelines.config import Settings
from pipelines.detection.run import detect
from pipelines.ingest.importer import ImportReport, import_jsonl
from pipelines.warehouse.connection import connect
from pipelines.warehouse.prepare import prepare_database

REPO = Path(__file__).resolve().parent.parent

# What the fuzz, crash and soak suites tried and found, printed at the end of the run:
# SUITE_COUNTS["fuzz"]["parser inputs tried"] += 1.
SUITE_COUNTS: defaultdict[str, defaultdict[str, int]] = defaultdict(lambda: defaultdict(int))


def pytest_terminal_summary(terminalreporter) -> None:
    for suite, counts in SUITE_COUNTS.items():
        terminalreporter.write_line(f"{suite}: " + ", ".join(f"{name} {n:,}" for name, n in counts.items()))


def write_jsonl(path: Path, records: list[dict | str]) -> Path:
    lines = [r if isinstance(r, str) else json.dumps(r, ensure_ascii=False) for r in records]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def msg(id: str, at: str, direction: str = "inbound", kind: str = "mention", platform: str = "x",
        author: str | None = None, **fields) -> dict:
    """A canonical message with sensible defaults; `at` is an ISO timestamp."""
    record = {"platform": platform, "id": id, "kind": kind, "direction": direction,
              "author_id": author or ("brand" if direction == "outbound" else f"user-{id}"),
              "created_at": at, "text": fields.pop("text", f"message {id}"), "lang": "en"}
    record.update(fields)
    return record


@pytest.fixture
def db_path(tmp_path: Path) -> Path:
    return tmp_path / "earshot.duckdb"


@pytest.fixture
def con(db_path: Path) -> Iterator[duckdb.DuckDBPyConnection]:
    with connect(db_path) as connection:
        prepare_database(connection, Settings())
        yield connection


def load(con: duckdb.DuckDBPyConnection, tmp_path: Path, records: list[dict | str],
         name: str = "in.jsonl", settings: Settings | None = None) -> ImportReport:
    return import_jsonl(con, str(write_jsonl(tmp_path / name, records)), settings or Settings())


@pytest.fixture
def start_fake() -> Iterator[Callable[..., Any]]:
    """Start local fake servers (tests/fakes) for one test: `start_fake(FakeX, page_cap=2)`; every one
    started is stopped after the test, whatever its outcome."""
    started: list[Any] = []

    def start(server_class: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
        started.append(server_class(*args, **kwargs))
        return started[-1]

    yield start
    for server in started:
        server.close()


# ---- the real local Bluesky network (../shared/bsky-devnet) ------------------------------------------------
DEVNET_DIR = Path(os.environ.get("BSKY_DEVNET_DIR", REPO.parent / "shared" / "bsky-devnet"))
DEVNET_HOME = Path(os.environ.get("BSKY_DEVNET_HOME", "/tmp/bsky-devnet"))


def _devnet_answers(net: dict) -> bool:
    try:
        return httpx.get(net["pds"] + "/xrpc/_health", timeout=2).status_code == 200
    except (httpx.HTTPError, KeyError):
        return False


@pytest.fixture(scope="session")
def bsky_devnet() -> Iterator[dict]:
    """The network's net.json (PDS URL, accounts, password): reused if already up, else started with
    `up` (first start on a machine installs it: about 4 minutes) and stopped again at the end. Skips, with
    the reason, only where it cannot start here."""
    net_json = DEVNET_HOME / "run" / "net.json"
    if net_json.exists() and _devnet_answers(json.loads(net_json.read_text())):
        yield json.loads(net_json.read_text())
        return
    if not (DEVNET_DIR / "up").exists():
        pytest.skip(f"no Bluesky devnet scripts at {DEVNET_DIR} (set BSKY_DEVNET_DIR)")
    if os.geteuid() != 0:
        pytest.skip("the Bluesky devnet needs root (it runs PostgreSQL as the postgres user)")
    started = subprocess.run([str(DEVNET_DIR / "up")], capture_output=True, text=True, timeout=900)
    if started.returncode != 0:
        pytest.skip(f"the Bluesky devnet did not start: {(started.stderr or started.stdout).strip()[-300:]}")
    try:
        yield json.loads(Path(started.stdout.strip().splitlines()[-1]).read_text())
    finally:
        subprocess.run([str(DEVNET_DIR / "down")], capture_output=True, timeout=120)


# Seed 23 with only scam waves: one in Russian, one in Czech, one in Czech and German, among others.
END = datetime(2026, 11, 1, tzinfo=timezone.utc)
WAVES = DemoStream(seed=23, events_per_day=1.5, event_kinds=(("scam", 1.0),))


@pytest.fixture(scope="session")
def scam_db(tmp_path_factory) -> Path:
    """Four days of scam waves ending at END, after detection, before any notice or alert: tests that
    change it work on a copy (`copy_of`)."""
    tmp = tmp_path_factory.mktemp("waves")
    db = tmp / "waves.duckdb"
    with connect(db) as con:
        prepare_database(con, Settings())
        load(con, tmp, WAVES.messages_between(END - timedelta(days=4), END))
        detect(con, Settings(), END + timedelta(days=1))
    return db


def copy_of(db: Path, tmp_path: Path) -> Path:
    target = tmp_path / "n.duckdb"
    target.write_bytes(db.read_bytes())
    return target
