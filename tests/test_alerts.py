"""Alerts: which lifecycle events are told (plan), and delivery to real receivers on 127.0.0.1: a Slack-style
webhook, a receiver that verifies the HMAC signature, and an SMTP server with STARTTLS and AUTH."""
from __future__ import annotations

from dataclasses import replace
from datetime import datetime, timedelta, timezone

import pytest

from pipelines.alerts.plan import Event, Rules, Told, decide
from pipelines.alerts.store import run_alerts
from pipelines.config import AlertChannel, AlertSettings, Settings
from pipelines.warehouse.connection import connect
from tests.conftest import END, copy_of
from tests.fakes.receivers import HOOK_PATH, SignedWebhook, SlackWebhook, SmtpServer, free_port, text_reply

T0 = datetime(2026, 11, 1, 9, 0, tzinfo=timezone.utc)
RULES = Rules(cooldown=timedelta(minutes=30), min_severity=1, found_after=timedelta(hours=3))
SECRET = "whsec-test-4f9a"
NOW = END + timedelta(days=1)           # when the test's runs deliver
EVERYTHING = 7 * 24 * 60                # max_age_minutes that lets the seeded history alert


def events(*spec: tuple[str, int, int]) -> list[Event]:
    """(event, minutes after T0, severity) -> events of one incident."""
    return [Event("inc-1", name, T0 + timedelta(minutes=minutes), severity) for name, minutes, severity in spec]


def statuses(decisions) -> list[tuple[str, str]]:
    return [(d.event.event, d.status) for d in decisions]


# ---- what is told ---------------------------------------------------------------------------------------------
def test_a_flapping_incident_is_told_once_and_not_for_each_flap():
    flaps = events(("opened", 0, 2), ("resolved", 10, 2), ("reopened", 15, 2), ("resolved", 20, 2),
                   ("reopened", 25, 2))
    decisions, told = decide(flaps, Told(), RULES, T0 + timedelta(minutes=40), T0 + timedelta(minutes=40))
    assert statuses(decisions) == [("opened", "pending")] + [(e.event, "suppressed") for e in flaps[1:]]
    assert [d.reason for d in decisions[1:4]] == ["superseded by a later reopened (flapping)",
                                                  "superseded by a later resolved (flapping)",
                                                  "superseded by a later reopened (flapping)"]
    assert decisions[4].reason == "already told it is open" and told.open is True


def test_a_resolution_inside_the_cooldown_waits_then_is_told_if_it_holds():
    opened, resolved = events(("opened", 0, 3), ("resolved", 10, 3))
    decisions, told = decide([opened, resolved], Told(), RULES, T0 + timedelta(minutes=20), T0 + timedelta(minutes=20))
    assert statuses(decisions) == [("opened", "pending")]            # resolved waits: not decided yet
    later, _ = decide([resolved], told, RULES, T0 + timedelta(minutes=31), T0 + timedelta(minutes=31))
    assert statuses(later) == [("resolved", "pending")]


def test_escalations_are_told_only_above_what_was_told_and_per_channel_minimum():
    spec = events(("opened", 0, 2), ("escalated", 40, 3), ("escalated", 45, 4), ("escalated", 50, 4))
    now = T0 + timedelta(minutes=90)
    decisions, told = decide(spec, Told(), RULES, now, now)
    assert statuses(decisions) == [("opened", "pending"), ("escalated", "suppressed"), ("escalated", "pending"),
                                   ("escalated", "suppressed")]
    assert decisions[1].reason == "superseded by a later escalation" and told.severity == 4
    assert decisions[3].reason == "severity 4 was already alerted"
    serious_only, _ = decide(spec, Told(), replace(RULES, min_severity=4), now, now)
    assert statuses(serious_only) == [("opened", "suppressed"), ("escalated", "suppressed"), ("escalated", "pending"),
                                      ("escalated", "suppressed")]
    assert serious_only[0].reason == "severity 2 is below this channel's minimum 4"


