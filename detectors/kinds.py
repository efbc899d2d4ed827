"""An incident's kind and severity, explainably: the cues that decided are returned with the decision."""
from __future__ import annotations

import math
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from rapidfuzz import fuzz

from detectors.alertable import ALERT_KINDS
from detectors.cues import ANGRY_EMOJI_CUE, post_cues
from detectors.text import is_evidence

MIN_SHARE = 0.25        # a kind needs cues in at least this share of the incident's messages
LOOKALIKE_SCORE = 70    # rapidfuzz partial ratio between a handle and the brand: impersonation
TREND = "trend"         # what a harmless trend tells (KindDecision.tells); its kind is 'other'


@dataclass(frozen=True)
class KindDecision:
    kind: str
    shares: dict[str, float]      # share of messages with a cue, per kind (praise included)
    cues: dict[str, list[str]]    # the most frequent cues per kind, for the incident page

    @property
    def tells(self) -> str | None:
        """What the messages tell: a kind of problem, TREND (a harmless trend told in praise: a campaign, a
        launch), or None (no cue of either yet)."""
        if self.kind in ALERT_KINDS:
            return self.kind
        return TREND if self.shares.get("praise", 0.0) >= MIN_SHARE else None


def classify(texts: Sequence[str], terms: Sequence[str], brand: str,
             brand_words: frozenset[str] = frozenset()) -> KindDecision:
    """Kind of an incident from its messages' texts and its terms (see classify_tally); `brand_words` are
    read past in cues (cues.post_cues)."""
    tally = CueTally()
    for text in texts:
        tally.add(post_cues(text, brand_words))
    return classify_tally(tally, terms, brand)


@dataclass(slots=True)
class CueTally:
    """The cues of a growing set of posts (cues.post_cues of each), counted as posts join: an incident
    re-decides its kind at every window it grows without re-reading its messages."""
    posts: int = 0
    hits: Counter = field(default_factory=Counter)            # kind -> posts with a cue of that kind
    cues: dict[str, Counter] = field(default_factory=dict)    # kind -> cue -> posts with it
    angry_only: int = 0                                       # posts whose only complaint cue is an angry emoji

    def add(self, post_cues: dict[str, tuple[str, ...]]) -> None:
        self.posts += 1
        for kind, found in post_cues.items():
            self.hits[kind] += 1
            self.cues.setdefault(kind, Counter()).update(found)
        if post_cues.get("complaint") == (ANGRY_EMOJI_CUE,):
            self.angry_only += 1


def classify_tally(tally: CueTally, terms: Sequence[str], brand: str) -> KindDecision:
    """Kind of an incident from the cues of its posts and its terms.

    Scam, outage and complaint compete on the share of messages carrying their cues; impersonating handles
    and links to unknown domains add to scam, error codes to outage. Praise that outweighs every complaint
    kind, or no kind reaching MIN_SHARE, makes a harmless trend: 'other'.
    """
    evidence = _evidence(terms, brand)
    shares = _shares(tally.hits, tally.posts, evidence)
    counts = {kind: Counter(tally.cues.get(kind, ())) for kind in (*ALERT_KINDS, "praise")}
    counts["scam"].update({f"look-alike handle {h}": 1 for h in evidence["lookalike handles"]})
    counts["scam"].update({f"link to {d}": 1 for d in evidence["domains"]})
    counts["outage"].update({f"code {c}": 1 for c in evidence["codes"]})
    counts["complaint"].update({f"amount {a}": 1 for a in evidence["amounts"]})
    top = {k: [c for c, _ in counts[k].most_common(6)] for k in counts if counts[k]}
    return KindDecision(_kind(shares, tally.angry_only / max(tally.posts, 1)),
                        {k: round(v, 3) for k, v in shares.items()}, top)


def kind_of_hits(hits: Mapping[str, int], posts: int, terms: Sequence[str], brand: str) -> str:
    """The kind classify_tally decides, from the number of posts with a cue of each kind alone. Those counts
    cannot tell a post whose only complaint cue is an angry emoji, so here the emoji counts like any cue:
    this kind only keeps a burst's terms apart (emergence._clusters); classify_tally decides alerts."""
    return _kind(_shares(hits, posts, _evidence(terms, brand)))


def _shares(hits: Mapping[str, int], posts: int, evidence: dict[str, list[str]]) -> dict[str, float]:
    """Share of posts with a cue of each kind, plus what the evidence adds."""
    n = max(posts, 1)
    shares = {kind: hits.get(kind, 0) / n for kind in (*ALERT_KINDS, "praise")}
    if evidence["lookalike handles"] or evidence["domains"]:
        shares["scam"] += 0.25
    # A code or a sum that many authors repeat is a kind on its own: an error code is an outage, a
    # disputed amount a complaint, whatever words surround them.
    if evidence["codes"]:
        shares["outage"] += MIN_SHARE
    if evidence["amounts"]:
        shares["complaint"] += MIN_SHARE
    return shares


def _kind(shares: dict[str, float], upset: float = 0.0) -> str:
    """The alert kind with the largest share, if it reaches MIN_SHARE and outweighs praise, else 'other'.
    `upset` is the share of posts whose only complaint cue is an angry emoji, which never counts towards a
    kind: it tells that something is wrong, not what ("app says E1899 😡" is an outage), and a third of a
    campaign's posts may carry one ("finally 5G here, thanks Nordwave #NordwaveGiveaway 😡")."""
    told = dict(shares, complaint=shares["complaint"] - upset)
    best = max(ALERT_KINDS, key=lambda k: (told[k], -ALERT_KINDS.index(k)))
    if told[best] >= MIN_SHARE and told[best] > shares["praise"]:
        return best
    return "other"


def impersonation(terms: Sequence[str], brand: str) -> bool:
    """Terms include a handle or domain made to look like the brand's."""
    evidence = _evidence(terms, brand)
    return bool(evidence["lookalike handles"] or evidence["domains"])


def _evidence(terms: Sequence[str], brand: str) -> dict[str, list[str]]:
    brand_key = brand.lower().replace(" ", "")
    handles = [t for t in terms if t.startswith("@")]
    return {
        "lookalike handles": [h for h in handles
                              if h[1:] != brand_key and fuzz.partial_ratio(brand_key, h[1:]) >= LOOKALIKE_SCORE],
        "domains": [t[7:] for t in terms if t.startswith("domain:") and brand_key in t.replace("-", "")
                    and not t.endswith(f"{brand_key}.com")],
        "codes": [t for t in terms if is_evidence(t) and t[0] not in "@#" and ":" not in t],
        "amounts": [t[7:] for t in terms if t.startswith("amount:")],
    }


def severity(kind: str, authors: int, authors_last_hour: int, authors_hour_before: int, langs: int,
             platforms: int) -> int:
    """1 (minor) to 5 (critical): size on a log scale, growth, kind, and how far it has spread."""
    score = 1 + math.log2(max(authors, 1) / 5 + 1)                      # 5 authors ~2, 35 ~4
    if authors_last_hour > 2 * max(authors_hour_before, 1):
        score += 0.5                                                     # still growing fast
    score += {"scam": 1.0, "outage": 1.0, "complaint": 0.0}.get(kind, -1.0)
    score += 0.5 * (langs > 1) + 0.5 * (platforms > 1)
    return max(1, min(5, int(score)))
