"""`conversation_key` (CONTRACT section 4, "Conversations").

A reply belongs to the conversation of the message it replies to: follow `in_reply_to_id` to the root;
if a parent is not stored, that parent's id is the root. A root's key is its `conversation_id` if given,
else its own id. Keys are prefixed with the platform and with `c/` (a platform conversation id) or
`m/` (a root message id) so ids from different namespaces never collide.

Roots are found by pointer jumping: every round, each message points to its pointer's pointer, so a
chain of depth d resolves in log2(d) set-based rounds instead of d recursive steps.

A write re-derives only the keys it can change (`rekey_after_write`): those of the written messages and of
every message in a conversation they may join or leave. Every descendant of a message X carries X's key
(or `m/X` while X was missing), so those conversations hold all descendants; a parent outside that scope
keeps its stored key, which the walk takes as it is. At 10 million messages this is a fraction of a second
instead of the tens of seconds a full re-derivation takes.
"""
from __future__ import annotations

import duckdb

from pipelines.metrics import facts

MAX_ROUNDS = 40  # 2^40 hops: any chain that has not resolved by then is a cycle
SCOPE = "conv_scope"   # temp table: (platform, id) of the messages whose keys are re-derived


def rebuild_conversation_keys(con: duckdb.DuckDBPyConnection, scope_sql: str = "SELECT platform, id FROM messages"
                              ) -> int:
    """Re-derive the keys of the messages `scope_sql` selects (all of them by default), taking the stored
    key of any parent outside the scope; write only those that changed. Returns the number changed."""
    con.execute(f"CREATE OR REPLACE TEMP TABLE {SCOPE} AS SELECT DISTINCT platform, id FROM ({scope_sql})")
    con.execute(f"""
        CREATE OR REPLACE TEMP TABLE conv_ptr AS
        SELECT m.platform, m.id,
               CASE WHEN s.id IS NOT NULL THEN p.id END AS next_id,  -- the parent, when its key is re-derived too
               CASE WHEN m.in_reply_to_id IS NULL AND m.conversation_id IS NOT NULL
                        THEN m.platform || ':c/' || m.conversation_id
                    WHEN p.id IS NOT NULL AND s.id IS NULL THEN p.conversation_key
                    ELSE m.platform || ':m/' || coalesce(m.in_reply_to_id, m.id) END AS root_key,
               m.id AS min_seen   -- the least id on the path so far: what names a cycle
        FROM messages m SEMI JOIN {SCOPE} USING (platform, id)
        LEFT JOIN messages p ON p.platform = m.platform AND p.id = m.in_reply_to_id
        LEFT JOIN {SCOPE} s ON s.platform = p.platform AND s.id = p.id
    """)
    for _ in range(MAX_ROUNDS):
        pending = con.execute("SELECT count(*) FROM conv_ptr WHERE next_id IS NOT NULL").fetchone()[0]
        if pending == 0:
            break
        con.execute("""
            CREATE OR REPLACE TEMP TABLE conv_ptr AS
            SELECT a.platform, a.id,
                   CASE WHEN a.next_id IS NULL THEN NULL ELSE b.next_id END AS next_id,
                   CASE WHEN a.next_id IS NULL THEN a.root_key ELSE b.root_key END AS root_key,
                   CASE WHEN a.next_id IS NULL THEN a.min_seen ELSE least(a.min_seen, b.min_seen) END AS min_seen
            FROM conv_ptr a
            LEFT JOIN conv_ptr b ON b.platform = a.platform AND b.id = a.next_id
        """)
    # A reply cycle (corrupt data) never reaches a root. Whatever still points somewhere now points at a
    # message on its cycle, whose path has gone round the whole cycle: every message on the cycle or leading
    # into it is keyed by the cycle's least id, so they share one conversation.
    con.execute("""
        CREATE OR REPLACE TEMP TABLE conv_ptr AS
        SELECT a.platform, a.id,
               CASE WHEN a.next_id IS NULL THEN a.root_key ELSE a.platform || ':m/' || b.min_seen END AS root_key
        FROM conv_ptr a
        LEFT JOIN conv_ptr b ON b.platform = a.platform AND b.id = a.next_id
    """)
    # Both the conversation a message leaves and the one it joins get their inbox facts recomputed.
    facts.note_touched(con, """
        SELECT unnest([m.conversation_key, k.root_key]) FROM messages m JOIN conv_ptr k USING (platform, id)
        WHERE m.conversation_key IS DISTINCT FROM k.root_key""")
    changed = con.execute("""
        UPDATE messages SET conversation_key = k.root_key
        FROM conv_ptr k
        WHERE messages.platform = k.platform AND messages.id = k.id
          AND messages.conversation_key IS DISTINCT FROM k.root_key
    """).fetchone()[0]
    con.execute(f"DROP TABLE conv_ptr; DROP TABLE {SCOPE}")
    return changed


def note_keys_a_write_may_move(con: duckdb.DuckDBPyConnection, written_sql: str) -> None:
    """Before a write changes the messages `written_sql` selects (platform, id): remember the conversations
    whose keys it may move: each written message's stored key (a changed parent moves its descendants) and
    `m/<id>` (descendants that waited for it as a missing parent)."""
    con.execute(f"""
        CREATE OR REPLACE TEMP TABLE rekey_conversations AS
        SELECT m.conversation_key AS conversation_key FROM messages m SEMI JOIN ({written_sql}) w USING (platform, id)
        UNION SELECT platform || ':m/' || id FROM ({written_sql})
    """)


def rekey_after_write(con: duckdb.DuckDBPyConnection, written_sql: str) -> int:
    """After the write: re-derive the keys of the written messages and of the conversations noted before it."""
    changed = rebuild_conversation_keys(con, f"""
        SELECT platform, id FROM ({written_sql})
        UNION ALL
        SELECT platform, id FROM messages
        WHERE conversation_key IN (SELECT conversation_key FROM rekey_conversations)""")
    con.execute("DROP TABLE rekey_conversations")
    return changed