def test_an_alert_withdrawn_is_told_where_the_alert_was_and_cancels_out_with_a_quick_return():
    # An incident that alerted as a complaint and turned out a campaign ('other') is withdrawn: the channels
    # that heard of it are told, whatever their minimum severity (a harmless trend's is low).
    spec = events(("opened", 0, 3), ("withdrawn", 40, 1))
    now = T0 + timedelta(minutes=90)
    decisions, told = decide(spec, Told(), replace(RULES, min_severity=3), now, now)
    assert statuses(decisions) == [("opened", "pending"), ("withdrawn", "pending")] and told.open is False
    never_told, _ = decide(spec[1:], Told(), RULES, now, now)
    assert statuses(never_told) == [("withdrawn", "suppressed")]
    assert never_told[0].reason == "nothing was alerted on this channel"
    # Withdrawn and back within the cooldown: the channel is not told twice that nothing changed.
    flap = events(("opened", 0, 3), ("withdrawn", 10, 1), ("reopened", 15, 3))
    decisions, told = decide(flap, Told(), RULES, now, now)
    assert statuses(decisions) == [("opened", "pending"), ("withdrawn", "suppressed"), ("reopened", "suppressed")]
    assert decisions[1].reason == "superseded by a later reopened (flapping)" and told.open is True


def test_a_reclassification_is_told_where_the_alert_was_whatever_the_severity():
    # Alerted as a complaint, it now reads as an outage. A channel told before that it is open hears so, even
    # below its minimum severity; one told nothing, or told it is over, is not told; an alert sent in the same
    # run already gives the incident's kind as it is now, so that channel is not told twice.
    now = T0 + timedelta(minutes=90)
    spec = events(("opened", 0, 3), ("reclassified", 40, 2))
    opened, told = decide(spec[:1], Told(), replace(RULES, min_severity=3), now, now)
    decisions, told = decide(spec[1:], told, replace(RULES, min_severity=3), now, now)
    assert statuses(opened + decisions) == [("opened", "pending"), ("reclassified", "pending")] and told.open
    never_told, _ = decide(spec[1:], Told(), RULES, now, now)
    assert never_told[0].reason == "nothing was alerted on this channel"
    over, _ = decide(spec[1:], Told(open=False, severity=3, last_at=T0), RULES, now, now)
    assert over[0].reason == "already told it is over"
    one_run, _ = decide(spec, Told(), RULES, now, now)
    assert statuses(one_run) == [("opened", "pending"), ("reclassified", "suppressed")]
    assert one_run[1].reason == "this run's earlier alert already gave the new kind"


def test_history_found_long_after_it_happened_is_recorded_but_not_sent():
    old = events(("opened", 0, 3))
    decisions, _ = decide(old, Told(), RULES, T0, T0 + timedelta(days=2))
    assert statuses(decisions) == [("opened", "suppressed")]
    assert decisions[0].reason == "found 2880 min after it happened (alerts.max_age_minutes)"


# ---- delivered to real receivers -----------------------------------------------------------------------------
@pytest.fixture
def receivers(start_fake, tmp_path, monkeypatch):
    slack, hook = start_fake(SlackWebhook), start_fake(SignedWebhook, SECRET)
    smtp = start_fake(SmtpServer, tmp_path)
    monkeypatch.setenv("SLACK_HOOK", slack.url + HOOK_PATH)
    monkeypatch.setenv("HOOK_SECRET", SECRET)
    monkeypatch.setenv("SMTP_USER", SmtpServer.USER)
    monkeypatch.setenv("SMTP_PASSWORD", SmtpServer.PASSWORD)
    return slack, hook, smtp


def channels(slack: SlackWebhook, hook: SignedWebhook, smtp: SmtpServer) -> tuple[AlertChannel, ...]:
    return (AlertChannel("care-slack", "slack", url_env="SLACK_HOOK"),
            AlertChannel("ops-hook", "webhook", url=hook.url + "/earshot", secret_env="HOOK_SECRET"),
            AlertChannel("care-email", "email", host="127.0.0.1", port=smtp.port, starttls=True, ca_file=smtp.cert,
                         username_env="SMTP_USER", password_env="SMTP_PASSWORD", sender="earshot@voltra.example",
                         to=("care@voltra.example",), min_severity=3))


