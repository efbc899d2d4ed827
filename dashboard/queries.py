"""Every read the dashboard makes, against the read copy the pipeline publishes (never the live file).

The read copy is replaced atomically by the pipeline, as a new file each time; nobody ever writes one in
place, so the dashboard never holds a lock anyone else waits on. Each query opens its own short read-only
connection, while one more connection per process stays open on the newest copy: DuckDB then gives every
query the same database instance, whose cache of decompressed columns stays warm from one query, session
and page to the next, until the next copy appears.
"""
from __future__ import annotations

import functools
import os
import threading
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

import duckdb
import pandas as pd

from pipelines.metrics.views import utc
from pipelines.warehouse.connection import connect, current_read_copy, read_copy_path, resolve_db_path

_held: dict[Path, duckdb.DuckDBPyConnection] = {}   # the newest copy's warm instance, held open
_held_lock = threading.Lock()


def read_copy() -> Path:
    return read_copy_path(resolve_db_path(os.environ.get("EARSHOT_DB")))


def current_copy() -> Path:
    """The file the read-copy link points to now; keeps its database instance open (and warm)."""
    path = current_read_copy(resolve_db_path(os.environ.get("EARSHOT_DB")))
    with _held_lock:
        if path not in _held and path.exists():
            for old in list(_held):   # queries still running on an older copy hold their own connections
                _held.pop(old).close()
            _held[path] = duckdb.connect(str(path), read_only=True)
    return path


def query(sql: str, params: list | None = None) -> pd.DataFrame:
    with connect(current_copy(), read_only=True, retry_seconds=5) as con:
        return con.execute(sql, params or []).df()


def has_data() -> bool:
    return read_copy().exists()


def snapshot_time() -> datetime | None:
    path = read_copy()
    return datetime.fromtimestamp(path.stat().st_mtime) if path.exists() else None


def compare(period_start: str, period_end: str) -> pd.DataFrame:
    """Headline metrics for [start, end) and the equally long period before it."""
    return query("SELECT * FROM inbox_compare(?::TIMESTAMPTZ, ?::TIMESTAMPTZ)", [period_start, period_end])


def daily_totals(days: int) -> pd.DataFrame:
    """All platforms and kinds together, per UTC day (medians recomputed from rows, not averaged)."""
    return query(f"""
        SELECT {utc("created_at")}::DATE AS day, count(*) AS inbound, count(answered_at) AS answered,
               count(answered_at) / count(*) AS reply_rate,
               quantile_cont(reply_s, 0.5) / 60 AS reply_median_min,
               quantile_cont(reply_s, 0.9) / 60 AS reply_p90_min
        FROM inbound_answers WHERE created_at >= current_date - ?::INTEGER
        GROUP BY ALL ORDER BY day
    """, [days])


def incidents() -> pd.DataFrame:
    """Newest first; alerts (outage, scam, complaint) before harmless trends; `volume` is messages per hour
    over the incident's last 48 hours (a sparkline)."""
    return query("""
        WITH listed AS (
            SELECT * FROM incidents WHERE merged_into IS NULL
            ORDER BY kind = 'other', status = 'resolved', detected_at DESC LIMIT 200),
        hours AS (
            SELECT incident_id, unnest(generate_series(
                greatest(date_trunc('hour', first_message_at), date_trunc('hour', last_message_at) - INTERVAL 47 HOUR),
                date_trunc('hour', last_message_at), INTERVAL 1 HOUR)) AS hour
            FROM listed),
        counted AS (
            SELECT im.incident_id, date_trunc('hour', im.created_at) AS hour, count(*) AS n
            FROM incident_messages im JOIN listed USING (incident_id)
            GROUP BY ALL),
        volume AS (
            SELECT incident_id, list(coalesce(n, 0) ORDER BY hour) AS volume
            FROM hours LEFT JOIN counted USING (incident_id, hour) GROUP BY incident_id)
        SELECT incident_id, status, kind, severity, title, volume, array_to_string(langs, ', ') AS languages,
               message_count, author_count, detected_at, last_message_at, status_by
        FROM listed JOIN volume USING (incident_id)
        ORDER BY kind = 'other', status = 'resolved', detected_at DESC
    """)


