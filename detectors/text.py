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

from detectors.cues import (CONCEPT_KINDS, CURRENCY_AFTER, number_cues, phrase_kinds, post_cues, sum_pattern,
                            token_cues)
from detectors.lexicon import fold, lexicon
from detectors.spelling import corrected, corrected_piece, speller
from detectors.tlds import is_domain_name

# Evidence first (links, domains, sums, handles, hashtags, codes), then the words left between them.
EVIDENCE = re.compile(r"""
    (?P<url>(?:https?://|www\.)[^\s<>"'()]+)
  | (?P<amount>""" + sum_pattern(CURRENCY_AFTER) + r""")
  | (?P<handle>@[\w.]*\w)
  | (?P<tag>\#\w+)
  | (?P<code>(?<![\w.,])(?=[\w-]*\d)[a-z0-9]+(?:[-_][a-z0-9]+)*(?![\w.,]\d))
""", re.VERBOSE)
# Bare domains ('voltra-verify.com'): tried only where a dot precedes a letter, as the pattern is costly;
# a name counts only if it ends in a top-level domain (tlds.py).
DOMAIN = re.compile(r"(?<![@\w.])[a-z0-9](?:[a-z0-9-]*[a-z0-9])?(?:\.[a-z0-9-]+)*\.[a-z]{2,12}(?![\w@])")
_DOTTED = re.compile(r"\.[a-z]")
WORD = re.compile(r"[^\W\d_]{2,}(?:'[^\W\d_]+)*")
_MAYBE_EVIDENCE = re.compile(r"\d|[@#€$£₽]|\.[a-z]|www|://")
_UNSEEN = object()
_URL_HOST = re.compile(r"^(?:https?://)?(?:www\.)?([^/:?#]+)")
MIN_CODE_CHARS = 3  # '503', 'e12'; drops '2', '15' (counts, days, amounts without context)


_EVIDENCE = re.compile(r"^[@#]|^domain:|\d")
_LETTER_AND_DIGIT = re.compile(r"^(?=.*[^\W\d_])(?=.*\d)")


def is_concept(term: str) -> bool:
    return term.startswith("~")


def is_evidence(term: str) -> bool:
    """Codes, sums, domains, handles and hashtags: one of them shared is enough to call posts one topic."""
    return _EVIDENCE.search(term) is not None


def is_distinctive(term: str) -> bool:
    """Evidence so specific that two unrelated customers are very unlikely to quote it by chance: a handle,
    a domain, a code mixing letters and digits ('e-1042', 'auth_09'), a sum with cents ('amount:7.9').
    Bare numbers ('503', '100'), round sums ('amount:20') and hashtags (shared by design) are not."""
    if term.isdigit():  # an order or phone number: the commonest never-seen term of all
        return False
    if term[0] == "@" or term.startswith("domain:"):
        return True
    if term.startswith("amount:"):
        return "." in term
    return term[0] != "#" and _LETTER_AND_DIGIT.match(term) is not None


# Copy-pasted complaints and reposts repeat texts a lot. The cache is the function itself: the detector
# asks it twice or more per post, and a hit then costs no Python call.
@lru_cache(maxsize=200_000)
def terms_of(text: str, lang: str | None, ignore: frozenset[str] = frozenset()) -> frozenset[str]:
    """Terms of one post; `ignore` holds the brand's own name, handles and domain (present everywhere).
    They are assembled from the cached terms of its whitespace-separated pieces: posts are mostly unique
    ('my order 4471 from tuesday') but their pieces repeat, and no term crosses whitespace, except a sum
    written with a space ('€ 2.99', '2,99 zł'), which is read from the whole text."""
    lang = lang or "xx"
    if _SPACED_AMOUNT.search(text.lower()):
        return _whole_text_terms(text, lang, ignore)
    return _terms_by_piece(text, lang, ignore)


def _terms_by_piece(text: str, lang: str, ignore: frozenset[str]) -> frozenset[str]:
    """The union of the pieces' terms and cue kinds, plus the kinds of cue phrases that span pieces."""
    table = _piece_table(lang, ignore)
    pieces = [table.get(token) or _piece(token, lang, ignore, table) for token in text.split()]
    found = set().union(*[piece[0] for piece in pieces])
    kinds = set().union(*[piece[1] for piece in pieces])
    if any([piece[3] for piece in pieces]):
        kinds |= phrase_kinds([word for piece in pieces for word in piece[2]])
    found.update(f"~{kind}" for kind in kinds if kind in CONCEPT_KINDS)
    return frozenset(found)


# One table of pieces per language and brand: piece -> (terms, cue kinds, folded words, may start a phrase)
_PIECES: dict[tuple[str, frozenset[str]], dict[str, tuple]] = {}
MAX_PIECES = 500_000  # a table is emptied when full: names, typos and codes must not grow it for ever
# A sum that may be written across a space ('€ 2.99', '2,99 zł'), and a little more ('2 3'), which is fine:
# such posts are read whole, the same way.
_SPACED_AMOUNT = re.compile(r"[\d€$£₽₺]\s+(?:\d|rub|uah|" + CURRENCY_AFTER + ")")


