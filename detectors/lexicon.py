"""Per-language word data (stop words, lemmas) from spaCy and simplemma, cached per word.

spaCy's tokenizer is not on the hot path (10k posts/s per core here, against ~130k/s for the regex in
`text.py`); its *language data* is: the stop words of `spacy.lang.<lang>` and the `lemma_lookup` tables of
spacy-lookups-data. Russian and Ukrainian words are lemmatized by pymorphy3 (a morphological analyser that
also reads forms no dictionary lists: slang, new verbs, typos), as spaCy's own lemmatizers for them do;
languages without a spaCy table (pl, sk, ...) use simplemma; Belarusian, which none covers, keeps surface
forms. The data is read from a per-language SQLite file (langdata.py), and every word is resolved once per
process and cached.
"""
from __future__ import annotations

import unicodedata
from collections.abc import Mapping
from functools import lru_cache

import pymorphy3
import simplemma
from simplemma.strategies import DefaultStrategy

from detectors.langdata import language_data

# Words that carry no topic in social care traffic, in every language: greetings, fillers, and words that
# every inbox message shares. The brand's own name and handle are added at run time.
EXTRA_STOP = frozenset("""
hi hello hey dear pls please thanks thank thx guys team ok okay yes no lol omg wtf via amp rt
ahoj dobry den prosim diky dekuji zdravim
привет здравствуйте пожалуйста спасибо добрый день
привіт вітаю будь ласка дякую
cześć dzień dobry proszę dziękuję
hallo bitte danke servus
hola gracias por favor buenas
bonjour salut merci svp
ciao grazie
olá obrigado obrigada
""".split())

# Letters that NFKD leaves whole but that people type without their stroke or as two letters: Polish 'błąd'
# is typed 'blad', and the cue lists are written so.
UNDECOMPOSED = {"ł": "l", "ø": "o", "đ": "d", "ħ": "h", "ı": "i", "ŧ": "t", "æ": "ae", "œ": "oe", "ß": "ss"}


class _FoldTable(dict):
    """str.translate table filled on first sight of each character: the per-character work of NFKD and
    dropping combining marks happens once per character a process ever sees, then runs in C."""

    def __missing__(self, codepoint: int) -> str:
        char = chr(codepoint)
        folded = UNDECOMPOSED.get(char)
        if folded is None:
            folded = "".join(ch for ch in unicodedata.normalize("NFKD", char) if not unicodedata.combining(ch))
        self[codepoint] = folded
        return folded


_FOLD = _FoldTable()


def fold(text: str) -> str:
    """Lowercase without diacritics, so 'přihlásit' and 'prihlasit' (typed without accents) meet."""
    lowered = text.lower()
    return lowered if lowered.isascii() else lowered.translate(_FOLD)


class Lexicon:
    """Stop words and lemmas of one language; `term(word)` is the cached hot path."""

    def __init__(self, lang: str):
        self.lang = lang
        self.stop = frozenset(fold(w) for w in _stop_words(lang)) | frozenset(fold(w) for w in EXTRA_STOP)
        data = _language_data(lang)
        self._table = data.lemmas if data.source == "spacy" else None
        self._simplemma = simplemma.Lemmatizer(lemmatization_strategy=DefaultStrategy(
            dictionary_factory=_Dictionary(data.lemmas))) if data.source == "simplemma" else None
        self._morphology = morphology(lang) if data.source == "pymorphy3" else None
        self.cache: dict[str, str | None] = {}

    def term(self, word: str) -> str | None:
        """The folded lemma of a lowercase word, or None for a stop word."""
        cached = self.cache.get(word, "")
        if cached != "":
            return cached
        lemma = word
        if self._table is not None:
            lemma = self._table.get(word, word)
        elif self._simplemma is not None:
            lemma = self._simplemma.lemmatize(word, lang=self.lang).lower()
        elif self._morphology is not None:
            lemma = self._morphology.parse(word)[0].normal_form  # the likeliest reading's dictionary form
        if not lemma.isalpha() and word.isalpha():  # the English table turns 'second' into '2': a word
            lemma = word                               # must never become evidence (an error code)
        folded = fold(lemma)
        result = None if folded in self.stop or fold(word) in self.stop else folded
        if len(self.cache) < 500_000:
            self.cache[word] = result
        return result


@lru_cache(maxsize=None)
def morphology(lang: str) -> pymorphy3.MorphAnalyzer:
    """pymorphy3's analyser of the language, once per process (ru and uk load in 0.08-0.16 s, ~40 MB)."""
    return pymorphy3.MorphAnalyzer(lang=lang)


@lru_cache(maxsize=None)
def lexicon(lang: str | None) -> Lexicon:
    return Lexicon(lang or "xx")


# Each language's file read once per process: a Lexicon reads its own language's, and those of xx and be
# borrow the stop words of others.
_language_data = lru_cache(maxsize=None)(language_data)

# Posts whose language is unknown get the stop words of all of these.
UNKNOWN_LANGUAGE_STOPS = ("en", "ru", "uk", "cs", "sk", "pl", "de", "es", "fr", "it", "pt", "nl")


def _stop_words(lang: str) -> frozenset[str]:
    if lang == "xx":
        return frozenset().union(*(_stop_words(code) for code in UNKNOWN_LANGUAGE_STOPS))
    if lang == "be":  # spaCy has no Belarusian data: borrow its neighbours'
        return _stop_words("uk") | _stop_words("ru")
    return _language_data(lang).stop_words


class _Dictionary:
    """simplemma's DictionaryFactory protocol over the one language's table from its file."""

    def __init__(self, table: Mapping[str, str]):
        self.table = table

    def get_dictionary(self, lang: str) -> Mapping[str, str]:
        return self.table