def incident_timeline(incident_id: str) -> pd.DataFrame:
    """Per 15 minutes (UTC) around the incident: its messages, all inbound messages, and the usual inbound
    volume at that time of the week (the mean of the same quarter-hour over the 4 weeks before)."""
    quarter = "time_bucket(INTERVAL 15 MINUTE, {})".format
    return query(f"""
        WITH span AS (
            SELECT {quarter(utc("first_message_at"))} - INTERVAL 2 HOUR AS start_at,
                   {quarter(utc("last_message_at"))} + INTERVAL 2 HOUR AS end_at,
                   first_message_at - INTERVAL 28 DAY - INTERVAL 3 HOUR AS read_from,
                   last_message_at + INTERVAL 3 HOUR AS read_to
            FROM incidents WHERE incident_id = ?),
        buckets AS (SELECT unnest(generate_series(start_at, end_at, INTERVAL 15 MINUTE)) AS quarter_hour FROM span),
        inbound AS (
            SELECT {quarter(utc("created_at"))} AS quarter_hour, count(*) AS n
            FROM messages, span
            WHERE direction = 'inbound' AND created_at >= read_from AND created_at < read_to
            GROUP BY 1),
        own AS (
            SELECT {quarter(utc("created_at"))} AS quarter_hour, count(*) AS n
            FROM incident_messages WHERE incident_id = ? GROUP BY 1),
        usual AS (
            SELECT b.quarter_hour, sum(i.n) / 4.0 AS n
            FROM buckets b CROSS JOIN range(1, 5) AS weeks(k)
            JOIN inbound i ON i.quarter_hour = b.quarter_hour - k * INTERVAL 7 DAY
            GROUP BY b.quarter_hour)
        SELECT b.quarter_hour, coalesce(own.n, 0) AS incident, coalesce(now_in.n, 0) AS all_inbound,
               coalesce(usual.n, 0) AS usual_inbound
        FROM buckets b LEFT JOIN own USING (quarter_hour) LEFT JOIN inbound now_in USING (quarter_hour)
             LEFT JOIN usual USING (quarter_hour)
        ORDER BY b.quarter_hour
    """, [incident_id, incident_id])


def incident(incident_id: str) -> dict:
    rows = query("SELECT *, kind_cues::VARCHAR AS cues_json FROM incidents WHERE incident_id = ?", [incident_id])
    return rows.iloc[0].to_dict() if len(rows) else {}


def incident_events(incident_id: str) -> pd.DataFrame:
    return query("SELECT event, event_at, severity FROM incident_events WHERE incident_id = ? ORDER BY event_at",
                 [incident_id])


def incident_samples(incident_id: str, limit: int = 20) -> pd.DataFrame:
    """Its first messages: picked from incident_messages, then looked up by id within their time span (a
    constant filter DuckDB applies inside the scan of messages, skipping row groups outside the span)."""
    picked = query("SELECT platform, message_id, created_at FROM incident_messages WHERE incident_id = ? "
                   "ORDER BY created_at, platform, message_id LIMIT ?", [incident_id, limit])
    ids = list(picked["message_id"])
    return query(f"""
        SELECT created_at, platform, lang, author_handle, text FROM messages
        WHERE id IN ({", ".join(["?"] * len(ids)) or "NULL"}) AND created_at BETWEEN ? AND ?
          AND list_contains(?, platform || ' ' || id)
        ORDER BY created_at, platform, id
    """, [*ids, picked["created_at"].min() if ids else None, picked["created_at"].max() if ids else None,
          list(picked["platform"] + " " + picked["message_id"])])


def sources() -> pd.DataFrame:
    return query("""
        SELECT m.account AS source, m.platform, count(*) AS messages, max(m.created_at) AS newest_message,
               any_value(c.updated_at) AS last_pull
        FROM messages m LEFT JOIN source_cursors c ON c.source = m.account
        GROUP BY ALL ORDER BY messages DESC
    """)


