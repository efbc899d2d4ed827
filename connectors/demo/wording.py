"""Turns a topic and a language into one message text, with the small mess of real posts."""
from __future__ import annotations

import csv
import random
from functools import lru_cache
from importlib import resources

from connectors.demo import phrases

# BANKING77 intents that read as a complaint about fees or double charges (the "complaint spike" topic).
COMPLAINT_INTENTS = ("card_payment_fee_charged", "transaction_charged_twice", "transfer_fee_charged",
                     "extra_charge_on_statement")


@lru_cache(maxsize=1)
def banking77() -> dict[str, list[str]]:
    text = resources.files("connectors.demo").joinpath("data/banking77_sample.tsv").read_text("utf-8")
    by_intent: dict[str, list[str]] = {}
    for row in csv.DictReader(text.splitlines(), delimiter="\t", quoting=csv.QUOTE_NONE):
        by_intent.setdefault(row["category"], []).append(row["text"])
    return by_intent


@lru_cache(maxsize=1)
def sms_spam() -> list[str]:
    return resources.files("connectors.demo").joinpath("data/sms_spam_sample.txt").read_text("utf-8").splitlines()


def routine_text(rng: random.Random, lang: str) -> str:
    if lang == "en":
        intents = banking77()
        intent = rng.choice(sorted(intents))
        return rng.choice(intents[intent])
    return rng.choice(phrases.ROUTINE[lang])


def topic_text(rng: random.Random, topic: str, lang: str, facts: dict[str, str]) -> str:
    bank = {"outage": phrases.OUTAGE, "scam": phrases.SCAM, "complaint": phrases.COMPLAINT,
            "campaign": phrases.PRAISE}[topic]
    if topic == "complaint" and lang == "en" and rng.random() < 0.4:
        return rng.choice(banking77()[rng.choice(COMPLAINT_INTENTS)])
    templates = bank.get(lang) or bank["en"]
    return rng.choice(templates).format(**facts)


def roughen(rng: random.Random, text: str) -> str:
    """Case, punctuation and emoji noise as in real posts; the words stay readable."""
    roll = rng.random()
    if roll < 0.15:
        text = text.lower()
    elif roll < 0.2:
        text = text.upper()
    if rng.random() < 0.15:
        text = text.rstrip(".!?") + rng.choice(["!!", "???", " 😡", " 🙏", " :(", "..."])
    return text


def pick(rng: random.Random, weights: dict[str, float]) -> str:
    return rng.choices(list(weights), weights=list(weights.values()))[0]
