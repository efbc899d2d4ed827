"""Warehouse-level assets: the schema, conversation keys, and the read copy for readers."""
from __future__ import annotations

import dagster as dg

from pipelines.resources import Warehouse
from pipelines.metrics import facts
from pipelines.warehouse.prepare import prepare_database
from pipelines.warehouse.conversations import note_keys_a_write_may_move, rekey_after_write
from pipelines.warehouse.migrate import current_version, migrate


@dg.asset(group_name="warehouse", kinds={"duckdb"},
          description="The warehouse at this version of Earshot and the current settings: versioned "
                      "migrations in place, the business calendar, the metric views and inbox facts.")
def warehouse_schema(warehouse: Warehouse) -> dg.MaterializeResult:
    with warehouse.connection() as con:
        applied = migrate(con)   # applied here to report them; prepare_database finds nothing left to do
        prepare_database(con, warehouse.settings())
        version = current_version(con)
    return dg.MaterializeResult(metadata={"schema_version": version, "migrations_applied": len(applied)})


def conversations_asset(upstream: list[dg.AssetKey]) -> dg.AssetsDefinition:
    """`conversations`, downstream of every ingest asset of the configured sources."""

    @dg.asset(name="conversations", group_name="warehouse", kinds={"duckdb"}, deps=upstream,
              description="`messages.conversation_key`: every message's conversation (writes keep it "
                          "current; this keys rows written by other means, without one, and their replies).")
    def _conversations(warehouse: Warehouse) -> dg.MaterializeResult:
        unkeyed = "SELECT platform, id FROM messages WHERE conversation_key IS NULL"
        with warehouse.connection() as con:
            con.execute("BEGIN TRANSACTION")
            con.execute(f"CREATE OR REPLACE TEMP TABLE unkeyed AS {unkeyed}")
            note_keys_a_write_may_move(con, "SELECT * FROM unkeyed")
            repaired = rekey_after_write(con, "SELECT * FROM unkeyed")
            facts.refresh_touched(con)   # the conversations of repaired keys
            con.execute("DROP TABLE unkeyed; COMMIT")
            total, msgs = con.execute(
                "SELECT count(DISTINCT conversation_key), count(*) FROM messages").fetchone()
        return dg.MaterializeResult(metadata={"conversations": total, "messages": msgs,
                                              "keys_repaired": repaired})

    return _conversations


@dg.asset(group_name="warehouse", kinds={"duckdb"}, deps=["inbox_metrics", "incidents", "alerts", "notices"],
          description="earshot.read.duckdb: a consistent copy of the warehouse that the dashboard and "
                      "analysts open, so that readers never block the pipeline.")
def read_copy(warehouse: Warehouse) -> dg.MaterializeResult:
    path = warehouse.publish_read_copy()
    return dg.MaterializeResult(metadata={"path": str(path), "bytes": path.stat().st_size})


@dg.asset_check(asset="conversations", description="(platform, id) is unique in messages.")
def messages_unique(warehouse: Warehouse) -> dg.AssetCheckResult:
    with warehouse.connection() as con:
        dupes = con.execute("SELECT count(*) - count(DISTINCT (platform, id)) FROM messages").fetchone()[0]
    return dg.AssetCheckResult(passed=dupes == 0, metadata={"duplicates": dupes})


@dg.asset_check(asset="conversations", description="Every message belongs to a conversation.")
def messages_have_conversation(warehouse: Warehouse) -> dg.AssetCheckResult:
    with warehouse.connection() as con:
        missing = con.execute("SELECT count(*) FROM messages WHERE conversation_key IS NULL").fetchone()[0]
    return dg.AssetCheckResult(passed=missing == 0, metadata={"without_conversation": missing})


@dg.asset_check(asset="conversations", description="No message is dated more than 5 minutes in the future "
                                                  "(a clock or time-zone bug at the source).")
def no_future_messages(warehouse: Warehouse) -> dg.AssetCheckResult:
    with warehouse.connection() as con:
        future = con.execute(
            "SELECT count(*) FROM messages WHERE created_at > now() + INTERVAL 5 MINUTE").fetchone()[0]
    return dg.AssetCheckResult(passed=future == 0, severity=dg.AssetCheckSeverity.WARN,
                               metadata={"future_messages": future})
