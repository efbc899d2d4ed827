"""A fake X API v2 following its documentation (docs.x.com/x-api): the parts the connector uses.

Bearer tokens; `GET /2/users/:id/mentions` and `/2/users/:id/tweets` (`since_id`, `until_id`,
`max_results` 5-100, `pagination_token` = the previous page's `meta.next_token`, `exclude=retweets`,
`expansions=author_id` with `includes.users`); `GET /2/dm_events` (newest first, paged the same way; 403
`client-not-enrolled` when the plan lacks DMs); `POST /2/tweets` (201). Answers carry `x-rate-limit-*`
headers with an epoch reset. `page_cap` lowers the page size so tests can page a lot.
"""
from __future__ import annotations

import base64
import itertools
import re
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from typing import Any

from tests.fakes.server import FakeServer, Reply, Request, json_reply


@dataclass
class User:
    id: str
    username: str
    token: str


class FakeX(FakeServer):
    def __init__(self, page_cap: int | None = None, dm_access: bool = True):
        super().__init__()
        self.page_cap = page_cap
        self.dm_access = dm_access
        self.users: dict[str, User] = {}
        self.tweets: dict[str, dict[str, Any]] = {}
        self.dm_events: list[dict[str, Any]] = []
        self._ids = itertools.count(1_860_000_000_000_000_000, 4096)
        self.clock = datetime(2026, 11, 20, 9, 0, tzinfo=timezone.utc)

    # ---- test set-up ----------------------------------------------------------------------------------
    def add_user(self, username: str) -> User:
        user = User(str(len(self.users) + 1000), username, f"x-token-{username}")
        self.users[user.id] = user
        return user

    def tweet(self, author: User, text: str, reply_to: str | None = None, lang: str = "en",
              retweet_of: str | None = None) -> dict[str, Any]:
        with self._lock:
            return self._create(author, text, reply_to, lang, retweet_of)

    def _create(self, author: User, text: str, reply_to: str | None, lang: str,
                retweet_of: str | None = None) -> dict[str, Any]:
        tweet_id = self._next_id()
        parent = self.tweets.get(reply_to or "")
        tweet: dict[str, Any] = {
            "id": tweet_id, "text": text, "author_id": author.id, "created_at": self._now(), "lang": lang,
            "conversation_id": parent["conversation_id"] if parent else tweet_id,
            "edit_history_tweet_ids": [tweet_id],
        }
        references = [("replied_to", reply_to), ("retweeted", retweet_of)]
        if any(ref for _, ref in references):
            tweet["referenced_tweets"] = [{"type": kind, "id": ref} for kind, ref in references if ref]
        self.tweets[tweet_id] = tweet
        return tweet

    def direct_message(self, sender: User, to: User, text: str) -> dict[str, Any]:
        with self._lock:
            pair = sorted([int(sender.id), int(to.id)])
            event = {"id": self._next_id(), "event_type": "MessageCreate", "text": text, "sender_id": sender.id,
                     "dm_conversation_id": f"{pair[0]}-{pair[1]}", "created_at": self._now(),
                     "participants": {sender.id, to.id}}
            self.dm_events.append(event)
            return event

    def _next_id(self) -> str:
        return str(next(self._ids))

    def _now(self) -> str:
        self.clock += timedelta(minutes=1)
        return self.clock.isoformat(timespec="milliseconds").replace("+00:00", "Z")

    # ---- the API ---------------------------------------------------------------------------------------
    def rate_headers(self, limit: int, remaining: int, reset: float) -> dict[str, str]:
        return {"x-rate-limit-limit": str(limit), "x-rate-limit-remaining": str(remaining),
                "x-rate-limit-reset": str(int(reset) + 1)}   # whole seconds, rounded up, as X sends them

    def answer(self, request: Request) -> Reply:
        token = request.headers.get("authorization", "").removeprefix("Bearer ")
        me = next((u for u in self.users.values() if u.token == token), None)
        if me is None:
            return json_reply(401, {"title": "Unauthorized", "type": "about:blank", "status": 401,
                                    "detail": "Unauthorized"})
        timeline = re.fullmatch(r"/2/users/(\d+)/(mentions|tweets)", request.path)
        if request.method == "GET" and timeline:
            user = self.users.get(timeline.group(1))
            if user is None:   # X says so with HTTP 200 and only `errors`
                return json_reply(200, {"errors": [{"value": timeline.group(1), "title": "Not Found Error",
                                                    "detail": f"Could not find user with id: [{timeline.group(1)}].",
                                                    "type": "https://api.twitter.com/2/problems/resource-not-found"}]})
            if timeline.group(2) == "mentions":
                items = [t for t in self.tweets.values() if f"@{user.username}" in t["text"] and t["author_id"] != user.id]
            else:
                items = [t for t in self.tweets.values() if t["author_id"] == user.id and not (
                    request.param("exclude") == "retweets" and
                    any(r["type"] == "retweeted" for r in t.get("referenced_tweets", [])))]
            return self._page(request, items, "author_id")
        if (request.method, request.path) == ("GET", "/2/dm_events"):
            if not self.dm_access:
                return json_reply(403, {"title": "Forbidden", "type": "about:blank", "status": 403,
                                        "reason": "client-not-enrolled",
                                        "detail": "When authenticating requests to the Twitter API v2 endpoints, "
                                                  "you must use keys and tokens from a Twitter developer App"})
            mine = [{k: v for k, v in e.items() if k != "participants"} for e in self.dm_events if me.id in e["participants"]]
            return self._page(request, mine, "sender_id")
        if (request.method, request.path) == ("POST", "/2/tweets"):
            body = request.json() or {}
            reply_to = (body.get("reply") or {}).get("in_reply_to_tweet_id")
            tweet = self._create(me, body.get("text", ""), reply_to, "en")
            return json_reply(201, {"data": {"id": tweet["id"], "text": tweet["text"],
                                             "edit_history_tweet_ids": [tweet["id"]]}})
        return json_reply(404, {"title": "Not Found Error", "detail": f"no route {request.path}"})

    def _page(self, request: Request, items: list[dict[str, Any]], user_field: str) -> Reply:
        size = int(request.param("max_results", "10"))
        if not 5 <= size <= 100:
            return json_reply(400, {"errors": [{"parameters": {"max_results": [str(size)]},
                                                "message": "The `max_results` query parameter value is not between 5 and 100"}],
                                    "title": "Invalid Request", "detail": "One or more parameters to your request was invalid."})
        size = min(size, self.page_cap or size)
        since, until = request.param("since_id"), request.param("until_id")
        token = request.param("pagination_token")
        below = int(base64.urlsafe_b64decode(token).decode()) if token else None
        ordered = sorted((i for i in items if (not since or int(i["id"]) > int(since))
                          and (not until or int(i["id"]) < int(until)) and (below is None or int(i["id"]) < below)),
                         key=lambda i: int(i["id"]), reverse=True)
        page, rest = ordered[:size], ordered[size:]
        if not page:
            return json_reply(200, {"meta": {"result_count": 0}})
        meta: dict[str, Any] = {"result_count": len(page), "newest_id": page[0]["id"], "oldest_id": page[-1]["id"]}
        if rest:
            meta["next_token"] = base64.urlsafe_b64encode(page[-1]["id"].encode()).decode()
        authors = {i[user_field] for i in page}
        return json_reply(200, {"data": page, "meta": meta,
                                "includes": {"users": [{"id": u, "username": self.users[u].username, "name": self.users[u].username.title()}
                                                       for u in sorted(authors)]}})
