"""Small statistics for emergence: Poisson tails and how common a term is before any history."""
from __future__ import annotations

import math
from functools import lru_cache

from wordfreq import zipf_frequency

from detectors.spelling import WORDFREQ_LANGS
from detectors.text import is_distinctive, is_evidence

# Share of posts containing a term, before Earshot has seen any history for it. Derived from the term's
# frequency in general language (wordfreq, Zipf scale: 3 = once per million words) for posts of ~12
# words; clipped so no term is "impossible" and no common word is "always expected".
MIN_PRIOR, MAX_PRIOR = 2e-4, 0.2
# A specific handle, domain, letter-digit code or sum with cents (text.is_distinctive) is far rarer than
# any word: about one post in a million quotes one of them by chance before it has a history.
DISTINCTIVE_PRIOR = 1e-6
WORDS_PER_POST = 12


@lru_cache(maxsize=300_000)
def prior_share(term: str, lang: str | None) -> float:
    if is_distinctive(term):
        return DISTINCTIVE_PRIOR
    if is_evidence(term) or lang not in WORDFREQ_LANGS:
        return MIN_PRIOR
    zipf = zipf_frequency(term, lang)
    return min(MAX_PRIOR, max(MIN_PRIOR, WORDS_PER_POST * 10 ** (zipf - 9)))


def poisson_upper_tail(k: int, mean: float) -> float:
    """P(X >= k) for X ~ Poisson(mean), summed from k upwards (no cancellation for tiny tails)."""
    if k <= 0:
        return 1.0
    if mean <= 0:
        return 0.0
    term = math.exp(k * math.log(mean) - mean - math.lgamma(k + 1))
    total, i = term, k
    while term > total * 1e-12 and i < k + 1000:
        i += 1
        term *= mean / i
        total += term
    return min(1.0, total)
