"""Versioned migrations: in place, each in one transaction, never twice."""
from __future__ import annotations

import pytest

from pipelines.config import Settings
from pipelines.warehouse import migrate as migrate_module
from pipelines.warehouse.connection import connect
from pipelines.warehouse.migrate import available_migrations, current_version, migrate
from pipelines.warehouse.prepare import prepare_database
from tests.conftest import load, msg

CONTRACT_COLUMNS = {
    "messages": {"platform", "id", "kind", "direction", "author_id", "author_handle", "created_at", "text",
                 "in_reply_to_id", "conversation_id", "lang", "url", "conversation_key", "ingested_at"},
    "rejected_messages": {"source", "line_no", "reason", "raw", "rejected_at"},
    "incidents": {"incident_id", "kind", "status", "title", "severity", "lang", "terms", "first_message_at",
                  "detected_at", "last_message_at", "message_count", "author_count"},
    "incident_messages": {"incident_id", "platform", "message_id"},
    "notices": {"notice_id", "incident_id", "platform", "lang", "text", "status", "created_at", "approved_at",
                "published_at", "external_id"},
    "inbox_daily": {"day", "platform", "kind", "inbound", "answered", "reply_rate", "reply_time_median_s",
                    "reply_time_p90_s", "conversations", "first_response_median_s", "first_response_p90_s",
                    "sla_met"},
}


def test_contract_tables_and_columns_exist(con):
    for table, columns in CONTRACT_COLUMNS.items():
        got = {r[0] for r in con.execute(
            "SELECT column_name FROM information_schema.columns WHERE table_name = ?", [table]).fetchall()}
        assert columns <= got, (table, columns - got)
    types = dict(con.execute("""SELECT column_name, data_type FROM information_schema.columns
                                WHERE table_name = 'incidents'""").fetchall())
    assert types["terms"] == "VARCHAR[]" and types["detected_at"] == "TIMESTAMP WITH TIME ZONE"


def test_reopening_applies_nothing(con):
    assert migrate(con) == []
    assert current_version(con) == available_migrations()[-1][0]


def test_upgrade_in_place_keeps_data_and_a_failing_migration_changes_nothing(db_path, tmp_path, monkeypatch):
    with connect(db_path) as con:
        prepare_database(con, Settings())
        load(con, tmp_path, [msg("1", "2026-11-20T10:00:00Z")])
    real = available_migrations()
    newest = real[-1][0]
    broken = (newest + 1, "broken", "ALTER TABLE messages ADD COLUMN sentiment DOUBLE; SELECT * FROM no_such_table;")
    monkeypatch.setattr(migrate_module, "available_migrations", lambda: real + [broken])
    with connect(db_path) as con, pytest.raises(Exception, match="no_such_table"):
        migrate(con)
    with connect(db_path) as con:
        assert current_version(con) == newest
        columns = {r[0] for r in con.execute("DESCRIBE messages").fetchall()}
        assert "sentiment" not in columns  # the half of the migration that ran was rolled back
    fixed = (newest + 1, "sentiment", "ALTER TABLE messages ADD COLUMN sentiment DOUBLE;")
    monkeypatch.setattr(migrate_module, "available_migrations", lambda: real + [fixed])
    with connect(db_path) as con:
        assert migrate(con) == [newest + 1]
        assert con.execute("SELECT id, sentiment FROM messages").fetchall() == [("1", None)]


def test_a_database_newer_than_the_code_is_refused(con):
    con.execute("INSERT INTO schema_migrations VALUES (999, 'future', now())")
    with pytest.raises(Exception, match="newer than this Earshot"):
        migrate(con)


def test_every_table_and_column_is_in_the_data_dictionary_and_the_file_is_current():
    from pathlib import Path

    import duckdb

    from pipelines.warehouse.dictionary import TABLES, describe, markdown, schema

    con = duckdb.connect()
    prepare_database(con, Settings())
    columns = schema(con)
    assert {table for table, *_ in columns} == set(TABLES)   # no table undescribed, none described twice
    assert [(t, c) for t, _, c, _ in columns if not describe(t, c)] == []
    written = (Path(__file__).resolve().parent.parent / "docs" / "data-dictionary.md").read_text(encoding="utf-8")
    assert written == markdown(con), "regenerate: python -m pipelines.warehouse.dictionary > docs/data-dictionary.md"
