"""The Mastodon connector against a local fake instance that follows the documented API (tests/fakes),
over real HTTP: mentions, DMs and the brand's replies in, exactly once across kills, rate limits waited
out, broken answers refused without losing what was stored, statuses published once per idempotency key."""
from __future__ import annotations

from pathlib import Path

import pytest

from connectors.html_text import html_to_text
from connectors.http import ApiClient, BadResponse
from connectors.mastodon import MastodonClient
from pipelines.warehouse.connection import connect
from tests.fakes.mastodon import Account, FakeMastodon
from tests.fakes.runs import earshot_run, earshot_run_killed, pull_first_source, write_config
from tests.fakes.server import JSON

TOKEN_ENV = "EARSHOT_TEST_MASTODON_TOKEN"


@pytest.fixture
def instance(start_fake) -> FakeMastodon:
    return start_fake(FakeMastodon)


def mastodon_config(tmp_path: Path, fake: FakeMastodon) -> Path:
    return write_config(tmp_path, f'platform = "mastodon"\nname = "mastodon"\nservice = "{fake.url}"\n'
                                  f'token_env = "{TOKEN_ENV}"\n')


def stored(db: Path, where: str = "TRUE", params: list | None = None) -> list[tuple]:
    with connect(db) as con:
        return con.execute(f"""SELECT id, kind, direction, author_handle, text, in_reply_to_id, conversation_key, lang
                               FROM messages WHERE platform = 'mastodon' AND {where} ORDER BY id""",
                           params or []).fetchall()


def test_earshot_run_ingests_mentions_dms_and_the_brands_replies_once(instance, tmp_path):
    brand, ana, petr = (instance.add_account(name) for name in ("voltra", "ana", "petr"))
    mention = instance.publish(ana, "@voltra my card was declined at the shop & online <again>\n\n"
                                    "see https://status.example.com/incidents/4242")
    api = MastodonClient(ApiClient(instance.url, "test"), brand.token)
    reply = api.post("@ana sorry! we're on it", idempotency_key="reply-1",
                     in_reply_to_id=f"{instance.host}/{mention['id']}")
    # A DM from a stranger: Mastodon 4.3 files it under notification requests, not notifications.
    dm = instance.publish(petr, "@voltra someone from 'Voltra support' asked me for my PIN", visibility="direct",
                          notify=False)
    answer = instance.publish(brand, "@petr we never ask for your PIN", visibility="direct", in_reply_to=dm["id"])
    czech = instance.publish(petr, "@voltra nejde mi přihlášení, chyba 503", language="cs")

    db, toml = tmp_path / "m.duckdb", mastodon_config(tmp_path, instance)
    first = earshot_run(db, toml, {TOKEN_ENV: brand.token})
    assert first.returncode == 0, first.stderr
    second = earshot_run(db, toml, {TOKEN_ENV: brand.token})
    assert second.returncode == 0, second.stderr
    assert "ingest_mastodon: fetched 0, inserted 0," in second.stdout   # the watermarks held

    rows = {row[0]: row for row in stored(db)}
    key = lambda status: f"{instance.host}/{status['id']}"  # noqa: E731
    assert set(rows) == {key(mention), reply.id, key(dm), key(answer), key(czech)}   # each once
    assert rows[key(mention)][1:5] == ("mention", "inbound", f"ana@{instance.host}",
                                       "@voltra my card was declined at the shop & online <again>\n\n"
                                       "see https://status.example.com/incidents/4242")
    assert rows[reply.id][1:3] == ("comment", "outbound") and rows[reply.id][5] == key(mention)
    assert rows[reply.id][6] == rows[key(mention)][6]           # the reply is in the customer's conversation
    assert rows[key(dm)][1:3] == ("dm", "inbound") and rows[key(answer)][1:3] == ("dm", "outbound")
    assert rows[key(answer)][6] == rows[key(dm)][6]
    assert rows[key(czech)][7] == "cs"
    assert reply.url == f"http://{instance.host}/@voltra/{reply.id.rsplit('/', 1)[1]}"


def mentions(fake: FakeMastodon, who: Account, count: int, tag: str) -> list[dict]:
    return [fake.publish(who, f"@voltra still no signal in Brno, day {i} ({tag})") for i in range(count)]


def test_killing_earshot_run_in_the_middle_of_paging_loses_and_duplicates_nothing(start_fake, tmp_path):
    fake = start_fake(FakeMastodon, page_cap=2)   # many pages: the kills land inside the paged fetch
    brand, ana = fake.add_account("voltra"), fake.add_account("ana")
    first = mentions(fake, ana, 9, "first")
    for status in first[:3]:
        fake.publish(brand, "@ana we are looking into it", in_reply_to=status["id"])
    db, toml = tmp_path / "k.duckdb", mastodon_config(tmp_path, fake)
    secrets = {TOKEN_ENV: brand.token}
    # verify_credentials is request 1; mention pages 2-7; the brand's statuses 8-10; conversations 11.
    kills = [earshot_run_killed(fake, at, db, toml, secrets) for at in (2, 4, 6, 9, 11)]
    assert kills == [-9] * 5
    assert earshot_run(db, toml, secrets).returncode == 0
    later = mentions(fake, ana, 5, "later")  # then walked forward from the stored ids, two per page
    assert earshot_run(db, toml, secrets).returncode == 0

    ids = [row[0] for row in stored(db, "direction = 'inbound'")]
    assert sorted(ids) == sorted(f"{fake.host}/{s['id']}" for s in first + later)   # every one, once
    assert len(stored(db, "direction = 'outbound'")) == 3
    with connect(db) as con:
        unfinished = con.execute("SELECT count(*) FROM connector_runs WHERE finished_at IS NULL").fetchone()[0]
    assert unfinished == 5


