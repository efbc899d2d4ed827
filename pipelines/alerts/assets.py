"""The `alerts` asset: plan alerts for new incident lifecycle events and deliver what is due."""
from __future__ import annotations

from datetime import datetime, timezone

import dagster as dg

from pipelines.alerts.store import run_alerts
from pipelines.resources import Warehouse


@dg.asset(group_name="notices", kinds={"duckdb", "python"}, deps=["incidents"],
          description="alerts and alert_attempts: each incident's opening, escalation and resolution, told to "
                      "the care team once per channel (Slack, signed webhook, email), with cooldowns and retries.")
def alerts(warehouse: Warehouse) -> dg.MaterializeResult:
    settings = warehouse.settings()
    with warehouse.connection() as con:
        report = run_alerts(con, settings, datetime.now(timezone.utc))
    return dg.MaterializeResult(metadata={
        "planned": report.planned, "suppressed": report.suppressed, "sent": report.sent,
        "retrying": report.retrying, "failed": report.failed,
    })
