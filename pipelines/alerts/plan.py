"""Which incident lifecycle events become alerts on a channel: pure decisions, in event time.

Per incident and channel, events are decided in order against what the channel has already been told:
- `opened` alerts once; an incident below the channel's minimum severity alerts when it escalates to it.
- `escalated` alerts only above the highest severity already alerted, and not when a later escalation
  in the same batch supersedes it. It never waits: severity only rises, at most four times, and a
  jump to critical is news.
- `resolved` / `withdrawn` / `reopened` alert only when they change what the channel was told (`withdrawn`:
  an alerted incident turned out harmless, a campaign rather than a complaint; it closes the alert as
  `resolved` does). Within `cooldown` of the last alert they wait: a resolve that is followed by a reopen
  while waiting (flapping) cancels out, and only the state the incident settles in is sent.
- `reclassified` (an alerted incident now reads as another kind of problem: a complaint that is an outage)
  is sent to a channel told before this run that the incident is open, whatever the severity. An alert
  always gives the incident's kind as it is now, so a channel hearing of it for the first time in this run
  learns the new kind from that alert.
- An event found long after it happened (a backfill of history) is recorded as suppressed, not sent.
Suppressed events are recorded with the reason, so "why was I not told?" has an answer.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

SEND, SUPPRESS = "pending", "suppressed"
STATE_EVENTS = ("resolved", "withdrawn", "reopened")
CLOSING_EVENTS = ("resolved", "withdrawn")   # they say the alert is over


@dataclass(frozen=True)
class Event:
    incident_id: str
    event: str           # opened, escalated, reclassified, resolved, withdrawn, reopened, merged
    event_at: datetime
    severity: int


@dataclass(frozen=True)
class Told:
    """What one channel has been told of one incident."""
    open: bool | None = None            # None: nothing yet
    severity: int = 0
    last_at: datetime | None = None     # event time of the last alert

    def after(self, event: Event) -> Told:
        is_open = event.event not in CLOSING_EVENTS   # opened, reopened and escalated all say it is open
        return Told(is_open, max(self.severity, event.severity) if is_open else self.severity, event.event_at)


@dataclass(frozen=True)
class Rules:
    cooldown: timedelta
    min_severity: int
    found_after: timedelta      # an event first seen later than this after it happened is not sent


@dataclass(frozen=True)
class Decision:
    event: Event
    status: str                 # pending (to send) or suppressed
    reason: str | None = None


def decide(events: list[Event], told: Told, rules: Rules, event_now: datetime, wall_now: datetime
           ) -> tuple[list[Decision], Told]:
    """Decisions for `events` (not yet decided, in event-time order), and what the channel will have been
    told after them. `event_now` is how far the detector has processed; events after one that must wait
    for the cooldown stay undecided (the next run decides them)."""
    decisions, heard_before = [], told.open is True
    for i, event in enumerate(events):
        later = events[i + 1:]
        reason = _suppression(event, later, told, rules, wall_now, heard_before)
        if reason is None and event.event in STATE_EVENTS and told.last_at is not None \
                and event_now < told.last_at + rules.cooldown:
            break   # the cooldown since the last alert has not passed: decide once it has
        decisions.append(Decision(event, SUPPRESS if reason else SEND, reason))
        if reason is None:
            told = told.after(event)
    return decisions, told


def _suppression(event: Event, later: list[Event], told: Told, rules: Rules, wall_now: datetime,
                 heard_before: bool) -> str | None:
    """Why this event is not sent (None: send it). `heard_before`: the channel was told the incident is open
    before this run."""
    if event.event == "merged":
        return "merged into another incident"
    if wall_now - event.event_at > rules.found_after:
        minutes = int((wall_now - event.event_at).total_seconds() // 60)
        return f"found {minutes} min after it happened (alerts.max_age_minutes)"
    if event.event in STATE_EVENTS and any(e.event in STATE_EVENTS for e in later):
        return f"superseded by a later {next(e.event for e in later if e.event in STATE_EVENTS)} (flapping)"
    if event.event in CLOSING_EVENTS or event.event == "reclassified":   # news only where the alert was
        if told.open is None:
            return "nothing was alerted on this channel"
        if told.open is False:
            return "already told it is over"
        if event.event == "reclassified" and not heard_before:
            return "this run's earlier alert already gave the new kind"
        return None
    if event.severity < rules.min_severity:
        return f"severity {event.severity} is below this channel's minimum {rules.min_severity}"
    if told.open is None:
        return None   # the first thing this channel hears of it, whatever the event
    if event.event == "opened":
        return "already alerted"
    if event.event == "reopened":
        return "already told it is open" if told.open else None
    if event.severity <= told.severity:   # escalated
        return f"severity {told.severity} was already alerted"
    if any(e.event == "escalated" and e.severity > event.severity for e in later):
        return "superseded by a later escalation"
    return None