def test_the_rate_limit_is_waited_out_without_one_refused_request(start_fake, tmp_path, monkeypatch):
    fake = start_fake(FakeMastodon, page_cap=2)
    brand, ana = fake.add_account("voltra"), fake.add_account("ana")
    posted = mentions(fake, ana, 7, "limit")
    fake.rate_limit = (3, 1.5)   # 3 requests per 1.5 s window; the fetch needs 8
    monkeypatch.setenv(TOKEN_ENV, brand.token)
    db = tmp_path / "r.duckdb"
    report = pull_first_source(db, mastodon_config(tmp_path, fake))
    assert report.counts.inserted == len(posted)
    assert 429 not in fake.replies   # "0 remaining" held each request until the advertised reset
    times = [r.at for r in fake.requests]
    assert times[3] - times[0] >= 1.4 and times[6] - times[3] >= 1.4


def test_a_5xx_burst_is_retried_and_a_broken_page_fails_the_pull_without_losing_anything(start_fake, tmp_path, monkeypatch):
    fake = start_fake(FakeMastodon, page_cap=2)
    brand, ana = fake.add_account("voltra"), fake.add_account("ana")
    early = mentions(fake, ana, 3, "early")
    monkeypatch.setenv(TOKEN_ENV, brand.token)
    db, toml = tmp_path / "b.duckdb", mastodon_config(tmp_path, fake)
    fake.faults.extend([(503, JSON, b"{}", 0.0), (502, {"Content-Type": "text/html"}, b"<h1>Bad gateway</h1>", 0.0)])
    assert pull_first_source(db, toml).counts.inserted == 3           # the burst was retried
    late = mentions(fake, ana, 4, "late")
    fake.requests.clear()
    fake.before_reply = lambda n, request: (   # the second mention page comes back cut off
        fake.faults.append((200, JSON, b'[{"id": "1", "type": "men', 0.0)) if n == 3 else None)
    with pytest.raises(BadResponse, match=r"^mastodon: list mentions: the response body is not valid JSON"):
        pull_first_source(db, toml)
    assert len(stored(db)) == 3                                      # what was stored before is intact
    with connect(db) as con:
        health = con.execute("SELECT status, last_error FROM source_health").fetchone()
    assert health[0] == "failing" and "not valid JSON" in health[1]
    fake.before_reply = None
    assert pull_first_source(db, toml).counts.inserted == 4          # nothing skipped by the failed pull
    assert len(stored(db)) == len(early + late)


def test_a_next_page_on_another_host_is_refused_and_gets_no_token(start_fake, instance, tmp_path):
    other = start_fake(FakeMastodon)
    brand = instance.add_account("voltra")
    api = MastodonClient(ApiClient(instance.url, "mastodon"), brand.token)
    instance.faults.append((200, {**JSON, "Link": f'<{other.url}/api/v1/notifications?max_id=1>; rel="next"'},
                            b'[{"id": "5", "type": "mention"}]', 0.0))
    with pytest.raises(BadResponse, match="the next page is on another host"):
        list(api.timeline("/api/v1/notifications", {}, None, "list mentions", 40))
    assert other.requests == []


def test_publishing_twice_with_one_idempotency_key_posts_once(instance):
    brand = instance.add_account("voltra")
    api = MastodonClient(ApiClient(instance.url, "mastodon"), brand.token)
    first = api.post("Scam warning: we never ask for your PIN.", idempotency_key="notice-17", language="en")
    again = api.post("Scam warning: we never ask for your PIN.", idempotency_key="notice-17", language="en")
    assert first == again and len(instance.state.statuses) == 1
    with pytest.raises(ValueError, match="at most 500 characters; this has 501"):
        api.post("x" * 501, idempotency_key="notice-18")
    # A link counts as 23, whatever its length: 477 letters and a long link fit.
    api.post("y" * 476 + " https://status.example.com/" + "z" * 200, idempotency_key="notice-19")
    assert len(instance.state.statuses) == 2


@pytest.mark.parametrize("html, text", [
    ('<p>Hi <span class="h-card"><a href="https://m.social/@voltra" class="u-url mention">@<span>voltra</span></a>'
     '</span> card declined</p><p>second line<br />third &amp; &lt;last&gt;</p>',
     "Hi @voltra card declined\n\nsecond line\nthird & <last>"),
    ('<p><a href="https://example.com/a/very/long/path"><span class="invisible">https://</span>'
     '<span class="ellipsis">example.com/a/very/</span><span class="invisible">long/path</span></a></p>',
     "https://example.com/a/very/long/path"),
    ("<p>safe</p><script>alert(1)</script><style>p{}</style>", "safe"),
    ("plain text, no markup", "plain text, no markup"),
])
def test_status_html_becomes_the_text_people_read(html, text):
    assert html_to_text(html) == text
