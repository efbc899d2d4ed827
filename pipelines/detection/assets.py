"""The `incidents` asset: detection over messages not yet processed, in event time."""
from __future__ import annotations

import dagster as dg

from pipelines.detection.run import count_open_alerts, detect
from pipelines.resources import Warehouse


@dg.asset(group_name="detection", kinds={"duckdb", "python"}, deps=["conversations"],
          description="incidents, incident_messages and incident_events: emerging complaint topics found "
                      "window by window (a minute of event time) from the watermark in detector_state.")
def incidents(warehouse: Warehouse) -> dg.MaterializeResult:
    settings = warehouse.settings()
    with warehouse.connection() as con:
        report = detect(con, settings)
        open_alerts = count_open_alerts(con)
        # deliveries to retry: the incidents_changed sensor starts `act` for them even when nothing changed
        alerts_waiting = con.execute("SELECT count(*) FROM alerts WHERE status = 'pending'").fetchall()[0][0]
    return dg.MaterializeResult(metadata={
        "windows": report.windows, "messages": report.messages, "late_messages": report.late_messages,
        "opened": report.opened, "updated": report.updated, "open_alerts": open_alerts,
        "alerts_waiting": alerts_waiting,
    })


@dg.asset_check(asset=incidents, description="Every incident was raised no earlier than its first message, "
                                               "and holds the messages it counts.")
def incidents_consistent(warehouse: Warehouse) -> dg.AssetCheckResult:
    with warehouse.connection() as con:
        bad = con.execute("""
            SELECT count(*) FROM incidents i
            WHERE i.detected_at < i.first_message_at
               OR i.message_count <> (SELECT count(*) FROM incident_messages m WHERE m.incident_id = i.incident_id)
        """).fetchone()[0]
    return dg.AssetCheckResult(passed=bad == 0, metadata={"inconsistent_incidents": bad})
