"""The Bluesky connector against the real local network (../shared/bsky-devnet): a customer mentions the
brand, the brand replies and publishes, `earshot run` ingests both, exactly once, across kills."""
from __future__ import annotations

import os
import subprocess
import sys
import time
import uuid
from collections.abc import Callable, Iterable
from datetime import datetime, timezone
from pathlib import Path

import pytest

from connectors.bluesky import BlueskyClient, PostRef
from connectors.limits import graphemes
from connectors.http import ApiClient
from pipelines.config import load_settings
from pipelines.ingest.pull import connector_for, pull
from pipelines.warehouse.connection import connect
from pipelines.warehouse.prepare import prepare_database
from tests.test_cli import EARSHOT

PASSWORD_ENV = "EARSHOT_TEST_BSKY_PASSWORD"


def client(net: dict, handle: str) -> BlueskyClient:
    c = BlueskyClient(ApiClient(net["pds"], f"test:{handle}"), handle, net["accounts"][handle]["password"])
    c.login()
    return c


def config(tmp_path: Path, net: dict, extra: str = "") -> Path:
    path = tmp_path / "earshot.toml"
    path.write_text(f'[brand]\nname = "Brand"\n\n[[sources]]\nplatform = "bluesky"\nservice = "{net["pds"]}"\n'
                    f'handle = "brand.test"\npassword_env = "{PASSWORD_ENV}"\n{extra}', encoding="utf-8")
    return path


def bystander_did(net: dict) -> str:
    return net["accounts"]["bystander.test"]["did"]


def wait_until_indexed(read: Callable[[], Iterable[dict]], uri: str, timeout_s: float = 20) -> None:
    """The AppView indexes a new post within about a second of the PDS storing it: poll `read` (notifications,
    the brand's feed, a search) until the post with `uri` is there."""
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if any(item.get("uri") == uri for item in read()):
            return
        time.sleep(0.3)
    raise AssertionError(f"{uri} was never indexed by the AppView")


def wait_for_notification(brand: BlueskyClient, uri: str) -> None:
    wait_until_indexed(lambda: brand.notifications(None), uri)


def run(db: Path, toml: Path, net: dict) -> subprocess.CompletedProcess:
    env = {**os.environ, PASSWORD_ENV: net["accounts"]["brand.test"]["password"]}
    return subprocess.run([EARSHOT, "run", "--db", str(db), "--config", str(toml)], capture_output=True,
                          text=True, env=env, cwd=db.parent, timeout=300)


def test_earshot_run_ingests_a_mention_and_the_brands_reply_once(bsky_devnet, tmp_path):
    net, tag = bsky_devnet, uuid.uuid4().hex[:10]
    customer, brand = client(net, "customer.test"), client(net, "brand.test")
    mention = customer.post(f"@brand.test my card was declined twice today, ref {tag}", langs=["en"])
    ref = PostRef(mention.uri, mention.cid)
    reply = brand.post(f"Sorry about that! We are on it ({tag}), status: https://status.example.com",
                       reply_to=(ref, ref), langs=["en"])
    # Talk about the brand that does not tag it: found by the configured search.
    untagged = client(net, "bystander.test").post(f"is Brand down for anyone else? login fails {tag}x")
    wait_for_notification(brand, mention.uri)
    wait_until_indexed(lambda: brand.own_posts(None), reply.uri)
    wait_until_indexed(lambda: brand.search(f"{tag}x", None), untagged.uri)

    db, toml = tmp_path / "e.duckdb", config(tmp_path, net, f'search = ["{tag}x"]\n')
    first = run(db, toml, net)
    assert first.returncode == 0, first.stderr
    second = run(db, toml, net)
    assert second.returncode == 0, second.stderr
    assert "ingest_bluesky_brand_test: fetched" in second.stdout and "inserted 0," in second.stdout

    with connect(db) as con:
        rows = con.execute("""
            SELECT id, kind, direction, author_id, author_handle, in_reply_to_id, conversation_key, lang, url
            FROM messages WHERE platform = 'bluesky' AND text LIKE ? ORDER BY direction""", [f"%{tag}%"]).fetchall()
        runs = con.execute("SELECT inserted, error, finished_at IS NOT NULL FROM connector_runs "
                           "ORDER BY started_at").fetchall()
        health = con.execute("SELECT status FROM source_health WHERE source = 'bluesky:brand.test'").fetchall()
    inbound, outbound = [r for r in rows if r[0] != untagged.uri]
    assert [r[1:4] for r in rows if r[0] == untagged.uri] == [("mention", "inbound", bystander_did(net))]
    assert inbound[:5] == (mention.uri, "mention", "inbound", customer.did, "customer.test")
    assert inbound[7] == "en" and inbound[8].startswith("https://bsky.app/profile/customer.test/post/")
    assert outbound[:4] == (reply.uri, "comment", "outbound", brand.did)
    assert outbound[5] == mention.uri and outbound[6] == inbound[6]   # one conversation: the reply answers it
    assert [r[1:] for r in runs] == [(None, True), (None, True)] and runs[0][0] >= 2 and runs[1][0] == 0
    assert health == [("ok",)]


