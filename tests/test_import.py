"""`earshot import`: idempotent, transactional, and explicit about every bad line."""
from __future__ import annotations

import gzip
import json

import pytest

from pipelines.config import Settings
from pipelines.errors import EarshotError
from pipelines.ingest.importer import import_jsonl
from tests.conftest import load, msg, write_jsonl

GOOD = [msg("1", "2026-11-20T10:00:00Z", text="my card was declined at the shop"),
        msg("2", "2026-11-20T10:30:00+01:00", "outbound", kind="comment", in_reply_to_id="1"),
        msg("3", "2026-11-20T11:00:00.123456Z", kind="dm", conversation_id="d", extra_field={"a": [1]})]


def counts(con) -> tuple[int, int]:
    return con.execute("SELECT (SELECT count(*) FROM messages), (SELECT count(*) FROM rejected_messages)").fetchone()


def test_import_twice_changes_nothing(con, tmp_path):
    bad = ["{not json", json.dumps({"platform": "x", "id": "9"})]
    first = load(con, tmp_path, GOOD + bad)
    assert (first.read, first.inserted, first.updated, first.rejected) == (5, 3, 0, 2)
    before = con.execute("SELECT * FROM messages ORDER BY id").fetchall()
    second = load(con, tmp_path, GOOD + bad)
    assert (second.read, second.inserted, second.updated, second.unchanged, second.rejected) == (5, 0, 0, 3, 2)
    assert counts(con) == (3, 2)
    assert con.execute("SELECT * FROM messages ORDER BY id").fetchall() == before


def test_changed_content_is_an_update_and_later_lines_win(con, tmp_path):
    load(con, tmp_path, GOOD)
    edited = dict(GOOD[0], text="my card was declined twice")
    report = load(con, tmp_path, [edited, dict(edited, text="final edit")])
    assert (report.inserted, report.updated, report.unchanged) == (0, 1, 1)
    text, updated_at = con.execute("SELECT text, updated_at FROM messages WHERE id = '1'").fetchone()
    assert text == "final edit" and updated_at is not None


def test_fields_are_stored_as_given(con, tmp_path):
    load(con, tmp_path, GOOD)
    row = con.execute("""SELECT created_at, extra->>'$.extra_field.a[0]', lang, lang_source
                         FROM messages WHERE id = '3'""").fetchone()
    assert row[0].isoformat() == "2026-11-20T11:00:00.123456+00:00"
    assert row[1] == "1"  # unknown fields kept verbatim in `extra`
    assert row[2:] == ("en", "platform")
    offset = con.execute("SELECT created_at FROM messages WHERE id = '2'").fetchone()[0]
    assert offset.isoformat() == "2026-11-20T09:30:00+00:00"  # +01:00 normalised to UTC


@pytest.mark.parametrize("line, reason", [
    ("{not json", "invalid JSON"),
    ("[1, 2]", "expected a JSON object, got an array"),
    (json.dumps(dict(GOOD[0], created_at="yesterday")), "created_at 'yesterday' is not an ISO 8601 timestamp"),
    (json.dumps(dict(GOOD[0], created_at="2026-11-20T10:00:00")), "has no UTC offset"),
    (json.dumps(dict(GOOD[0], created_at="9999-01-01T00:00:00Z")), "outside 2000-2100"),
    (json.dumps({k: v for k, v in GOOD[0].items() if k != "author_id"}), "missing required field 'author_id'"),
    (json.dumps(dict(GOOD[0], kind="tweet")), "kind 'tweet' is not one of"),
    (json.dumps(dict(GOOD[0], direction="in")), "direction 'in' is not inbound or outbound"),
    (json.dumps(dict(GOOD[0], id=17)), "id must be a string, got a number"),
    (json.dumps(dict(GOOD[0], platform="Twitter")), "platform 'Twitter' must be a lowercase name"),
    (json.dumps(dict(GOOD[0], lang="english!")), "is not a BCP 47 language tag"),
])
def test_bad_lines_are_rejected_with_line_number_and_reason(con, tmp_path, line, reason):
    report = load(con, tmp_path, [GOOD[0], line, GOOD[2]])
    assert report.inserted == 2
    assert [(r.line_no, reason in r.reason) for r in report.rejects] == [(2, True)]
    stored = con.execute("SELECT line_no, reason, raw FROM rejected_messages").fetchall()
    assert stored == [(2, report.rejects[0].reason, line)]


def test_invalid_utf8_and_nul_characters(con, tmp_path):
    path = tmp_path / "bytes.jsonl"
    good = json.dumps(dict(GOOD[0], text="zero\u0000width\u200b and rtl \u202e text")).encode()
    path.write_bytes(good + b"\n" + b'{"platform": "x", "id": "\xff\xfe"}\n')
    report = import_jsonl(con, str(path), Settings())
    assert report.inserted == 1 and report.rejected == 1
    assert "UTF-8" in report.rejects[0].reason
    assert con.execute("SELECT text FROM messages").fetchone()[0] == "zero\ufffdwidth\u200b and rtl \u202e text"


def test_gzip_is_recognised_by_content(con, tmp_path):
    plain = write_jsonl(tmp_path / "a.jsonl", GOOD)
    packed = tmp_path / "export.data"  # no .gz suffix on purpose
    packed.write_bytes(gzip.compress(plain.read_bytes()))
    assert import_jsonl(con, str(packed), Settings()).inserted == 3


def test_a_failed_import_leaves_stored_data_untouched(con, tmp_path):
    load(con, tmp_path, GOOD)
    before = con.execute("SELECT * FROM messages ORDER BY id").fetchall()
    truncated = tmp_path / "cut.jsonl.gz"
    whole = gzip.compress(("\n".join(json.dumps(dict(GOOD[0], id=f"n{i}")) for i in range(5000))).encode())
    truncated.write_bytes(whole[: len(whole) // 2])
    with pytest.raises(EarshotError, match="nothing was imported"):
        import_jsonl(con, str(truncated), Settings())
    assert con.execute("SELECT * FROM messages ORDER BY id").fetchall() == before
    assert counts(con) == (3, 0)


def test_missing_language_is_detected(con, tmp_path):
    records = [dict(msg("ru", "2026-11-20T10:00:00Z", text="Не могу войти в приложение, ошибка при входе")),
               dict(msg("cs", "2026-11-20T10:00:00Z", text="Nemůžu se přihlásit do aplikace, pořád chyba")),
               dict(msg("emoji", "2026-11-20T10:00:00Z", text="🔥🔥"))]
    for r in records:
        del r["lang"]
    load(con, tmp_path, records)
    got = dict(con.execute("SELECT id, (lang, lang_source) FROM messages").fetchall())
    assert got == {"ru": ("ru", "detected"), "cs": ("cs", "detected"), "emoji": (None, None)}
    # Re-importing does not count detected languages as changes.
    assert load(con, tmp_path, records).updated == 0


def test_blank_lines_are_skipped_not_rejected(con, tmp_path):
    report = load(con, tmp_path, [GOOD[0], "", "   ", GOOD[1]])
    assert (report.read, report.inserted, report.rejected) == (2, 2, 0)
