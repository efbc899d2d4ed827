"""Typos (detectors/spelling.py): a misspelt word is read as the common word it was meant to be, and nothing
else is touched."""
from __future__ import annotations

import os
import subprocess
import sys

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


# The speller's data lives in a per-machine file (langdata.cached_file), so that a new process, one per tick,
# neither loads wordfreq's lists nor rebuilds the common words from them.
@pytest.mark.parametrize("lang", ["en", "cs", "pl"])
def test_the_spelling_file_holds_wordfreqs_words_word_for_word(lang, tmp_path):
    from wordfreq import get_frequency_dict

    from detectors.spelling import _alphabet, _common_words, word_frequencies
    words = word_frequencies(lang, tmp_path)
    con = words._connection()
    common = _common_words(lang)
    assert {f: (w, z) for f, w, z in con.execute("SELECT folded, word, zipf FROM common")} == common
    assert dict(con.execute("SELECT word, frequency FROM frequency")) == get_frequency_dict(lang)
    assert words.letters == "".join(sorted(_alphabet(common)))
    # Many words at once, as a typo's one-edit neighbours are looked up: every one found, in one answer
    asked = sorted(common)[::7]
    assert sorted(words.common_entries(asked + ["qqqzx"])) == sorted(common[f] for f in asked)


def test_a_damaged_spelling_file_is_rebuilt(tmp_path):
    from detectors.spelling import word_frequencies
    word_frequencies("cs", tmp_path)
    [built] = tmp_path.iterdir()
    for damage in (built.read_bytes()[:3000], b"not a database"):   # cut short, as by a full disk; garbage
        built.write_bytes(damage)
        word_frequencies.cache_clear()
        assert word_frequencies("cs", tmp_path).is_common("aplikace")
    assert [p.name for p in tmp_path.iterdir()] == [built.name]  # no partial file left behind


def test_a_new_process_corrects_typos_without_loading_wordfreqs_lists(tmp_path):
    from detectors.spelling import word_frequencies
    for lang in ("en", "cs"):
        word_frequencies(lang, tmp_path)  # the files of a machine that has run a tick before
    child = ("import wordfreq; from detectors.spelling import corrected; "
             "print(corrected('paymnt declned', 'en'), corrected('aplikce nefunguej', 'cs')); "
             "print(wordfreq.get_frequency_dict.cache_info().currsize, wordfreq.get_frequency_list.cache_info().currsize)")
    done = subprocess.run([sys.executable, "-c", child], capture_output=True, text=True, check=True,
                          env={**os.environ, "EARSHOT_CACHE_DIR": str(tmp_path)})
    assert done.stdout.split("\n")[:2] == ["payment declined aplikace nefunguje", "0 0"]
