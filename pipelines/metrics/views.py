"""The metric views, written from the current settings on every write.

Two per-row views carry the CONTRACT definitions, over the facts kept on write (facts.py):
- `inbound_answers`: each inbound message, its answer (the earliest outbound message of the same
  conversation strictly after it) and the seconds to it;
- `conversation_first_response`: each conversation's first inbound message, its first response and
  SLA status ('met', 'missed', or NULL while the target has not yet passed).
Every aggregate view (`inbox_daily`, `inbox_hourly`, `inbox_weekly`, `inbox_daily_by_account`,
`inbox_daily_business`) is the same template over those two with a different bucket and grouping, so
the definitions cannot drift apart. Business-hours variants measure time on `business_calendar`.
Each also has `<view>_between(start, end)` (one period) and, but the by-account one, `<view>_series(start,
end, platforms, kinds, langs, accounts)` (one period per platform, filtered: the Inbox trends page).
"""
from __future__ import annotations

from dataclasses import dataclass

import duckdb

from pipelines.metrics.facts import SECONDS


@dataclass(frozen=True)
class Grain:
    view: str
    bucket_column: str
    bucket_sql: str            # expression over {ts}: the bucket a timestamp falls in (evaluated per row)
    group: tuple[str, ...] = ("platform", "kind")
    business: bool = False     # response times in business seconds instead of wall-clock seconds
    label_sql: str = "{b}"     # expression over the bucket {b}, evaluated once per bucket: what the view shows


def utc(expr: str) -> str:
    """The UTC wall-clock TIMESTAMP of a TIMESTAMPTZ, by arithmetic: 6 times faster than timezone('UTC', ...),
    whose time-zone library call dominated every aggregate at 10 million messages."""
    return f"make_timestamp(epoch_us({expr}))"


def grains(local_tz: str) -> list[Grain]:
    return [
        Grain("inbox_daily", "day", f"{utc('{ts}')}::DATE"),
        Grain("inbox_hourly", "hour", f"date_trunc('hour', {utc('{ts}')})", label_sql="timezone('UTC', {b})"),
        Grain("inbox_weekly", "week", f"date_trunc('week', {utc('{ts}')})::DATE"),
        Grain("inbox_daily_by_account", "day", f"{utc('{ts}')}::DATE", ("account", "platform", "kind")),
        # The configured time zone's calendar day, with times counted in business hours only.
        Grain("inbox_daily_business", "day", f"timezone('{local_tz}', {{ts}})::DATE", business=True),
    ]


def create_views(con: duckdb.DuckDBPyConnection, sla_seconds: int, local_tz: str) -> None:
    con.execute(_business_clock_macro())
    con.execute(_inbound_answers_sql())
    con.execute(_conversation_first_response_sql(sla_seconds))
    for grain in grains(local_tz):
        con.execute(aggregate_view_sql(grain))
        con.execute(aggregate_view_sql(grain, between=True))
        if "account" not in grain.group:   # a series is per platform, whatever the view groups by
            con.execute(series_macro_sql(grain))
    con.execute(_period_macro_sql())
    con.execute(_compare_macro_sql())


def _business_clock_macro() -> str:
    # Business seconds elapsed from the calendar's start to t, given the interval an ASOF join found
    # for t (the last one opening at or before t).
    return """
        CREATE OR REPLACE MACRO business_clock(t, open_at, close_at, s_before) AS
        CASE WHEN t IS NULL THEN NULL
             WHEN open_at IS NULL THEN 0
             ELSE s_before + greatest(0, least(epoch_us(t) - epoch_us(open_at),
                                               epoch_us(close_at) - epoch_us(open_at))) / 1e6 END
    """


def _inbound_answers_sql() -> str:
    return """
        CREATE OR REPLACE VIEW inbound_answers AS
        SELECT platform, id, kind, account, lang, author_id, conversation_key, created_at, answered_at,
               reply_s, reply_business_s
        FROM answer_facts
    """


def _conversation_first_response_sql(sla_seconds: int) -> str:
    # Facts kept on write; only how long an unanswered conversation has waited depends on now().
    biz_now = "business_clock(now(), c_now.open_at, c_now.close_at, c_now.business_s_before)"
    return f"""
        CREATE OR REPLACE VIEW conversation_first_response AS
        WITH clocked AS (
            SELECT f.*, {SECONDS.format(start="f.first_inbound_at", end="now()")} AS waited_s,
                   {biz_now} - f.business_clock_at_first AS waited_business_s
            FROM first_response_facts f
            LEFT JOIN (SELECT * FROM business_calendar WHERE open_at <= now()
                       ORDER BY open_at DESC LIMIT 1) c_now ON true
        )
        SELECT conversation_key, platform, kind, account, lang, author_id, first_inbound_at, first_response_at,
               first_response_s, first_response_business_s,
               {_sla_case("first_response_s", "waited_s", sla_seconds)} AS sla_status,
               {_sla_case("first_response_business_s", "waited_business_s", sla_seconds)} AS sla_business_status
        FROM clocked
    """


def _sla_case(response: str, waited: str, target: int) -> str:
    return (f"CASE WHEN {response} IS NOT NULL THEN "
            f"CASE WHEN {response} <= {target} THEN 'met' ELSE 'missed' END "
            f"WHEN {waited} > {target} THEN 'missed' END")


def aggregate_view_sql(grain: Grain, between: bool = False) -> str:
    """The view over all time, or (between=True) the table macro `<view>_between(period_start, period_end)`
    over the messages and conversations that start in [period_start, period_end): the same rows for the
    buckets inside, read from that period only (what the dashboard asks, fast on a large warehouse)."""
    head = (f"CREATE OR REPLACE MACRO {grain.view}_between(period_start, period_end) AS TABLE" if between
            else f"CREATE OR REPLACE VIEW {grain.view} AS")
    within = "WHERE {ts} >= period_start AND {ts} < period_end" if between else ""
    return head + _aggregate_sql(grain, grain.group, within)


