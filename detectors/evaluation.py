"""Detection quality on a labelled stream, by the protocol of CONTRACT section 5.

An incident matches a labelled event when most (more than half) of its messages belong to that event.
Recall: share of alertable events matched by at least one alert. Precision: share of alerts that match an
alertable event. Delay: from the event's first message to the alert (the first time the incident's kind
was alertable, never earlier than detected_at), in minutes and in the event's messages by then. Extra
alerts on a matched event are duplicates; a matched alert of the wrong kind is misclassified.

Beyond the protocol: an incident that alerted and then turned harmless ('other') is not an alert by the
protocol's final kinds, yet the care team was told of it (and then of its withdrawal); `withdrawn` counts
those.
"""
from __future__ import annotations

import statistics
from collections import Counter
from dataclasses import dataclass, field

from detectors.incidents import Incident
from detectors.kinds import ALERT_KINDS


@dataclass(frozen=True)
class LabelledEvent:
    event_id: str
    kind: str                       # outage, scam, complaint (alertable) or a harmless kind
    message_times: tuple[float, ...]

    @property
    def alertable(self) -> bool:
        return self.kind in ALERT_KINDS


@dataclass
class Score:
    events: int = 0
    alerts: int = 0
    matched_events: int = 0
    true_alerts: int = 0
    duplicates: int = 0
    misclassified: int = 0
    harmless_alerts: int = 0
    false_alarms: int = 0
    withdrawn: int = 0              # alerted, then turned 'other': the protocol does not see them
    delays_min: list[float] = field(default_factory=list)
    delays_msgs: list[int] = field(default_factory=list)
    delayed_events: list[str] = field(default_factory=list)   # the event of each delay, for breakdowns
    days: float = 1.0
    missed: list[str] = field(default_factory=list)

    @property
    def recall(self) -> float:
        return self.matched_events / self.events if self.events else 1.0

    @property
    def precision(self) -> float:
        return self.true_alerts / self.alerts if self.alerts else 1.0

    @property
    def kind_accuracy(self) -> float:
        return 1 - self.misclassified / self.true_alerts if self.true_alerts else 1.0

    def row(self) -> dict[str, float | int | None]:
        return {
            "events": self.events, "alerts": self.alerts, "recall": round(self.recall, 3),
            "precision": round(self.precision, 3), "false_alarms_per_day": round(self.false_alarms / self.days, 2),
            "duplicates": self.duplicates, "harmless_alerts": self.harmless_alerts,
            "withdrawn": self.withdrawn,
            "kind_accuracy": round(self.kind_accuracy, 3),
            "median_delay_min": round(statistics.median(self.delays_min), 1) if self.delays_min else None,
            "median_delay_msgs": statistics.median(self.delays_msgs) if self.delays_msgs else None,
        }


def score(incidents: list[Incident], labels: dict[tuple[str, str], str], events: dict[str, LabelledEvent],
          days: float) -> Score:
    """`labels` maps a message key to its event id (unlabelled messages are absent). Alerts on labelled
    events missing from `events` (those that began while the detector was still warming up) are left out."""
    result = Score(events=sum(e.alertable for e in events.values()), days=days)
    first_alert: dict[str, Incident] = {}
    for incident in sorted(incidents, key=lambda i: (alert_time(i) or 0, i.incident_id)):
        if incident.alert_withdrawn and incident.status != "merged":
            result.withdrawn += 1
        if incident.kind not in ALERT_KINDS or incident.alerted_at is None:
            continue  # never alerted (a trend, or folded into an incident that had alerted already)
        owners = Counter(labels.get(key) for key in incident.posts)
        event_id, count = owners.most_common(1)[0]
        majority = event_id is not None and count * 2 > len(incident.posts)
        if majority and event_id not in events:
            continue
        result.alerts += 1
        if not majority:
            result.false_alarms += 1
            continue
        event = events[event_id]
        if not event.alertable:
            result.harmless_alerts += 1
            result.false_alarms += 1
            continue
        result.true_alerts += 1
        if event.kind != incident.kind:
            result.misclassified += 1
        if event_id in first_alert:
            result.duplicates += 1
            continue
        first_alert[event_id] = incident
        at = alert_time(incident)
        result.delays_min.append((at - min(event.message_times)) / 60)
        result.delayed_events.append(event_id)
        result.delays_msgs.append(sum(t <= at for t in event.message_times))
    result.matched_events = len(first_alert)
    result.missed = sorted(e for e, ev in events.items() if ev.alertable and e not in first_alert)
    return result


def alert_time(incident: Incident) -> float | None:
    if incident.alerted_at is None:
        return None
    return max(incident.alerted_at, incident.detected_at)
