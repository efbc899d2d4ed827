"""The Dagster definitions, and the tick they run, on a real DuckDB file."""
from __future__ import annotations

from datetime import datetime, timezone

import dagster as dg
import duckdb
import pytest

from connectors.demo import DemoSource, DemoStream
from pipelines.config import Settings, Source
from pipelines.definitions import TICK_JOB, build_definitions
from pipelines.ingest import pull as pull_module
from pipelines.ingest.pull import pull, read_cursor
from pipelines.warehouse.connection import connect, read_copy_path


def test_definitions_snapshot(db_path):
    defs = build_definitions(str(db_path))
    keys = {k.to_user_string() for k in defs.resolve_all_asset_keys()}
    assert keys == {"warehouse_schema", "ingest_demo", "conversations", "inbox_metrics", "read_copy"}
    graph = defs.resolve_asset_graph()
    assert graph.get(dg.AssetKey("conversations")).parent_keys == {dg.AssetKey("ingest_demo")}
    assert graph.get(dg.AssetKey("ingest_demo")).parent_keys == {dg.AssetKey("warehouse_schema")}
    checks = {c.name for c in graph.asset_check_keys}
    assert checks == {"messages_unique", "messages_have_conversation", "no_future_messages",
                      "inbox_daily_in_range"}
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
    assert span_days >= 13.9
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
