"""The `notices` asset: a draft per channel and language for every new alertable incident."""
from __future__ import annotations

from datetime import datetime, timezone

import dagster as dg

from pipelines.notices.store import draft_notices
from pipelines.resources import Warehouse


@dg.asset(group_name="notices", kinds={"duckdb", "python"}, deps=["incidents"],
          description="notices: one draft per (alertable incident, publishing source, customers' language), "
                      "from the templates; comms approve and publish them (earshot notices, dashboard).")
def notices(warehouse: Warehouse) -> dg.MaterializeResult:
    settings = warehouse.settings()
    with warehouse.connection() as con:
        drafted = draft_notices(con, settings, datetime.now(timezone.utc))
        waiting = con.execute("SELECT count(*) FROM notices WHERE status = 'draft'").fetchone()[0]
    return dg.MaterializeResult(metadata={"drafted": drafted, "drafts_waiting": waiting})
