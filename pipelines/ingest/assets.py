"""One Dagster asset per configured source: its messages in `messages`, pulled from the stored cursor."""
from __future__ import annotations

import re
from datetime import datetime, timezone

import dagster as dg

from connectors.http import ConnectorError
from pipelines.config import Source
from pipelines.errors import EarshotError
from pipelines.ingest.pull import connector_for, pull
from pipelines.resources import Warehouse


def asset_name(source: Source) -> str:
    return "ingest_" + re.sub(r"[^A-Za-z0-9_]", "_", source.name)


def ingest_asset(source: Source) -> dg.AssetsDefinition:
    @dg.asset(
        name=asset_name(source),
        group_name="ingest",
        kinds={"duckdb", "python"},
        deps=["warehouse_schema"],
        description=f"Messages from source {source.name!r} ({source.platform}): one row per message in "
                    f"`messages`, fetched since the cursor in `source_cursors` and stored with it atomically.",
        retry_policy=dg.RetryPolicy(max_retries=2, delay=5, backoff=dg.Backoff.EXPONENTIAL),
    )
    def _ingest(warehouse: Warehouse) -> dg.MaterializeResult:
        settings = warehouse.settings()
        try:
            connector = connector_for(source, settings)
            try:
                with warehouse.connection() as con:
                    report = pull(con, source, connector, settings, datetime.now(timezone.utc))
            finally:
                connector.close()
        except EarshotError as exc:  # bad configuration or input: retrying cannot help
            raise dg.Failure(description=str(exc), allow_retries=False) from None
        except ConnectorError as exc:
            # The network let us down after the client's own retries. The messages stored so far are
            # intact and the other sources, metrics and detection go on: the failure is recorded in
            # connector_runs (source_health shows it) and reported, and the next tick tries again.
            return dg.MaterializeResult(metadata={"error": str(exc)})
        return dg.MaterializeResult(metadata={
            "fetched": report.fetched, "inserted": report.counts.inserted,
            "updated": report.counts.updated, "rejected": report.rejected, "cursor": report.cursor,
        })

    return _ingest