def source_health() -> pd.DataFrame:
    """One row per source that has been pulled: status (ok, failing, stalled, silent) and why."""
    return query("""
        SELECT source, platform, status, reason, last_run_at, last_success, failures_in_a_row,
               newest_message_at, minutes_since_newest
        FROM source_health ORDER BY status = 'ok', source
    """)


def rejected(limit: int = 100) -> pd.DataFrame:
    return query("SELECT source, line_no, reason, rejected_at FROM rejected_messages "
                 "ORDER BY rejected_at DESC, line_no LIMIT ?", [limit])


def notices(statuses: list[str]) -> pd.DataFrame:
    """Notices in these statuses, with their incident: drafts waiting longest first, others newest first."""
    return query("""
        SELECT n.notice_id, n.status, n.platform, n.source, n.lang, i.kind, i.severity, i.title AS incident,
               n.text, n.problem, n.error, n.url, n.created_at, n.approved_by, n.approved_at, n.published_at,
               n.incident_id
        FROM notices n JOIN incidents i USING (incident_id)
        WHERE list_contains(?, n.status)
        ORDER BY n.status <> 'draft', CASE WHEN n.status = 'draft' THEN epoch(n.created_at) ELSE -epoch(n.updated_at) END,
                 n.notice_id
        LIMIT 500
    """, [statuses])


def notice_audit(notice_id: str) -> pd.DataFrame:
    return query("SELECT acted_at, action, actor, detail FROM notice_audit WHERE notice_id = ? ORDER BY acted_at",
                 [notice_id])


def incident_alerts(incident_id: str) -> pd.DataFrame:
    """What the care team was told of the incident, where, and why not when it was not."""
    return query("""
        SELECT event, event_at, severity, channel, status, attempts, sent_at, reason FROM alerts
        WHERE incident_id = ? ORDER BY event_at, channel
    """, [incident_id])


def incident_notices(incident_id: str) -> pd.DataFrame:
    return query("SELECT notice_id, platform, lang, status, url, text FROM notices WHERE incident_id = ? "
                 "ORDER BY notice_id", [incident_id])


def incident_actions(incident_id: str) -> pd.DataFrame:
    return query("SELECT acted_at, action, actor FROM incident_actions WHERE incident_id = ? ORDER BY acted_at",
                 [incident_id])


def schema() -> pd.DataFrame:
    """Every column of every table and view, as the warehouse has them now."""
    return query("""
        SELECT table_name, table_type, column_name, data_type
        FROM information_schema.columns JOIN information_schema.tables USING (table_catalog, table_schema, table_name)
        WHERE table_schema = 'main' ORDER BY table_name, ordinal_position
    """)


def incident_counts(period_start: str, period_end: str) -> dict:
    """Alerts (outage, scam, complaint) raised in [start, end) and in the equally long period before, and
    how many are not resolved now."""
    row = query("""
        SELECT count(*) FILTER (WHERE detected_at >= ?::TIMESTAMPTZ AND detected_at < ?::TIMESTAMPTZ) AS current,
               count(*) FILTER (WHERE detected_at >= ?::TIMESTAMPTZ - (?::TIMESTAMPTZ - ?::TIMESTAMPTZ)
                                  AND detected_at < ?::TIMESTAMPTZ) AS previous,
               count(*) FILTER (WHERE status <> 'resolved') AS open_now
        FROM incidents WHERE kind <> 'other' AND merged_into IS NULL
    """, [period_start, period_end, period_start, period_end, period_start, period_start])
    return row.iloc[0].to_dict()


GRAIN_VIEWS = {"hour": ("inbox_hourly", "hour"), "day": ("inbox_daily", "day"), "week": ("inbox_weekly", "week")}