KILL_SCRIPT = """
import os, signal, sys
from pathlib import Path
from collections.abc import Callable, Iterable
from datetime import datetime, timezone
import connectors.bluesky as bluesky
from connectors.http import ApiClient
from pipelines.config import load_settings
from pipelines.ingest.pull import connector_for, pull
from pipelines.warehouse.connection import connect
from pipelines.warehouse.prepare import prepare_database

bluesky.PAGE_SIZE = 2          # many pages, so the kill lands in the middle of a paged fetch
kill_at, sent = int(sys.argv[2]), 0
send = ApiClient.request
def request(self, *args, **kwargs):
    global sent
    sent += 1
    if sent == kill_at:
        os.kill(os.getpid(), signal.SIGKILL)   # no cleanup of any kind, as with a power cut
    return send(self, *args, **kwargs)
ApiClient.request = request
settings = load_settings(sys.argv[3])
with connect(Path(sys.argv[1])) as con:
    prepare_database(con, settings)
    source = settings.sources[0]
    pull(con, source, connector_for(source, settings), settings, datetime.now(timezone.utc))
"""


def test_killing_a_pull_in_the_middle_of_a_paged_fetch_loses_and_duplicates_nothing(bsky_devnet, tmp_path,
                                                                                     monkeypatch):
    net, tag = bsky_devnet, uuid.uuid4().hex[:10]
    customer, brand = client(net, "customer.test"), client(net, "brand.test")
    posts = [customer.post(f"@brand.test still no signal here, day {i} ({tag})") for i in range(7)]
    wait_for_notification(brand, posts[-1].uri)
    db, toml = tmp_path / "k.duckdb", config(tmp_path, net)
    monkeypatch.setenv(PASSWORD_ENV, net["accounts"]["brand.test"]["password"])
    script = tmp_path / "kill_during_pull.py"
    script.write_text(KILL_SCRIPT, encoding="utf-8")
    kills = 0
    for kill_at in (2, 3, 4, 6):  # after login: inside the notification pages and the brand's feed
        done = subprocess.run([sys.executable, str(script), str(db), str(kill_at), str(toml)],
                              capture_output=True, text=True, timeout=120)
        assert done.returncode == -9, done.stderr[-500:]
        kills += 1
    settings = load_settings(toml)
    with connect(db) as con:
        prepare_database(con, settings)
        source = settings.sources[0]
        pull(con, source, connector_for(source, settings), settings, datetime.now(timezone.utc))
        stored = con.execute("SELECT id FROM messages WHERE text LIKE ?", [f"%({tag})"]).fetchall()
        unfinished = con.execute("SELECT count(*) FROM connector_runs WHERE finished_at IS NULL").fetchone()[0]
    assert sorted(r[0] for r in stored) == sorted(p.uri for p in posts)   # every one, once
    assert unfinished == kills   # each killed pull is visible as a run that never finished


def test_publishing_sets_mention_and_link_facets_in_utf8_bytes(bsky_devnet):
    net = bsky_devnet
    brand, customer = client(net, "brand.test"), client(net, "customer.test")
    text = "Pozor 🇨🇿 @customer.test: we never ask for your PIN. Status: https://status.example.com/scam"
    published = brand.post(text, langs=["cs"])
    # The record as the PDS stored it (the AppView indexes it a moment later, so reading it there races).
    repo, _, rkey = published.uri.removeprefix("at://").split("/")
    record = brand.call("GET", "com.atproto.repo.getRecord", what="read the record",
                        params={"repo": repo, "collection": "app.bsky.feed.post", "rkey": rkey})["value"]
    assert record["text"] == text and record["langs"] == ["cs"]
    raw = text.encode()
    spans = {f["features"][0]["$type"].rsplit("#", 1)[1]: (raw[f["index"]["byteStart"]:f["index"]["byteEnd"]].decode(),
                                                           f["features"][0]) for f in record["facets"]}
    assert spans["mention"][0] == "@customer.test" and spans["mention"][1]["did"] == customer.did
    assert spans["link"][0] == "https://status.example.com/scam"
    assert published.url.startswith("https://bsky.app/profile/brand.test/post/")


def test_the_300_grapheme_limit_counts_what_people_see():
    flags = "🇨🇿" * 300            # 600 code points, 300 graphemes
    assert graphemes(flags) == 300 and graphemes("👩‍👩‍👧‍👦 e\u0301") == 3
    unsent = BlueskyClient(ApiClient("http://127.0.0.1:9", "nowhere"), "brand.test", "x")
    with pytest.raises(ValueError, match="at most 300 graphemes; this has 301"):
        unsent.post(flags + "!")   # refused before any request (port 9 would fail to connect)


def test_a_source_that_cannot_be_reached_is_reported_and_the_others_go_on(tmp_path):
    toml = tmp_path / "earshot.toml"
    toml.write_text('[[sources]]\nplatform = "demo"\nbackfill_days = 1\n\n'
                    '[[sources]]\nplatform = "bluesky"\nservice = "http://127.0.0.1:9"\nhandle = "brand.test"\n'
                    f'password_env = "{PASSWORD_ENV}"\n', encoding="utf-8")
    db = tmp_path / "f.duckdb"
    done = subprocess.run([EARSHOT, "run", "--db", str(db), "--config", str(toml)], capture_output=True, text=True,
                          env={**os.environ, PASSWORD_ENV: "not-a-real-password"}, cwd=tmp_path, timeout=300)
    assert done.returncode == 1
    assert "earshot: error: bluesky:brand.test: log in: ConnectError after 5 attempts" in done.stderr
    assert "earshot: warning: source bluesky:brand.test is failing" in done.stderr
    assert "not-a-real-password" not in done.stderr + done.stdout
    with connect(db) as con:
        demo = con.execute("SELECT count(*) FROM messages WHERE platform = 'demo'").fetchone()[0]
        health = dict(con.execute("SELECT source, status FROM source_health").fetchall())
        incidents_ran = con.execute("SELECT count(*) FROM detector_state").fetchone()[0]
    assert demo > 100 and incidents_ran == 1    # the demo source, metrics and detection went on
    assert health == {"demo": "ok", "bluesky:brand.test": "failing"}
