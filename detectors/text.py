"""From a post to its terms: the features the emergence detector counts.

A term is one of
- a word's folded lemma (stop words dropped): 'karta', 'prihlasit', 'decline';
- a concept ('~outage', '~scam', '~complaint', '~praise') when the post carries that kind's cues in any
  language (cues.py), so that complaints about one thing in Ukrainian and in German share a term;
- evidence that is the same in every language: an error or reference code ('503', 'e-1042', 'auth_09'),
  a sum of money ('amount:2.99' from '€2.99' or '2,99 zł'), a domain ('domain:voltra-verify.com', from links and bare names alike), a handle ('@voltra_help'), a
  hashtag ('#voltrametal'). Evidence is what lets one incident span languages.
Emoji, punctuation and very short numbers are noise here (kinds read emoji separately, in cues.py).
"""
from __future__ import annotations

import re
from collections.abc import Iterable
from functools import lru_cache

from detectors.cues import CONCEPT_KINDS, post_cues
from detectors.lexicon import fold, lexicon

TOKEN = re.compile(r"""
    (?P<url>(?:https?://|www\.)[^\s<>"'()]+)
  | (?P<domain>(?<![@\w.])[a-z0-9](?:[a-z0-9-]*[a-z0-9])?(?:\.[a-z0-9-]+)*\.[a-z]{2,12}(?![\w@]))
  | (?P<amount>(?:[€$£₽]\s?\d+(?:[.,]\d{1,2})?|\d+[.,]\d{2}\s?(?:€|eur|kč|czk|zł|pln|₽|rub|руб|грн|uah|\$|£)?
                 |\d+\s?(?:€|eur|kč|czk|zł|pln|₽|руб|грн|\$|£)(?!\w)))
  | (?P<handle>@[\w.]*\w)
  | (?P<tag>\#\w+)
  | (?P<code>(?<![\w.,])(?=[\w-]*\d)[a-z0-9]+(?:[-_][a-z0-9]+)*(?![\w.,]\d))
  | (?P<word>[^\W\d_]+(?:['’][^\W\d_]+)*)
""", re.VERBOSE)
_URL_HOST = re.compile(r"^(?:https?://)?(?:www\.)?([^/:?#]+)")
MIN_CODE_CHARS = 3  # '503', 'e12'; drops '2', '15' (counts, days, amounts without context)
MIN_WORD_CHARS = 2


_EVIDENCE = re.compile(r"^[@#]|^domain:|\d")


def is_evidence(term: str) -> bool:
    """Codes, sums, domains, handles and hashtags: one of them shared is enough to call posts one topic."""
    return _EVIDENCE.search(term) is not None


def terms_of(text: str, lang: str | None, ignore: frozenset[str] = frozenset()) -> frozenset[str]:
    """Terms of one post; `ignore` holds the brand's own name, handles and domain (present everywhere)."""
    return _terms(text, lang or "xx", ignore)


@lru_cache(maxsize=200_000)  # copy-pasted complaints and reposts repeat texts a lot
def _terms(text: str, lang: str, ignore: frozenset[str]) -> frozenset[str]:
    words = lexicon(lang)
    found: set[str] = set()
    for match in TOKEN.finditer(text.lower()):
        kind, value = match.lastgroup, match.group()
        if kind == "word":
            if len(value) >= MIN_WORD_CHARS:
                term = words.term(value.replace("’", "'"))
                if term and term not in ignore:
                    found.add(term)
        elif kind == "url" or kind == "domain":
            host = _URL_HOST.match(value).group(1).rstrip(".")
            if "." in host:
                found.add("domain:" + host)
        elif kind == "amount":  # '€2.99', '2,99 zł', '$3': the disputed sum reads the same in any language
            found.add("amount:" + re.sub(r"[^\d.,]", "", value).replace(",", ".").rstrip(".0") or "0")
        elif kind == "code":
            if len(value) >= MIN_CODE_CHARS:
                found.add(value)
        else:  # handle, tag
            term = fold(value.rstrip("."))
            if len(term) > 2 and term[1:] not in ignore:
                found.add(term)
    found.update(f"~{kind}" for kind in post_cues(text) if kind in CONCEPT_KINDS)
    return frozenset(found - ignore)


def brand_terms(brand: str, handles: Iterable[str] = ()) -> frozenset[str]:
    """What every message about the brand shares, in the forms `terms_of` produces."""
    names = {fold(brand), fold(brand).replace(" ", ""), fold(brand).replace(" ", "_")}
    names |= {fold(h).lstrip("@").split(".")[0] for h in handles}
    out = set(names) | {"@" + n for n in names} | {"#" + n for n in names}
    return frozenset(n for n in out if n)
