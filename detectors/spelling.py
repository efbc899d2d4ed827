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
Frequencies are wordfreq's, read from a per-machine SQLite file built from it once (langdata.cached_file):
building the common words from wordfreq's lists took each new process 0.1-0.3 s and ~35 MB a language, and
every `earshot detect` tick is a new process. Evidence is never touched: a piece with a
digit, '@', '#', a currency sign, a dot before a letter or '://' is left as typed (a fake domain
'voltra-verfy.com' is a scam's own spelling), and so are the brand's own words.
"""
from __future__ import annotations

import importlib.metadata
import math
import re
import sqlite3
from collections.abc import Iterable
from functools import lru_cache, partial
from pathlib import Path

from wordfreq import get_frequency_dict

from detectors.cues import is_cue_word
from detectors.langdata import DataFile, cached_file
from detectors.lexicon import fold

KNOWN_ZIPF = 3.0     # this common a word is never corrected (Zipf scale: 3 = once per million words)
MARGIN_ZIPF = 2.0    # a correction is at least 10**2 times more common than the word as typed
MIN_LETTERS = 4      # shorter words have too many neighbours one edit away
LINGUA_FRANCA = "en"
MAX_CACHED = 500_000  # corrections kept per language: names and typos must not grow it for ever
FORMAT = 1           # of the word-frequency file: bump when its layout, or what is put in it, changes
LOOKUP_CHUNK = 900   # words asked in one query (one edit from a long word: ~1,000 strings)
# The languages wordfreq has frequencies for (stats.prior_share reads them too)
WORDFREQ_LANGS = frozenset({"ar", "bg", "bn", "ca", "cs", "da", "de", "el", "en", "es", "fa", "fi", "fr", "he",
                            "hi", "hu", "id", "is", "it", "ja", "ko", "lt", "lv", "mk", "ms", "nb", "nl", "pl",
                            "pt", "ro", "ru", "sh", "sk", "sl", "sv", "ta", "tr", "uk", "ur", "vi", "zh"})
_EVIDENCE_CHARS = re.compile(r"\d|[@#€$£₽₺]|\.[^\W\d_]|://")
_WORD = re.compile(r"[^\W\d_]+")   # runs of letters: what a word of text.WORD or cues is made of


class WordFrequencies(DataFile):
    """One language's word frequencies as a file holds them: every word wordfreq lists, with its frequency;
    the common words (folded, with the spelling and Zipf frequency of the most common that folds so); and
    the letters common words are made of."""

    def __init__(self, path: Path):
        super().__init__(path)
        letters = self._connection().execute("SELECT value FROM meta WHERE key = 'letters'").fetchone()
        if letters is None:
            raise sqlite3.DatabaseError(f"{path}: no letters")
        self.letters: str = letters[0]

    def is_common(self, folded: str) -> bool:
        return self._connection().execute("SELECT 1 FROM common WHERE folded = ?", (folded,)).fetchone() is not None

    def frequency(self, word: str) -> float:
        row = self._connection().execute("SELECT frequency FROM frequency WHERE word = ?", (word,)).fetchone()
        return row[0] if row else 0.0

    def common_entries(self, folded: Iterable[str]) -> list[tuple[str, float]]:
        """(spelling, Zipf frequency) of those of the folded words that are common."""
        words, found = list(folded), []
        for start in range(0, len(words), LOOKUP_CHUNK):
            chunk = words[start:start + LOOKUP_CHUNK]
            found += self._connection().execute(
                f"SELECT word, zipf FROM common WHERE folded IN ({', '.join('?' * len(chunk))})", chunk).fetchall()
        return found


@lru_cache(maxsize=None)
def word_frequencies(lang: str, directory: Path | None = None) -> WordFrequencies:
    """The language's file in `directory` (else langdata.cache_dir()), built from wordfreq if missing or damaged."""
    name = f"spelling-{lang}-f{FORMAT}-wordfreq-{importlib.metadata.version('wordfreq')}.sqlite"
    return cached_file(name, partial(_fill, lang), WordFrequencies, directory)


def _fill(lang: str, con: sqlite3.Connection) -> None:
    common = _common_words(lang)
    con.executescript("""
        CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
        CREATE TABLE common (folded TEXT PRIMARY KEY, word TEXT NOT NULL, zipf REAL NOT NULL) WITHOUT ROWID;
        CREATE TABLE frequency (word TEXT PRIMARY KEY, frequency REAL NOT NULL) WITHOUT ROWID;
    """)
    con.executemany("INSERT INTO common VALUES (?, ?, ?)", sorted((f, w, z) for f, (w, z) in common.items()))
    con.executemany("INSERT INTO frequency VALUES (?, ?)", sorted(get_frequency_dict(lang).items()))
    con.execute("INSERT INTO meta VALUES ('letters', ?)", ("".join(sorted(_alphabet(common))),))


class Speller:
    """The word frequencies of one language, and of English, and the corrections made."""

    def __init__(self, lang: str):
        self.lang = lang
        self.words = word_frequencies(lang)
        self.lingua_franca = word_frequencies(LINGUA_FRANCA) if lang != LINGUA_FRANCA else None
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
        if len(folded) < MIN_LETTERS or not folded.isalpha() or self.words.is_common(folded) \
                or (self.lingua_franca is not None and self.lingua_franca.is_common(folded)) or is_cue_word(folded):
            return word
        needed = max(KNOWN_ZIPF, _zipf(self.words.frequency(word)) + MARGIN_ZIPF)
        found = [entry for entry in self.words.common_entries(_one_edit(folded, self.words.letters))
                 if entry[1] >= needed]
        # The most common; of equally common ones, the first in alphabetical order (edits come as a set)
        return min(found, key=lambda entry: (-entry[1], entry[0]))[0] if found else word


def _zipf(frequency: float) -> float:
    return math.log10(frequency) + 9 if frequency > 0 else 0.0


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
