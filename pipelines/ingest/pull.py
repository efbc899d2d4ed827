"""Pull one configured source into the warehouse: cursor, fetch, upsert, cursor, in one transaction."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import duckdb
import pyarrow as pa

from connectors.base import Connector
from connectors.bluesky import BlueskyClient, BlueskySource
from connectors.demo import DemoSource, DemoStream
from connectors.http import ConnectorError
from connectors.mastodon import MastodonClient, MastodonSource
from connectors.x import XSource
from pipelines.clients import platform_client
from pipelines.config import Settings, Source
from pipelines.ingest.health import fail_run, finish_run, start_run
from pipelines.warehouse.messages import UpsertCounts, begin_staging, record_rejects, stage, upsert_staged
from pipelines.warehouse.prepare import rebuild_calendar


def connector_for(source: Source, settings: Settings) -> Connector:
    """The connector of a configured source; a missing secret is an error here, before any request."""
    if source.platform == "demo":
        stream = DemoStream(seed=source.seed, brand=settings.brand, platform="demo", account=source.name)
        return DemoSource(stream, backfill_days=source.backfill_days)
    client = platform_client(source)
    if isinstance(client, BlueskyClient):
        return BlueskySource(client, source.name, source.search)
    if isinstance(client, MastodonClient):
        return MastodonSource(client, source.name)
    return XSource(client, source.name, dms=source.dms)


@dataclass(frozen=True)
class PullReport:
    source: str
    fetched: int
    counts: UpsertCounts
    cursor: str
    rejected: int = 0


def read_cursor(con: duckdb.DuckDBPyConnection, source: str) -> str | None:
    row = con.execute("SELECT cursor FROM source_cursors WHERE source = ?", [source]).fetchone()
    return row[0] if row else None


def store_batch(con: duckdb.DuckDBPyConnection, source: str, batch: pa.Table, rejected: list[tuple[str, str]],
                cursor: str, settings: Settings) -> UpsertCounts:
    """A source's batch upserted, its rejects recorded and its cursor stored, inside the caller's transaction."""
    begin_staging(con)
    stage(con, batch)
    counts = upsert_staged(con, settings.languages)
    record_rejects(con, source, [(None, reason, raw) for reason, raw in rejected])
    con.execute("INSERT OR REPLACE INTO source_cursors VALUES (?, ?, now())", [source, cursor])
    if counts.inserted:
        rebuild_calendar(con, settings)
    return counts


def pull(con: duckdb.DuckDBPyConnection, source: Source, connector: Connector, settings: Settings,
         now: datetime) -> PullReport:
    """Fetch what is new since the stored cursor and store it with the new cursor, atomically: a crash
    before COMMIT leaves both as they were, so the next pull fetches the same messages again (and the
    upsert on platform and id makes fetching twice harmless). Every pull is a row in `connector_runs`;
    a connector error is recorded there and raised."""
    run_id = start_run(con, source.name, source.platform, now)
    try:
        result = connector.fetch(read_cursor(con, source.name), now)
    except ConnectorError as exc:
        fail_run(con, run_id, str(exc))
        raise
    con.execute("BEGIN TRANSACTION")
    try:
        counts = store_batch(con, source.name, result.batch.to_arrow(), result.rejected, result.cursor, settings)
        finish_run(con, run_id, result, counts.inserted)
        con.execute("COMMIT")
    except BaseException as exc:
        con.execute("ROLLBACK")
        fail_run(con, run_id, f"storing the batch failed: {type(exc).__name__}: {exc}")
        raise
    return PullReport(source.name, len(result.batch), counts, result.cursor, len(result.rejected))