def settings_with(*chans: AlertChannel, **alerts: int) -> Settings:
    return Settings(alerts=AlertSettings(channels=chans, dashboard_url="https://earshot.voltra.example",
                                         max_age_minutes=EVERYTHING, **alerts))


def no_pause(seconds: float) -> None:
    """The retry pause of a run: the tests look at what was recorded, not at the clock."""


def test_each_incident_reaches_slack_a_verified_webhook_and_email_once(scam_db, tmp_path, receivers):
    slack, hook, smtp = receivers
    settings = settings_with(*channels(slack, hook, smtp))
    with connect(copy_of(scam_db, tmp_path)) as con:
        report = run_alerts(con, settings, NOW, no_pause)
        again = run_alerts(con, settings, NOW + timedelta(hours=1), no_pause)
        sent = con.execute("SELECT channel, alert_id, incident_id FROM alerts WHERE status = 'sent'").fetchall()
        incidents = {r[0]: r for r in con.execute(
            "SELECT incident_id, kind, severity, title, message_count FROM incidents").fetchall()}
        opened = con.execute("SELECT count(*) FROM incident_events WHERE event = 'opened'").fetchall()[0][0]
        serious = {r[0] for r in con.execute("SELECT incident_id FROM incident_events WHERE severity >= 3 "
                                             "AND event <> 'resolved'").fetchall()}
        emailed = con.execute("SELECT incident_id, event, severity FROM alerts WHERE channel = 'care-email' "
                              "AND status = 'sent'").fetchall()
    by_channel = {name: [r for r in sent if r[0] == name] for name in ("care-slack", "ops-hook", "care-email")}
    assert report.sent == len(sent) and report.failed == report.retrying == 0
    assert again.sent == again.planned == 0                             # never the same alert twice
    assert len(by_channel["ops-hook"]) >= opened > 0                    # every incident's opening, at least

    # The webhook receiver verified every signature; each alert once, with what the care team needs.
    assert hook.refused == [] and len(hook.verified) == len(by_channel["ops-hook"])
    assert sorted(p["alert_id"] for p in hook.verified) == sorted(r[1] for r in by_channel["ops-hook"])
    for payload in hook.verified:
        incident = incidents[payload["incident_id"]]
        assert (payload["kind"], payload["title"], payload["message_count"]) == (incident[1], incident[3], incident[4])
        assert payload["terms"] and 1 <= len(payload["samples"]) <= 3 and all(s["text"] for s in payload["samples"])
        assert payload["link"] == f"https://earshot.voltra.example/incidents?incident={payload['incident_id']}"

    assert len(slack.posted) == len(by_channel["care-slack"]) == len(by_channel["ops-hook"])
    assert all(post["blocks"][0]["text"]["text"].startswith("[Voltra] ") for post in slack.posted)

    # Email: over STARTTLS with a login, only severity 3 and above (this channel's minimum).
    assert 0 < len(smtp.messages) == len(by_channel["care-email"])
    assert {r[0] for r in emailed} == serious and all(r[2] >= 3 for r in emailed if r[1] != "resolved")
    envelope, mail = smtp.messages[0]
    assert envelope.rcpt_tos == ["care@voltra.example"] and "severity" in mail["Subject"]
    assert "Open in Earshot: https://earshot.voltra.example/incidents?incident=" in mail.get_payload()
    assert mail["References"].startswith("<incident.")


