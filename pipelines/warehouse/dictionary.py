"""The data dictionary: what every table and view of the warehouse holds, column by column.

`docs/data-dictionary.md` is generated from this and from a freshly prepared warehouse (names and types come
from DuckDB itself), and the tests fail when a table or column has no description or the file is stale:

    python -m pipelines.warehouse.dictionary > docs/data-dictionary.md
"""
from __future__ import annotations

import duckdb

# Columns that mean the same wherever they appear.
COMMON = {
    "platform": "Social network the message is on (`bluesky`, `mastodon`, `x`, `demo`, or a file's own name).",
    "id": "The message's id on its platform; `(platform, id)` is unique.",
    "message_id": "`messages.id` of the message (with `platform`).",
    "kind": "`mention`, `dm`, `comment` or `post` (messages); for incidents `outage`, `scam`, `complaint`, `other`.",
    "account": "The brand account the message reached (`<platform>:<handle>`), when the source knows it.",
    "lang": "Language (ISO 639-1): from the platform, else detected.",
    "author_id": "The author's stable id on the platform.",
    "conversation_key": "The conversation (CONTRACT section 4): `<platform>:c/<conversation id>` or "
                        "`<platform>:m/<root message id>`.",
    "created_at": "When it was written (messages: on the platform; others: in the warehouse).",
    "incident_id": "`incidents.incident_id`.",
    "notice_id": "`notices.notice_id`.",
    "alert_id": "`alerts.alert_id`.",
    "source": "The configured source's name (or the imported file's path).",
    "updated_at": "When this row last changed.",
    "acted_at": "When it was done.",
    "actor": "Who did it: the name entered in the dashboard, the CLI user, or `earshot (...)` for the pipeline.",
    "action": "What was done.",
    "severity": "1 (minor) to 5 (severe): size, growth, distinct authors, kind and spread.",
    "event": "`opened`, `escalated`, `reclassified` (it alerted, and now reads as another kind of problem), "
             "`resolved`, `withdrawn` (it alerted, then turned out harmless: its kind is now `other`), `reopened` "
             "or `merged`.",
    "event_at": "When the lifecycle event happened, in event time.",
    "status": "Where the row is in its lifecycle (values listed with the table).",
    "error": "The last error, in one line (never a secret).",
    "reason": "Why, in words.",
    "cursor": "Where the next pull resumes (the platform's own paging token or time).",
    # The inbox aggregates (one template, pipelines/metrics/views.py).
    "day": "UTC day (business views: the business time zone's day).",
    "hour": "UTC hour.",
    "week": "ISO week, starting Monday (UTC).",
    "inbound": "Inbound messages.",
    "answered": "Inbound messages that have an answer.",
    "reply_rate": "answered / inbound.",
    "reply_time_median_s": "Median seconds from an inbound message to its answer.",
    "reply_time_p90_s": "90th percentile of the same.",
    "conversations": "Conversations whose first inbound message falls in the bucket.",
    "first_response_median_s": "Median seconds from a conversation's first inbound message to its answer.",
    "first_response_p90_s": "90th percentile of the same.",
    "sla_met": "Conversations answered within the SLA target / those whose target has passed.",
    # Per-row inbox facts.
    "answered_at": "The answer's time: the earliest outbound message of the conversation strictly after it.",
    "reply_s": "Seconds to the answer.",
    "reply_business_s": "Seconds to the answer counted in business hours only.",
    "first_inbound_at": "The conversation's first inbound message.",
    "first_response_at": "Its answer.",
    "first_response_s": "Seconds from the first inbound message to its answer.",
    "first_response_business_s": "The same in business hours.",
}

INBOX_VIEW = "One row per bucket, platform and kind: volume, reply rate, reply and first-response times, SLA."

