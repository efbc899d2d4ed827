"""inbox_daily and its sibling views against hand-computed cases and an independent implementation."""
from __future__ import annotations

from datetime import date, datetime, timedelta, timezone

import pytest

from pipelines.config import BusinessHours, Settings
from pipelines.metrics.calendar import business_intervals
from pipelines.warehouse.prepare import prepare_database
from tests.conftest import load, msg
from tests.reference_metrics import inbox_daily as reference_inbox_daily

# Friday 2026-11-20 (UTC). Each conversation exercises one edge case of CONTRACT section 6.
EDGE_CASES = [
    # A: two inbound before one answer; an inbound at the very second of an answer is not answered by it.
    msg("a1", "2026-11-20T10:00:00Z"),
    msg("a2", "2026-11-20T10:05:00Z", kind="comment", in_reply_to_id="a1"),
    msg("a3", "2026-11-20T10:20:00Z", "outbound", kind="comment", in_reply_to_id="a2"),
    msg("a4", "2026-11-20T10:20:00Z", kind="comment", in_reply_to_id="a3"),
    msg("a5", "2026-11-20T10:50:00Z", "outbound", kind="comment", in_reply_to_id="a4"),
    # B: replies to a parent Earshot never saw: the parent id is the root.
    msg("b1", "2026-11-20T11:00:00Z", kind="comment", in_reply_to_id="zz"),
    msg("b3", "2026-11-20T11:30:00Z", kind="comment", in_reply_to_id="zz"),
    msg("b2", "2026-11-20T13:00:00Z", "outbound", kind="comment", in_reply_to_id="b1"),
    # C: a DM conversation across midnight; the last message is never answered.
    msg("c1", "2026-11-20T23:50:00Z", kind="dm", conversation_id="dm1"),
    msg("c2", "2026-11-21T00:10:00Z", "outbound", kind="dm", conversation_id="dm1"),
    msg("c3", "2026-11-21T00:30:00Z", kind="dm", conversation_id="dm1"),
    # D: never answered.
    msg("d1", "2026-11-20T15:00:00Z"),
]

EXPECTED = {  # (day, kind) -> columns, computed by hand from the definitions
    (date(2026, 11, 20), "mention"): dict(inbound=2, answered=1, reply_rate=0.5, reply_time_median_s=1200,
                                          reply_time_p90_s=1200, conversations=2, first_response_median_s=1200,
                                          first_response_p90_s=1200, sla_met=0.5),
    (date(2026, 11, 20), "comment"): dict(inbound=4, answered=4, reply_rate=1.0, reply_time_median_s=3600,
                                          reply_time_p90_s=6660, conversations=1, first_response_median_s=7200,
                                          first_response_p90_s=7200, sla_met=0.0),
    (date(2026, 11, 20), "dm"): dict(inbound=1, answered=1, reply_rate=1.0, reply_time_median_s=1200,
                                     reply_time_p90_s=1200, conversations=1, first_response_median_s=1200,
                                     first_response_p90_s=1200, sla_met=1.0),
    (date(2026, 11, 21), "dm"): dict(inbound=1, answered=0, reply_rate=0.0, reply_time_median_s=None,
                                     reply_time_p90_s=None, conversations=0, first_response_median_s=None,
                                     first_response_p90_s=None, sla_met=None),
}
COLUMNS = list(EXPECTED[(date(2026, 11, 20), "dm")])


def rows(con, view: str, key_cols: tuple[str, ...]) -> dict:
    cursor = con.execute(f"SELECT * FROM {view}")
    names = [d[0] for d in cursor.description]
    records = [dict(zip(names, row)) for row in cursor.fetchall()]
    return {tuple(r[c] for c in key_cols): r for r in records}


def same(a, b) -> bool:
    if a is None or (isinstance(a, float) and a != a):
        return b is None
    return b is not None and abs(float(a) - float(b)) < 1e-6


