"""The inbox metric views, written for the current settings (SLA target, business hours)."""
from __future__ import annotations

import dagster as dg

from pipelines.resources import Warehouse
from pipelines.warehouse.prepare import prepare_database


@dg.asset(group_name="metrics", kinds={"duckdb"}, deps=["conversations"],
          description="inbox_daily/_hourly/_weekly/_daily_by_account/_daily_business views and the "
                      "inbox_period/inbox_compare macros; one row per bucket, platform and kind.")
def inbox_metrics(warehouse: Warehouse) -> dg.MaterializeResult:
    settings = warehouse.settings()
    with warehouse.connection() as con:
        prepare_database(con, settings)
        rows = con.execute("""SELECT metric, current, previous FROM inbox_compare(now() - INTERVAL 1 DAY, now())
                              WHERE metric IN ('inbound', 'reply_rate', 'sla_met')""").fetchall()
    metadata = {}
    for metric, current, previous in rows:
        metadata[f"last_24h_{metric}"] = float(current) if current is not None else None
        metadata[f"previous_24h_{metric}"] = float(previous) if previous is not None else None
    return dg.MaterializeResult(metadata=metadata)


@dg.asset_check(asset=inbox_metrics, description="Reply rate and SLA share lie in [0, 1]; answered <= inbound.")
def inbox_daily_in_range(warehouse: Warehouse) -> dg.AssetCheckResult:
    with warehouse.connection() as con:
        bad = con.execute("""
            SELECT count(*) FROM inbox_daily
            WHERE reply_rate NOT BETWEEN 0 AND 1 OR sla_met NOT BETWEEN 0 AND 1 OR answered > inbound
        """).fetchone()[0]
    return dg.AssetCheckResult(passed=bad == 0, metadata={"rows_out_of_range": bad})
