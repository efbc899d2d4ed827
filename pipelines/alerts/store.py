"""Alerts in the warehouse: planned from `incident_events` (see plan.py), delivered, every attempt recorded.

Planning writes one `alerts` row per (event, channel), committed before anything is sent: the primary key
is what keeps an alert from going out twice. Delivery tries each pending alert (twice within a run, a few
seconds apart, for a blip), then backs off across runs (1, 2, 4 ... 60 min) until `max_attempts`, when it is
`failed`. A refusal that will not change by itself (HTTP 404, a 5xx SMTP answer) fails it at once.
A crash after sending but before recording sends that alert again on the next run: the receiver gets
the same `X-Earshot-Alert-Id` (webhook) or Message-ID (email) and can drop it.
"""
from __future__ import annotations

import time
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from urllib.parse import quote

import duckdb

from connectors.alerting import Alert, DeliveryError, Sample, Smtp, send_email, send_slack, send_webhook
from pipelines.alerts.plan import Event, Rules, Told, decide
from pipelines.config import AlertChannel, ConfigError, Settings

TRIES_PER_RUN = 2
PAUSE_BETWEEN_TRIES_S = 2.0
SAMPLES = 3
Sender = Callable[[Alert], None]


@dataclass
class AlertReport:
    planned: int = 0
    suppressed: int = 0
    sent: int = 0
    retrying: int = 0
    failed: int = 0


def alert_id(event: Event, channel: str) -> str:
    return f"{event.incident_id}:{event.event}:{int(event.event_at.timestamp())}:{channel}"


def sender_for(channel: AlertChannel) -> Sender:
    """The function that delivers to this channel, with its secrets read from the environment now."""
    if channel.type == "slack":
        url = channel.address()
        return lambda alert: send_slack(url, alert)
    if channel.type == "webhook":
        url, secret = channel.address(), channel.env(channel.secret_env) or ""
        return lambda alert: send_webhook(url, secret, alert)
    smtp = Smtp(channel.host or "", channel.port, channel.sender or "", channel.to, channel.starttls,
                str(channel.ca_file) if channel.ca_file else None, channel.env(channel.username_env),
                channel.env(channel.password_env))
    return lambda alert: send_email(smtp, alert)


def run_alerts(con: duckdb.DuckDBPyConnection, settings: Settings, now: datetime,
               pause: Callable[[float], None] = time.sleep) -> AlertReport:
    report = AlertReport()
    report.planned, report.suppressed = plan_alerts(con, settings, now)
    deliver_due(con, settings, now, report, pause)
    return report


def plan_alerts(con: duckdb.DuckDBPyConnection, settings: Settings, now: datetime) -> tuple[int, int]:
    """Record the decision on every new lifecycle event for every channel; returns (to send, suppressed)."""
    config = settings.alerts
    if not config.channels:
        return 0, 0
    event_now = _processed_until(con) or now
    rows = con.execute("""
        SELECT e.incident_id, e.event, e.event_at, e.severity, i.kind
        FROM incident_events e JOIN incidents i USING (incident_id)
        ORDER BY e.incident_id, e.event_at, e.event""").fetchall()
    events_by_incident: dict[str, list[tuple[Event, str]]] = defaultdict(list)
    for incident_id, event, event_at, severity, kind in rows:
        events_by_incident[incident_id].append((Event(incident_id, event, event_at, severity), kind))
    decided = {r[0]: r[1] for r in con.execute("SELECT alert_id, status FROM alerts").fetchall()}
    new_rows = []
    for channel in config.channels:
        rules = Rules(timedelta(minutes=config.cooldown_minutes), channel.min_severity,
                      timedelta(minutes=config.max_age_minutes))
        for incident_events in events_by_incident.values():
            told, undecided = Told(), []
            for event, kind in incident_events:
                status = decided.get(alert_id(event, channel.name))
                if status is None:
                    # A withdrawal concerns an incident that is now harmless: it is decided (told if the
                    # channel heard of the alert) whatever the channel's kinds; so is a reclassification on
                    # a channel that heard of the alert (a scams channel hears it is now an outage).
                    if kind in channel.kinds or event.event == "withdrawn" or (
                            event.event == "reclassified" and told.open):
                        undecided.append(event)
                elif status != "suppressed":
                    told = told.after(event)
            decisions, _ = decide(undecided, told, rules, event_now, now)
            new_rows += [(alert_id(d.event, channel.name), d.event.incident_id, d.event.event, d.event.event_at,
                          d.event.severity, channel.name, d.status, d.reason, now) for d in decisions]
    if new_rows:
        con.executemany("""
            INSERT INTO alerts (alert_id, incident_id, event, event_at, severity, channel, status, reason,
                                created_at)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING""", new_rows)
    suppressed = sum(1 for r in new_rows if r[6] == "suppressed")
    return len(new_rows) - suppressed, suppressed


