"""Versioned schema migrations, applied in place and in one transaction each.

Tables change only through numbered files in `migrations/` (`NNNN_name.sql`), each applied once and
recorded in `schema_migrations`. Views are code, not data: `pipelines.metrics.views` re-creates them
after migrating, so an upgrade of Earshot always brings its views along.
"""
from __future__ import annotations

import re
from importlib import resources

import duckdb

from pipelines.errors import EarshotError

_NAME = re.compile(r"^(\d{4})_([a-z0-9_]+)\.sql$")


def available_migrations() -> list[tuple[int, str, str]]:
    """(version, name, sql) for every migration file, in version order."""
    found = []
    for entry in resources.files("pipelines.warehouse.migrations").iterdir():
        match = _NAME.match(entry.name)
        if match:
            found.append((int(match.group(1)), match.group(2), entry.read_text(encoding="utf-8")))
    return sorted(found)


def current_version(con: duckdb.DuckDBPyConnection) -> int:
    exists = con.execute(
        "SELECT count(*) FROM information_schema.tables WHERE table_name = 'schema_migrations'"
    ).fetchone()[0]
    if not exists:
        return 0
    return con.execute("SELECT coalesce(max(version), 0) FROM schema_migrations").fetchone()[0]


def migrate(con: duckdb.DuckDBPyConnection) -> list[int]:
    """Apply every migration newer than the database; returns the versions applied."""
    con.execute(
        "CREATE TABLE IF NOT EXISTS schema_migrations ("
        " version INTEGER PRIMARY KEY, name VARCHAR NOT NULL, applied_at TIMESTAMPTZ NOT NULL)"
    )
    migrations = available_migrations()
    have = current_version(con)
    newest = migrations[-1][0] if migrations else 0
    if have > newest:
        raise EarshotError(f"database schema is version {have}, newer than this Earshot ({newest}); upgrade Earshot")
    applied = []
    for version, name, sql in migrations:
        if version <= have:
            continue
        con.execute("BEGIN TRANSACTION")
        try:
            con.execute(sql)
            con.execute("INSERT INTO schema_migrations VALUES (?, ?, now())", [version, name])
            con.execute("COMMIT")
        except Exception:
            con.execute("ROLLBACK")
            raise
        applied.append(version)
    return applied
