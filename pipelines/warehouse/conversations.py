"""`conversation_key` (CONTRACT section 4, "Conversations").

A reply belongs to the conversation of the message it replies to: follow `in_reply_to_id` to the root;
if a parent is not stored, that parent's id is the root. A root's key is its `conversation_id` if given,
else its own id. Keys are prefixed with the platform and with `c/` (a platform conversation id) or
`m/` (a root message id) so ids from different namespaces never collide.

Roots are found by pointer jumping: every round, each message points to its pointer's pointer, so a
chain of depth d resolves in log2(d) set-based rounds instead of d recursive steps.
"""
from __future__ import annotations

import duckdb

from pipelines.metrics import facts

MAX_ROUNDS = 40  # 2^40 hops: any chain that has not resolved by then is a cycle


def rebuild_conversation_keys(con: duckdb.DuckDBPyConnection) -> int:
    """Recompute every key; write only those that changed. Returns the number of rows changed."""
    con.execute("""
        CREATE OR REPLACE TEMP TABLE conv_ptr AS
        SELECT m.platform, m.id,
               p.id AS next_id,  -- NULL when m is a root (no parent, or parent not stored)
               CASE WHEN m.in_reply_to_id IS NULL AND m.conversation_id IS NOT NULL
                        THEN m.platform || ':c/' || m.conversation_id
                    ELSE m.platform || ':m/' || coalesce(m.in_reply_to_id, m.id) END AS root_key
        FROM messages m
        LEFT JOIN messages p ON p.platform = m.platform AND p.id = m.in_reply_to_id
    """)
    for _ in range(MAX_ROUNDS):
        pending = con.execute("SELECT count(*) FROM conv_ptr WHERE next_id IS NOT NULL").fetchone()[0]
        if pending == 0:
            break
        con.execute("""
            CREATE OR REPLACE TEMP TABLE conv_ptr AS
            SELECT a.platform, a.id,
                   CASE WHEN a.next_id IS NULL THEN NULL ELSE b.next_id END AS next_id,
                   CASE WHEN a.next_id IS NULL THEN a.root_key ELSE b.root_key END AS root_key
            FROM conv_ptr a
            LEFT JOIN conv_ptr b ON b.platform = a.platform AND b.id = a.next_id
        """)
    # A reply cycle (corrupt data) never reaches a root: key it by the smallest id it reaches.
    con.execute("""
        UPDATE conv_ptr SET root_key = platform || ':m/' || least(id, next_id), next_id = NULL
        WHERE next_id IS NOT NULL
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
    con.execute("DROP TABLE conv_ptr")
    return changed