def _piece_table(lang: str, ignore: frozenset[str]) -> dict[str, tuple]:
    table = _PIECES.get((lang, ignore))
    if table is None:
        table = _PIECES[(lang, ignore)] = {}
    return table


def _piece(token: str, lang: str, ignore: frozenset[str], table: dict[str, tuple]) -> tuple:
    if token.isdigit() and token.isascii():
        return _number_piece(token, ignore)
    read = corrected_piece(token, speller(lang), ignore)  # typos: "declned" is read as "declined"
    kinds, words, may_start_phrase = token_cues(read, ignore)
    terms = _evidence_and_lemmas(read, lang)
    piece = (_without(terms, ignore), kinds, words, may_start_phrase)
    if len(table) >= MAX_PIECES:
        table.clear()
    table[token] = piece
    return piece


def _number_piece(number: str, ignore: frozenset[str]) -> tuple:
    """What `_piece` gives for a bare number ('503', an order number), without its regexes and without a
    place in the table: most numbers are seen once, and a stream of them would crowd the words out of it.
    A number is a code (evidence) from MIN_CODE_CHARS digits on."""
    if number in ignore:
        return _NOTHING
    kinds, may_start_phrase = number_cues(number)
    terms = frozenset((number,)) if len(number) >= MIN_CODE_CHARS else _NO_TERMS
    return terms, kinds, (number,), may_start_phrase


_NO_TERMS: frozenset[str] = frozenset()
_NOTHING = (_NO_TERMS, _NO_TERMS, (), False)


def _whole_text_terms(text: str, lang: str, ignore: frozenset[str]) -> frozenset[str]:
    """The terms read from the whole text at once: what `_terms_by_piece` gives for any text without a
    spaced sum (tests/test_detectors.py compares them on thousands of real posts)."""
    text = corrected(text, lang, ignore)
    found = _evidence_and_lemmas(text, lang)
    found.update(f"~{kind}" for kind in post_cues(text, ignore) if kind in CONCEPT_KINDS)
    return _without(found, ignore)


def _evidence_and_lemmas(text: str, lang: str) -> set[str]:
    lowered = text.lower().replace("’", "'")
    found: set[str] = set()
    if _MAYBE_EVIDENCE.search(lowered):  # most posts carry no evidence at all
        lowered = _take_evidence(lowered, EVIDENCE, found)
        if _DOTTED.search(lowered):
            lowered = _take_evidence(lowered, DOMAIN, found, "domain")
    words = lexicon(lang)
    cache, resolve = words.cache, words.term
    for word in WORD.findall(lowered):
        lemma = cache.get(word, _UNSEEN)
        if lemma is _UNSEEN:
            lemma = resolve(word)
        if lemma:
            found.add(lemma)
    found.discard("")
    return found


def _without(terms: set[str], ignore: frozenset[str]) -> frozenset[str]:
    """The terms minus the brand's own name, handles and hashtags."""
    return frozenset(t for t in terms - ignore if t.lstrip("@#") not in ignore)


def _take_evidence(text: str, pattern: re.Pattern[str], found: set[str], kind: str | None = None) -> str:
    """Add the evidence `pattern` finds to `found`; return the text with it cut out (one pass)."""
    parts, last = [], 0
    for match in pattern.finditer(text):
        if kind == "domain" and not is_domain_name(match.group()):
            continue  # 'ground.amla': no space after a full stop; its words are read as words
        found.add(_evidence_term(kind or match.lastgroup, match.group()))
        parts.append(text[last:match.start()])
        last = match.end()
    if not parts:
        return text
    parts.append(text[last:])
    return " ".join(parts)


def _evidence_term(kind: str, value: str) -> str:
    if kind in ("url", "domain"):
        host = _URL_HOST.match(value).group(1).rstrip(".")
        return "domain:" + host if "." in host else ""
    if kind == "amount":  # '€2.99', '2,99 zł', '$3': the disputed sum reads the same in any language
        number = re.sub(r"[^\d.,]", "", value).replace(",", ".").strip(".")
        return f"amount:{float(number):g}" if number else ""
    if kind == "code":
        return value if len(value) >= MIN_CODE_CHARS else ""
    term = fold(value.rstrip("."))  # handle, hashtag
    return term if len(term) > 2 else ""


def brand_terms(brand: str, handles: Iterable[str] = ()) -> frozenset[str]:
    """What every message about the brand shares, in the forms `terms_of` produces."""
    names = {fold(brand), fold(brand).replace(" ", ""), fold(brand).replace(" ", "_")}
    names |= {fold(h).lstrip("@").split(".")[0] for h in handles}
    out = set(names) | {"@" + n for n in names} | {"#" + n for n in names}
    return frozenset(n for n in out if n)
