"""The Dagster definitions: assembled here, defined in each topic's folder.

Two jobs: `tick` (every 5 minutes) listens and detects; when it changes incidents, the `incidents_changed`
sensor starts `act`, which alerts the care team and drafts (and, where configured, auto-publishes) notices.
Both end by publishing the read copy the dashboard opens. `earshot run` runs `tick` then `act`.
With `[scale] landing` set, a third job, `pull`, fetches every source into the landing zone on any worker
(multiprocess or celery executor), and `tick` loads what landed instead of pulling; `earshot run` runs
`pull`, `tick`, `act`.

`dagster dev -w workspace.yaml` loads `defs`; `earshot run` builds the same with `build_definitions`.
The database and configuration come from EARSHOT_DB / EARSHOT_CONFIG (see pipelines/config.py).
"""
from __future__ import annotations

import dagster as dg

from pipelines.alerts import assets as alerts_assets
from pipelines.config import load_settings
from pipelines.detection import assets as detection_assets
from pipelines.ingest.assets import ingest_asset, landed_asset
from pipelines.ingest.workers import pull_executor
from pipelines.metrics import assets as metrics_assets
from pipelines.notices import assets as notices_assets
from pipelines.resources import Warehouse
from pipelines.warehouse import assets as warehouse_assets
from pipelines.warehouse.connection import resolve_db_path

TICK_JOB = "tick"
ACT_JOB = "act"
PULL_JOB = "pull"


def build_definitions(db_path: str | None = None, config_path: str | None = None) -> dg.Definitions:
    settings = load_settings(config_path)
    landing = settings.scale.landing is not None
    ingest = [ingest_asset(source, landing) for source in settings.sources]
    # In landing mode the pulls write files, not the warehouse, and `landed` loads them: see ingest/landing.py.
    loader = [landed_asset([a.key for a in ingest])] if landing else []
    conversations = warehouse_assets.conversations_asset([a.key for a in loader or ingest])
    assets = [warehouse_assets.warehouse_schema, *ingest, *loader, conversations,
              metrics_assets.inbox_metrics, detection_assets.incidents, alerts_assets.alerts,
              notices_assets.notices, warehouse_assets.read_copy]
    acting = dg.AssetSelection.assets(alerts_assets.alerts, notices_assets.notices, warehouse_assets.read_copy)
    pulls = dg.AssetSelection.assets(*ingest) if landing else dg.AssetSelection.assets()
    checks = [*dg.load_asset_checks_from_modules([warehouse_assets, metrics_assets, detection_assets])]
    # In one process: every step writes the same DuckDB file, so parallel processes would only queue
    # on its lock, and each process would pay Dagster's start-up.
    tick = dg.define_asset_job(TICK_JOB, selection=dg.AssetSelection.all() - acting - pulls
                               | dg.AssetSelection.assets(warehouse_assets.read_copy),
                               executor_def=dg.in_process_executor,
                               description="One tick: pull every source, rebuild conversations and metrics, "
                                           "detect incidents, publish the read copy.")
    act = dg.define_asset_job(ACT_JOB, selection=acting, executor_def=dg.in_process_executor,
                              description="Act on incidents: alert the care team, draft notices (and publish "
                                          "those auto-publishing covers), publish the read copy.")
    jobs, schedules = [tick, act], [dg.ScheduleDefinition(name="tick_every_5_minutes", job=tick,
                                                          cron_schedule="*/5 * * * *",
                                                          default_status=dg.DefaultScheduleStatus.RUNNING)]
    if landing:
        pull = dg.define_asset_job(PULL_JOB, selection=pulls, executor_def=pull_executor(settings.scale),
                                   description="Pull every source into the landing zone, each source a step of "
                                               "its own, on any worker; `tick` loads what landed.")
        jobs.append(pull)
        schedules.append(dg.ScheduleDefinition(name="pull_every_5_minutes", job=pull, cron_schedule="*/5 * * * *",
                                               default_status=dg.DefaultScheduleStatus.RUNNING))
    return dg.Definitions(
        assets=assets,
        asset_checks=checks,
        jobs=jobs,
        sensors=[incidents_changed_sensor(act)],
        schedules=schedules,
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
