"""Connector health: each pull recorded in `connector_runs`, and `source_health`, one row per source.

A channel that silently stops delivering is the failure care teams fear most, so health says more than
"the last run did not crash": a source is
- `failing` when its last pull ended in an error (with how many pulls in a row have failed),
- `stalled` when its last pull started over 15 minutes ago and never finished (the process died or hangs),
- `silent` when the newest message it has shown is older than `[health] silent_after_minutes`,
- `ok` otherwise.
"""
from __future__ import annotations

import uuid
from datetime import datetime
from typing import TYPE_CHECKING

import duckdb

from connectors.base import FetchResult

if TYPE_CHECKING:
    from pipelines.ingest.landing import LandedRun

STALLED_AFTER_S = 15 * 60

HEALTH_VIEW = f"""
CREATE OR REPLACE VIEW source_health AS
WITH last AS (
    SELECT * FROM connector_runs QUALIFY row_number() OVER (PARTITION BY source ORDER BY started_at DESC) = 1
), success AS (
    SELECT source, max(finished_at) AS last_success, max(newest_at) AS newest_at
    FROM connector_runs WHERE finished_at IS NOT NULL AND error IS NULL GROUP BY source
), streak AS (
    SELECT r.source, count(*) AS failures_in_a_row
    FROM connector_runs r LEFT JOIN success s USING (source)
    WHERE r.error IS NOT NULL AND (s.last_success IS NULL OR r.started_at > s.last_success)
    GROUP BY r.source
), threshold AS (
    SELECT coalesce(max(TRY_CAST(value AS DOUBLE)) FILTER (WHERE key = 'health_silent_after_s'), 10800) AS silent_s
    FROM settings
), judged AS (
    SELECT
        l.source, l.platform,
        CASE
            WHEN l.error IS NOT NULL THEN 'failing'
            WHEN l.finished_at IS NULL AND epoch(now() - l.started_at) > {STALLED_AFTER_S} THEN 'stalled'
            WHEN s.newest_at IS NULL OR epoch(now() - s.newest_at) > t.silent_s THEN 'silent'
            ELSE 'ok'
        END AS status,
        l.started_at AS last_run_at, s.last_success, l.error AS last_error,
        coalesce(k.failures_in_a_row, 0) AS failures_in_a_row,
        s.newest_at AS newest_message_at,
        round(epoch(now() - s.newest_at) / 60, 1) AS minutes_since_newest
    FROM last l CROSS JOIN threshold t
    LEFT JOIN success s USING (source)
    LEFT JOIN streak k USING (source)
)
-- reason: why a source is not ok, in words, for `earshot run` and the dashboard alike
SELECT *, CASE status
    WHEN 'failing' THEN last_error
    WHEN 'silent' THEN 'no new message for ' || coalesce(CAST(minutes_since_newest AS VARCHAR) || ' minutes', 'ever')
    WHEN 'stalled' THEN 'the last pull, started ' || CAST(last_run_at AS VARCHAR) || ', never finished'
END AS reason
FROM judged
"""


def create_health_view(con: duckdb.DuckDBPyConnection) -> None:
    con.execute(HEALTH_VIEW)


def start_run(con: duckdb.DuckDBPyConnection, source: str, platform: str, now: datetime) -> str:
    """Record that a pull began (committed at once, so a crash leaves a visible unfinished run)."""
    run_id = str(uuid.uuid4())
    con.execute("INSERT INTO connector_runs (run_id, source, platform, started_at) VALUES (?, ?, ?, ?)",
                [run_id, source, platform, now])
    return run_id


def finish_run(con: duckdb.DuckDBPyConnection, run_id: str, result: FetchResult, inserted: int) -> None:
    """Complete a run row after a success: counts, the stored cursor and the newest message seen."""
    con.execute("""
        UPDATE connector_runs SET finished_at = now(), fetched = ?, inserted = ?, rejected = ?, cursor = ?,
               newest_at = ?
        WHERE run_id = ?
    """, [len(result.batch), inserted, len(result.rejected), result.cursor, result.newest_at, run_id])


def error_line(error: str) -> str:
    """What `connector_runs.error` keeps of an error: its first line, at most 500 characters."""
    return error.splitlines()[0][:500]


def fail_run(con: duckdb.DuckDBPyConnection, run_id: str, error: str) -> None:
    """Complete a run row after a failure, with the error's first line."""
    con.execute("UPDATE connector_runs SET finished_at = now(), error = ? WHERE run_id = ?",
                [error_line(error), run_id])


def record_run(con: duckdb.DuckDBPyConnection, run: LandedRun, inserted: int) -> None:
    """A pull that ran elsewhere (pipelines/ingest/landing.py), recorded whole when its file is loaded."""
    con.execute("""
        INSERT INTO connector_runs (run_id, source, platform, started_at, finished_at, fetched, inserted, rejected,
                                    error, cursor, newest_at)
        VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
    """, [run.run_id, run.source, run.platform, run.started_at, run.finished_at, run.fetched, inserted,
          len(run.rejected), run.error, run.cursor, run.newest_at])


def unhealthy(con: duckdb.DuckDBPyConnection) -> list[tuple[str, str, str]]:
    """(source, status, why) for every source that is not ok."""
    rows = con.execute("SELECT source, status, reason FROM source_health WHERE status <> 'ok' "
                       "ORDER BY source").fetchall()
    return [(r[0], r[1], r[2]) for r in rows]
