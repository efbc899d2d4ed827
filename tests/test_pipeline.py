"""The Dagster definitions, and the tick they run, on a real DuckDB file."""
from __future__ import annotations

from datetime import datetime, timezone

import dagster as dg
import duckdb
import pytest

from connectors.demo import DemoSource, DemoStream
from pipelines.config import Settings, Source
from pipelines.definitions import ACT_JOB, TICK_JOB, build_definitions
from pipelines.ingest import pull as pull_module
from pipelines.ingest.pull import pull, read_cursor
from pipelines.warehouse.connection import connect, read_copy_path


def test_definitions_snapshot(db_path):
    defs = build_definitions(str(db_path))
    keys = {k.to_user_string() for k in defs.resolve_all_asset_keys()}
    assert keys == {"warehouse_schema", "ingest_demo", "conversations", "inbox_metrics", "incidents", "alerts",
                    "notices", "read_copy"}
    graph = defs.resolve_asset_graph()
    assert graph.get(dg.AssetKey("conversations")).parent_keys == {dg.AssetKey("ingest_demo")}
    assert graph.get(dg.AssetKey("ingest_demo")).parent_keys == {dg.AssetKey("warehouse_schema")}
    checks = {c.name for c in graph.asset_check_keys}
    assert checks == {"messages_unique", "messages_have_conversation", "no_future_messages",
                      "inbox_daily_in_range", "incidents_consistent"}
    assert graph.get(dg.AssetKey("read_copy")).parent_keys == {dg.AssetKey(k) for k in (
        "inbox_metrics", "incidents", "alerts", "notices")}
    assert graph.get(dg.AssetKey("notices")).parent_keys == {dg.AssetKey("incidents")}
    assert graph.get(dg.AssetKey("alerts")).parent_keys == {dg.AssetKey("incidents")}
    act = defs.resolve_job_def(ACT_JOB).asset_layer.executable_asset_keys
    assert {k.to_user_string() for k in act} == {"alerts", "notices", "read_copy"}
    sensor = defs.resolve_sensor_def("incidents_changed")
    assert sensor.job_name == ACT_JOB and sensor.default_status == dg.DefaultSensorStatus.RUNNING
    schedule = defs.resolve_schedule_def("tick_every_5_minutes")
    assert schedule.cron_schedule == "*/5 * * * *"
    assert schedule.default_status == dg.DefaultScheduleStatus.RUNNING
    assert schedule.job_name == TICK_JOB


def run_tick(db_path) -> dg.ExecuteInProcessResult:
    result = build_definitions(str(db_path)).resolve_job_def(TICK_JOB).execute_in_process(
        instance=dg.DagsterInstance.ephemeral())
    assert result.success
    return result


def test_two_ticks_fetch_only_new_messages_and_duplicate_nothing(db_path):
    first = run_tick(db_path)
    ingest = first.asset_materializations_for_node("ingest_demo")[0].metadata
    assert ingest["inserted"].value > 5000  # 14 days of backfill
    with connect(db_path) as con:
        total, span_days = con.execute(
            "SELECT count(*), date_diff('hour', min(created_at), max(created_at)) / 24 FROM messages").fetchone()
    assert span_days >= 13.5   # 14 days back to now; the quiet night hours at either end hold few messages
    second = run_tick(db_path)
    again = second.asset_materializations_for_node("ingest_demo")[0].metadata
    assert again["inserted"].value < 50  # only the seconds since the first tick
    with connect(db_path) as con:
        after = con.execute("SELECT count(*), count(DISTINCT (platform, id)) FROM messages").fetchone()
    assert after[0] == after[1] == total + again["inserted"].value
    for check in second.get_asset_check_evaluations():
        assert check.passed, check.check_name
    with duckdb.connect(str(read_copy_path(db_path)), read_only=True) as reader:
        assert reader.execute("SELECT count(*) FROM messages").fetchone()[0] == after[0]
        assert reader.execute("SELECT sum(inbound) FROM inbox_daily").fetchone()[0] > 3000


