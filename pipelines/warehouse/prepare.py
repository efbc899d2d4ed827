"""Bring a database up to this version of Earshot and the current settings, in one transaction."""
from __future__ import annotations

from datetime import datetime, timedelta, timezone

import duckdb

from pipelines.config import Settings
from pipelines.ingest.health import create_health_view
from pipelines.metrics import facts
from pipelines.metrics.calendar import business_intervals
from pipelines.metrics.views import create_views
from pipelines.warehouse.migrate import migrate

CALENDAR_AHEAD_DAYS = 60  # the calendar must cover now() for the SLA of unanswered conversations


def prepare_database(con: duckdb.DuckDBPyConnection, settings: Settings) -> None:
    migrate(con)
    con.execute("BEGIN TRANSACTION")
    try:
        write_settings(con, settings)
        rebuild_calendar(con, settings)
        create_views(con, settings.sla_first_response_minutes * 60, settings.business_hours.timezone)
        create_health_view(con)
        first_open = con.execute("SELECT min(open_at) FROM business_calendar").fetchall()[0][0]
        facts.refresh_if_calendar_changed(con, f"{settings.business_hours}|{first_open}")
        con.execute("COMMIT")
    except Exception:
        con.execute("ROLLBACK")
        raise


def write_settings(con: duckdb.DuckDBPyConnection, settings: Settings) -> None:
    values = {
        "brand": settings.brand,
        "sla_first_response_s": str(settings.sla_first_response_minutes * 60),
        "business_timezone": settings.business_hours.timezone,
        "languages": ",".join(settings.languages),
        "health_silent_after_s": str(settings.silent_after_minutes * 60),
    }
    con.executemany("INSERT OR REPLACE INTO settings VALUES (?, ?)", list(values.items()))


def rebuild_calendar(con: duckdb.DuckDBPyConnection, settings: Settings) -> None:
    """Business intervals from the oldest message (or 30 days ago) until well after today."""
    oldest = con.execute("SELECT min(created_at) FROM messages").fetchone()[0]
    today = datetime.now(timezone.utc).date()
    first = min(oldest.date() if oldest else today, today) - timedelta(days=30)
    table = business_intervals(settings.business_hours, first, today + timedelta(days=CALENDAR_AHEAD_DAYS))
    con.execute("DELETE FROM business_calendar")
    con.register("_calendar", table)
    try:
        con.execute("INSERT INTO business_calendar SELECT * FROM _calendar")
    finally:
        con.unregister("_calendar")