def deliver_due(con: duckdb.DuckDBPyConnection, settings: Settings, now: datetime, report: AlertReport,
                pause: Callable[[float], None] = time.sleep) -> None:
    due = con.execute("""
        SELECT alert_id, incident_id, event, event_at, severity, channel, attempts FROM alerts
        WHERE status = 'pending' AND (next_attempt_at IS NULL OR next_attempt_at <= ?)
        ORDER BY event_at, alert_id""", [now]).fetchall()
    channels = {c.name: c for c in settings.alerts.channels}
    senders: dict[str, Sender | ConfigError] = {}
    for aid, incident_id, event, event_at, severity, channel_name, attempts in due:
        channel = channels.get(channel_name)
        if channel is None:
            _finish(con, aid, "failed", attempts, f"channel {channel_name!r} is no longer configured", now)
            report.failed += 1
            continue
        if channel_name not in senders:
            try:
                senders[channel_name] = sender_for(channel)
            except ConfigError as exc:   # a secret not set: fixable by the operator, so retried later
                senders[channel_name] = exc
        alert = build_alert(con, settings, aid, incident_id, event, event_at, severity)
        error, retryable = None, True
        for attempt in range(TRIES_PER_RUN):
            if attempt:
                pause(PAUSE_BETWEEN_TRIES_S)
            attempts += 1
            try:
                sender = senders[channel_name]
                if isinstance(sender, ConfigError):
                    raise DeliveryError(str(sender))
                sender(alert)
                error = None
            except DeliveryError as exc:
                error, retryable = str(exc), exc.retryable
            con.execute("INSERT INTO alert_attempts VALUES (?, ?, ?, ?)", [aid, datetime.now(now.tzinfo), error is None, error])
            if error is None or not retryable:
                break
        if error is None:
            _finish(con, aid, "sent", attempts, None, now)
            report.sent += 1
        elif not retryable or attempts >= settings.alerts.max_attempts:
            _finish(con, aid, "failed", attempts, error, now)
            report.failed += 1
        else:
            backoff = timedelta(minutes=min(60, 2 ** max(0, attempts // TRIES_PER_RUN - 1)))
            con.execute("UPDATE alerts SET attempts = ?, reason = ?, next_attempt_at = ? WHERE alert_id = ?",
                        [attempts, error, now + backoff, aid])
            report.retrying += 1


def _finish(con: duckdb.DuckDBPyConnection, aid: str, status: str, attempts: int, error: str | None,
            now: datetime) -> None:
    con.execute("UPDATE alerts SET status = ?, attempts = ?, reason = ?, next_attempt_at = NULL, sent_at = ? "
                "WHERE alert_id = ?", [status, attempts, error, now if status == "sent" else None, aid])


def build_alert(con: duckdb.DuckDBPyConnection, settings: Settings, aid: str, incident_id: str, event: str,
                event_at: datetime, severity: int) -> Alert:
    """The alert as sent: the incident as it is now, with the severity of the event."""
    kind, title, terms, message_count, author_count, langs, platforms, first_at = con.execute("""
        SELECT kind, title, terms, message_count, author_count, coalesce(langs, []), coalesce(platforms, []),
               first_message_at
        FROM incidents WHERE incident_id = ?""", [incident_id]).fetchall()[0]
    # The messages that say it best: most of the incident's terms, one per author and wording, earliest first.
    samples = [Sample(*row[:5]) for row in con.execute(f"""
        SELECT m.created_at, m.platform, coalesce(m.author_handle, m.author_id), left(m.text, 280), m.url,
               len(list_filter(?::VARCHAR[], lambda t: contains(lower(m.text), t))) AS terms_in
        FROM incident_messages im JOIN messages m ON m.platform = im.platform AND m.id = im.message_id
        WHERE im.incident_id = ? AND m.direction = 'inbound'
        QUALIFY row_number() OVER (PARTITION BY m.platform, m.author_id ORDER BY terms_in DESC, m.created_at) = 1
            AND row_number() OVER (PARTITION BY lower(m.text) ORDER BY terms_in DESC, m.created_at) = 1
        ORDER BY terms_in DESC, m.created_at LIMIT {SAMPLES}""", [list(terms), incident_id]).fetchall()]
    base = settings.alerts.dashboard_url
    link = f"{base.rstrip('/')}/incidents?incident={quote(incident_id)}" if base else None
    return Alert(aid, event, event_at, incident_id, kind, severity, title, list(terms), message_count,
                 author_count, list(langs), list(platforms), first_at, settings.brand, link, samples)


def _processed_until(con: duckdb.DuckDBPyConnection) -> datetime | None:
    """How far the detector has processed in event time: the 'now' of cooldowns."""
    rows = con.execute("SELECT max(window_end) FROM detector_state").fetchall()
    return rows[0][0] if rows else None
