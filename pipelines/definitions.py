"""The Dagster definitions: assembled here, defined in each topic's folder.

`dagster dev -w workspace.yaml` loads `defs`; `earshot run` builds the same with `build_definitions`.
The database and configuration come from EARSHOT_DB / EARSHOT_CONFIG (see pipelines/config.py).
"""
from __future__ import annotations

import dagster as dg

from pipelines.config import load_settings
from pipelines.detection import assets as detection_assets
from pipelines.ingest.assets import ingest_asset
from pipelines.metrics import assets as metrics_assets
from pipelines.notices import assets as notices_assets
from pipelines.resources import Warehouse
from pipelines.warehouse import assets as warehouse_assets
from pipelines.warehouse.connection import resolve_db_path

TICK_JOB = "tick"


def build_definitions(db_path: str | None = None, config_path: str | None = None) -> dg.Definitions:
    settings = load_settings(config_path)
    ingest = [ingest_asset(source) for source in settings.sources]
    conversations = warehouse_assets.conversations_asset([a.key for a in ingest])
    assets = [warehouse_assets.warehouse_schema, *ingest, conversations,
              metrics_assets.inbox_metrics, detection_assets.incidents, notices_assets.notices,
              warehouse_assets.read_copy]
    checks = [*dg.load_asset_checks_from_modules([warehouse_assets, metrics_assets, detection_assets])]
    # In one process: every step writes the same DuckDB file, so parallel processes would only queue
    # on its lock, and each process would pay Dagster's start-up.
    tick = dg.define_asset_job(TICK_JOB, selection=dg.AssetSelection.all(),
                               executor_def=dg.in_process_executor,
                               description="One tick: pull every source, rebuild conversations and metrics, "
                                           "detect incidents, draft notices, publish the read copy.")
    return dg.Definitions(
        assets=assets,
        asset_checks=checks,
        jobs=[tick],
        schedules=[dg.ScheduleDefinition(name="tick_every_5_minutes", job=tick, cron_schedule="*/5 * * * *",
                                         default_status=dg.DefaultScheduleStatus.RUNNING)],
        resources={"warehouse": Warehouse(db_path=str(resolve_db_path(db_path)),
                                          config_path=str(settings.path or ""))},
    )


defs = build_definitions()
