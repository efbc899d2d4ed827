"""The X connector against a local fake of API v2 (tests/fakes), over real HTTP: mentions, DMs and the
brand's posts in, exactly once across kills, rate limits waited out, errors sent with HTTP 200 refused,
posts within 280 weighted characters."""
from __future__ import annotations

from pathlib import Path

import pytest

from connectors.http import ApiClient, AuthError, BadResponse
from connectors.limits import x_weighted_length
from connectors.x import XClient
from pipelines.warehouse.connection import connect
from tests.fakes.runs import earshot_run, earshot_run_killed, pull_first_source, write_config
from tests.fakes.x import FakeX, User

TOKEN_ENV = "EARSHOT_TEST_X_TOKEN"


@pytest.fixture
def fake(start_fake) -> FakeX:
    return start_fake(FakeX)


def x_config(tmp_path: Path, server: FakeX, user_id: str, extra: str = "") -> Path:
    return write_config(tmp_path, f'platform = "x"\nname = "x"\nservice = "{server.url}"\nuser_id = "{user_id}"\n'
                                  f'token_env = "{TOKEN_ENV}"\n{extra}')


def stored(db: Path, where: str = "TRUE") -> dict[str, tuple]:
    with connect(db) as con:
        rows = con.execute(f"""SELECT id, kind, direction, author_handle, text, in_reply_to_id, conversation_key, lang, url
                               FROM messages WHERE platform = 'x' AND {where}""").fetchall()
    return {row[0]: row for row in rows}


def test_earshot_run_ingests_mentions_dms_and_the_brands_posts_once(fake, tmp_path):
    brand, ana, petr = (fake.add_user(name) for name in ("voltra", "ana", "petr"))
    notice = fake.tweet(brand, "Card payments are back to normal. Thanks for your patience!")
    complaint = fake.tweet(ana, "@voltra my card was declined twice today, error 503", lang="en")
    answer = XClient(ApiClient(fake.url, "x"), brand.token, brand.id).post("@ana sorry, we're on it", complaint["id"])
    under_notice = fake.tweet(petr, "@voltra not for me, still declined", reply_to=notice["id"], lang="und")
    fake.tweet(brand, "RT", retweet_of=complaint["id"])              # a retweet is not the brand's own words
    dm_in = fake.direct_message(petr, brand, "Someone called me as Voltra support and asked for my PIN")
    dm_out = fake.direct_message(brand, petr, "We never ask for your PIN. Please block them.")

    db, toml = tmp_path / "x.duckdb", x_config(tmp_path, fake, brand.id)
    first = earshot_run(db, toml, {TOKEN_ENV: brand.token})
    assert first.returncode == 0, first.stderr
    second = earshot_run(db, toml, {TOKEN_ENV: brand.token})
    assert second.returncode == 0, second.stderr
    assert "ingest_x: fetched 0, inserted 0," in second.stdout   # the watermarks held: nothing read twice

    rows = stored(db)
    assert set(rows) == {notice["id"], complaint["id"], answer.id, under_notice["id"], dm_in["id"], dm_out["id"]}
    assert rows[complaint["id"]][1:5] == ("mention", "inbound", "ana", complaint["text"])
    assert rows[complaint["id"]][8] == f"https://x.com/ana/status/{complaint['id']}"
    assert rows[answer.id][1:3] == ("comment", "outbound") and rows[answer.id][5] == complaint["id"]
    assert rows[answer.id][6] == rows[complaint["id"]][6]          # the reply is in the customer's conversation
    assert rows[under_notice["id"]][1:3] == ("comment", "inbound") and rows[under_notice["id"]][7] != "und"
    assert rows[notice["id"]][1:3] == ("post", "outbound")
    assert rows[dm_in["id"]][1:4] == ("dm", "inbound", "petr") and rows[dm_out["id"]][1:3] == ("dm", "outbound")
    assert rows[dm_in["id"]][6] == rows[dm_out["id"]][6] == f"x:c/{dm_in['dm_conversation_id']}"


def mentions(server: FakeX, who: User, count: int, tag: str) -> list[dict]:
    return [server.tweet(who, f"@voltra app down again, login fails ({tag} {i})") for i in range(count)]


