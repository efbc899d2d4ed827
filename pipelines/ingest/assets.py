"""One Dagster asset per configured source: its messages pulled from the stored cursor.

Pulled straight into `messages` by default. With `[scale] landing` set, each source's asset lands its pull
in the landing zone instead (it needs no warehouse, so it runs on any worker: the `pull` job), and the
`landed` asset loads what landed into `messages` on the warehouse's machine (pipelines/ingest/landing.py).
"""
from __future__ import annotations

import re
from datetime import datetime, timezone

import dagster as dg

from connectors.http import ConnectorError
from pipelines.config import Source
from pipelines.errors import EarshotError
from pipelines.ingest.landing import LandingZone, load_landed, pull_to_landing
from pipelines.ingest.pull import connector_for, pull
from pipelines.resources import Warehouse


def asset_name(source: Source) -> str:
    return "ingest_" + re.sub(r"[^A-Za-z0-9_]", "_", source.name)


def ingest_asset(source: Source, landing: bool) -> dg.AssetsDefinition:
    where = "lands them in the landing zone (`[scale] landing`), with the cursor beside them" if landing else \
        "stores them in `messages` with the cursor in `source_cursors`, atomically"
    @dg.asset(
        name=asset_name(source),
        group_name="pull" if landing else "ingest",
        kinds={"parquet" if landing else "duckdb", "python"},
        deps=[] if landing else ["warehouse_schema"],
        description=f"Messages from source {source.name!r} ({source.platform}): fetches what is new since "
                    f"the cursor and {where}.",
        retry_policy=dg.RetryPolicy(max_retries=2, delay=5, backoff=dg.Backoff.EXPONENTIAL),
    )
    def _ingest(warehouse: Warehouse) -> dg.MaterializeResult:
        settings = warehouse.settings()
        now = datetime.now(timezone.utc)
        try:
            connector = connector_for(source, settings)
            try:
                if landing:
                    run = pull_to_landing(LandingZone(settings.scale.landing), source, connector, now)
                    return dg.MaterializeResult(metadata={
                        "fetched": run.fetched, "rejected": len(run.rejected), "cursor": run.cursor or "",
                        "landed_by": run.landed_by})
                with warehouse.connection() as con:
                    report = pull(con, source, connector, settings, now)
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


def landed_asset(pulls: list[dg.AssetKey]) -> dg.AssetsDefinition:
    """`landed`: the landing zone's new files loaded into `messages` (landing mode only)."""

    @dg.asset(name="landed", group_name="ingest", kinds={"duckdb"}, deps=["warehouse_schema", *pulls],
              description="Every file the pulls landed and the warehouse has not loaded yet, each in one "
                          "transaction with its cursor, its `connector_runs` row and its `landed_files` row.")
    def _landed(warehouse: Warehouse) -> dg.MaterializeResult:
        settings = warehouse.settings()
        with warehouse.connection() as con:
            report = load_landed(con, LandingZone(settings.scale.landing), settings)
        metadata = {"files": report.files, "messages": report.messages, "inserted": report.inserted}
        if report.errors:   # shown by `earshot run` as errors; the files are recorded and skipped from now on
            metadata["error"] = "; ".join(report.errors)
        return dg.MaterializeResult(metadata=metadata)

    return _landed
