"""X (API v2): mentions and DMs in, the brand's own posts out, with a user-context bearer token.

Reading, per fetch, each timeline from its own watermark (the newest id seen):
- `GET /2/users/:id/mentions` with `since_id`, paged with `pagination_token` (= the previous page's
  `meta.next_token`): posts that mention the brand, inbound;
- `GET /2/users/:id/tweets` (retweets excluded) the same way: the brand's own posts and replies, outbound;
- `GET /2/dm_events` (when the source has `dms = true`, the default): direct messages both ways. It has
  no `since_id`; it lists newest first, so paging stops at the first event not newer than the watermark.
  Plans without DM access answer 403: the run fails with that message, and `dms = false` turns DMs off.
Ids are snowflakes: numbers that grow with time, compared as numbers.

X answers some failures with HTTP 200 and a body of `errors` and no `data`: that is an error too; a
page with `data` and some `errors` (a referenced post was deleted) keeps its data.

Writing: `POST /2/tweets` (a reply with `reply.in_reply_to_tweet_id`), at most 280 weighted characters.
X has no idempotency key: exactly-once publishing checks the account's recent posts instead.
"""
from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import datetime
from typing import Any

import orjson

from connectors.base import Collector, FetchResult, Published, advance_watermark, id_number, read_watermarks
from connectors.http import ApiClient, BadResponse
from connectors.limits import refuse_if_too_long

PLATFORM = "x"
PAGE_SIZE = 100
TWEET_FIELDS = {"tweet.fields": "created_at,author_id,conversation_id,referenced_tweets,lang",
                "expansions": "author_id", "user.fields": "username"}
DM_FIELDS = {"dm_event.fields": "id,text,event_type,created_at,dm_conversation_id,sender_id",
             "event_types": "MessageCreate", "expansions": "sender_id", "user.fields": "username"}
# X's codes for "no language": undetermined, and posts of only media, links, hashtags, mentions or emoji.
NO_LANGUAGE = frozenset({"und", "zxx", "qam", "qct", "qht", "qme", "qst", "art"})
TIMELINES = ("mentions", "tweets", "dms")


class XClient:
    """A user-context bearer token and the brand account's numeric id."""

    def __init__(self, api: ApiClient, token: str, user_id: str):
        self.api = api
        self.user_id = user_id
        self._auth = {"Authorization": f"Bearer {token}"}

    def pages(self, path: str, params: dict[str, Any], what: str) -> Iterator[tuple[list[dict[str, Any]], dict[str, str]]]:
        """(items, usernames by user id) per page, following `meta.next_token`."""
        token: str | None = None
        while True:
            body = self.api.json("GET", path, what=what, headers=self._auth, params={
                **params, "max_results": PAGE_SIZE, **({"pagination_token": token} if token else {})})
            items, users = _page(body, f"{self.api.source}: {what}")
            yield items, users
            token = (body.get("meta") or {}).get("next_token")
            if not items or not isinstance(token, str):
                return

    def timeline(self, path: str, since_id: str | None, what: str,
                 extra: dict[str, str] | None = None) -> Iterator[tuple[dict[str, Any], dict[str, str]]]:
        params = {**TWEET_FIELDS, **(extra or {}), **({"since_id": since_id} if since_id else {})}
        for items, users in self.pages(path, params, what):
            for item in items:
                yield item, users

    def dm_events(self, since_id: str | None) -> Iterator[tuple[dict[str, Any], dict[str, str]]]:
        for items, users in self.pages("/2/dm_events", DM_FIELDS, "list direct messages"):
            for item in items:
                if since_id and id_number(item.get("id")) <= id_number(since_id):
                    return  # newest first: everything from here on was read before
                yield item, users

    def find_own_post(self, text: str) -> Published | None:
        """The brand's post with exactly this text among its latest page (X has no idempotency key:
        this is how a retry after a lost answer finds the post it already made)."""
        for items, _ in self.pages(f"/2/users/{self.user_id}/tweets", {**TWEET_FIELDS, "exclude": "retweets"},
                                   "look for a published post"):
            match = next((t for t in items if t.get("text") == text and isinstance(t.get("id"), str)), None)
            return Published(match["id"], f"https://x.com/i/web/status/{match['id']}") if match else None
        return None

    def post(self, text: str, reply_to_id: str | None = None) -> Published:
        refuse_if_too_long(PLATFORM, text)
        body: dict[str, Any] = {"text": text}
        if reply_to_id:
            body["reply"] = {"in_reply_to_tweet_id": reply_to_id}
        answer = self.api.json("POST", "/2/tweets", what="publish a post", json=body, headers=self._auth)
        post_id = (answer.get("data") or {}).get("id")
        if not isinstance(post_id, str):
            raise BadResponse(f"{self.api.source}: publish a post: the answer has no data.id")
        return Published(post_id, f"https://x.com/i/web/status/{post_id}")


