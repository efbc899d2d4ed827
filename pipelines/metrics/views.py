"""The metric views, written from the current settings on every write.

Two per-row views carry the CONTRACT definitions once:
- `inbound_answers`: each inbound message, its answer (the earliest outbound message of the same
  conversation strictly after it, found with an ASOF join) and the seconds to it;
- `conversation_first_response`: each conversation's first inbound message, its first response and
  SLA status ('met', 'missed', or NULL while the target has not yet passed).
Every aggregate view (`inbox_daily`, `inbox_hourly`, `inbox_weekly`, `inbox_daily_by_account`,
`inbox_daily_business`) is the same template over those two with a different bucket and grouping, so
the definitions cannot drift apart. Business-hours variants measure time on `business_calendar`.
"""
from __future__ import annotations

from dataclasses import dataclass

import duckdb

# Seconds between two TIMESTAMPTZ values, exact to the microsecond.
_SECONDS = "(epoch_us({end}) - epoch_us({start})) / 1e6"


@dataclass(frozen=True)
class Grain:
    view: str
    bucket_column: str
    bucket_sql: str            # expression over {ts}: the bucket a timestamp falls in
    group: tuple[str, ...] = ("platform", "kind")
    business: bool = False     # response times in business seconds instead of wall-clock seconds


def utc(expr: str) -> str:
    return f"timezone('UTC', {expr})"


def grains(local_tz: str) -> list[Grain]:
    return [
        Grain("inbox_daily", "day", f"{utc('{ts}')}::DATE"),
        Grain("inbox_hourly", "hour", f"timezone('UTC', date_trunc('hour', {utc('{ts}')}))"),
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
    reply_s = _SECONDS.format(start="i.created_at", end="o.created_at")
    biz = "business_clock({t}, {c}.open_at, {c}.close_at, {c}.business_s_before)"
    return f"""
        CREATE OR REPLACE VIEW inbound_answers AS
        SELECT i.platform, i.id, i.kind, i.account, i.lang, i.author_id, i.conversation_key,
               i.created_at, o.created_at AS answered_at, {reply_s} AS reply_s,
               {biz.format(t="o.created_at", c="c_end")} - {biz.format(t="i.created_at", c="c_start")}
                   AS reply_business_s
        FROM (SELECT * FROM messages WHERE direction = 'inbound') i
        ASOF LEFT JOIN (SELECT conversation_key, created_at FROM messages WHERE direction = 'outbound') o
            ON i.conversation_key = o.conversation_key AND o.created_at > i.created_at
        ASOF LEFT JOIN business_calendar c_start ON i.created_at >= c_start.open_at
        ASOF LEFT JOIN business_calendar c_end ON o.created_at >= c_end.open_at
    """


def _conversation_first_response_sql(sla_seconds: int) -> str:
    # The first response of a conversation is the answer of its first inbound message.
    biz_now = "business_clock(now(), c_now.open_at, c_now.close_at, c_now.business_s_before)"
    biz_start = "business_clock(f.created_at, c_start.open_at, c_start.close_at, c_start.business_s_before)"
    return f"""
        CREATE OR REPLACE VIEW conversation_first_response AS
        WITH first_inbound AS (
            SELECT * FROM inbound_answers
            QUALIFY row_number() OVER (PARTITION BY conversation_key ORDER BY created_at, platform, id) = 1
        ), clocked AS (
            SELECT f.*, {_SECONDS.format(start="f.created_at", end="now()")} AS waited_s,
                   {biz_now} - {biz_start} AS waited_business_s
            FROM first_inbound f
            ASOF LEFT JOIN business_calendar c_start ON f.created_at >= c_start.open_at
            LEFT JOIN (SELECT * FROM business_calendar WHERE open_at <= now()
                       ORDER BY open_at DESC LIMIT 1) c_now ON true
        )
        SELECT conversation_key, platform, kind, account, lang, author_id,
               created_at AS first_inbound_at, answered_at AS first_response_at,
               reply_s AS first_response_s, reply_business_s AS first_response_business_s,
               {_sla_case("reply_s", "waited_s", sla_seconds)} AS sla_status,
               {_sla_case("reply_business_s", "waited_business_s", sla_seconds)} AS sla_business_status
        FROM clocked
    """


def _sla_case(response: str, waited: str, target: int) -> str:
    return (f"CASE WHEN {response} IS NOT NULL THEN "
            f"CASE WHEN {response} <= {target} THEN 'met' ELSE 'missed' END "
            f"WHEN {waited} > {target} THEN 'missed' END")


def aggregate_view_sql(grain: Grain) -> str:
    reply = "reply_business_s" if grain.business else "reply_s"
    first = "first_response_business_s" if grain.business else "first_response_s"
    sla = "sla_business_status" if grain.business else "sla_status"
    keys = (grain.bucket_column,) + grain.group
    key_list = ", ".join(keys)
    group = ", ".join(grain.group)
    return f"""
        CREATE OR REPLACE VIEW {grain.view} AS
        WITH msgs AS (
            SELECT {grain.bucket_sql.format(ts="created_at")} AS {grain.bucket_column}, {group},
                   count(*) AS inbound,
                   count(answered_at) AS answered,
                   quantile_cont({reply}, 0.5) AS reply_time_median_s,
                   quantile_cont({reply}, 0.9) AS reply_time_p90_s
            FROM inbound_answers GROUP BY ALL
        ), convs AS (
            SELECT {grain.bucket_sql.format(ts="first_inbound_at")} AS {grain.bucket_column}, {group},
                   count(*) AS conversations,
                   quantile_cont({first}, 0.5) AS first_response_median_s,
                   quantile_cont({first}, 0.9) AS first_response_p90_s,
                   count(*) FILTER ({sla} = 'met') / nullif(count({sla}), 0) AS sla_met
            FROM conversation_first_response GROUP BY ALL
        )
        SELECT {key_list}, m.inbound, m.answered, m.answered / m.inbound AS reply_rate,
               m.reply_time_median_s, m.reply_time_p90_s,
               coalesce(c.conversations, 0) AS conversations,
               c.first_response_median_s, c.first_response_p90_s, c.sla_met
        FROM msgs m LEFT JOIN convs c USING ({key_list})
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
