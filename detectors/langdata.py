"""A language's word data (stop words, lemma dictionary) in a SQLite file, built once per machine.

The packages that ship this data store it compressed: spaCy's lemma tables as gzipped JSON, simplemma's
dictionaries as lzma-compressed streams, and spaCy's French stop words come only with the whole French
tokenizer. Loading it took seconds and ~100 MB a language on this VM (pt 5.0 s, pl 5.1 s, fr 5.0 s,
ru 2.9 s), and every `earshot detect` process (one per tick) paid that again for each language its
new messages use. Here it is read from the packages once, into a file that opens in ~6 ms; a word
is then looked up with one indexed read, once per process (`Lexicon` caches the result). Lookups give
exactly what the packages give: tests/test_langdata.py compares them word for word.

The same machinery keeps the speller's word frequencies (spelling.py, `cached_file`). A file lives in
`$EARSHOT_CACHE_DIR`, else `$XDG_CACHE_HOME/earshot`, else `~/.cache/earshot` (the temp
directory if that cannot be written). Its name carries the versions it was built from, so an upgrade of
spaCy, its lookups or simplemma builds a new one. A build writes a file of its own and renames it into
place, so processes building at once never see a half-written file.
"""
from __future__ import annotations

import contextlib
import importlib
import importlib.metadata
import os
import sqlite3
import tempfile
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from typing import TypeVar

FORMAT = 2  # bump when the file's layout, or what is put in it, changes (2: ru and uk lemmas by pymorphy3)
SOURCES = ("spacy", "spacy-lookups-data", "simplemma")


# Languages whose words pymorphy3 lemmatizes: it analyses any form, known or not, from its own compact
# dictionaries (as spaCy's own Russian and Ukrainian lemmatizers do), so there is no table to copy here.
MORPHOLOGY_LANGS = frozenset({"ru", "uk"})


@dataclass(frozen=True)
class LanguageData:
    stop_words: frozenset[str]   # spaCy's, as spaCy spells them
    lemmas: LemmaTable | None    # spaCy's lemma_lookup table, or simplemma's dictionary, or none
    source: str                  # "spacy", "simplemma", "pymorphy3" (no table) or "" (no package has it)


class DataFile:
    """A file made by `cached_file`, read through one connection per process: SQLite's rule for
    connections that would otherwise cross a fork."""

    def __init__(self, path: Path):
        self.path = path
        self._pid = -1
        self._con: sqlite3.Connection | None = None

    def _connection(self) -> sqlite3.Connection:
        if self._pid != os.getpid():
            # immutable: the file is never written after it is renamed into place, so no locking is needed
            self._con = sqlite3.connect(f"file:{self.path}?mode=ro&immutable=1", uri=True,
                                        check_same_thread=False)
            self._pid = os.getpid()
        return self._con

    def __reduce__(self):  # pickles as its path: a new process opens its own connection
        return type(self), (self.path,)


class LemmaTable(DataFile, Mapping[str, str]):
    """word -> lemma, read from the file on each lookup."""

    def get(self, word: str, default=None):
        row = self._connection().execute("SELECT lemma FROM lemma WHERE word = ?", (word,)).fetchone()
        return row[0] if row else default

    def __getitem__(self, word: str) -> str:
        lemma = self.get(word)
        if lemma is None:
            raise KeyError(word)
        return lemma

    def __iter__(self) -> Iterator[str]:
        return (word for word, in self._connection().execute("SELECT word FROM lemma"))

    def __len__(self) -> int:
        return self._connection().execute("SELECT count(*) FROM lemma").fetchone()[0]


def language_data(lang: str, directory: Path | None = None) -> LanguageData:
    """The language's data from its file, built first if missing, from other versions, or unreadable."""
    return cached_file(_file_name(lang), partial(_fill, lang), _read, directory)


Read = TypeVar("Read")