def test_a_withdrawn_alert_reaches_the_channels_that_heard_of_it(scam_db, tmp_path, receivers):
    # The detector's log of an alerted incident that turned harmless (detectors/incidents.py): opened,
    # then, an hour later, its kind is 'other' (which no channel alerts on) and its last event says so.
    slack, hook, smtp = receivers
    settings = settings_with(*channels(slack, hook, smtp))
    with connect(copy_of(scam_db, tmp_path)) as con:
        incident_id, opened_at = con.execute("SELECT incident_id, event_at FROM incident_events "
                                             "WHERE event = 'opened' ORDER BY incident_id LIMIT 1").fetchall()[0]
        con.execute("DELETE FROM incident_events WHERE incident_id = ? AND event_at > ?", [incident_id, opened_at])
        run_alerts(con, settings, NOW, no_pause)
        told = [r[0] for r in con.execute("SELECT channel FROM alerts WHERE incident_id = ? AND status = 'sent' "
                                          "ORDER BY channel", [incident_id]).fetchall()]
        con.execute("UPDATE incidents SET kind = 'other', title = 'Other: ' || array_to_string(terms, ', ') "
                    "WHERE incident_id = ?", [incident_id])
        con.execute("INSERT INTO incident_events VALUES (?, 'withdrawn', ?, 1)",
                    [incident_id, opened_at + timedelta(hours=1)])
        hooked, slacked = len(hook.verified), len(slack.posted)
        report = run_alerts(con, settings, NOW + timedelta(hours=1), no_pause)
        withdrawn = con.execute("SELECT channel, status, reason FROM alerts WHERE event = 'withdrawn' "
                                "ORDER BY channel").fetchall()
    assert told and [r[0] for r in withdrawn if r[1] == "sent"] == told and report.sent == len(told)
    assert all(r[2] == "nothing was alerted on this channel" for r in withdrawn if r[1] != "sent")
    payload = hook.verified[hooked]
    assert (payload["event"], payload["kind"], payload["incident_id"]) == ("withdrawn", "other", incident_id)
    assert slack.posted[slacked]["blocks"][0]["text"]["text"].startswith(
        "[Voltra] alert withdrawn, no longer looks like a problem: Other: ")


def test_a_reclassified_incident_reaches_the_channels_that_heard_of_it_and_those_of_its_new_kind(
        scam_db, tmp_path, receivers):
    # A scam incident that alerted, then reads as an outage an hour later. The channel that heard of the
    # scam hears of the change whatever its kinds; an outages-only channel, told nothing of a scam, hears
    # of it now, once: the alert of its opening, which gives its kind as it is now.
    slack, hook, smtp = receivers
    scams_only = replace(channels(slack, hook, smtp)[0], kinds=("scam",))
    outages_only = replace(channels(slack, hook, smtp)[1], kinds=("outage",))
    settings = settings_with(scams_only, outages_only)
    with connect(copy_of(scam_db, tmp_path)) as con:
        incident_id, opened_at = con.execute(
            "SELECT incident_id, event_at FROM incident_events JOIN incidents USING (incident_id) "
            "WHERE event = 'opened' AND kind = 'scam' ORDER BY incident_id LIMIT 1").fetchall()[0]
        con.execute("DELETE FROM incident_events WHERE incident_id = ? AND event_at > ?", [incident_id, opened_at])
        run_alerts(con, settings, NOW, no_pause)
        before = con.execute("SELECT channel, event FROM alerts WHERE incident_id = ? AND status = 'sent'",
                             [incident_id]).fetchall()
        con.execute("UPDATE incidents SET kind = 'outage' WHERE incident_id = ?", [incident_id])
        con.execute("INSERT INTO incident_events VALUES (?, 'reclassified', ?, 3)",
                    [incident_id, opened_at + timedelta(hours=1)])
        slacked, hooked = len(slack.posted), len(hook.verified)
        report = run_alerts(con, settings, NOW + timedelta(hours=1), no_pause)
        after = con.execute("SELECT channel, status FROM alerts WHERE incident_id = ? AND event = 'reclassified' "
                            "ORDER BY channel", [incident_id]).fetchall()
    assert before == [("care-slack", "opened")]
    assert after == [("care-slack", "sent"), ("ops-hook", "suppressed")] and report.sent == 2
    assert slack.posted[slacked]["blocks"][0]["text"]["text"].startswith("[Voltra] reclassified as outage incident")
    assert [(p["event"], p["kind"], p["incident_id"]) for p in hook.verified[hooked:]] == [
        ("opened", "outage", incident_id)]


