"""Per-language word data from spaCy (stop words, lookup lemmas) and simplemma, cached per word.

spaCy's tokenizer is not on the hot path (10k posts/s per core here, against ~130k/s for the regex in
`text.py`); its *language data* is: `spacy.blank(lang).Defaults.stop_words` and the `lemma_lookup` tables of
spacy-lookups-data. Languages without a spaCy table (uk, pl, sk, ...) use simplemma; Belarusian, which
neither covers, keeps surface forms. Every word is resolved once per process and cached.
"""
from __future__ import annotations

import importlib
import unicodedata
from functools import lru_cache

import simplemma
from spacy.lookups import load_lookups

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

class _FoldTable(dict):
    """str.translate table filled on first sight of each character: the per-character work of NFKD and
    dropping combining marks happens once per character a process ever sees, then runs in C."""

    def __missing__(self, codepoint: int) -> str:
        decomposed = unicodedata.normalize("NFKD", chr(codepoint))
        folded = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
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
        self._table = _lemma_table(lang)
        self._simplemma = self._table is None and lang in _simplemma_languages()
        if self._simplemma:  # its dictionary loads now, with the rest of the language's data (up to seconds),
            simplemma.lemmatize(lang, lang=lang)  # not inside whichever window first has a word to look up
        self.cache: dict[str, str | None] = {}

    def term(self, word: str) -> str | None:
        """The folded lemma of a lowercase word, or None for a stop word."""
        cached = self.cache.get(word, "")
        if cached != "":
            return cached
        lemma = word
        if self._table is not None:
            lemma = self._table.get(word, word)
            if not isinstance(lemma, str):  # a few tables hold several lemmas for one form
                lemma = lemma[0] if lemma else word
        elif self._simplemma:
            lemma = simplemma.lemmatize(word, lang=self.lang).lower()
        if not lemma.isalpha() and word.isalpha():  # the English table turns 'second' into '2': a word
            lemma = word                               # must never become evidence (an error code)
        folded = fold(lemma)
        result = None if folded in self.stop or fold(word) in self.stop else folded
        if len(self.cache) < 500_000:
            self.cache[word] = result
        return result


@lru_cache(maxsize=None)
def lexicon(lang: str | None) -> Lexicon:
    return Lexicon(lang or "xx")


# Posts whose language is unknown get the stop words of all of these.
UNKNOWN_LANGUAGE_STOPS = ("en", "ru", "uk", "cs", "sk", "pl", "de", "es", "fr", "it", "pt", "nl")


def _stop_words(lang: str) -> set[str]:
    if lang == "xx":
        return set().union(*(_stop_words(code) for code in UNKNOWN_LANGUAGE_STOPS))
    if lang == "be":  # spaCy has no Belarusian data: borrow its neighbours'
        return _stop_words("uk") | _stop_words("ru")
    try:  # the module alone: spacy.blank() would build a whole tokenizer (~0.3 s a language)
        return set(importlib.import_module(f"spacy.lang.{lang}.stop_words").STOP_WORDS)
    except ImportError:
        return set()


def _lemma_table(lang: str):
    try:
        lookups = load_lookups(lang, ["lemma_lookup"], strict=False)
    except (ValueError, ImportError):
        return None
    table = lookups.get_table("lemma_lookup") if lookups.has_table("lemma_lookup") else None
    return table if table else None  # strict=False hands back an empty table for missing languages


@lru_cache(maxsize=1)
def _simplemma_languages() -> frozenset[str]:
    from simplemma.strategies.dictionaries.dictionary_factory import SUPPORTED_LANGUAGES
    return frozenset(SUPPORTED_LANGUAGES)