class XSource:
    """The connector the pipeline pulls: one brand account's mentions, DMs and own posts."""

    def __init__(self, client: XClient, account: str, dms: bool = True):
        self.client = client
        self.account = account
        self.dms = dms

    def fetch(self, cursor: str | None, now: datetime) -> FetchResult:
        watermarks = read_watermarks(cursor, TIMELINES)
        newest = dict(watermarks)
        found = Collector()
        brand = self.client.user_id

        def take(timeline: str, item: dict[str, Any], build: Callable[[], dict[str, Any]]) -> None:
            advance_watermark(newest, timeline, item.get("id"))
            found.add(build, item, f"x {timeline[:-1]} {str(item.get('id'))[:40]}")

        for tweet, users in self.client.timeline(f"/2/users/{brand}/mentions", watermarks["mentions"], "list mentions"):
            take("mentions", tweet, lambda: tweet_message(tweet, users, brand, self.account))
        for tweet, users in self.client.timeline(f"/2/users/{brand}/tweets", watermarks["tweets"],
                                                 "read the brand's posts", {"exclude": "retweets"}):
            take("tweets", tweet, lambda: tweet_message(tweet, users, brand, self.account))
        if self.dms:
            for event, users in self.client.dm_events(watermarks["dms"]):
                take("dms", event, lambda: dm_message(event, users, brand, self.account))
        return found.result(orjson.dumps(newest).decode())

    def close(self) -> None:
        self.client.api.close()


def tweet_message(tweet: dict[str, Any], users: dict[str, str], brand_id: str, account: str) -> dict[str, Any]:
    """A post (tweet) as a canonical message (CONTRACT section 3)."""
    author = tweet["author_id"]
    outbound = author == brand_id
    replied_to = next((ref.get("id") for ref in tweet.get("referenced_tweets") or []
                       if ref.get("type") == "replied_to"), None)
    lang = tweet.get("lang")
    return {
        "platform": PLATFORM, "id": tweet["id"],
        "kind": "comment" if replied_to else ("post" if outbound else "mention"),
        "direction": "outbound" if outbound else "inbound",
        "author_id": author, "author_handle": users.get(author), "created_at": tweet["created_at"],
        "text": tweet["text"], "in_reply_to_id": replied_to, "conversation_id": tweet.get("conversation_id"),
        "lang": None if lang in NO_LANGUAGE else lang,
        "url": f"https://x.com/{users.get(author) or 'i/web'}/status/{tweet['id']}", "account": account,
    }


def dm_message(event: dict[str, Any], users: dict[str, str], brand_id: str, account: str) -> dict[str, Any]:
    """A direct-message event as a canonical message; its conversation is the DM conversation."""
    sender = event["sender_id"]
    return {
        "platform": PLATFORM, "id": event["id"], "kind": "dm",
        "direction": "outbound" if sender == brand_id else "inbound",
        "author_id": sender, "author_handle": users.get(sender), "created_at": event["created_at"],
        "text": event["text"], "conversation_id": event.get("dm_conversation_id"), "account": account,
    }


def _page(body: dict[str, Any], where: str) -> tuple[list[dict[str, Any]], dict[str, str]]:
    data = body.get("data")
    if data is None:
        errors = body.get("errors")
        if errors and not isinstance(body.get("meta"), dict):  # 200 carrying only an error
            first = errors[0] if isinstance(errors, list) and isinstance(errors[0], dict) else {}
            raise BadResponse(f"{where}: {str(first.get('detail') or first.get('title') or errors)[:200]}")
        return [], {}  # no results: X leaves `data` out and says result_count 0
    if not isinstance(data, list) or not all(isinstance(item, dict) for item in data):
        raise BadResponse(f"{where}: `data` is not an array of objects")
    users = (body.get("includes") or {}).get("users") or []
    return data, {u["id"]: u["username"] for u in users
                  if isinstance(u, dict) and isinstance(u.get("id"), str) and isinstance(u.get("username"), str)}


