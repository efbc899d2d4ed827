"""Detection through the warehouse: incremental ticks, replay in event time, stored lifecycle."""
from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest

from connectors.demo import DemoStream
from pipelines.config import Settings
from pipelines.detection.run import detect
from pipelines.detection.status import set_status
from pipelines.errors import EarshotError
from tests.conftest import load

END = datetime(2026, 11, 1, tzinfo=timezone.utc)
NOW = END + timedelta(days=30)   # long after the stream: event time is the messages' own
# Where a person acts: in the middle of the stream's incidents (the first days are the detector's baseline).
HALF = datetime(2026, 10, 31, 10, tzinfo=timezone.utc)


@pytest.fixture(scope="module")
def stream() -> list[dict]:
    return DemoStream(seed=4, events_per_day=2.0).messages_between(END - timedelta(days=4), END)


def incidents(con) -> list[tuple]:
    return con.execute("""SELECT incident_id, kind, status, detected_at, alerted_at, message_count
                          FROM incidents ORDER BY incident_id""").fetchall()


def test_detect_stores_incidents_and_then_has_nothing_left_to_do(con, tmp_path, stream):
    load(con, tmp_path, stream)
    report = detect(con, Settings(), NOW)
    assert report.windows > 1000 and report.messages > 2000
    found = incidents(con)
    assert {row[1] for row in found} & {"outage", "scam", "complaint"}
    for incident_id, _, _, _, _, count in found:
        stored = con.execute("SELECT count(*) FROM incident_messages WHERE incident_id = ?", [incident_id]).fetchone()[0]
        assert stored == count
    opened = con.execute("SELECT count(DISTINCT incident_id) FROM incident_events WHERE event = 'opened'").fetchone()[0]
    assert opened == sum(row[1] != "other" for row in found)
    assert detect(con, Settings(), NOW).windows == 0
    assert incidents(con) == found


def test_importing_in_parts_gives_the_same_incidents_as_at_once(con, tmp_path, db_path, stream):
    from pipelines.warehouse.connection import connect
    from pipelines.warehouse.prepare import prepare_database

    load(con, tmp_path, stream)
    detect(con, Settings(), NOW)
    whole = incidents(con)
    split = END - timedelta(days=2)  # a window boundary
    other = tmp_path / "parts.duckdb"
    with connect(other) as parts:
        prepare_database(parts, Settings())
        for part, name in (([r for r in stream if r["created_at"] <= split.isoformat().replace("+00:00", "Z")], "a"),
                           ([r for r in stream if r["created_at"] > split.isoformat().replace("+00:00", "Z")], "b")):
            load(parts, tmp_path, part, name=f"{name}.jsonl")
            detect(parts, Settings(), NOW)
        assert [row[:5] for row in incidents(parts)] == [row[:5] for row in whole]


def test_a_stream_cut_just_after_an_alert_raises_it_at_the_same_time(con, tmp_path, stream):
    load(con, tmp_path, stream)
    detect(con, Settings(), NOW)
    alerts = con.execute("""SELECT incident_id, detected_at, alerted_at, kind FROM incidents
                            WHERE kind <> 'other' ORDER BY detected_at LIMIT 2""").fetchall()
    assert alerts
    from pipelines.warehouse.connection import connect
    from pipelines.warehouse.prepare import prepare_database
    for n, (incident_id, detected_at, alerted_at, kind) in enumerate(alerts):
        cut = [r for r in stream if datetime.fromisoformat(r["created_at"]) <= alerted_at]
        with connect(tmp_path / f"cut{n}.duckdb") as replay:
            prepare_database(replay, Settings())
            load(replay, tmp_path, cut, name=f"cut{n}.jsonl")
            detect(replay, Settings(), NOW)
            again = replay.execute("SELECT detected_at, alerted_at FROM incidents WHERE incident_id = ?",
                                   [incident_id]).fetchall()
        assert again == [(detected_at, alerted_at)]


def test_a_person_acknowledging_an_incident_is_kept(con, tmp_path, stream):
    half = [r for r in stream if r["created_at"] <= HALF.isoformat()]
    load(con, tmp_path, half)
    detect(con, Settings(), NOW)
    acknowledged = {r[0] for r in con.execute("SELECT incident_id FROM incidents WHERE status = 'open'").fetchall()}
    assert acknowledged
    for incident_id in acknowledged:
        set_status(con, incident_id, "acknowledged", "jana", HALF)
    load(con, tmp_path, stream, name="all.jsonl")
    detect(con, Settings(), NOW)
    statuses = dict(con.execute("SELECT incident_id, status FROM incidents").fetchall())
    assert all(statuses[i] in ("acknowledged", "resolved") for i in acknowledged)


def test_an_incident_a_person_resolved_stays_resolved_until_new_messages_of_it_arrive(con, tmp_path, stream):
    load(con, tmp_path, [r for r in stream if r["created_at"] <= HALF.isoformat()])
    detect(con, Settings(), NOW)
    resolved = [r[0] for r in con.execute("SELECT incident_id FROM incidents WHERE status = 'open'").fetchall()]
    assert resolved
    for incident_id in resolved:
        set_status(con, incident_id, "resolved", "jana", HALF)
    with pytest.raises(EarshotError, match="is resolved; only one that is open can be acknowledged"):
        set_status(con, resolved[0], "acknowledged", "jana", HALF)
    load(con, tmp_path, stream, name="all.jsonl")
    detect(con, Settings(), NOW)
    after = {r[0]: r[1:] for r in con.execute(
        "SELECT incident_id, status, status_by, last_message_at FROM incidents").fetchall()}
    kept = [i for i in resolved if after[i][2] <= HALF]
    spoke_again = [i for i in resolved if after[i][2] > HALF]
    assert kept and spoke_again
    assert all(after[i][:2] == ("resolved", "jana") for i in kept)      # the person's decision holds
    assert all(after[i][1] is None for i in spoke_again)                 # the detector decides anew
    actions = con.execute("SELECT count(*) FROM incident_actions WHERE action = 'resolved' AND actor = 'jana'"
                          ).fetchall()[0][0]
    assert actions == len(resolved)


def test_messages_arriving_late_are_not_lost(con, tmp_path, stream):
    inbound = [r for r in stream if r["direction"] == "inbound"]
    late = inbound[len(inbound) // 2]
    load(con, tmp_path, [r for r in stream if r is not late])
    detect(con, Settings(), NOW)
    load(con, tmp_path, [late], name="late.jsonl")
    # Nothing newer yet: the late message waits (it is not marked as processed)...
    assert detect(con, Settings(), NOW).messages == 0
    # ...and goes into the next window once there is one.
    newer = dict(late, id="newer", created_at=(END + timedelta(minutes=10)).isoformat())
    load(con, tmp_path, [newer], name="newer.jsonl")
    report = detect(con, Settings(), NOW)
    assert report.late_messages == 1 and report.messages == 2