TABLES: dict[str, tuple[str, dict[str, str]]] = {
    "messages": ("Every message Earshot has heard or sent, once per `(platform, id)` (CONTRACT section 3).", {
        "direction": "`inbound` (customers to the brand) or `outbound` (the brand's own replies and posts).",
        "author_handle": "The author's handle as shown on the platform.",
        "text": "The text, as plain text (HTML removed; NUL replaced).",
        "in_reply_to_id": "The id of the message it replies to, if any.",
        "conversation_id": "The platform's conversation id (DM threads), if any.",
        "lang_source": "`platform` (given by the source) or `detected` (by Earshot).",
        "url": "Link to the message on its platform.",
        "extra": "Fields of the source record Earshot does not model, as JSON.",
        "ingested_at": "When Earshot first stored it.",
    }),
    "rejected_messages": ("Input lines that were not valid messages, with the reason; nothing else is lost.", {
        "line_no": "Line number in the file (or position in the page).",
        "raw": "The line as received, up to 10,000 characters.",
        "rejected_at": "When it was rejected.",
    }),
    "source_cursors": ("Per source, where the next incremental pull resumes.", {}),
    "connector_runs": ("Every pull of every source: what it fetched, stored and rejected, and any error.", {
        "run_id": "A uuid per pull.",
        "started_at": "When the pull started.", "finished_at": "When it ended (NULL while running or killed).",
        "fetched": "Records fetched.", "inserted": "New messages stored.", "rejected": "Records rejected.",
        "newest_at": "The newest message's time after the pull.",
        "cursor_lag_s": "Seconds between the newest message and the pull's end.",
    }),
    "landed_files": ("Landing mode (`[scale] landing`): every file a pull landed that the warehouse loaded.", {
        "path": "The file, relative to the landing directory (`source=<name>/<start>-<run id>.parquet`).",
        "run_id": "The pull, as in `connector_runs` (NULL for a file that could not be read).",
        "landed_by": "`host:pid` of the process that pulled (a worker anywhere).",
        "messages": "Messages in the file.", "inserted": "Of those, new to the warehouse.",
        "loaded_at": "When the warehouse loaded it (or found it unreadable).",
        "error": "Why the file could not be loaded; it is kept in the landing zone and skipped from then on.",
    }),
    "source_health": ("View: per source, `ok`, `failing`, `stalled` or `silent`, and why.", {
        "last_run_at": "The last pull's start.", "last_success": "The last pull without an error.",
        "last_error": "The last pull's error, if it failed.",
        "failures_in_a_row": "Failed pulls since the last success.",
        "newest_message_at": "The source's newest message.",
        "minutes_since_newest": "Minutes since then.",
    }),
    "settings": ("The settings the warehouse was last prepared with (brand, SLA target, time zone...).", {
        "key": "Setting name.", "value": "Its value, as text.",
    }),
    "schema_migrations": ("Which versioned migrations (pipelines/warehouse/migrations) are applied.", {
        "version": "Migration number.", "name": "Its file name.", "applied_at": "When it was applied.",
    }),
    "business_calendar": ("The business hours as intervals, from before the oldest message until 60 days "
                          "ahead: business times are measured on it.", {
        "open_at": "An interval's opening.", "close_at": "Its closing.",
        "business_s_before": "Business seconds from the calendar's start to `open_at`.",
    }),
    "answer_facts": ("Each inbound message with its answer, kept on write (read through `inbound_answers`).", {}),
    "first_response_facts": ("Each conversation's first inbound message and its answer, kept on write (read "
                             "through `conversation_first_response`).", {
        "business_clock_at_first": "Business seconds at `first_inbound_at` (how long it has waited, later).",
    }),
    "inbound_answers": ("View: each inbound message, its answer and the seconds to it.", {}),
    "conversation_first_response": ("View: each conversation's first response and SLA status.", {
        "sla_status": "`met`, `missed`, or NULL while the target has not yet passed.",
        "sla_business_status": "The same in business hours.",
    }),
    "inbox_daily": (INBOX_VIEW + " Per UTC day (CONTRACT section 6).", {}),
    "inbox_hourly": (INBOX_VIEW + " Per UTC hour.", {}),
    "inbox_weekly": (INBOX_VIEW + " Per ISO week.", {}),
    "inbox_daily_by_account": (INBOX_VIEW + " Per UTC day and brand account.", {}),
    "inbox_daily_business": (INBOX_VIEW + " Per business-time-zone day, times in business hours.", {}),
    "incidents": ("Emerging topics raised by the detectors, one per real-world problem for its whole life.", {
        "status": "`open`, `acknowledged`, `resolved`.",
        "title": "Its kind and its top three terms (concepts such as `~outage` left out: the kind says it).",
        "lang": "The language of most of its messages.",
        "terms": "The terms and phrases that rose, most telling first. An outage raised on `~outage` alone "
                 "(told in many wordings at once) starts with it, then the words two or more of its customers shared.",
        "first_message_at": "Its first message.", "detected_at": "When it was raised, in event time.",
        "last_message_at": "Its newest message.", "message_count": "Its messages.",
        "author_count": "Distinct authors of them.", "langs": "Languages of its messages.",
        "platforms": "Platforms of its messages.",
        "kind_cues": "JSON: each kind's share of messages with its cues, and the cues found (why this kind).",
        "alerted_at": "When it first became alertable.",
        "merged_into": "The incident it was merged into as a duplicate (then it is not shown).",
        "status_by": "Who acknowledged or resolved it (NULL: the detector).",
        "status_at": "When they did.",
    }),
    "incident_messages": ("Which messages belong to which incident.", {}),
    "incident_events": ("Each incident's lifecycle: opened, escalated, reclassified, resolved, withdrawn, reopened, "
                        "merged.", {}),
    "incident_actions": ("What people did to incidents: acknowledge, resolve, reopen.", {}),
    "detector_state": ("Each detector's watermark and state, so that detection resumes where it stopped.", {
        "name": "The detector.", "version": "Its version: a new one replays history.",
        "window_end": "The end of the last window it processed (event time).",
        "ingested_through": "The newest `ingested_at` it has seen (late messages after it are replayed).",
        "state": "JSON: the running baselines.",
    }),
    "alerts": ("One row per (lifecycle event, channel): sent, suppressed (with why), waiting, or failed.", {
        "channel": "The configured channel's name.",
        "status": "`pending`, `sent`, `suppressed`, `failed`.",
        "attempts": "Delivery attempts so far.", "next_attempt_at": "When the next attempt may run (backoff).",
        "sent_at": "When it was delivered.",
    }),
    "alert_attempts": ("Every delivery attempt of every alert.", {
        "attempted_at": "When.", "ok": "Whether the receiver accepted it.",
    }),
    "notices": ("Proactive public notices: drafted per incident, platform and language; approved and published "
                "exactly once.", {
        "text": "The text to publish (editable until published).",
        "status": "`draft`, `approved`, `published`, `rejected`, `failed`.",
        "approved_at": "When it was approved.", "approved_by": "Who approved it.",
        "published_at": "When it was published.", "external_id": "The post's id on the platform.",
        "url": "The post's link.", "problem": "Why it cannot be published as it is (too long...).",
        "source": "The configured source (account) it is published from.",
    }),
    "notice_audit": ("Every change to every notice: drafted, edited, approved, rejected, published, failed.", {
        "detail": "What changed (the new text, the post's link, the error).",
    }),
}


