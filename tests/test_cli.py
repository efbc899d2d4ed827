"""The `earshot` command as users run it: real processes, real files."""
from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import duckdb
import httpx
import pytest

from tests.conftest import msg, write_jsonl

EARSHOT = str(Path(sys.executable).parent / "earshot")


def earshot(*args: str, cwd: Path, stdin: str | None = None, env: dict | None = None) -> subprocess.CompletedProcess:
    environment = {k: v for k, v in os.environ.items() if not k.startswith(("EARSHOT_", "DAGSTER_HOME"))}
    environment.update(env or {})
    return subprocess.run([EARSHOT, *args], cwd=cwd, input=stdin, capture_output=True, text=True,
                          env=environment, timeout=300)


def test_import_from_stdin_prints_counts_and_each_rejected_line(tmp_path):
    lines = [json.dumps(msg("1", "2026-11-20T10:00:00Z")), "garbage", json.dumps(msg("2", "2026-11-20T11:00:00Z"))]
    done = earshot("import", "-", "--db", "w.duckdb", cwd=tmp_path, stdin="\n".join(lines))
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "stdin: read 3, inserted 2, updated 0, unchanged 0, rejected 1"
    assert "rejected stdin:2: invalid JSON" in done.stderr
    again = earshot("import", "-", "--db", "w.duckdb", cwd=tmp_path, stdin="\n".join(lines))
    assert "inserted 0, updated 0, unchanged 2, rejected 1" in again.stdout
    with duckdb.connect(str(tmp_path / "w.read.duckdb"), read_only=True) as reader:
        assert reader.execute("SELECT count(*) FROM messages").fetchone()[0] == 2


def test_db_comes_from_the_environment(tmp_path):
    path = write_jsonl(tmp_path / "a.jsonl", [msg("1", "2026-11-20T10:00:00Z")])
    done = earshot("import", str(path), cwd=tmp_path, env={"EARSHOT_DB": str(tmp_path / "env.duckdb")})
    assert done.returncode == 0 and (tmp_path / "env.duckdb").exists()
    assert not (tmp_path / "data").exists()


@pytest.mark.parametrize("args, config, expected", [
    (["import", "nope.jsonl"], None, "earshot: error: nope.jsonl: cannot read: No such file or directory"),
    (["run"], "[sla]\nfirst_response_minutes = 'soon'\n", "sla.first_response_minutes must be int"),
    (["run", "--config", "missing.toml"], None, "missing.toml: configuration file not found"),
    (["run"], "[[sources]]\nplatform = 'linkedin'\n", "platform 'linkedin' has no connector yet"),
    (["run"], "[[sources]]\nplatform = 'mastodon'\nservice = 'https://m.example'\ntoken_env = 'EARSHOT_M_TOKEN'\n",
     "source 'mastodon': environment variable EARSHOT_M_TOKEN is not set"),
])
def test_bad_input_is_one_line_and_non_zero(tmp_path, args, config, expected):
    if config:
        (tmp_path / "earshot.toml").write_text(config)
    done = earshot(*args, "--db", "w.duckdb", cwd=tmp_path)
    assert done.returncode != 0
    lines = [line for line in done.stderr.splitlines() if line.strip()]
    assert len(lines) == 1 and expected in lines[0], done.stderr
    assert "Traceback" not in done.stderr


@pytest.mark.slow
def test_demo_serves_the_dashboard_over_fourteen_days_of_history(tmp_path):
    port = 18501
    process = subprocess.Popen([EARSHOT, "demo", "--db", "d.duckdb", "--port", str(port)], cwd=tmp_path,
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                               env={k: v for k, v in os.environ.items() if not k.startswith("EARSHOT_")},
                               start_new_session=True)
    try:
        deadline = time.monotonic() + 180
        page = None
        while time.monotonic() < deadline and process.poll() is None:
            try:
                health = httpx.get(f"http://127.0.0.1:{port}/_stcore/health", timeout=2)
                if health.status_code == 200:
                    page = httpx.get(f"http://127.0.0.1:{port}/", timeout=5)
                    break
            except httpx.TransportError:
                pass
            time.sleep(1)
        assert page is not None and page.status_code == 200, process.stderr.read() if process.poll() else ""
        with duckdb.connect(str(tmp_path / "d.read.duckdb"), read_only=True) as reader:
            days = reader.execute("SELECT count(DISTINCT day) FROM inbox_daily").fetchone()[0]
        assert days >= 14
    finally:
        os.killpg(process.pid, signal.SIGINT)
        process.wait(timeout=30)
    assert not list(tmp_path.glob("*.tmp*"))
