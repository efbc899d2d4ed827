"""An incident's kind and severity, explainably: the cues that decided are returned with the decision."""
from __future__ import annotations

import math
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

from rapidfuzz import fuzz

from detectors.alertable import ALERT_KINDS
from detectors.cues import post_cues
from detectors.text import is_evidence

MIN_SHARE = 0.25        # a kind needs cues in at least this share of the incident's messages
LOOKALIKE_SCORE = 70    # rapidfuzz partial ratio between a handle and the brand: impersonation


@dataclass(frozen=True)
class KindDecision:
    kind: str
    shares: dict[str, float]      # share of messages with a cue, per kind (praise included)
    cues: dict[str, list[str]]    # the most frequent cues per kind, for the incident page

    @property
    def praise(self) -> bool:
        """A harmless trend told in praise (a campaign, a launch), not merely posts with no cue yet."""
        return self.kind == "other" and self.shares.get("praise", 0.0) >= MIN_SHARE


def classify(texts: Sequence[str], terms: Sequence[str], brand: str) -> KindDecision:
    """Kind of an incident from its messages' texts and its terms (see classify_cues)."""
    return classify_cues([post_cues(t) for t in texts], terms, brand)


def classify_cues(per_post: Sequence[dict[str, tuple[str, ...]]], terms: Sequence[str], brand: str) -> KindDecision:
    """Kind of an incident from the cues of each of its posts (cues.post_cues) and its terms.

    Scam, outage and complaint compete on the share of messages carrying their cues; impersonating handles
    and links to unknown domains add to scam, error codes to outage. Praise that outweighs every complaint
    kind, or no kind reaching MIN_SHARE, makes a harmless trend: 'other'.
    """
    counts: dict[str, Counter] = {k: Counter() for k in (*ALERT_KINDS, "praise")}
    hits: Counter = Counter()
    for cues in per_post:
        for kind, found in cues.items():
            hits[kind] += 1
            counts[kind].update(found)
    n = max(len(per_post), 1)
    shares = {kind: hits[kind] / n for kind in counts}
    evidence = _evidence(terms, brand)
    if evidence["lookalike handles"] or evidence["domains"]:
        shares["scam"] += 0.25
        counts["scam"].update({f"look-alike handle {h}": 1 for h in evidence["lookalike handles"]})
        counts["scam"].update({f"link to {d}": 1 for d in evidence["domains"]})
    # A code or a sum that many authors repeat is a kind on its own: an error code is an outage, a
    # disputed amount a complaint, whatever words surround them.
    if evidence["codes"]:
        shares["outage"] += MIN_SHARE
        counts["outage"].update({f"code {c}": 1 for c in evidence["codes"]})
    if evidence["amounts"]:
        shares["complaint"] += MIN_SHARE
        counts["complaint"].update({f"amount {a}": 1 for a in evidence["amounts"]})
    best = max(ALERT_KINDS, key=lambda k: (shares[k], -ALERT_KINDS.index(k)))
    kind = best if shares[best] >= MIN_SHARE and shares[best] > shares["praise"] else "other"
    top = {k: [c for c, _ in counts[k].most_common(6)] for k in counts if counts[k]}
    return KindDecision(kind, {k: round(v, 3) for k, v in shares.items()}, top)


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