def schema(con: duckdb.DuckDBPyConnection) -> list[tuple[str, str, str, str]]:
    """(table, type, column, data type) of every table and view, as DuckDB has them."""
    return con.execute("""
        SELECT table_name, table_type, column_name, data_type
        FROM information_schema.columns JOIN information_schema.tables USING (table_catalog, table_schema, table_name)
        WHERE table_schema = 'main' ORDER BY table_name, ordinal_position
    """).fetchall()


def describe(table: str, column: str) -> str | None:
    own = TABLES.get(table, ("", {}))[1]
    return own.get(column) or COMMON.get(column)


def markdown(con: duckdb.DuckDBPyConnection) -> str:
    lines = ["# Data dictionary", "",
             "Every table and view of the warehouse (generated by `python -m pipelines.warehouse.dictionary`;",
             "the tests fail when it is stale). Analysts read the read copy, `data/earshot.read.duckdb`.", ""]
    current = None
    for table, kind, column, data_type in schema(con):
        if table != current:
            current = table
            lines += ["", f"## `{table}` ({'view' if kind == 'VIEW' else 'table'})", "",
                      TABLES[table][0] if table in TABLES else "", "",
                      "| column | type | meaning |", "|---|---|---|"]
        lines.append(f"| `{column}` | {data_type} | {describe(table, column) or ''} |")
    return "\n".join(lines) + "\n"


def main() -> None:
    from pipelines.config import Settings
    from pipelines.warehouse.prepare import prepare_database

    con = duckdb.connect()
    prepare_database(con, Settings())
    print(markdown(con), end="")


if __name__ == "__main__":
    main()
