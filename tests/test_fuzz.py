"""Bad input, fuzzed (Hypothesis): the JSONL parser, the import into a warehouse that already holds data, and
the inbox metrics against the independent reference, on inputs nobody would think to write by hand.

Each property counts the inputs it tried; the counts are printed at the end of the run (conftest.py).
"""
from __future__ import annotations

import io
from datetime import datetime, timedelta, timezone

import duckdb
import orjson
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from connectors.jsonl import parse_jsonl
from connectors.message import KINDS, MAX_YEAR, MIN_YEAR
from pipelines.config import Settings
from pipelines.ingest.importer import import_jsonl
from pipelines.warehouse.prepare import prepare_database
from tests.conftest import SUITE_COUNTS
from tests.reference_metrics import inbox_daily as reference_inbox_daily

FUZZ = settings(deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
# Each example of the warehouse properties prepares a fresh in-memory warehouse (~0.3 s): fewer of them.
FUZZ_WAREHOUSE = settings(FUZZ, max_examples=40)

# Text that breaks naive code: NUL and control characters, zero-width and right-to-left marks, markup,
# very long strings, and anything else Unicode holds (lone surrogates cannot reach JSON as UTF-8).
NASTY = ["\x00", "\x07", "\r", "\u200b", "\u200d", "\u202e", "\ufeff", "<script>alert(1)</script>",
         "<img src=x onerror=alert(1)>", "**bold** [x](javascript:alert(1))", "`code` | a | b |",
         "'; DROP TABLE messages; --"]
texts = st.one_of(st.text(max_size=60), st.sampled_from(NASTY), st.integers(5_000, 50_000).map(lambda n: "é" * n),
                  st.lists(st.sampled_from(NASTY) | st.text(max_size=5), max_size=4).map("".join))
times = st.one_of(
    st.datetimes(min_value=datetime(1900, 1, 1), max_value=datetime(2200, 1, 1),
                 timezones=st.just(timezone.utc)).map(lambda t: t.isoformat()),
    st.sampled_from(["2026-11-20T10:00:00", "2026-02-30T10:00:00Z", "yesterday", "", "2026-11-20T10:00:00+25:00"]),
    st.integers(-2**63, 2**63 - 1), st.none())


IDS = st.sampled_from([f"m{i}" for i in range(8)])   # few ids: duplicates with different content are common


def records(ids: st.SearchStrategy[str] = IDS) -> st.SearchStrategy:
    """Message-like objects: mostly valid, often with one field missing, of the wrong type, or out of range."""
    valid = st.fixed_dictionaries({
        "platform": st.sampled_from(["x", "mastodon", "bluesky"]), "id": ids,
        "kind": st.sampled_from(sorted(KINDS)), "direction": st.sampled_from(["inbound", "outbound"]),
        "author_id": st.sampled_from(["a", "b", "brand"]), "created_at": times, "text": texts,
    }, optional={"author_handle": texts, "in_reply_to_id": ids, "conversation_id": st.sampled_from(["c1", "c2"]),
                 "lang": st.sampled_from(["en", "ru", "cs", "EN-gb", "x", "12"]), "url": texts, "account": texts,
                 "unexpected": st.integers(-2**63, 2**63 - 1) | texts})
    broken = st.tuples(valid, st.sampled_from(["platform", "id", "kind", "created_at", "text", "author_id"]),
                       st.sampled_from([None, 7, [], {}, True, "", "NOT A KIND"]))
    return st.one_of(valid, valid, broken.map(lambda t: {**t[0], t[1]: t[2]} if t[2] is not None
                                              else {k: v for k, v in t[0].items() if k != t[1]}))


lines = st.one_of(
    records().map(orjson.dumps),
    records().map(lambda r: orjson.dumps(r)[: len(orjson.dumps(r)) // 2]),       # truncated
    st.binary(max_size=80),                                                     # not JSON, maybe not UTF-8
    st.sampled_from([b"[]", b"null", b"42", b'"text"', b"{}", b'{"id": "\\ud800"}', b"\xff\xfe{}"]),
).map(lambda line: line.replace(b"\n", b" "))


@settings(FUZZ, max_examples=300)
@given(st.lists(lines, max_size=30))
def test_every_line_is_either_a_valid_message_or_a_one_line_reason(batch):
    SUITE_COUNTS["fuzz"]["parser inputs tried"] += 1
    stream = io.BytesIO(b"\n".join(batch))
    messages, rejects = 0, []
    for found, rejected in parse_jsonl(stream, batch_size=7):
        table = found.to_arrow().to_pylist()
        messages += len(table)
        rejects += rejected
        for row in table:
            assert row["kind"] in KINDS and row["direction"] in ("inbound", "outbound")
            assert MIN_YEAR <= row["created_at"].year < MAX_YEAR
            assert all("\x00" not in (value or "") for value in row.values() if isinstance(value, str))
    assert messages + len(rejects) == sum(1 for line in batch if line.strip())
    for reject in rejects:
        assert reject.reason and "\n" not in reject.reason and len(reject.reason) < 200
        assert 1 <= reject.line_no <= len(batch)


def warehouse() -> duckdb.DuckDBPyConnection:
    con = duckdb.connect()
    prepare_database(con, Settings())
    return con


@FUZZ_WAREHOUSE
@given(st.lists(records(), min_size=1, max_size=12), st.lists(lines, max_size=12))
def test_a_bad_file_never_loses_or_half_writes_what_is_stored(first, second):
    """Whatever the second file holds, the messages stored before are all still there (changed only by a
    valid line with the same id), and the second file is all in or, on a failure, all out."""
    SUITE_COUNTS["fuzz"]["import inputs tried"] += 1
    import tempfile
    from pathlib import Path

    con = warehouse()
    with tempfile.TemporaryDirectory() as folder:
        a, b = Path(folder) / "a.jsonl", Path(folder) / "b.jsonl"
        a.write_bytes(b"\n".join(orjson.dumps(r) for r in first))
        b.write_bytes(b"\n".join(second))
        import_jsonl(con, str(a), Settings())
        before = dict(((p, i), t) for p, i, t in con.execute("SELECT platform, id, text FROM messages").fetchall())
        report = import_jsonl(con, str(b), Settings())
        after = dict(((p, i), t) for p, i, t in con.execute("SELECT platform, id, text FROM messages").fetchall())
        again = import_jsonl(con, str(b), Settings())   # the same file twice changes nothing more
    assert set(before) <= set(after)
    assert len(after) == len(before) + report.inserted
    assert again.inserted == 0 and again.updated == 0
    stored_rejects = con.execute("SELECT count(DISTINCT line_no) FROM rejected_messages WHERE source LIKE '%b.jsonl'")
    assert stored_rejects.fetchone()[0] == report.rejected
    SUITE_COUNTS["fuzz"]["messages lost"] += len(set(before) - set(after))


DAY = datetime(2026, 11, 18, tzinfo=timezone.utc)
conversation_messages = st.lists(st.fixed_dictionaries({
    "platform": st.sampled_from(["x", "mastodon"]), "id": st.sampled_from([f"n{i}" for i in range(14)]),
    "kind": st.sampled_from(["mention", "dm"]), "direction": st.sampled_from(["inbound", "inbound", "outbound"]),
    "author_id": st.just("someone"), "minute": st.integers(0, 3 * 24 * 60), "text": st.just("hello"),
}, optional={"in_reply_to_id": st.sampled_from([f"n{i}" for i in range(16)]),
             "conversation_id": st.sampled_from(["dm-1", "dm-2"])}), min_size=1, max_size=25)


SELF_REPLY = {"platform": "mastodon", "kind": "mention", "direction": "inbound", "author_id": "someone", "minute": 0,
              "text": "hello"}


@FUZZ_WAREHOUSE
@given(conversation_messages, st.integers(1, 4))
# Found by this test: a reply into a message that replies to itself (the cycle was keyed two ways).
@example([{**SELF_REPLY, "id": "n0", "in_reply_to_id": "n1"}, {**SELF_REPLY, "id": "n1", "in_reply_to_id": "n1"}], 1)
def test_inbox_daily_equals_the_independent_reference_however_the_messages_arrive(drawn, pieces):
    """Threads with missing parents, cycles, shared conversation ids and answers in the same second, split into
    files in any order: `inbox_daily` is what the plain-Python reference computes."""
    SUITE_COUNTS["fuzz"]["metric inputs tried"] += 1
    import tempfile
    from pathlib import Path

    unique = {}
    for m in drawn:   # one record per (platform, id): the warehouse keeps the last, so does the reference
        record = {k: v for k, v in m.items() if k != "minute"}
        record["created_at"] = (DAY + timedelta(minutes=m["minute"])).isoformat()
        record["lang"] = "en"
        if record["direction"] == "outbound":
            record["author_id"] = "brand"
        unique[(m["platform"], m["id"])] = record
    messages = list(unique.values())
    con = warehouse()
    with tempfile.TemporaryDirectory() as folder:
        for n in range(pieces):
            path = Path(folder) / f"part{n}.jsonl"
            path.write_bytes(b"\n".join(orjson.dumps(r) for r in messages[n::pieces]))
            import_jsonl(con, str(path), Settings())
    prepare_database(con, Settings())
    expected = reference_inbox_daily(messages)
    columns = ["inbound", "answered", "reply_time_median_s", "reply_time_p90_s", "conversations",
               "first_response_median_s", "first_response_p90_s", "sla_met"]
    got = {(day, platform, kind): dict(zip(columns, values)) for day, platform, kind, *values in con.execute(
        f"SELECT day, platform, kind, {', '.join(columns)} FROM inbox_daily").fetchall()}
    assert set(got) == set(expected)
    for key, values in expected.items():
        for column in columns:
            want, have = values[column], got[key][column]
            assert (want is None and have is None) or abs(float(want) - float(have)) < 1e-6, (key, column, have, want)
