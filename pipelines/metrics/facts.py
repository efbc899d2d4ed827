"""The per-row facts behind every inbox metric, kept up to date on write.

`answer_facts` holds each inbound message with its answer (the earliest outbound message of the same
conversation strictly after it, found with an ASOF join) and the seconds to it, wall-clock and business;
`first_response_facts` each conversation's first inbound message and its answer. Computing them on every
read took 20-50 s per page at 10 million messages; on write, only the conversations a write touched are
recomputed (`refresh`), and everything when the business calendar changes (`refresh_if_calendar_changed`).
The CONTRACT definitions live here once; the views in views.py read these tables.
"""
from __future__ import annotations

import duckdb

# Seconds between two TIMESTAMPTZ values, exact to the microsecond.
SECONDS = "(epoch_us({end}) - epoch_us({start})) / 1e6"
BUSINESS = "business_clock({t}, {c}.open_at, {c}.close_at, {c}.business_s_before)"
TOUCHED = "touched_conversations"   # temp table of conversation keys a write changed


def refresh(con: duckdb.DuckDBPyConnection, only_touched: bool = True) -> None:
    """Recompute the facts of the conversations in the temp table `touched_conversations` (all of them
    with only_touched=False). Runs inside the caller's transaction."""
    keyed = f"conversation_key IN (SELECT conversation_key FROM {TOUCHED})" if only_touched else "true"
    reply_s = SECONDS.format(start="i.created_at", end="o.created_at")
    con.execute(f"DELETE FROM answer_facts WHERE {keyed}")
    con.execute(f"""
        INSERT INTO answer_facts
        SELECT i.platform, i.id, i.kind, i.account, i.lang, i.author_id, i.conversation_key,
               i.created_at, o.created_at AS answered_at, {reply_s} AS reply_s,
               {BUSINESS.format(t="o.created_at", c="c_end")} - {BUSINESS.format(t="i.created_at", c="c_start")}
        FROM (SELECT * FROM messages WHERE {keyed} AND direction = 'inbound') i
        ASOF LEFT JOIN (SELECT conversation_key, created_at FROM messages WHERE {keyed} AND direction = 'outbound') o
            ON i.conversation_key = o.conversation_key AND o.created_at > i.created_at
        ASOF LEFT JOIN business_calendar c_start ON i.created_at >= c_start.open_at
        ASOF LEFT JOIN business_calendar c_end ON o.created_at >= c_end.open_at
    """)
    # A conversation's first response is the answer of its first inbound message.
    con.execute(f"DELETE FROM first_response_facts WHERE {keyed}")
    con.execute(f"""
        INSERT INTO first_response_facts
        SELECT f.conversation_key, f.platform, f.kind, f.account, f.lang, f.author_id, f.created_at,
               f.answered_at, f.reply_s, f.reply_business_s, {BUSINESS.format(t="f.created_at", c="c")}
        FROM (SELECT * FROM answer_facts WHERE {keyed}
              QUALIFY row_number() OVER (PARTITION BY conversation_key ORDER BY created_at, platform, id) = 1) f
        ASOF LEFT JOIN business_calendar c ON f.created_at >= c.open_at
    """)


def note_touched(con: duckdb.DuckDBPyConnection, select_keys_sql: str) -> None:
    """Add the conversation keys `select_keys_sql` returns to those the next `refresh` recomputes."""
    con.execute(f"CREATE TEMP TABLE IF NOT EXISTS {TOUCHED} (conversation_key VARCHAR)")
    con.execute(f"INSERT INTO {TOUCHED} {select_keys_sql}")


def refresh_touched(con: duckdb.DuckDBPyConnection) -> None:
    """Recompute what `note_touched` collected, then forget it."""
    con.execute(f"CREATE TEMP TABLE IF NOT EXISTS {TOUCHED} (conversation_key VARCHAR)")
    if con.execute(f"SELECT count(*) FROM {TOUCHED}").fetchall()[0][0]:
        refresh(con)
    con.execute(f"DROP TABLE {TOUCHED}")


def refresh_if_calendar_changed(con: duckdb.DuckDBPyConnection, calendar_fingerprint: str) -> bool:
    """Business seconds depend on the calendar: recompute everything when it is not the one the facts were
    computed with (first run after the upgrade, new business hours, a calendar reaching further back)."""
    stored = con.execute("SELECT value FROM settings WHERE key = 'inbox_facts_calendar'").fetchall()
    if stored and stored[0][0] == calendar_fingerprint:
        return False
    refresh(con, only_touched=False)
    con.execute("INSERT OR REPLACE INTO settings VALUES ('inbox_facts_calendar', ?)", [calendar_fingerprint])
    return True
