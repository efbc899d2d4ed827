"""conversation_key (CONTRACT section 4) under arrival in any order."""
from __future__ import annotations

from tests.conftest import load, msg
from tests.reference_metrics import conversation_keys


def keys(con) -> dict[str, str]:
    return dict(con.execute("SELECT id, conversation_key FROM messages").fetchall())


def test_a_parent_arriving_later_rekeys_its_descendants(con, tmp_path):
    # The replies arrive first: their root is the unknown parent's id.
    load(con, tmp_path, [msg("r1", "2026-11-20T10:05:00Z", in_reply_to_id="p"),
                         msg("r2", "2026-11-20T10:06:00Z", in_reply_to_id="r1")], "a.jsonl")
    assert keys(con) == {"r1": "x:m/p", "r2": "x:m/p"}
    # Then the parent, itself a reply inside a DM conversation's thread.
    load(con, tmp_path, [msg("root", "2026-11-20T09:00:00Z", conversation_id="dm-7"),
                         msg("p", "2026-11-20T10:00:00Z", in_reply_to_id="root")], "b.jsonl")
    assert set(keys(con).values()) == {"x:c/dm-7"}


def test_platforms_do_not_share_conversations(con, tmp_path):
    load(con, tmp_path, [msg("1", "2026-11-20T10:00:00Z", platform="x"),
                         msg("2", "2026-11-20T10:00:00Z", platform="mastodon", in_reply_to_id="1")])
    assert keys(con) == {"1": "x:m/1", "2": "mastodon:m/1"}


def test_long_chains_and_cycles_resolve(con, tmp_path):
    chain = [msg("c0", "2026-11-20T10:00:00Z")]
    chain += [msg(f"c{i}", "2026-11-20T10:00:00Z", in_reply_to_id=f"c{i - 1}") for i in range(1, 300)]
    cycle = [msg("y1", "2026-11-20T10:00:00Z", in_reply_to_id="y2"),
             msg("y2", "2026-11-20T10:00:00Z", in_reply_to_id="y1"),
             msg("y0", "2026-11-20T10:00:00Z", in_reply_to_id="y2"),    # leading into it
             msg("z1", "2026-11-20T10:00:00Z", in_reply_to_id="z1")]    # replying to itself
    load(con, tmp_path, chain + cycle)
    got = keys(con)
    assert {got[f"c{i}"] for i in range(300)} == {"x:m/c0"}
    assert got["y0"] == got["y1"] == got["y2"] == "x:m/y1"   # a cycle is one conversation, named by its least id
    assert got["z1"] == "x:m/z1" and got == {k[1]: v for k, v in conversation_keys(chain + cycle).items()}


def test_keys_match_the_independent_walk_on_demo_traffic(con, tmp_path):
    from datetime import datetime, timedelta, timezone

    from connectors.demo import DemoStream

    now = datetime(2026, 11, 22, tzinfo=timezone.utc)
    records = DemoStream(seed=11).messages_between(now - timedelta(days=3), now)
    load(con, tmp_path, records)
    expected = {mid: key for (_, mid), key in conversation_keys(records).items()}
    assert keys(con) == expected


def test_writes_in_any_order_keep_keys_and_facts_as_a_full_rederivation_would(con, tmp_path):
    """Each write re-derives only the conversations it can move; after batches in shuffled order, and
    edits that move a reply to another thread, keys and inbox facts equal what a from-scratch pass gives."""
    import random
    from datetime import datetime, timedelta, timezone

    from connectors.demo import DemoStream
    from pipelines.config import Settings
    from pipelines.metrics import facts
    from pipelines.warehouse.conversations import rebuild_conversation_keys
    from pipelines.warehouse.prepare import prepare_database

    now = datetime(2026, 11, 22, tzinfo=timezone.utc)
    records = DemoStream(seed=5).messages_between(now - timedelta(days=2), now)
    random.Random(3).shuffle(records)
    for n, start in enumerate(range(0, len(records), 97)):
        load(con, tmp_path, records[start:start + 97], f"batch-{n}.jsonl")
    expected = {mid: key for (_, mid), key in conversation_keys(records).items()}
    assert keys(con) == expected

    # Edits: replies re-parented onto another conversation's root, and a root turned into a reply.
    replies = [r for r in records if r.get("in_reply_to_id")][:20]
    roots = [r for r in records if not r.get("in_reply_to_id")][-5:]
    edited = [dict(r, in_reply_to_id=roots[i % 5]["id"]) for i, r in enumerate(replies)]
    edited.append(dict(roots[0], in_reply_to_id=roots[1]["id"]))
    load(con, tmp_path, edited, "edits.jsonl")
    by_id = {(r["platform"], r["id"]): r for r in records}
    by_id.update({(r["platform"], r["id"]): r for r in edited})
    expected = {mid: key for (_, mid), key in conversation_keys(list(by_id.values())).items()}
    assert keys(con) == expected

    prepare_database(con, Settings())   # as every tick does: the calendar now reaches the oldest message
    stored = {table: sorted(con.execute(f"SELECT * FROM {table}").fetchall(), key=repr)
              for table in ("answer_facts", "first_response_facts")}
    assert rebuild_conversation_keys(con) == 0   # nothing left for a full pass to change
    facts.refresh(con, only_touched=False)
    for table, rows in stored.items():
        assert sorted(con.execute(f"SELECT * FROM {table}").fetchall(), key=repr) == rows, table
    assert len(stored["answer_facts"]) == sum(r["direction"] == "inbound" for r in by_id.values())