def test_failed_deliveries_are_retried_with_backoff_and_every_attempt_recorded(scam_db, tmp_path, receivers):
    _, hook, _ = receivers
    hook.faults.extend([text_reply(503, "busy"), text_reply(503, "busy")])   # the first alert's two tries
    settings = settings_with(AlertChannel("ops-hook", "webhook", url=hook.url, secret_env="HOOK_SECRET"))
    with connect(copy_of(scam_db, tmp_path)) as con:
        first = run_alerts(con, settings, NOW, no_pause)
        waiting = con.execute("SELECT alert_id, attempts, reason, next_attempt_at FROM alerts "
                              "WHERE status = 'pending'").fetchall()
        too_soon = run_alerts(con, settings, NOW + timedelta(seconds=30), no_pause)
        later = run_alerts(con, settings, NOW + timedelta(minutes=2), no_pause)
        attempts = con.execute("SELECT ok, error FROM alert_attempts WHERE alert_id = ? ORDER BY attempted_at",
                               [waiting[0][0]]).fetchall()
        status = con.execute("SELECT status, attempts FROM alerts WHERE alert_id = ?", [waiting[0][0]]).fetchall()
    assert first.retrying == 1 and first.sent == first.planned - 1
    assert waiting[0][1:3] == (2, "webhook 127.0.0.1: HTTP 503 busy") and waiting[0][3] == NOW + timedelta(minutes=1)
    assert too_soon.sent == 0 and later.sent == 1
    assert attempts == [(False, "webhook 127.0.0.1: HTTP 503 busy")] * 2 + [(True, None)]
    assert status == [("sent", 3)]


def test_a_refusal_that_will_not_change_fails_at_once_and_names_no_secret(scam_db, tmp_path, receivers, monkeypatch):
    slack, _, _ = receivers
    monkeypatch.setenv("SLACK_HOOK", slack.url + "/services/T000/B000/REVOKED")
    monkeypatch.setenv("OLD_SECRET", "whsec-rotated-away")
    closed_port = free_port()
    settings = settings_with(AlertChannel("care-slack", "slack", url_env="SLACK_HOOK"),
                             AlertChannel("wrong-secret", "webhook", url=receivers[1].url, secret_env="OLD_SECRET"),
                             AlertChannel("secret-not-set", "webhook", url=receivers[1].url, secret_env="NOT_SET"),
                             AlertChannel("relay-down", "email", host="127.0.0.1", port=closed_port, starttls=False,
                                          sender="earshot@voltra.example", to=("care@voltra.example",)),
                             max_attempts=2)
    with connect(copy_of(scam_db, tmp_path)) as con:
        run_alerts(con, settings, NOW, no_pause)
        rows = con.execute("SELECT channel, status, attempts, reason FROM alerts WHERE status <> 'suppressed' "
                           "GROUP BY ALL ORDER BY channel").fetchall()
    by_channel = {r[0]: r[1:] for r in rows}
    assert by_channel["care-slack"] == ("failed", 1, "Slack webhook 127.0.0.1: HTTP 404 no_service")
    assert by_channel["wrong-secret"] == ("failed", 1, "webhook 127.0.0.1: HTTP 401 bad signature")
    assert receivers[1].verified == [] and set(receivers[1].refused) == {"bad signature"}
    # an unset secret is the operator's to fix: retried until max_attempts
    assert by_channel["secret-not-set"] == (
        "failed", 2, "alert channel 'secret-not-set': environment variable NOT_SET is not set")
    assert by_channel["relay-down"][0:2] == ("failed", 2)
    assert by_channel["relay-down"][2] == f"SMTP 127.0.0.1:{closed_port}: ConnectionRefusedError: " \
                                          "[Errno 111] Connection refused"
    assert slack.posted == []
