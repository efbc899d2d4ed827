"""Incidents as the detector keeps them: messages, signature terms and a lifecycle log."""
from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import NamedTuple

from detectors.cues import post_cues
from detectors.kinds import ALERT_KINDS, CueTally, KindDecision, classify_tally, severity
from detectors.reading import KindReader, with_reading
from detectors.spelling import corrected
from detectors.text import is_concept


MAX_POSTS_PER_AUTHOR = 3


class Post(NamedTuple):
    """One inbound message as the detector sees it. A named tuple, immutable like a frozen dataclass and
    made in a quarter of the time: `earshot detect` makes one per stored message it replays."""
    platform: str
    id: str
    author: str
    at: float            # event time, epoch seconds
    text: str
    lang: str | None

    @property
    def key(self) -> tuple[str, str]:
        return self.platform, self.id


@dataclass
class Incident:
    incident_id: str
    detected_at: float
    signature: list[str]                       # terms that define it, most telling first
    posts: dict[tuple[str, str], Post] = field(default_factory=dict)
    status: str = "open"
    kind: str = "other"
    severity: int = 1
    alerted_at: float | None = None            # first time its kind was alertable
    alerted_kind: str | None = None            # the problem kind the care team was last told it is; None
                                               # before its alert, and once the alert is withdrawn
    decision: KindDecision | None = None
    last_window: int = 0
    merged_into: str | None = None             # set when folded into an older incident (a duplicate)
    events: list[tuple[str, float, int]] = field(default_factory=list)  # (event, at, severity)
    cue_tally: CueTally = field(default_factory=CueTally)  # the cues of `posts`, what `decide` reads
    posts_by_author: Counter = field(default_factory=Counter)  # author -> posts of theirs in `posts`

    def add(self, posts: list[Post], window: int, brand_words: frozenset[str] = frozenset(),
            reader: KindReader | None = None) -> int:
        """Add posts not yet in the incident; an author's posts beyond MAX_POSTS_PER_AUTHOR are left out
        (one customer repeating a complaint adds no evidence, and must not outweigh everyone else).
        `brand_words` are read past in the posts' cues (cues.post_cues, of the text with its typos corrected,
        as its terms are: spelling.py); when there is a `reader` (reading.py), the problem kind it reads in a
        post stands in for the post's problem cues."""
        per_author = self.posts_by_author
        new = []
        for p in posts:
            if p.key in self.posts or per_author[p.author] >= MAX_POSTS_PER_AUTHOR:
                continue
            per_author[p.author] += 1
            self.posts[p.key] = p
            cues = post_cues(corrected(p.text, p.lang, brand_words), brand_words)
            self.cue_tally.add(cues if reader is None else with_reading(cues, reader, p.text))
            new.append(p)
        if new:
            self.last_window = window
        return len(new)

    @property
    def authors(self) -> int:
        return len(self.posts_by_author)

    @property
    def langs(self) -> list[str]:
        counts = Counter(p.lang for p in self.posts.values() if p.lang)
        return [lang for lang, _ in counts.most_common()]

    @property
    def first_message_at(self) -> float:
        return min(p.at for p in self.posts.values())

    @property
    def last_message_at(self) -> float:
        return max(p.at for p in self.posts.values())

    def title(self) -> str:
        """The kind and the first three terms that name the topic ('~outage' is the kind again)."""
        shown = [t.removeprefix("domain:") for t in self.signature if not is_concept(t)][:3]
        return f"{self.kind.capitalize()}: {', '.join(shown)}" if shown else self.kind.capitalize()

    def decide(self, brand: str) -> str:
        """Re-decide the kind from all messages so far (the cues that decided are kept in `decision`)."""
        self.decision = classify_tally(self.cue_tally, self.signature, brand)
        self.kind = self.decision.kind
        return self.kind

    @property
    def alert_withdrawn(self) -> bool:
        """It alerted, then its kind turned harmless (and has not come back)."""
        return self.alerted_at is not None and self.alerted_kind is None

    def record(self, now: float) -> None:
        """Re-assess severity for the decided kind; log the alert (first time alertable), its withdrawal
        (an alerted incident whose kind turned harmless: the care team was told of a problem that no longer
        looks like one), its return ('reopened': alertable again after a withdrawal), a change of problem
        kind ('reclassified': alerted as a complaint, it now reads as an outage) or an escalation."""
        posts = self.posts.values()
        hour_ago, two_hours_ago = now - 3600, now - 7200
        level = severity(self.kind, self.authors,
                         len({p.author for p in posts if p.at > hour_ago}),
                         len({p.author for p in posts if two_hours_ago < p.at <= hour_ago}),
                         len(self.langs), len({p.platform for p in posts}))
        alertable = self.kind in ALERT_KINDS
        if self.alerted_at is None:
            if alertable:
                self.alerted_at, self.alerted_kind = now, self.kind
                self.events.append(("opened", now, level))
        elif alertable == self.alert_withdrawn:  # an alerted incident turned harmless, or came back
            self.events.append(("reopened" if alertable else "withdrawn", now, level))
            self.alerted_kind = self.kind if alertable else None
        elif alertable and self.kind != self.alerted_kind:
            self.alerted_kind = self.kind
            self.events.append(("reclassified", now, level))
        elif alertable and level > self.severity:
            self.events.append(("escalated", now, level))
        self.severity = level
