"""The Dagster definitions: assembled here, defined in each topic's folder.

Two jobs: `tick` (every 5 minutes) listens and detects; when it changes incidents, the `incidents_changed`
sensor starts `act`, which alerts the care team and drafts (and, where configured, auto-publishes) notices.
Both end by publishing the read copy the dashboard opens. `earshot run` runs `tick` then `act`.

`dagster dev -w workspace.yaml` loads `defs`; `earshot run` builds the same with `build_definitions`.
The database and configuration come from EARSHOT_DB / EARSHOT_CONFIG (see pipelines/config.py).
"""
from __future__ import annotations

import dagster as dg

from pipelines.alerts import assets as alerts_assets
from pipelines.config import load_settings
from pipelines.detection import assets as detection_assets
from pipelines.ingest.assets import ingest_asset
from pipelines.metrics import assets as metrics_assets
from pipelines.notices import assets as notices_assets
from pipelines.resources import Warehouse
from pipelines.warehouse import assets as warehouse_assets
from pipelines.warehouse.connection import resolve_db_path

TICK_JOB = "tick"
ACT_JOB = "act"


def build_definitions(db_path: str | None = None, config_path: str | None = None) -> dg.Definitions:
    settings = load_settings(config_path)
    ingest = [ingest_asset(source) for source in settings.sources]
    conversations = warehouse_assets.conversations_asset([a.key for a in ingest])
    assets = [warehouse_assets.warehouse_schema, *ingest, conversations,
              metrics_assets.inbox_metrics, detection_assets.incidents, alerts_assets.alerts,
              notices_assets.notices, warehouse_assets.read_copy]
    acting = dg.AssetSelection.assets(alerts_assets.alerts, notices_assets.notices, warehouse_assets.read_copy)
    checks = [*dg.load_asset_checks_from_modules([warehouse_assets, metrics_assets, detection_assets])]
    # In one process: every step writes the same DuckDB file, so parallel processes would only queue
    # on its lock, and each process would pay Dagster's start-up.
    tick = dg.define_asset_job(TICK_JOB, selection=dg.AssetSelection.all() - acting
                               | dg.AssetSelection.assets(warehouse_assets.read_copy),
                               executor_def=dg.in_process_executor,
                               description="One tick: pull every source, rebuild conversations and metrics, "
                                           "detect incidents, publish the read copy.")
    act = dg.define_asset_job(ACT_JOB, selection=acting, executor_def=dg.in_process_executor,
                              description="Act on incidents: alert the care team, draft notices (and publish "
                                          "those auto-publishing covers), publish the read copy.")
    return dg.Definitions(
        assets=assets,
        asset_checks=checks,
        jobs=[tick, act],
        sensors=[incidents_changed_sensor(act)],
        schedules=[dg.ScheduleDefinition(name="tick_every_5_minutes", job=tick, cron_schedule="*/5 * * * *",
                                         default_status=dg.DefaultScheduleStatus.RUNNING)],
        resources={"warehouse": Warehouse(db_path=str(resolve_db_path(db_path)),
                                          config_path=str(settings.path or ""))},
    )


def incidents_changed_sensor(act: dg.UnresolvedAssetJobDefinition) -> dg.SensorDefinition:
    @dg.asset_sensor(asset_key=detection_assets.incidents.key, job=act, name="incidents_changed",
                     minimum_interval_seconds=30, default_status=dg.DefaultSensorStatus.RUNNING,
                     description="Runs `act` after a detection that opened or changed incidents, or while "
                                 "alerts wait for a delivery retry.")
    def incidents_changed(context: dg.SensorEvaluationContext, asset_event: dg.EventLogEntry):
        metadata = asset_event.asset_materialization.metadata if asset_event.asset_materialization else {}
        changed = sum(metadata[k].value for k in ("opened", "updated", "alerts_waiting") if k in metadata)
        if not changed:
            return dg.SkipReason("the last detection changed no incident and no alert is waiting")
        return dg.RunRequest(run_key=f"after-{asset_event.run_id}")  # one `act` per detection run
    return incidents_changed


defs = build_definitions()
