"""The words a stream is made of (`Wording`), and turning a topic and a language into one post.

The demo's own wording lives in phrases.py (plus BANKING77 and SMS Spam texts); evaluation streams for
the detectors bring different wording, brands and languages through the same `Wording` shape.
"""
from __future__ import annotations

import csv
import random
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources

from connectors.demo import phrases

# BANKING77 intents that read as a complaint about fees or double charges (the "complaint spike" topic).
COMPLAINT_INTENTS = ("card_payment_fee_charged", "transaction_charged_twice", "transfer_fee_charged",
                     "extra_charge_on_statement")


@dataclass(frozen=True)
class Wording:
    langs: dict[str, float]                 # share of inbound posts per language
    routine: dict[str, list[str]]           # everyday questions, per language
    outage: dict[str, list[str]]            # templates, per language (see phrases.py for placeholders)
    scam: dict[str, list[str]]
    complaint: dict[str, list[str]]
    praise: dict[str, list[str]]
    follow_up: dict[str, list[str]]
    reply: dict[str, list[str]]
    brand_posts: list[str]
    features: list[str]
    error_codes: list[str]
    scam_handles: list[str]                 # with {slug}: the brand's name, lowercase
    scam_domains: list[str]
    amounts: list[str]
    tags: list[str]                         # with {Brand}
    complaint_texts_en: tuple[str, ...] = ()  # real complaint posts mixed into English complaint spikes
                                              # (none quoting a sum: they would contradict the event's)

    def topic(self, topic: str) -> dict[str, list[str]]:
        return {"outage": self.outage, "scam": self.scam, "complaint": self.complaint,
                "campaign": self.praise}[topic]


@lru_cache(maxsize=1)
def banking77() -> dict[str, list[str]]:
    text = resources.files("connectors.demo").joinpath("data/banking77_sample.tsv").read_text("utf-8")
    by_intent: dict[str, list[str]] = {}
    for row in csv.DictReader(text.splitlines(), delimiter="\t", quoting=csv.QUOTE_NONE):
        by_intent.setdefault(row["category"], []).append(row["text"])
    return by_intent


@lru_cache(maxsize=1)
def demo_wording() -> Wording:
    questions = banking77()
    return Wording(
        langs={"en": 0.55, "cs": 0.12, "ru": 0.09, "de": 0.09, "pl": 0.08, "uk": 0.07},
        routine={"en": [t for intent in sorted(questions) for t in questions[intent]], **phrases.ROUTINE},
        outage=phrases.OUTAGE, scam=phrases.SCAM, complaint=phrases.COMPLAINT, praise=phrases.PRAISE,
        follow_up=phrases.FOLLOW_UP, reply=phrases.REPLY, brand_posts=phrases.BRAND_POSTS,
        features=phrases.FEATURES, error_codes=phrases.ERROR_CODES, scam_handles=phrases.SCAM_HANDLES,
        scam_domains=phrases.SCAM_DOMAINS, amounts=phrases.AMOUNTS, tags=phrases.TAGS,
        complaint_texts_en=tuple(t for intent in COMPLAINT_INTENTS for t in questions[intent] if not _has_digit(t)),
    )


def _has_digit(text: str) -> bool:
    return any(ch.isdigit() for ch in text)


def routine_text(rng: random.Random, wording: Wording, lang: str) -> str:
    return rng.choice(wording.routine[lang])


def topic_text(rng: random.Random, wording: Wording, topic: str, lang: str, facts: dict[str, str]) -> str:
    if topic == "complaint" and lang == "en" and wording.complaint_texts_en and rng.random() < 0.4:
        return rng.choice(wording.complaint_texts_en)
    bank = wording.topic(topic)
    templates = bank.get(lang) or bank["en"]
    if "templates" in facts and len(templates) > 2:  # the event's own two wordings
        start = int(facts["templates"]) % len(templates)
        templates = [templates[start], templates[(start + 1) % len(templates)]]
    return rng.choice(templates).format(**facts)


ROUGH_ENDINGS = ("!!", "???", " 😡", " 🙏", " :(", "...")


def roughen(rng: random.Random, text: str) -> str:
    """Case, punctuation and emoji noise as in real posts; the words stay readable."""
    roll = rng.random()
    if roll < 0.15:
        text = text.lower()
    elif roll < 0.2:
        text = text.upper()
    if rng.random() < 0.15:
        text = text.rstrip(".!?") + rng.choice(ROUGH_ENDINGS)
    return text


def pick(rng: random.Random, weights: dict[str, float]) -> str:
    return rng.choices(list(weights), weights=list(weights.values()))[0]
