"""Accuracy and speed of language detection on short social texts (benchmarks/data/langid_samples.tsv).

Compares Earshot's detector (Lingua restricted to the configured languages) with Lingua over all 75
languages and with py3langid when it is installed. Prints a Markdown table for the README.

    python -m benchmarks.langid_accuracy
"""
from __future__ import annotations

import csv
import platform
from collections import Counter
from datetime import date
from pathlib import Path

from detectors.language import detect_languages
from pipelines.config import DEFAULT_LANGUAGES

SAMPLES = Path(__file__).parent / "data" / "langid_samples.tsv"


def load_samples() -> list[tuple[str, str]]:
    with SAMPLES.open(encoding="utf-8") as f:
        return [(row["lang"], row["text"]) for row in csv.DictReader(f, delimiter="\t", quoting=csv.QUOTE_NONE)]


SHORT_WORDS = 3  # texts of at most this many words are reported apart: the hard case


def score(name: str, predict, samples: list[tuple[str, str]]) -> str:
    texts = [t for _, t in samples]
    predicted = predict(texts)
    short = [(lang == guess) for (lang, text), guess in zip(samples, predicted) if len(text.split()) <= SHORT_WORDS]
    per_lang: Counter = Counter()
    right: Counter = Counter()
    for (lang, _), guess in zip(samples, predicted):
        per_lang[lang] += 1
        right[lang] += guess == lang
    cells = " | ".join(f"{right[lang] / per_lang[lang]:.0%}" for lang in sorted(per_lang))
    return (f"| {name} | {sum(right.values()) / len(samples):.1%} | {sum(short) / len(short):.1%} | {cells} |")


def main() -> None:
    samples = load_samples()
    langs = sorted({lang for lang, _ in samples})
    print(f"{len(samples)} texts, mean {sum(len(t.split()) for _, t in samples) / len(samples):.1f} words; "
          f"{platform.machine()}, {date.today()}\n")
    print(f"| detector | overall | texts of <= {SHORT_WORDS} words | " + " | ".join(langs) + " |")
    print("|---|---|---|" + "---|" * len(langs))
    print(score(f"lingua, {len(DEFAULT_LANGUAGES)} configured languages (Earshot)",
                lambda texts: detect_languages(texts, DEFAULT_LANGUAGES), samples))
    from lingua import LanguageDetectorBuilder
    everything = LanguageDetectorBuilder.from_all_languages().with_preloaded_language_models().build()
    print(score("lingua, all 75 languages", lambda texts: [
        (r.iso_code_639_1.name.lower() if r else None) for r in everything.detect_languages_in_parallel_of(texts)],
        samples))
    try:
        import py3langid
    except ImportError:
        return
    print(score("py3langid, all 97 languages", lambda texts: [py3langid.classify(t)[0] for t in texts], samples))


if __name__ == "__main__":
    main()