def cached_file(name: str, fill: Callable[[sqlite3.Connection], None], read: Callable[[Path], Read],
                directory: Path | None = None) -> Read:
    """What `read` makes of the data file `name` in `directory` (else cache_dir()), which `fill` first
    writes into a new SQLite database if the file is missing or `read` finds it damaged. Where the
    directory cannot be made or written, the file is kept in the temp directory."""
    try:
        return _read_or_build((directory or cache_dir()) / name, fill, read)
    except (OSError, sqlite3.Error):
        return _read_or_build(Path(tempfile.gettempdir()) / f"earshot-{os.getuid()}" / name, fill, read)


def cache_dir() -> Path:
    if configured := os.environ.get("EARSHOT_CACHE_DIR"):
        return Path(configured)
    return Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "earshot"


def _file_name(lang: str) -> str:
    stamp = "-".join(importlib.metadata.version(package) for package in SOURCES)
    return f"words-{lang}-f{FORMAT}-{stamp}.sqlite"


def _read_or_build(path: Path, fill: Callable[[sqlite3.Connection], None], read: Callable[[Path], Read]) -> Read:
    try:
        return read(path)
    except (OSError, sqlite3.DatabaseError):  # none yet, or damaged
        _build(path, fill)
        return read(path)


def _read(path: Path) -> LanguageData:
    if not path.is_file():
        raise FileNotFoundError(path)
    table = LemmaTable(path)
    con = table._connection()
    source, = con.execute("SELECT value FROM meta WHERE key = 'source'").fetchone()
    stop = frozenset(word for word, in con.execute("SELECT word FROM stop"))
    return LanguageData(stop, table if source in ("spacy", "simplemma") else None, source)


def _build(path: Path, fill: Callable[[sqlite3.Connection], None]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    building = path.with_name(f"{path.name}.{os.getpid()}.partial")
    building.unlink(missing_ok=True)  # left by a process killed mid-build that had this pid
    try:
        con = sqlite3.connect(building)
        try:
            con.executescript("PRAGMA journal_mode = OFF; PRAGMA synchronous = OFF;")
            fill(con)
            con.commit()
        finally:
            con.close()
        os.replace(building, path)  # in place whole, or not at all
    except BaseException:
        with contextlib.suppress(OSError):
            building.unlink(missing_ok=True)
        raise


def _fill(lang: str, con: sqlite3.Connection) -> None:
    source, lemmas = _package_lemmas(lang)
    stop_words = _package_stop_words(lang)
    con.executescript("""
        CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
        CREATE TABLE stop (word TEXT PRIMARY KEY) WITHOUT ROWID;
        CREATE TABLE lemma (word TEXT PRIMARY KEY, lemma TEXT NOT NULL) WITHOUT ROWID;
    """)
    con.executemany("INSERT INTO stop VALUES (?)", ((w,) for w in sorted(stop_words)))
    con.executemany("INSERT INTO lemma VALUES (?, ?)", sorted(lemmas.items()))
    con.execute("INSERT INTO meta VALUES ('source', ?)", (source,))


def _package_stop_words(lang: str) -> set[str]:
    try:  # the module alone: spacy.blank() would build a whole tokenizer (~0.3 s a language)
        return set(importlib.import_module(f"spacy.lang.{lang}.stop_words").STOP_WORDS)
    except ImportError:
        return set()


def _package_lemmas(lang: str) -> tuple[str, dict[str, str]]:
    """spaCy's lemma_lookup table where spacy-lookups-data has one, else simplemma's dictionary; none for
    the languages pymorphy3 lemmatizes."""
    if lang in MORPHOLOGY_LANGS:
        return "pymorphy3", {}
    from spacy.util import load_language_data, registry

    files = registry.lookups.get(lang) if lang in registry.lookups else {}
    if "lemma_lookup" in files:
        table = load_language_data(files["lemma_lookup"])
        if table:
            # a few tables hold several lemmas for one form: Earshot takes the first
            return "spacy", {w: v if isinstance(v, str) else (v[0] if v else w) for w, v in table.items()}
    from simplemma.strategies.dictionaries.dictionary_factory import SUPPORTED_LANGUAGES, DefaultDictionaryFactory
    if lang in SUPPORTED_LANGUAGES:
        dictionary = DefaultDictionaryFactory(cache_max_size=0).get_dictionary(lang)
        return "simplemma", {word: dictionary[word] for word in dictionary}
    return "", {}
