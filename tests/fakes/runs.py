"""Running Earshot against a fake platform: `earshot run` as a user would, killed mid-fetch on demand,
and one in-process pull for tests that look at a single fetch."""
from __future__ import annotations

import os
import signal
import subprocess
from datetime import datetime, timezone
from pathlib import Path

from pipelines.config import load_settings
from pipelines.ingest.pull import PullReport, connector_for, pull
from pipelines.warehouse.connection import connect
from pipelines.warehouse.prepare import prepare_database
from tests.fakes.server import FakeServer, Request
from tests.test_cli import EARSHOT


def write_config(tmp_path: Path, source: str) -> Path:
    path = tmp_path / "earshot.toml"
    path.write_text(f'[brand]\nname = "Voltra"\n\n[[sources]]\n{source}', encoding="utf-8")
    return path


def clean_environment(secrets: dict[str, str]) -> dict[str, str]:
    """This environment without Earshot's and Dagster's own settings (a subprocess takes them from its
    arguments and working directory), plus `secrets`."""
    return {**{k: v for k, v in os.environ.items() if not k.startswith(("EARSHOT_", "DAGSTER_HOME"))}, **secrets}


def earshot_run(db: Path, toml: Path, secrets: dict[str, str]) -> subprocess.CompletedProcess:
    return subprocess.run([EARSHOT, "run", "--db", str(db), "--config", str(toml)], capture_output=True,
                          text=True, env=clean_environment(secrets), cwd=db.parent, timeout=300)


def earshot_run_killed(fake: FakeServer, at_request: int, db: Path, toml: Path, secrets: dict[str, str]) -> int:
    """`earshot run`, SIGKILLed (no cleanup of any kind, as in a power cut) when its `at_request`-th
    request reaches the fake, before the fake answers it. Returns the exit code."""
    start = len(fake.requests)
    process = subprocess.Popen([EARSHOT, "run", "--db", str(db), "--config", str(toml)], env=clean_environment(secrets),
                               cwd=db.parent, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                               start_new_session=True)

    def kill(n: int, request: Request) -> None:
        if n - start == at_request:
            os.killpg(process.pid, signal.SIGKILL)

    fake.before_reply = kill
    try:
        return process.wait(timeout=300)
    finally:
        fake.before_reply = None


def pull_first_source(db: Path, toml: Path) -> PullReport:
    """One pull of the first configured source, in this process (secrets from os.environ)."""
    settings = load_settings(toml)
    source = settings.sources[0]
    connector = connector_for(source, settings)
    try:
        with connect(db) as con:
            prepare_database(con, settings)
            return pull(con, source, connector, settings, datetime.now(timezone.utc))
    finally:
        connector.close()