def test_inbox_daily_matches_hand_computed_edge_cases(con, tmp_path):
    load(con, tmp_path, EDGE_CASES)
    got = rows(con, "inbox_daily", ("day", "kind"))
    assert set(got) == set(EXPECTED)
    for key, expected in EXPECTED.items():
        for column in COLUMNS:
            assert same(got[key][column], expected[column]), (key, column, got[key][column], expected[column])


def test_conversation_keys_of_edge_cases(con, tmp_path):
    load(con, tmp_path, EDGE_CASES)
    keys = dict(con.execute("SELECT id, conversation_key FROM messages").fetchall())
    assert {keys[i] for i in ("a1", "a2", "a3", "a4", "a5")} == {"x:m/a1"}
    assert {keys[i] for i in ("b1", "b2", "b3")} == {"x:m/zz"}
    assert {keys[i] for i in ("c1", "c2", "c3")} == {"x:c/dm1"}


def test_sla_leaves_out_unanswered_conversations_until_the_target_passes(con, tmp_path):
    now = datetime.now(timezone.utc).replace(microsecond=0)
    iso = lambda t: t.isoformat().replace("+00:00", "Z")  # noqa: E731
    load(con, tmp_path, [
        msg("fresh", iso(now - timedelta(minutes=10))),                # pending: left out
        msg("late", iso(now - timedelta(hours=3))),                     # answered after 2 h: missed
        msg("late-r", iso(now - timedelta(hours=1)), "outbound", kind="comment", in_reply_to_id="late"),
        msg("quick", iso(now - timedelta(hours=2))),                    # answered in 5 min: met
        msg("quick-r", iso(now - timedelta(hours=2) + timedelta(minutes=5)), "outbound", kind="comment",
            in_reply_to_id="quick"),
    ])
    status = dict(con.execute("SELECT conversation_key, sla_status FROM conversation_first_response").fetchall())
    assert status == {"x:m/fresh": None, "x:m/late": "missed", "x:m/quick": "met"}
    sla = con.execute("SELECT * FROM inbox_period(now() - INTERVAL 1 DAY, now() + INTERVAL 1 DAY)").df()
    assert sla["sla_met"][0] == pytest.approx(0.5)
    assert sla["conversations"][0] == 3


def test_sla_target_comes_from_settings(con, tmp_path):
    load(con, tmp_path, EDGE_CASES)
    prepare_database(con, Settings(sla_first_response_minutes=180))  # B's 2 h now meets the target
    got = rows(con, "inbox_daily", ("day", "kind"))
    assert got[(date(2026, 11, 20), "comment")]["sla_met"] == 1.0


def test_hourly_weekly_and_account_views_add_up_to_daily(con, tmp_path):
    records = [dict(r, account="brand-main" if i % 2 else "brand-help") for i, r in enumerate(EDGE_CASES)]
    load(con, tmp_path, records)
    totals = {}
    for view in ("inbox_daily", "inbox_hourly", "inbox_weekly", "inbox_daily_by_account"):
        totals[view] = con.execute(f"SELECT sum(inbound), sum(answered), sum(conversations) FROM {view}").fetchone()
    assert len(set(totals.values())) == 1, totals
    weeks = con.execute("SELECT DISTINCT week FROM inbox_weekly").fetchall()
    assert weeks == [(date(2026, 11, 16),)]  # ISO weeks start on Monday
    hours = con.execute("SELECT hour, inbound FROM inbox_hourly WHERE kind = 'comment' ORDER BY hour").fetchall()
    assert [(h.hour, n) for h, n in hours] == [(10, 2), (11, 2)]
    accounts = con.execute("SELECT DISTINCT account FROM inbox_daily_by_account ORDER BY 1").fetchall()
    assert accounts == [("brand-help",), ("brand-main",)]


