"""Writing messages: stage Arrow batches, then one idempotent upsert keyed by (platform, id).

The caller owns the transaction: stage every batch, call `upsert_staged`, then commit, so a file or a
connector page lands whole or not at all.
"""
from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import duckdb
import pyarrow as pa

from connectors.message import SCHEMA
from detectors.language import detect_languages
from pipelines.metrics import facts
from pipelines.warehouse.conversations import note_keys_a_write_may_move, rekey_after_write

# Columns whose change makes an incoming record an update of the stored one.
_CONTENT = ("kind", "direction", "author_id", "author_handle", "created_at", "text", "in_reply_to_id",
            "conversation_id", "lang", "url", "extra")
_STAGE = "staged_messages"


@dataclass(frozen=True)
class UpsertCounts:
    received: int   # distinct (platform, id) staged
    inserted: int
    updated: int

    @property
    def unchanged(self) -> int:
        return self.received - self.inserted - self.updated


def begin_staging(con: duckdb.DuckDBPyConnection) -> None:
    cols = ", ".join(f"{f.name} {_duck_type(f.type)}" for f in SCHEMA)
    con.execute(f"CREATE OR REPLACE TEMP TABLE {_STAGE} ({cols})")


def stage(con: duckdb.DuckDBPyConnection, batch: pa.Table) -> None:
    con.register("_batch", batch)
    try:
        con.execute(f"INSERT INTO {_STAGE} SELECT * FROM _batch")
    finally:
        con.unregister("_batch")


def upsert_staged(con: duckdb.DuckDBPyConnection, languages: Sequence[str]) -> UpsertCounts:
    """Upsert everything staged (later `seq` wins within the stage), fill missing languages, and bring
    conversation keys and the inbox facts up to date. Must run inside the caller's transaction."""
    con.execute(f"""
        CREATE OR REPLACE TEMP TABLE incoming AS
        SELECT * EXCLUDE (seq, extra), extra::JSON AS extra,
               CASE WHEN lang IS NOT NULL THEN 'platform' END AS lang_source
        FROM {_STAGE}
        QUALIFY row_number() OVER (PARTITION BY platform, id ORDER BY seq DESC) = 1
    """)
    con.execute(f"DROP TABLE {_STAGE}")
    _fill_languages(con, languages)

    differs = " OR ".join(f"i.{c} IS DISTINCT FROM m.{c}" for c in _CONTENT)
    con.execute(f"""
        CREATE OR REPLACE TEMP TABLE changed AS
        SELECT i.* FROM incoming i JOIN messages m USING (platform, id) WHERE {differs}
    """)
    con.execute("""
        CREATE OR REPLACE TEMP TABLE written AS
        SELECT platform, id FROM changed
        UNION ALL SELECT platform, id FROM incoming ANTI JOIN messages USING (platform, id)
    """)
    note_keys_a_write_may_move(con, "SELECT platform, id FROM written")
    sets = ", ".join(f"{c} = c.{c}" for c in _CONTENT + ("lang_source",))
    con.execute(f"""
        UPDATE messages SET {sets}, account = coalesce(c.account, messages.account), updated_at = now()
        FROM changed c WHERE messages.platform = c.platform AND messages.id = c.id
    """)
    inserted = con.execute("""
        INSERT INTO messages BY NAME
        SELECT i.*, now() AS ingested_at FROM incoming i ANTI JOIN messages m USING (platform, id)
    """).fetchone()[0]
    counts = UpsertCounts(
        received=con.execute("SELECT count(*) FROM incoming").fetchone()[0],
        inserted=inserted,
        updated=con.execute("SELECT count(*) FROM changed").fetchone()[0],
    )
    if counts.inserted or counts.updated:
        rekey_after_write(con, "SELECT platform, id FROM written")
        # New and changed messages' conversations (rekeying noted those whose keys moved).
        facts.note_touched(con, "SELECT DISTINCT m.conversation_key FROM messages m JOIN written USING (platform, id)")
        facts.refresh_touched(con)
    else:
        con.execute("DROP TABLE rekey_conversations")
    con.execute("DROP TABLE incoming; DROP TABLE changed; DROP TABLE written")
    return counts


def _fill_languages(con: duckdb.DuckDBPyConnection, languages: Sequence[str]) -> None:
    """Detect `lang` where the record has none; reuse the stored detection when the text is unchanged,
    so re-importing a file neither re-runs detection nor counts as an update."""
    con.execute("""
        UPDATE incoming SET lang = m.lang, lang_source = m.lang_source
        FROM messages m
        WHERE incoming.lang IS NULL AND m.platform = incoming.platform AND m.id = incoming.id
          AND m.text = incoming.text AND m.lang_source = 'detected'
    """)
    todo = con.sql(
        "SELECT platform, id, text FROM incoming WHERE lang IS NULL AND length(text) > 0"
    ).to_arrow_table()
    if todo.num_rows == 0:
        return
    found = detect_languages(todo.column("text").to_pylist(), languages)
    detected = pa.table({"platform": todo.column("platform"), "id": todo.column("id"),
                         "lang": pa.array(found, pa.string())})
    con.register("_detected", detected)
    try:
        con.execute("""
            UPDATE incoming SET lang = d.lang, lang_source = 'detected'
            FROM _detected d
            WHERE d.lang IS NOT NULL AND incoming.platform = d.platform AND incoming.id = d.id
        """)
    finally:
        con.unregister("_detected")


def record_rejects(con: duckdb.DuckDBPyConnection, source: str,
                   rejects: Sequence[tuple[int | None, str, str]]) -> int:
    """Store (line_no, reason, raw) rejects; a reject already recorded for the same source, line and
    content is not stored twice, so re-importing a file changes nothing. Returns rows added."""
    if not rejects:
        return 0
    table = pa.table({
        "line_no": pa.array([r[0] for r in rejects], pa.int64()),
        "reason": pa.array([r[1] for r in rejects], pa.string()),
        "raw": pa.array([r[2] for r in rejects], pa.string()),
    })
    con.register("_rejects", table)
    try:
        return con.execute("""
            INSERT INTO rejected_messages
            SELECT ?, r.line_no, r.reason, r.raw, now() FROM _rejects r
            WHERE NOT EXISTS (
                SELECT 1 FROM rejected_messages x
                WHERE x.source = ? AND x.line_no IS NOT DISTINCT FROM r.line_no
                  AND x.reason = r.reason AND x.raw IS NOT DISTINCT FROM r.raw)
        """, [source, source]).fetchone()[0]
    finally:
        con.unregister("_rejects")


def _duck_type(arrow_type: pa.DataType) -> str:
    if pa.types.is_timestamp(arrow_type):
        return "TIMESTAMPTZ"
    if pa.types.is_int64(arrow_type):
        return "BIGINT"
    return "VARCHAR"
