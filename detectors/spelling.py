"""Typos: a word nobody writes, one keystroke from a common word of the post's language, is read as that word.

Customers type fast: "eror 503", "paymnt declned", "cant acces my acount". Each misspelling is a term of
its own, so an outage's authors are split across 'declined' and 'declned', and a post whose only cue word is
misspelled tells no kind. The correction is the classic one (Norvig's), kept conservative:
- only a word of at least MIN_LETTERS letters that is not common (Zipf below KNOWN_ZIPF, i.e. under once
  per million words) in the post's language, nor in English, which customers mix into every language
  ("login", "app", "error");
- into a word one edit away (a letter left out, added, changed, or two swapped) that is common and at least
  MARGIN_ZIPF (100 times) more common than the word as typed; of several, the most common;
- compared without accents (lexicon.fold): "prihlasit", typed without them, is known, not corrected;
- never a cue word (cues.is_cue_word): 'smishing' is no typo of 'smashing'.
Frequencies are wordfreq's, which stats.prior_share loads anyway. Evidence is never touched: a piece with a
digit, '@', '#', a currency sign, a dot before a letter or '://' is left as typed (a fake domain
'voltra-verfy.com' is a scam's own spelling), and so are the brand's own words.
"""
from __future__ import annotations

import math
import re
from functools import lru_cache

from wordfreq import get_frequency_dict

from detectors.cues import is_cue_word
from detectors.lexicon import fold

KNOWN_ZIPF = 3.0     # this common a word is never corrected (Zipf scale: 3 = once per million words)
MARGIN_ZIPF = 2.0    # a correction is at least 10**2 times more common than the word as typed
MIN_LETTERS = 4      # shorter words have too many neighbours one edit away
LINGUA_FRANCA = "en"
MAX_CACHED = 500_000  # corrections kept per language: names and typos must not grow it for ever
# The languages wordfreq has frequencies for (stats.prior_share reads them too)
WORDFREQ_LANGS = frozenset({"ar", "bg", "bn", "ca", "cs", "da", "de", "el", "en", "es", "fa", "fi", "fr", "he",
                            "hi", "hu", "id", "is", "it", "ja", "ko", "lt", "lv", "mk", "ms", "nb", "nl", "pl",
                            "pt", "ro", "ru", "sh", "sk", "sl", "sv", "ta", "tr", "uk", "ur", "vi", "zh"})
_EVIDENCE_CHARS = re.compile(r"\d|[@#€$£₽₺]|\.[^\W\d_]|://")
_WORD = re.compile(r"[^\W\d_]+")   # runs of letters: what a word of text.WORD or cues is made of


class Speller:
    """The common words of one language (folded, with their Zipf frequency) and the corrections made."""

    def __init__(self, lang: str):
        self.lang = lang
        self.common = _common_words(lang)
        self.lingua_franca = _common_words(LINGUA_FRANCA) if lang != LINGUA_FRANCA else {}
        self.frequency = get_frequency_dict(lang)
        # The letters common words are made of: the alphabet a typo is corrected within
        self.letters = "".join(sorted(_alphabet(self.common)))
        self.corrections: dict[str, str] = {}

    def correct(self, word: str) -> str:
        """The common word a lowercase `word` was meant to be, as the dictionary spells it, or `word`."""
        found = self.corrections.get(word)
        if found is None:
            found = self._correction(word)
            if len(self.corrections) >= MAX_CACHED:
                self.corrections.clear()
            self.corrections[word] = found
        return found

    def _correction(self, word: str) -> str:
        folded = fold(word)
        if len(folded) < MIN_LETTERS or folded in self.common or folded in self.lingua_franca \
                or not folded.isalpha() or is_cue_word(folded):
            return word
        needed = max(KNOWN_ZIPF, _zipf(self.frequency.get(word, 0.0)) + MARGIN_ZIPF)
        common = self.common
        found = [entry for entry in map(common.get, _one_edit(folded, self.letters))
                 if entry is not None and entry[1] >= needed]
        # The most common; of equally common ones, the first in alphabetical order (edits come as a set)
        return min(found, key=lambda entry: (-entry[1], entry[0]))[0] if found else word


def _zipf(frequency: float) -> float:
    return math.log10(frequency) + 9 if frequency > 0 else 0.0


@lru_cache(maxsize=None)
def _common_words(lang: str) -> dict[str, tuple[str, float]]:
    """folded word -> (the word as the dictionary spells it, its Zipf frequency), for words at least
    KNOWN_ZIPF common; of spellings that fold alike, the most common."""
    common: dict[str, tuple[str, float]] = {}
    threshold = 10 ** (KNOWN_ZIPF - 9)
    for word, frequency in get_frequency_dict(lang).items():
        if frequency < threshold or not word.isalpha():
            continue
        folded, zipf = fold(word), _zipf(frequency)
        if folded not in common or common[folded][1] < zipf:
            common[folded] = (word, zipf)
    return common


def _alphabet(common: dict[str, tuple[str, float]]) -> set[str]:
    """Letters found in at least one common word in a thousand: a stray foreign letter is no typo target."""
    counts: dict[str, int] = {}
    for folded in common:
        for letter in set(folded):
            counts[letter] = counts.get(letter, 0) + 1
    return {letter for letter, n in counts.items() if n * 1000 >= len(common)}


def _one_edit(word: str, letters: str) -> set[str]:
    """Every string one edit from `word`: a letter deleted, two neighbours swapped, one replaced or inserted."""
    splits = [(word[:i], word[i:]) for i in range(len(word) + 1)]
    edits = {left + right[1:] for left, right in splits if right}
    edits |= {left + right[1] + right[0] + right[2:] for left, right in splits if len(right) > 1}
    edits |= {left + c + right[1:] for left, right in splits if right for c in letters}
    edits |= {left + c + right for left, right in splits for c in letters}
    edits.discard(word)
    return edits


@lru_cache(maxsize=None)
def speller(lang: str | None) -> Speller | None:
    """The language's speller, or None where wordfreq has no frequencies for it (no correction then)."""
    return Speller(lang) if lang in WORDFREQ_LANGS else None


@lru_cache(maxsize=200_000)  # a post's cues are read each time it joins an incident, or a cluster is classified
def corrected(text: str, lang: str | None, keep: frozenset[str] = frozenset()) -> str:
    """`text` with each whitespace-separated piece corrected (`corrected_piece`), joined by single spaces
    where anything changed; otherwise the text itself."""
    spell = speller(lang)
    if spell is None:
        return text
    pieces = text.split()
    fixed = [corrected_piece(piece, spell, keep) for piece in pieces]
    return text if fixed == pieces else " ".join(fixed)


def corrected_piece(piece: str, spell: Speller | None, keep: frozenset[str] = frozenset()) -> str:
    """One piece of a post with its misspelled words corrected, lowercased where anything changed; a piece
    that may hold evidence, and the words in `keep` (the brand's), are left as typed."""
    if spell is None or _EVIDENCE_CHARS.search(piece):
        return piece
    lowered = piece.lower()
    fixed = _WORD.sub(lambda m: m.group() if fold(m.group()) in keep else spell.correct(m.group()), lowered)
    return piece if fixed == lowered else fixed
