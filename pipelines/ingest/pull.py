"""Pull one configured source into the warehouse: cursor, fetch, upsert, cursor, in one transaction."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Protocol

import duckdb

from connectors.demo import DemoSource, DemoStream
from connectors.demo.source import FetchResult
from pipelines.config import Settings, Source
from pipelines.errors import EarshotError
from pipelines.warehouse.messages import UpsertCounts, begin_staging, stage, upsert_staged
from pipelines.warehouse.prepare import rebuild_calendar


class Connector(Protocol):
    def fetch(self, cursor: str | None, now: datetime) -> FetchResult: ...


def connector_for(source: Source, settings: Settings) -> Connector:
    if source.platform == "demo":
        stream = DemoStream(seed=source.seed, brand=settings.brand, platform="demo", account=source.name)
        return DemoSource(stream, backfill_days=source.backfill_days)
    raise EarshotError(f"source {source.name!r}: platform {source.platform!r} has no connector yet")


@dataclass(frozen=True)
class PullReport:
    source: str
    fetched: int
    counts: UpsertCounts
    cursor: str


def read_cursor(con: duckdb.DuckDBPyConnection, source: str) -> str | None:
    row = con.execute("SELECT cursor FROM source_cursors WHERE source = ?", [source]).fetchone()
    return row[0] if row else None


def pull(con: duckdb.DuckDBPyConnection, source: Source, connector: Connector, settings: Settings,
         now: datetime) -> PullReport:
    """Fetch what is new since the stored cursor and store it with the new cursor, atomically: a crash
    before COMMIT leaves both as they were, so the next pull fetches the same messages again."""
    cursor = read_cursor(con, source.name)
    result = connector.fetch(cursor, now)
    con.execute("BEGIN TRANSACTION")
    try:
        begin_staging(con)
        stage(con, result.batch.to_arrow())
        counts = upsert_staged(con, settings.languages)
        con.execute("INSERT OR REPLACE INTO source_cursors VALUES (?, ?, now())", [source.name, result.cursor])
        if counts.inserted:
            rebuild_calendar(con, settings)
        con.execute("COMMIT")
    except BaseException:
        con.execute("ROLLBACK")
        raise
    return PullReport(source.name, len(result.batch), counts, result.cursor)
