"""The demo source: deterministic, realistic in rhythm, languages, replies and events."""
from __future__ import annotations

from collections import Counter
from datetime import datetime, timedelta, timezone

import pytest

from connectors.demo import DemoSource, DemoStream
from connectors.message import validate

NOW = datetime(2026, 11, 22, 12, tzinfo=timezone.utc)


@pytest.fixture(scope="module")
def fortnight() -> list[dict]:
    return DemoStream(seed=5).messages_between(NOW - timedelta(days=14), NOW)


def test_every_record_is_a_valid_canonical_message(fortnight):
    for record in fortnight:
        validate(record)
    assert len({(m["platform"], m["id"]) for m in fortnight}) == len(fortnight)


def test_same_seed_same_stream_whatever_the_tick_size():
    stream = DemoStream(seed=5)
    start = NOW - timedelta(hours=20)
    whole = stream.messages_between(start, NOW)
    ticked, t = [], start
    while t < NOW:
        ticked += stream.messages_between(t, min(t + timedelta(minutes=7), NOW))
        t += timedelta(minutes=7)
    assert ticked == whole
    assert DemoStream(seed=6).messages_between(start, NOW) != whole


def test_day_night_and_weekday_rhythm(fortnight):
    inbound = [m for m in fortnight if m["direction"] == "inbound" and "demo_event" not in m]
    local_hours = Counter((datetime.fromisoformat(m["created_at"]) + timedelta(hours=1)).hour for m in inbound)
    assert local_hours[12] > 5 * local_hours[3]
    weekdays = Counter((datetime.fromisoformat(m["created_at"]) + timedelta(hours=1)).weekday() for m in inbound)
    assert (weekdays[5] + weekdays[6]) / 2 < 0.85 * sum(weekdays[d] for d in range(5)) / 5


def test_kinds_languages_and_threads(fortnight):
    inbound = [m for m in fortnight if m["direction"] == "inbound"]
    assert {m["kind"] for m in inbound} == {"mention", "comment", "dm"}
    langs = Counter(m.get("lang") for m in inbound)
    assert {"en", "cs", "ru", "de", "pl", "uk"} <= set(langs)
    assert langs[None] > 0.2 * len(inbound)  # some posts leave the language to Earshot
    by_id = {m["id"]: m for m in fortnight}
    replies = [m for m in fortnight if m["direction"] == "outbound" and m["kind"] != "post"]
    answered = [r for r in replies if r["in_reply_to_id"] in by_id]  # some questions predate the window
    assert len(answered) > 0.9 * len(replies)
    assert all(by_id[r["in_reply_to_id"]]["direction"] == "inbound" for r in answered)
    follow_ups = [m for m in inbound if m["id"].endswith("f")]
    assert follow_ups  # customers who write again before an answer


def test_replies_are_slower_at_night(fortnight):
    by_id = {m["id"]: m for m in fortnight}
    day, night = [], []
    for reply in (m for m in fortnight if m["id"].endswith("r") and m["in_reply_to_id"] in by_id):
        question = by_id[reply["in_reply_to_id"]]
        asked = datetime.fromisoformat(question["created_at"])
        wait = (datetime.fromisoformat(reply["created_at"]) - asked).total_seconds()
        (night if (asked + timedelta(hours=1)).hour < 6 else day).append(wait)
    day.sort(), night.sort()
    assert night[len(night) // 2] > 4 * day[len(day) // 2]


def test_events_are_labelled_and_include_harmless_ones():
    stream = DemoStream(seed=5, events_per_day=2.0)
    messages = stream.messages_between(NOW - timedelta(days=10), NOW)
    labelled = Counter(m["demo_event_kind"] for m in messages if "demo_event_kind" in m)
    assert {"outage", "scam", "complaint"} <= set(labelled)
    assert {"campaign", "spammer"} & set(labelled)
    spam_authors = {m["author_id"] for m in messages if m.get("demo_event_kind") == "spammer"}
    assert all(a.startswith("c-spam-") for a in spam_authors)


def test_source_backfills_then_continues_from_its_cursor():
    source = DemoSource(DemoStream(seed=5), backfill_days=14)
    first = source.fetch(None, NOW)
    times = first.batch.columns["created_at"]
    assert min(times) >= NOW - timedelta(days=14) and max(times) <= NOW
    assert (max(times) - min(times)) > timedelta(days=13)
    later = source.fetch(first.cursor, NOW + timedelta(minutes=30))
    ids_first = set(first.batch.columns["id"])
    assert ids_first.isdisjoint(later.batch.columns["id"])
    assert all(NOW < t <= NOW + timedelta(minutes=30) for t in later.batch.columns["created_at"])