def test_killing_earshot_run_in_the_middle_of_paging_loses_and_duplicates_nothing(start_fake, tmp_path):
    server = start_fake(FakeX, page_cap=2)
    brand, ana = server.add_user("voltra"), server.add_user("ana")
    first = mentions(server, ana, 9, "first")
    replies = [server.tweet(brand, "@ana looking into it", reply_to=t["id"]) for t in first[:3]]
    dms = [server.direct_message(ana, brand, f"hello? {i}") for i in range(3)]
    db, toml = tmp_path / "k.duckdb", x_config(tmp_path, server, brand.id)
    secrets = {TOKEN_ENV: brand.token}
    # mention pages are requests 1-5; the brand's posts 6-7; DM events 8-9.
    assert [earshot_run_killed(server, at, db, toml, secrets) for at in (1, 3, 5, 7, 9)] == [-9] * 5
    assert earshot_run(db, toml, secrets).returncode == 0
    later = mentions(server, ana, 5, "later") + [server.direct_message(ana, brand, "still waiting")]
    assert earshot_run(db, toml, secrets).returncode == 0

    expected = {t["id"] for t in first + replies + dms + later}
    assert set(stored(db)) == expected   # every one, once (ids are the primary key)
    with connect(db) as con:
        unfinished = con.execute("SELECT count(*) FROM connector_runs WHERE finished_at IS NULL").fetchone()[0]
    assert unfinished == 5


def test_the_rate_limit_is_waited_out_without_one_refused_request(start_fake, tmp_path, monkeypatch):
    server = start_fake(FakeX, page_cap=2)
    brand, ana = server.add_user("voltra"), server.add_user("ana")
    posted = mentions(server, ana, 7, "limit")
    server.rate_limit = (3, 1.0)   # X resets are whole epoch seconds: up to 2 s per window here
    monkeypatch.setenv(TOKEN_ENV, brand.token)
    report = pull_first_source(tmp_path / "r.duckdb", x_config(tmp_path, server, brand.id, "dms = false\n"))
    assert report.counts.inserted == len(posted)
    assert 429 not in server.replies
    times = [r.at for r in server.requests]
    assert len(times) == 5 and times[3] - times[2] > 0.5   # the fourth waited for the reset


def test_an_error_sent_with_http_200_fails_the_pull_with_its_words(fake, tmp_path, monkeypatch):
    brand = fake.add_user("voltra")
    monkeypatch.setenv(TOKEN_ENV, brand.token)
    with pytest.raises(BadResponse, match=r"^x: list mentions: Could not find user with id: \[424242\]\.$"):
        pull_first_source(tmp_path / "e.duckdb", x_config(tmp_path, fake, "424242"))
    with connect(tmp_path / "e.duckdb") as con:
        assert con.execute("SELECT status FROM source_health").fetchone() == ("failing",)


def test_a_plan_without_direct_messages_fails_clearly_until_they_are_turned_off(start_fake, tmp_path, monkeypatch):
    server = start_fake(FakeX, dm_access=False)
    brand, ana = server.add_user("voltra"), server.add_user("ana")
    server.tweet(ana, "@voltra hello")
    monkeypatch.setenv(TOKEN_ENV, brand.token)
    db = tmp_path / "d.duckdb"
    with pytest.raises(AuthError, match="list direct messages: HTTP 403 .not allowed for these credentials.*client-not-enrolled"):
        pull_first_source(db, x_config(tmp_path, server, brand.id))
    assert pull_first_source(db, x_config(tmp_path, server, brand.id, "dms = false\n")).counts.inserted == 1


def test_posts_are_measured_as_x_counts_them(fake):
    assert x_weighted_length("hello") == 5
    assert x_weighted_length("こんにちは") == 10                       # CJK weighs 2
    assert x_weighted_length("ok 👩‍👩‍👧‍👦🇨🇿") == 3 + 2 + 2            # an emoji sequence weighs 2
    assert x_weighted_length("see https://status.example.com/" + "a" * 100) == 4 + 23
    brand = fake.add_user("voltra")
    api = XClient(ApiClient(fake.url, "x"), brand.token, brand.id)
    with pytest.raises(ValueError, match="at most 280 weighted characters; this has 282"):
        api.post("あ" * 141)
    assert fake.requests == []                                        # refused before sending
    published = api.post("Ověřte si, že píšete s @voltra: nikdy nechceme váš PIN. " + "ы" * 200)
    assert fake.tweets[published.id]["author_id"] == brand.id
