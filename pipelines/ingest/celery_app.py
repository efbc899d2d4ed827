"""The target of `celery -A pipelines.ingest.celery_app worker`, which `earshot worker` starts."""
from pipelines.ingest.workers import celery_app

app = celery_app()
