"""Typos (detectors/spelling.py): a misspelt word is read as the common word it was meant to be, and nothing
else is touched."""
from __future__ import annotations

import pytest

from detectors.cues import post_cues
from detectors.spelling import corrected, speller
from detectors.text import brand_terms, terms_of


@pytest.mark.parametrize("lang, typed, meant", [
    ("en", "eror", "error"),            # a letter left out (and 'eror' is in wordfreq's list, rarely)
    ("en", "declned", "declined"),
    ("en", "acount", "account"),
    ("en", "spmeone", "someone"),       # a neighbouring key
    ("cs", "aplikce", "aplikace"),
    ("cs", "nefunguej", "nefunguje"),   # two letters swapped
    ("de", "zahlng", "zahlung"),
    ("de", "ueberweisung", "überweisung"),  # spelled as the dictionary spells it
    ("es", "tarjta", "tarjeta"),
    ("ru", "приложене", "приложение"),
])
def test_a_misspelt_word_is_read_as_the_common_word_one_edit_away(lang, typed, meant):
    assert speller(lang).correct(typed) == meant


@pytest.mark.parametrize("lang, word", [
    ("en", "login"),       # common
    ("en", "cant"),        # common as typed, though it means "can't"
    ("en", "chargeback"),  # rare, but no common word is one edit away
    ("en", "facture"),     # a cue word (French, a bill), one edit from the common 'fracture'
    ("en", "freezes"),     # begins with a cue stem ('freez')
    ("en", "pls"),         # too short to tell
    ("cs", "prihlasit"),   # typed without accents: known once folded
    ("cs", "login"),       # English in a Czech post
])
def test_common_rare_cue_and_short_words_are_left_as_typed(lang, word):
    assert speller(lang).correct(word) == word


def test_evidence_and_the_brands_own_words_are_left_as_typed():
    # A fake domain's or handle's spelling is the scam's own; a code is read off a screen.
    text = "voltra-verfy.com asked for my pasword, @voltra_hlp said E-50e3 #voltrdown"
    assert corrected(text, "en") == "voltra-verfy.com asked for my password, @voltra_hlp said E-50e3 #voltrdown"
    # 'fjelda' is one edit from the Norwegian 'fjeld' (a mountain), but it is the brand's name
    assert speller("nb").correct("fjelda") == "fjeld"
    assert corrected("Fjelda svarer ikke", "nb", brand_terms("Fjelda")) == "Fjelda svarer ikke"


def test_text_is_returned_as_it_is_where_nothing_changes_or_the_language_has_no_frequencies():
    text = "Payment  declined 😡 again!!"
    assert corrected(text, "en") is text
    assert corrected("paymnt declned", None) == "paymnt declned"
    assert speller("be") is None and corrected("плацеж не праходзиць", "be") == "плацеж не праходзиць"


def test_a_posts_terms_and_kind_survive_its_typos():
    brand = brand_terms("Voltra")
    typed = "Paymnt declned at the shop, cant acces my acount 😡"
    meant = "Payment declined at the shop, cant access my account 😡"
    assert terms_of(typed, "en", brand) == terms_of(meant, "en", brand)
    assert "~outage" in terms_of(typed, "en", brand)
    # The cues are read from the corrected text, so a post's kind and its concept terms agree
    assert "outage" in post_cues(corrected(typed, "en", brand), brand)
    assert "outage" not in post_cues(typed, brand)


def test_a_sum_written_with_a_space_reads_the_corrected_text_too():
    # Posts with a spaced sum ('€ 5.25') are read whole (text._whole_text_terms), not piece by piece
    brand = brand_terms("Voltra")
    assert terms_of("chrged € 5.25 twice, refnd please", "en", brand) == \
        terms_of("charged € 5.25 twice, refund please", "en", brand)