def test_a_failed_pull_advances_neither_messages_nor_cursor(db_path, monkeypatch):
    from pipelines.warehouse.prepare import prepare_database

    source = Source(platform="demo", name="demo")
    connector = DemoSource(DemoStream(seed=1), backfill_days=2)
    now = datetime(2026, 11, 22, tzinfo=timezone.utc)
    with connect(db_path) as con:
        prepare_database(con, Settings())

        def crash(*args, **kwargs):
            raise RuntimeError("power cut")

        monkeypatch.setattr(pull_module, "rebuild_calendar", crash)
        with pytest.raises(RuntimeError):
            pull(con, source, connector, Settings(), now)
        assert read_cursor(con, "demo") is None
        assert con.execute("SELECT count(*) FROM messages").fetchone()[0] == 0
        monkeypatch.undo()
        report = pull(con, source, connector, Settings(), now)
        assert report.counts.inserted == report.fetched > 0
        assert read_cursor(con, "demo") == now.isoformat()


def test_workspace_loads_in_dagster(tmp_path):
    import os
    import subprocess
    import sys
    from pathlib import Path

    repo = Path(__file__).resolve().parent.parent
    env = dict(os.environ, DAGSTER_HOME=str(tmp_path), EARSHOT_DB=str(tmp_path / "e.duckdb"))
    (tmp_path / "dagster.yaml").write_text("telemetry:\n  enabled: false\n")
    done = subprocess.run([str(Path(sys.executable).parent / "dagster"), "definitions", "validate",
                           "-w", str(repo / "workspace.yaml")], cwd=repo, env=env, capture_output=True,
                          text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    assert "All code locations passed validation" in done.stderr + done.stdout


@pytest.mark.slow
def test_dagster_dev_serves_the_ui_and_leaves_no_stray_folders(tmp_path):
    import os
    import signal
    import subprocess
    import sys
    import time
    from pathlib import Path

    import httpx

    port = 13111
    env = {k: v for k, v in os.environ.items() if not k.startswith(("EARSHOT_", "DAGSTER_HOME"))}
    process = subprocess.Popen([str(Path(sys.executable).parent / "earshot"), "dagster-dev", "--port", str(port)],
                               cwd=tmp_path, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                               start_new_session=True)
    try:
        deadline, info = time.monotonic() + 120, None
        while time.monotonic() < deadline and process.poll() is None:
            try:
                info = httpx.get(f"http://127.0.0.1:{port}/server_info", timeout=2)
                if info.status_code == 200:
                    break
            except httpx.TransportError:
                time.sleep(1)
        assert info is not None and info.status_code == 200
    finally:
        os.killpg(process.pid, signal.SIGINT)
        try:
            process.wait(timeout=60)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            raise
    assert sorted(os.listdir(tmp_path)) == ["data"]  # DAGSTER_HOME went to data/dagster
    assert (tmp_path / "data" / "dagster" / "dagster.yaml").read_text().count("enabled: false") == 1


def test_the_sensor_starts_act_after_a_detection_that_changed_incidents_and_only_then(db_path):
    defs = build_definitions(str(db_path))
    instance = dg.DagsterInstance.ephemeral()
    tick, sensor = defs.resolve_job_def(TICK_JOB), defs.resolve_sensor_def("incidents_changed")

    first = tick.execute_in_process(instance=instance)
    assert first.asset_materializations_for_node("incidents")[0].metadata["opened"].value > 0  # 14 days of history
    evaluation = sensor.evaluate_tick(dg.build_sensor_context(instance=instance, definitions=defs))
    assert [r.run_key for r in evaluation.run_requests] == [f"after-{first.run_id}"]
    seen = evaluation.cursor
    again = sensor.evaluate_tick(dg.build_sensor_context(instance=instance, definitions=defs, cursor=seen))
    assert again.run_requests == []                              # the same detection is acted on once

    quiet = tick.execute_in_process(instance=instance)          # seconds later: (almost always) nothing new
    metadata = quiet.asset_materializations_for_node("incidents")[0].metadata
    changed = sum(metadata[k].value for k in ("opened", "updated", "alerts_waiting"))
    after_quiet = sensor.evaluate_tick(dg.build_sensor_context(instance=instance, definitions=defs, cursor=seen))
    if changed:   # a 5-minute window closed between the two ticks and touched an incident
        assert [r.run_key for r in after_quiet.run_requests] == [f"after-{quiet.run_id}"]
    else:
        assert after_quiet.run_requests == [] and "changed no incident" in after_quiet.skip_message

    act = defs.resolve_job_def(ACT_JOB).execute_in_process(instance=instance)
    assert act.success
    assert {e.asset_key.to_user_string() for e in act.get_asset_materialization_events()} == {
        "alerts", "notices", "read_copy"}