@dataclass(frozen=True)
class Selection:
    """Which inbound messages a chart counts: each list holds the values let through ('' for a message
    without one); None lets every value through."""
    platforms: list[str] | None = None
    kinds: list[str] | None = None
    langs: list[str] | None = None
    accounts: list[str] | None = None

    def lists(self) -> list[list[str] | None]:
        return [self.platforms, self.kinds, self.langs, self.accounts]

    def where(self) -> tuple[str, list]:
        """A SQL condition on the columns platform, kind, lang, account, and its parameters."""
        chosen = [(column, values) for column, values in zip(("platform", "kind", "lang", "account"), self.lists())
                  if values is not None]
        return (" AND ".join(f"list_contains(?, coalesce({column}, ''))" for column, _ in chosen) or "true",
                [values for _, values in chosen])


def _series_view(grain: str, business: bool) -> tuple[str, str]:
    """The view whose series macro answers the grain, and its bucket column."""
    return ("inbox_daily_business", "day") if business and grain == "day" else GRAIN_VIEWS[grain]


def trend(grain: str, business: bool, start: str, end: str, selection: Selection) -> pd.DataFrame:
    """The grain's series (per bucket and platform) over [start, end) for the selection; `business` (days
    only): times counted in business hours, days in the business time zone."""
    view, bucket = _series_view(grain, business)
    return query(f"""
        SELECT {bucket}::TIMESTAMP AS bucket, * EXCLUDE ({bucket})
        FROM {view}_series(?::TIMESTAMPTZ, ?::TIMESTAMPTZ, ?, ?, ?, ?)
        ORDER BY bucket, platform
    """, [start, end, *selection.lists()])


def volume(grain: str, business: bool, start: str, end: str, selection: Selection) -> pd.DataFrame:
    """Inbound messages per bucket over [start, end) for the selection: the previous period's line."""
    view, bucket = _series_view(grain, business)
    return query(f"""
        SELECT {bucket}::TIMESTAMP AS bucket, sum(inbound) AS inbound
        FROM {view}_series(?::TIMESTAMPTZ, ?::TIMESTAMPTZ, ?, ?, ?, ?)
        GROUP BY ALL ORDER BY bucket
    """, [start, end, *selection.lists()])


def weekly_heatmap(start: str, end: str, selection: Selection) -> pd.DataFrame:
    """Inbound messages by weekday (ISO, 1 = Monday) and hour of day, UTC."""
    condition, params = selection.where()
    return query(f"""
        SELECT isodow({utc("created_at")}) AS weekday, hour({utc("created_at")}) AS hour, count(*) AS inbound
        FROM inbound_answers
        WHERE created_at >= ?::TIMESTAMPTZ AND created_at < ?::TIMESTAMPTZ AND {condition}
        GROUP BY ALL ORDER BY weekday, hour
    """, [start, end, *params])


def inbound_between(start: str, end: str, selection: Selection, limit: int = 500) -> pd.DataFrame:
    """The inbound messages behind one bucket of a chart."""
    condition, params = selection.where()
    return query(f"""
        SELECT created_at, platform, kind, account, lang, author_handle, text, url
        FROM messages
        WHERE direction = 'inbound' AND created_at >= ?::TIMESTAMPTZ AND created_at < ?::TIMESTAMPTZ AND {condition}
        ORDER BY created_at LIMIT ?
    """, [start, end, *params, limit])


def dimensions() -> dict[str, list[str]]:
    """The platforms, kinds, languages and accounts of inbound messages: the filters' choices ('' for
    messages without one)."""
    return _dimensions(current_copy())


@functools.lru_cache(maxsize=4)
def _dimensions(copy: Path) -> dict[str, list[str]]:
    # A read copy never changes, so its answer holds until the next copy.
    with connect(copy, read_only=True, retry_seconds=5) as con:
        rows = con.execute("""
            SELECT coalesce(platform, '') AS platform, coalesce(kind, '') AS kind, coalesce(lang, '') AS lang,
                   coalesce(account, '') AS account
            FROM inbound_answers GROUP BY ALL""").df()
    return {column: sorted(rows[column].unique()) for column in ("platform", "kind", "lang", "account")}
