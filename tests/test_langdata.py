"""Language data from its SQLite file (detectors/langdata.py) against the packages it is built from, and the
file's life: built once, reused, rebuilt when damaged, safe to build from two processes at once."""
from __future__ import annotations

import multiprocessing
import os
import pickle
import random
import tempfile
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest
import simplemma
from simplemma.strategies import DefaultStrategy
from spacy.lookups import load_lookups

from benchmarks.detection.heldout_wording import heldout_wording
from connectors.demo import DemoStream
from detectors.langdata import _file_name, _package_stop_words, language_data
from detectors.lexicon import _Dictionary, lexicon
from detectors.text import WORD

DEMO_DATA = Path(__file__).resolve().parent.parent / "connectors" / "demo" / "data"


@pytest.fixture(scope="module")
def corpus_words() -> list[str]:
    """The words of real social-care wording in every language the demo and held-out streams use, plus
    the customer-support and scam samples, and the same words mistyped (unknown words take simplemma's
    slower paths: affix and compound decomposition, rules)."""
    end = datetime(2026, 11, 1, tzinfo=timezone.utc)
    texts = [r["text"] for r in DemoStream(seed=1, peak_per_hour=120).messages_between(end - timedelta(days=3), end)]
    texts += [r["text"] for r in DemoStream(seed=1, brand="Nordwave", peak_per_hour=120, wording=heldout_wording()
                                            ).messages_between(end - timedelta(days=3), end)]
    for sample in ("banking77_sample.tsv", "sms_spam_sample.txt"):
        texts += (DEMO_DATA / sample).read_text(encoding="utf-8").splitlines()
    words = sorted({w for t in texts for w in WORD.findall(t.lower().replace("’", "'"))})
    rng = random.Random(7)
    mistyped = []
    for word in words:
        if len(word) > 4:
            dropped = rng.randrange(len(word))
            mistyped.append(word[:dropped] + word[dropped + 1:] + rng.choice("aeiouyz"))
    return words + mistyped


def _table_sample(lang: str, n: int = 3000) -> list[str]:
    table = language_data(lang).lemmas
    return random.Random(lang).sample(sorted(table), min(n, len(table))) if table else []


@pytest.mark.parametrize("lang", ["en", "cs", "fr", "pt"])
def test_spacy_lemmas_and_stop_words_from_the_file_equal_spacys(lang, corpus_words):
    data = language_data(lang)
    assert data.source == "spacy"
    assert data.stop_words == _package_stop_words(lang) and len(data.stop_words) > 100
    table = load_lookups(lang, ["lemma_lookup"]).get_table("lemma_lookup")
    words = corpus_words + _table_sample(lang)
    different = []
    for word in words:
        expected = table.get(word)
        if expected is not None and not isinstance(expected, str):  # several lemmas: the first is taken
            expected = expected[0] if expected else word
        if data.lemmas.get(word) != expected:
            different.append((word, expected, data.lemmas.get(word)))
    assert different == []
    assert sum(table.get(w) is not None for w in corpus_words) > 20   # the corpus does reach the table


@pytest.mark.parametrize("lang", ["pl", "sk"])
def test_simplemma_on_the_file_lemmatizes_as_simplemma_does(lang, corpus_words):
    data = language_data(lang)
    assert data.source == "simplemma"
    assert data.stop_words == _package_stop_words(lang)
    on_file = simplemma.Lemmatizer(lemmatization_strategy=DefaultStrategy(dictionary_factory=_Dictionary(data.lemmas)))
    words = corpus_words + _table_sample(lang)
    different = [(w, simplemma.lemmatize(w, lang=lang), on_file.lemmatize(w, lang=lang)) for w in words
                 if simplemma.lemmatize(w, lang=lang) != on_file.lemmatize(w, lang=lang)]
    assert different == []
    assert sum(simplemma.lemmatize(w, lang=lang) != w for w in words) > 1000   # lemmas were actually found


@pytest.mark.parametrize("lang, lemma, forms", [
    ("ru", "карта", ["карта", "карты", "карту", "картой", "картами"]),
    ("ru", "списать", ["списали", "списал", "спишут"]),
    ("ru", "глючить", ["глючит", "глючило"]),  # slang, in no dictionary: read from its endings
    ("ru", "код", ["код", "кода", "коды"]),     # spaCy's lookup table made 'код' itself 'кода'
    ("uk", "картка", ["картка", "картки", "картку", "карткою"]),
    ("uk", "списати", ["списали", "списав"]),
    ("uk", "застосунок", ["застосунок", "застосунку", "застосунком"]),
])
def test_russian_and_ukrainian_forms_of_a_word_meet_at_its_lemma(lang, lemma, forms):
    data = language_data(lang)
    assert (data.source, data.lemmas) == ("pymorphy3", None)  # no table: pymorphy3 reads every form
    assert data.stop_words == _package_stop_words(lang) and len(data.stop_words) > 100
    assert [lexicon(lang).term(form) for form in forms] == [lemma] * len(forms)


def test_a_language_neither_package_has_keeps_surface_forms():
    data = language_data("be")
    assert (data.source, data.lemmas) == ("", None)
    assert lexicon("be").term("карткі") == "карткі"
    assert lexicon("be").term("и") is None  # Belarusian borrows the stop words of uk and ru


