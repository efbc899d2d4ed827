"""Where the `pull` job's steps run: Dagster's multiprocess executor on this machine, or its celery executor
on workers anywhere (`earshot worker` on each machine, all reading the same `earshot.toml`).

What the machines share: the landing directory (`[scale] landing`), the Celery broker and result backend,
and Dagster's instance storage (DAGSTER_HOME; on several machines a Postgres-backed dagster.yaml, see
docs/scale-out.md). A filesystem broker (`filesystem:///shared/dir`) needs no server at all: Celery
exchanges its messages as files in that directory, which is how the tests run several workers here.
"""
from __future__ import annotations

from pathlib import Path
from typing import Any

import dagster as dg

from pipelines.config import Scale

FILESYSTEM = "filesystem://"
QUEUE = "dagster"   # the queue dagster-celery submits steps to


def _folder_of(url: str, scheme: str) -> Path | None:
    """The directory a `filesystem:///dir` or `file:///dir` URL names (created if missing), else None."""
    if url.startswith(scheme) and len(url) > len(scheme):
        folder = Path(url.removeprefix(scheme))
        folder.mkdir(parents=True, exist_ok=True)
        return folder
    return None


def celery_settings(scale: Scale, resolve_secret: bool) -> dict[str, Any]:
    """The celery executor's config. A broker URL from `broker_env` stays an environment reference in the
    job (so Dagster never stores it) unless `resolve_secret` (the worker, which must connect with it)."""
    url = scale.broker_url()
    settings: dict[str, Any] = {"broker": url, "backend": scale.backend or "rpc://", "config_source": {}}
    folder = _folder_of(url, FILESYSTEM)
    if folder is not None:
        settings["broker"] = FILESYSTEM
        settings["config_source"]["broker_transport_options"] = {"data_folder_in": str(folder),
                                                                 "data_folder_out": str(folder)}
    elif scale.broker_env and not resolve_secret:
        settings["broker"] = {"env": scale.broker_env}
    _folder_of(settings["backend"], "file://")
    return settings


def pull_executor(scale: Scale) -> dg.ExecutorDefinition:
    """The executor of the `pull` job: every source's pull is a step of its own, run in parallel."""
    if scale.executor == "celery":
        from dagster_celery import celery_executor

        return celery_executor.configured(celery_settings(scale, resolve_secret=False), name="celery")
    return dg.multiprocess_executor


def celery_app() -> Any:
    """The Celery app a worker serves (`celery -A pipelines.ingest.celery_app`), from this machine's
    earshot.toml (EARSHOT_CONFIG)."""
    from dagster_celery.executor import CeleryExecutor
    from dagster_celery.make_app import make_app
    from dagster_celery.tasks import create_task

    from pipelines.config import load_settings

    scale = load_settings().scale
    settings = celery_settings(scale, resolve_secret=True)
    app = make_app(CeleryExecutor.for_cli(broker=settings["broker"], backend=settings["backend"],
                                          config_source=settings["config_source"]).app_args())
    create_task(app)   # registers the task that executes a step
    return app