def test_business_hours_count_only_open_time(con, tmp_path):
    settings = Settings(business_hours=BusinessHours(timezone="Europe/Prague"))
    prepare_database(con, settings)
    load(con, tmp_path, [
        # Friday 16:30 in Prague, answered Monday 09:15: 30 + 15 business minutes.
        msg("fri", "2026-11-20T15:30:00Z"),
        msg("fri-r", "2026-11-23T08:15:00Z", "outbound", kind="comment", in_reply_to_id="fri"),
        # Saturday 00:30 in Prague (Friday 23:30 UTC), answered Saturday: no business time at all.
        msg("sat", "2026-11-20T23:30:00Z"),
        msg("sat-r", "2026-11-21T10:00:00Z", "outbound", kind="comment", in_reply_to_id="sat"),
    ], settings=settings)
    times = dict(con.execute("SELECT id, reply_business_s FROM inbound_answers").fetchall())
    assert times == {"fri": 2700.0, "sat": 0.0}
    days = rows(con, "inbox_daily_business", ("day",))
    assert set(days) == {(date(2026, 11, 20),), (date(2026, 11, 21),)}  # the local calendar day
    assert days[(date(2026, 11, 20),)]["first_response_median_s"] == 2700.0
    assert days[(date(2026, 11, 20),)]["sla_met"] == 1.0  # 45 business minutes < 60, though 2.7 days passed
    wall = rows(con, "inbox_daily", ("day",))
    assert wall[(date(2026, 11, 20),)]["sla_met"] == 0.0


def test_business_calendar_follows_daylight_saving():
    # Prague left summer time on 2026-10-25: 09:00 local is 07:00Z on the Friday before, 08:00Z after.
    hours = BusinessHours(timezone="Europe/Prague", holidays=(date(2026, 10, 28),))
    table = business_intervals(hours, date(2026, 10, 23), date(2026, 10, 28)).to_pylist()
    assert [(r["open_at"].date(), r["open_at"].hour, r["close_at"].hour) for r in table] == [
        (date(2026, 10, 23), 7, 15), (date(2026, 10, 26), 8, 16), (date(2026, 10, 27), 8, 16)]
    assert [r["business_s_before"] for r in table] == [0.0, 8 * 3600.0, 16 * 3600.0]


def test_week_over_week_comparison(con, tmp_path):
    now = datetime.now(timezone.utc).replace(microsecond=0)
    iso = lambda t: t.isoformat().replace("+00:00", "Z")  # noqa: E731
    this_week = [msg(f"t{i}", iso(now - timedelta(days=1, minutes=i))) for i in range(3)]
    last_week = [msg(f"l{i}", iso(now - timedelta(days=8, minutes=i))) for i in range(5)]
    answer = msg("l0-r", iso(now - timedelta(days=8) + timedelta(minutes=30)), "outbound", kind="comment",
                 in_reply_to_id="l0")
    load(con, tmp_path, this_week + last_week + [answer])
    table = {r[0]: r[1:] for r in con.execute(
        "SELECT metric, current, previous, change FROM inbox_compare(now() - INTERVAL 7 DAY, now())").fetchall()}
    assert table["inbound"] == (3.0, 5.0, -2.0)
    assert table["answered"] == (0.0, 1.0, -1.0)
    assert table["reply_rate"][:2] == (0.0, 0.2)


def test_inbox_daily_matches_independent_computation_on_demo_stream(con, tmp_path):
    """~10,000 messages of realistic traffic: every row and column equal to the microsecond."""
    from connectors.demo import DemoStream

    now = datetime(2026, 11, 22, 12, tzinfo=timezone.utc)
    records = DemoStream(seed=3).messages_between(now - timedelta(days=14), now)
    load(con, tmp_path, records)
    expected = reference_inbox_daily(records)
    got = rows(con, "inbox_daily", ("day", "platform", "kind"))
    assert set(got) == set(expected)
    for key, columns in expected.items():
        for column, value in columns.items():
            assert same(got[key][column], value), (key, column, got[key][column], value)
