"""A stream told in real customers' words: the problems of an English-speaking bank's customers are texts
from BANKING77's *test* split and the scam waves partly real SMS spam (the fifth of the SMS Spam Collection
that benchmarks/kind_reading.py keeps out of the reader's examples), so nobody on the project wrote them.

The labels come from the data sets (benchmarks.kind_reading.INTENT_KINDS): an event of kind outage is
told in texts of intents such as card_not_working or declined_transfer, one of kind scam in texts reporting
payments the customer never made and in spam, a complaint in disputed charges; everyday posts are the
questions of the other intents. These texts carry no error codes, handles or links, and many carry no cue
word either: the stream measures what cues alone, and cues with the optional embedding reader
(detectors/reading.py), make of real wording. Campaign posts, follow-ups and replies are the heldout
stream's English ones (the data sets hold no praise). Needs ../shared/data.
"""
from __future__ import annotations

from benchmarks.detection import heldout_wording as heldout
from benchmarks.kind_reading import banking77, sms
from connectors.demo.wording import Wording


def _texts(kind: str) -> list[str]:
    """The test texts of one kind, usable as templates (no braces) and quoting no sum or number (they would
    be read as the event's evidence, which the other posts of the event do not share)."""
    found = [e.text for e in banking77("test") + sms(test=True) if e.kind == kind]
    return sorted({t for t in found if not any(ch in t for ch in "{}") and not any(ch.isdigit() for ch in t)})


def real_wording() -> Wording:
    return Wording(
        langs={"en": 1.0},
        routine={"en": _texts("none")}, outage={"en": _texts("outage")}, scam={"en": _texts("scam")},
        complaint={"en": _texts("complaint")}, praise={"en": heldout.PRAISE["en"]},
        follow_up={"en": heldout.FOLLOW_UP["en"]}, reply={"en": heldout.REPLY["en"]},
        brand_posts=["Kestrel cards now work in 40 countries {tag}", "Our app update is live {tag}"],
        features=["card", "transfers", "the app"], error_codes=["E-101"], scam_handles=["{slug}_help"],
        scam_domains=["{slug}-secure.net"], amounts=["£5"], tags=["#{Brand}Cards", "#{Brand}App"],
    )
