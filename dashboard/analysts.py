"""What the analysts' page shows: the metric definitions and example SQL (each example is run by the tests,
so none of them can rot)."""
from __future__ import annotations

DEFINITIONS = """
- **Answer** of an inbound message: the earliest outbound message of its conversation strictly after it.
- **Reply time**: answer time minus message time, per inbound message (`inbound_answers.reply_s`).
- **First response**: a conversation's first inbound message to its answer (`conversation_first_response`).
- **Reply rate**: answered inbound messages / inbound messages.
- **SLA met**: conversations whose first response came within the target (`[sla] first_response_minutes`)
  / conversations whose target has passed; an unanswered one counts as missed once its target has passed.
- **Percentiles**: `quantile_cont` (linear interpolation). Days are UTC days; `inbox_daily_business` counts
  business hours only, in the business time zone.
- **Conversation**: a reply follows `in_reply_to_id` to its root (an unknown parent is the root); otherwise
  `conversation_id`, otherwise the message itself.
- **Incident**: an emerging topic raised by the detectors; `outage`, `scam` and `complaint` alert, `other`
  is a trend that is shown but never alerted. `detected_at` is in event time.
"""

EXAMPLES: list[tuple[str, str]] = [
    ("This week against last week",
     "SELECT * FROM inbox_compare(now() - INTERVAL 7 DAY, now());"),
    ("Reply rate and median first response per platform, last 30 days",
     """SELECT platform, sum(answered) / sum(inbound) AS reply_rate,
       median(first_response_median_s) / 60 AS first_response_median_min
FROM inbox_daily WHERE day >= current_date - 30
GROUP BY ALL ORDER BY platform;"""),
    ("First response by hour of day (UTC), last 30 days",
     """SELECT hour(first_inbound_at) AS hour, count(*) AS conversations,
       median(first_response_s) / 60 AS median_min
FROM conversation_first_response
WHERE first_inbound_at > now() - INTERVAL 30 DAY
GROUP BY ALL ORDER BY hour;"""),
    ("Conversations that missed the SLA yesterday",
     """SELECT conversation_key, first_inbound_at, first_response_s / 60 AS first_response_min
FROM conversation_first_response
WHERE sla_status = 'missed' AND first_inbound_at::DATE = current_date - 1
ORDER BY first_inbound_at;"""),
    ("Open incidents with their languages and first message",
     """SELECT kind, severity, title, langs, message_count, first_message_at, detected_at
FROM incidents WHERE status <> 'resolved' AND merged_into IS NULL
ORDER BY severity DESC, detected_at;"""),
    ("The messages of the newest incident",
     """SELECT m.created_at, m.platform, m.author_handle, m.lang, m.text
FROM incident_messages im JOIN messages m ON m.platform = im.platform AND m.id = im.message_id
WHERE im.incident_id = (SELECT incident_id FROM incidents ORDER BY detected_at DESC LIMIT 1)
ORDER BY m.created_at;"""),
    ("Top complaint topics this week: each alert's terms, biggest first",
     """SELECT kind, title, terms[1:5] AS top_terms, message_count, author_count, langs
FROM incidents
WHERE kind <> 'other' AND merged_into IS NULL AND last_message_at > now() - INTERVAL 7 DAY
ORDER BY message_count DESC LIMIT 10;"""),
    ("An incident's timeline: its messages per 15 minutes, and the languages in each",
     """SELECT time_bucket(INTERVAL 15 MINUTE, m.created_at) AS quarter_hour, count(*) AS messages,
       count(DISTINCT m.author_id) AS authors, list(DISTINCT m.lang) AS langs
FROM incident_messages im JOIN messages m ON m.platform = im.platform AND m.id = im.message_id
WHERE im.incident_id = (SELECT incident_id FROM incidents ORDER BY message_count DESC LIMIT 1)
GROUP BY ALL ORDER BY quarter_hour;"""),
    ("Alerts that were not sent, and why",
     """SELECT incident_id, event, channel, status, reason FROM alerts
WHERE status <> 'sent' ORDER BY event_at DESC;"""),
    ("Who approved and published which notice",
     """SELECT n.notice_id, n.platform, n.lang, a.action, a.actor, a.acted_at
FROM notices n JOIN notice_audit a USING (notice_id)
ORDER BY a.acted_at DESC;"""),
]