def test_the_file_is_built_once_then_reused(tmp_path):
    first = language_data("cs", tmp_path)
    [built] = tmp_path.iterdir()
    stamp = built.stat().st_mtime_ns, built.stat().st_ino
    again = language_data("cs", tmp_path)
    assert (built.stat().st_mtime_ns, built.stat().st_ino) == stamp
    assert again.stop_words == first.stop_words and again.lemmas.get("chyby") == first.lemmas.get("chyby") == "chyba"
    assert [p.name for p in tmp_path.iterdir()] == [built.name]  # no partial file left behind


def test_a_damaged_file_is_rebuilt(tmp_path):
    language_data("cs", tmp_path)
    [built] = tmp_path.iterdir()
    built.write_bytes(built.read_bytes()[:3000])   # cut short, as by a full disk
    data = language_data("cs", tmp_path)
    assert data.lemmas.get("chyby") == "chyba" and len(data.stop_words) > 100
    built.write_bytes(b"not a database")
    assert language_data("cs", tmp_path).lemmas.get("chyby") == "chyba"


@pytest.mark.parametrize("obstacle", ["a file where the directory should be", "a directory where SQLite writes",
                                      "a directory where the file goes"])
def test_a_cache_dir_that_cannot_be_written_falls_back_to_the_temp_dir(obstacle, tmp_path, monkeypatch):
    """Permissions do not stop root (who runs CI), so each obstacle is in the way whoever runs it."""
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path / "tmp"))
    (tmp_path / "tmp").mkdir()
    cache = tmp_path / "cache"
    target = cache / _file_name("cs")
    if obstacle == "a file where the directory should be":
        cache.write_text("not a directory")
    elif obstacle == "a directory where SQLite writes":
        (cache / f"{target.name}.{os.getpid()}.partial" / "x").mkdir(parents=True)
    else:
        (target / "x").mkdir(parents=True)
    data = language_data("cs", cache)
    assert data.lemmas.get("chyby") == "chyba" and len(data.stop_words) > 100
    assert len(list((tmp_path / "tmp").glob("earshot-*/words-cs-*.sqlite"))) == 1
    if cache.is_dir():  # nothing half-written left behind, only the obstacle's empty directories
        assert [p for p in cache.rglob("*") if p.is_file()] == []


# Both tests below start their processes with "spawn", from a new interpreter. Forking the pytest process
# itself is unsafe by then: earlier tests leave threads running (Streamlit's, DuckDB's, Dagster's), and a
# lock one of them held at the fork stays held in the child forever. One CI run hung here for 80 minutes.
_SPAWN = multiprocessing.get_context("spawn")
_WAIT_SECONDS = 300  # a child that has not answered by then is stuck; the test fails instead of hanging CI


_START_TOGETHER = []  # a barrier each worker is given when it starts (a lock cannot travel with a task)


def _keep_barrier(barrier) -> None:
    _START_TOGETHER[:] = [barrier]


def _wait_then_build(directory: str) -> tuple[str, Path]:
    _START_TOGETHER[0].wait(_WAIT_SECONDS)  # both processes begin building at the same moment
    lemmas = language_data("cs", Path(directory)).lemmas
    return lemmas.get("chyby"), lemmas.path


def test_two_processes_building_at_once_both_get_whole_data(tmp_path):
    processes = _SPAWN.Pool(2, initializer=_keep_barrier, initargs=(_SPAWN.Barrier(2),))
    try:
        answers = [processes.apply_async(_wait_then_build, (str(tmp_path),)) for _ in range(2)]
        # each read the file in the directory asked for, not one of its own in the temp directory
        assert [answer.get(_WAIT_SECONDS) for answer in answers] == [("chyba", tmp_path / _file_name("cs"))] * 2
        processes.close()  # the workers end when their queue does
    except BaseException:
        processes.terminate()  # a stuck worker: a new interpreter keeps SIGTERM's default, which ends it
        raise
    finally:
        processes.join()
    assert len(list(tmp_path.iterdir())) == 1  # one file, no partial left behind


_INHERITED = []  # a table whose connection the parent opened, reached by a forked child through memory


def _look_up_inherited(word: str) -> tuple[str, bool]:
    """The lemma, and whether it was read through a connection this process opened: SQLite's documentation
    forbids carrying an open connection across a fork, even where the shared one happens to answer."""
    table = _INHERITED[0]
    return table.get(word), table._pid == os.getpid()


def _fork_after_using_a_table(directory: str, answers) -> None:
    """In a new interpreter, with no other thread: open a table, fork a child that uses it, use it again."""
    table = language_data("cs", Path(directory)).lemmas
    in_parent_before = table.get("chyby")       # the parent's connection is open now
    _INHERITED[:] = [table]
    child = multiprocessing.get_context("fork").Pool(1)
    try:
        in_child = child.map_async(_look_up_inherited, ["chyby", "platby"]).get(_WAIT_SECONDS)
    finally:
        child.close()
        child.join()
    answers.put((in_parent_before, in_child, table.get("platby"), pickle.loads(pickle.dumps(table)).get("chyby")))


def test_a_table_used_before_a_fork_works_in_the_child_and_pickles(tmp_path):
    answers = _SPAWN.Queue()
    parent = _SPAWN.Process(target=_fork_after_using_a_table, args=(str(tmp_path), answers))
    parent.start()
    try:
        in_parent_before, in_child, in_parent_after, unpickled = answers.get(timeout=_WAIT_SECONDS)
    finally:
        parent.join(_WAIT_SECONDS)
        if parent.is_alive():
            parent.kill()
    assert parent.exitcode == 0
    assert in_parent_before == "chyba"
    assert in_child == [("chyba", True), ("platba", True)]
    assert in_parent_after == "platba"          # and the parent's still works
    assert unpickled == "chyba"