# The filters of a series macro: a NULL list lets every value through; '' stands for a missing value.
SERIES_FILTERS = ("platform", "kind", "lang", "account")


def series_macro_sql(grain: Grain) -> str:
    """`<view>_series(period_start, period_end, platforms, kinds, langs, accounts)`: per bucket and platform,
    over the inbound messages and conversations in the period of the listed platforms, kinds, languages and
    accounts (NULL: all; '' for messages without one). Percentiles are computed over those rows, never
    averaged across groups."""
    lists = ", ".join(f"{column}s" for column in SERIES_FILTERS)
    within = "WHERE {ts} >= period_start AND {ts} < period_end" + "".join(
        f" AND ({column}s IS NULL OR list_contains({column}s, coalesce({column}, '')))" for column in SERIES_FILTERS)
    head = f"CREATE OR REPLACE MACRO {grain.view}_series(period_start, period_end, {lists}) AS TABLE"
    return head + _aggregate_sql(grain, ("platform",), within)


def _aggregate_sql(grain: Grain, group: tuple[str, ...], within: str) -> str:
    """Per bucket and `group`: the inbound messages' volume and reply times, and the conversations' first
    responses and SLA, of the rows `within` (a WHERE clause over {ts}) lets through."""
    reply = "reply_business_s" if grain.business else "reply_s"
    first = "first_response_business_s" if grain.business else "first_response_s"
    sla = "sla_business_status" if grain.business else "sla_status"
    keys = ", ".join((grain.bucket_column,) + group)
    columns = ", ".join(group)
    shown = ", ".join((f"{grain.label_sql.format(b=grain.bucket_column)} AS {grain.bucket_column}",) + group)
    return f"""
        WITH msgs AS (
            SELECT {grain.bucket_sql.format(ts="created_at")} AS {grain.bucket_column}, {columns},
                   count(*) AS inbound,
                   count(answered_at) AS answered,
                   quantile_cont({reply}, 0.5) AS reply_time_median_s,
                   quantile_cont({reply}, 0.9) AS reply_time_p90_s
            FROM inbound_answers {within.format(ts="created_at")} GROUP BY ALL
        ), convs AS (
            SELECT {grain.bucket_sql.format(ts="first_inbound_at")} AS {grain.bucket_column}, {columns},
                   count(*) AS conversations,
                   quantile_cont({first}, 0.5) AS first_response_median_s,
                   quantile_cont({first}, 0.9) AS first_response_p90_s,
                   count(*) FILTER ({sla} = 'met') / nullif(count({sla}), 0) AS sla_met
            FROM conversation_first_response {within.format(ts="first_inbound_at")} GROUP BY ALL
        )
        SELECT {shown}, m.inbound, m.answered, m.answered / m.inbound AS reply_rate,
               m.reply_time_median_s, m.reply_time_p90_s,
               coalesce(c.conversations, 0) AS conversations,
               c.first_response_median_s, c.first_response_p90_s, c.sla_met
        FROM msgs m LEFT JOIN convs c USING ({keys})
    """


def _period_macro_sql() -> str:
    """inbox_period(start, end): the headline metrics over [start, end), all platforms together."""
    return """
        CREATE OR REPLACE MACRO inbox_period(period_start, period_end) AS TABLE
        SELECT m.inbound, m.answered, m.answered / nullif(m.inbound, 0) AS reply_rate,
               m.reply_time_median_s, m.reply_time_p90_s, c.conversations,
               c.first_response_median_s, c.first_response_p90_s, c.sla_met
        FROM (SELECT count(*) AS inbound, count(answered_at) AS answered,
                     quantile_cont(reply_s, 0.5) AS reply_time_median_s,
                     quantile_cont(reply_s, 0.9) AS reply_time_p90_s
              FROM inbound_answers
              WHERE created_at >= period_start AND created_at < period_end) m,
             (SELECT count(*) AS conversations,
                     quantile_cont(first_response_s, 0.5) AS first_response_median_s,
                     quantile_cont(first_response_s, 0.9) AS first_response_p90_s,
                     count(*) FILTER (sla_status = 'met') / nullif(count(sla_status), 0) AS sla_met
              FROM conversation_first_response
              WHERE first_inbound_at >= period_start AND first_inbound_at < period_end) c
    """


PERIOD_METRICS = ("inbound", "answered", "reply_rate", "reply_time_median_s", "reply_time_p90_s",
                  "conversations", "first_response_median_s", "first_response_p90_s", "sla_met")


def _compare_macro_sql() -> str:
    """inbox_compare(start, end): each headline metric over [start, end) next to the period of the same
    length just before it, with the change. `inbox_compare(now() - INTERVAL 7 DAY, now())` is this week
    against last week."""
    names = ", ".join(f"'{m}'" for m in PERIOD_METRICS)
    values = ", ".join(f"{m}::DOUBLE" for m in PERIOD_METRICS)
    return f"""
        CREATE OR REPLACE MACRO inbox_compare(period_start, period_end) AS TABLE
        WITH cur AS (SELECT unnest([{names}]) AS metric, unnest([{values}]) AS current
                     FROM inbox_period(period_start, period_end)),
             prev AS (SELECT unnest([{names}]) AS metric, unnest([{values}]) AS previous
                      FROM inbox_period(period_start - (period_end - period_start), period_start))
        SELECT metric, current, previous, current - previous AS change,
               (current - previous) / nullif(abs(previous), 0) AS change_ratio
        FROM cur JOIN prev USING (metric)
    """
