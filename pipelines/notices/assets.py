"""The `notices` asset: a draft per channel and language for every new alertable incident."""
from __future__ import annotations

from datetime import datetime, timezone

import dagster as dg

from pipelines.notices.publish import publish_approved
from pipelines.notices.store import auto_approve, draft_notices
from pipelines.resources import Warehouse


@dg.asset(group_name="notices", kinds={"duckdb", "python"}, deps=["incidents"],
          description="notices: one draft per (alertable incident, publishing source, customers' language), "
                      "from the templates; comms approve and publish them (earshot notices, dashboard), "
                      "or the pipeline does where [[notices.auto_publish]] covers the incident.")
def notices(warehouse: Warehouse) -> dg.MaterializeResult:
    settings = warehouse.settings()
    with warehouse.connection() as con:
        now = datetime.now(timezone.utc)
        drafted = draft_notices(con, settings, now)
        auto = auto_approve(con, settings, now)
        outcomes = publish_approved(con, settings, now, only=auto) if auto else []
        waiting = con.execute("SELECT count(*) FROM notices WHERE status = 'draft'").fetchone()[0]
    published = sum(o.status == "published" for o in outcomes)
    return dg.MaterializeResult(metadata={"drafted": drafted, "drafts_waiting": waiting,
                                          "auto_published": published, "auto_failed": len(outcomes) - published})
