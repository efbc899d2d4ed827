"""Mastodon (REST API v1): mentions and direct messages in, the brand's own statuses out.

Reading, per fetch, three timelines, each with its own watermark (the newest id seen):
- `GET /api/v1/notifications?types[]=mention`: every status that mentions the brand, public or direct;
- `GET /api/v1/accounts/:id/statuses`: the brand's own statuses (replies, DMs and posts), outbound,
  whether written in Earshot or in any Mastodon app;
- `GET /api/v1/conversations`: direct conversations, by their latest status, and for each one updated
  since the watermark the rest of its thread (`GET /api/v1/statuses/:id/context`). Mastodon 4.3 can
  filter notifications from strangers into "notification requests", so a DM from a new customer may
  never appear as a notification; it always appears here, even when the brand answered it (from any
  app) before the fetch, which made the answer the conversation's latest status.
Paging follows the `Link` header: with a watermark, `min_id` and `rel="prev"` walk forward from it with
no gap; without one, `rel="next"` walks back through the history. Ids are compared as numbers.

Statuses come as HTML (`content`): they are stored as the plain text people read. Status ids are
unique per instance, so the stored id is `host/id` (two brand accounts on two instances never collide).

Writing: `POST /api/v1/statuses` with an `Idempotency-Key`: Mastodon answers a repeated key with the
status it already created, so a retry after a timeout never posts twice.
"""
from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime
from typing import Any
from urllib.parse import urlsplit

import httpx
import orjson

from connectors.base import Collector, FetchResult, Published, advance_watermark, read_watermarks
from connectors.html_text import html_to_text
from connectors.http import ApiClient, BadResponse, parse_json
from connectors.limits import refuse_if_too_long

PLATFORM = "mastodon"
PAGE_LIMITS = {"notifications": 80, "statuses": 40, "conversations": 40}   # the API's maximum per timeline
TIMELINES = ("notifications", "statuses", "conversations")


class MastodonClient:
    """An access token on one instance."""

    def __init__(self, api: ApiClient, token: str):
        self.api = api
        self._auth = {"Authorization": f"Bearer {token}"}
        self.host = urlsplit(api.base_url).netloc
        self._me: dict[str, Any] | None = None

    def me(self) -> dict[str, Any]:
        """The brand's own account (its id tells its statuses apart)."""
        if self._me is None:
            me = self.api.json("GET", "/api/v1/accounts/verify_credentials", what="verify the access token",
                               headers=self._auth)
            if not isinstance(me.get("id"), str):
                raise BadResponse(f"{self.api.source}: verify the access token: the account has no id")
            self._me = me
        return self._me

    def timeline(self, path: str, params: dict[str, Any], since_id: str | None, what: str,
                 limit: int) -> Iterator[dict[str, Any]]:
        """Items newer than `since_id` (all, if None), following the Link header page by page."""
        url: str | None = path
        query: dict[str, Any] | None = {**params, "limit": limit, **({"min_id": since_id} if since_id else {})}
        follow = "prev" if since_id else "next"
        seen: set[str] = set()
        while url:
            response = self.api.request("GET", url, what=what, headers=self._auth, params=query)
            items = _json_list(response, f"{self.api.source}: {what}")
            fresh = [item for item in items if str(item.get("id")) not in seen]
            if not fresh:
                return  # an empty page ends the walk (also a server repeating itself)
            for item in fresh:
                seen.add(str(item.get("id")))
                yield item
            url, query = self._same_origin(response.links.get(follow, {}).get("url"), what), None

    def context(self, status: dict[str, Any]) -> list[dict[str, Any]]:
        """The statuses before and after `status` in its thread that we may see (for a DM: the DM)."""
        if not isinstance(status.get("id"), str) or not status["id"].isdigit():
            return []
        body = self.api.json("GET", f"/api/v1/statuses/{status['id']}/context", what="read a conversation",
                             headers=self._auth)
        thread = [*(body.get("ancestors") or []), *(body.get("descendants") or [])]
        return [item for item in thread if isinstance(item, dict)]

    def _same_origin(self, url: str | None, what: str) -> str | None:
        """A Link to follow; one to another host would receive our token, so it is refused."""
        if url and urlsplit(url).netloc != self.host:
            raise BadResponse(f"{self.api.source}: {what}: the next page is on another host ({urlsplit(url).netloc})")
        return url

    def post(self, text: str, *, idempotency_key: str, in_reply_to_id: str | None = None,
             language: str | None = None, visibility: str = "public",
             max_characters: int | None = None) -> Published:
        """Publish a status (a reply when `in_reply_to_id`, a stored message id, is given); at most
        `max_characters` (an instance's own limit; Mastodon's default of 500 if None)."""
        refuse_if_too_long(PLATFORM, text, max_characters)
        body: dict[str, Any] = {"status": text, "visibility": visibility}
        if in_reply_to_id:
            body["in_reply_to_id"] = in_reply_to_id.rsplit("/", 1)[-1]
        if language:
            body["language"] = language
        status = self.api.json("POST", "/api/v1/statuses", what="publish a status", json=body,
                               headers={**self._auth, "Idempotency-Key": idempotency_key})
        if not isinstance(status.get("id"), str):
            raise BadResponse(f"{self.api.source}: publish a status: the answer has no id")
        return Published(f"{self.host}/{status['id']}", status.get("url") or status.get("uri"))


class MastodonSource:
    """The connector the pipeline pulls: one brand account's mentions, DMs and own statuses."""

    def __init__(self, client: MastodonClient, account: str):
        self.client = client
        self.account = account

    def fetch(self, cursor: str | None, now: datetime) -> FetchResult:
        watermarks = read_watermarks(cursor, TIMELINES)
        newest = dict(watermarks)
        me = self.client.me()
        found = Collector()
        for note in self.client.timeline("/api/v1/notifications", {"types[]": "mention"}, watermarks["notifications"],
                                         "list mentions", PAGE_LIMITS["notifications"]):
            advance_watermark(newest, "notifications", note.get("id"))
            if note.get("type") == "mention" and isinstance(note.get("status"), dict):
                self._add(found, note["status"], me)
        for status in self.client.timeline(f"/api/v1/accounts/{me['id']}/statuses", {"exclude_reblogs": "true"},
                                           watermarks["statuses"], "read the brand's statuses", PAGE_LIMITS["statuses"]):
            advance_watermark(newest, "statuses", status.get("id"))
            self._add(found, status, me)
        for conversation in self.client.timeline("/api/v1/conversations", {}, watermarks["conversations"],
                                                 "list direct conversations", PAGE_LIMITS["conversations"]):
            last = conversation.get("last_status")
            if isinstance(last, dict):
                advance_watermark(newest, "conversations", last.get("id"))  # conversations page by their latest status id
                self._add(found, last, me)
                for status in self.client.context(last):
                    self._add(found, status, me)
        return found.result(orjson.dumps(newest).decode())

    def _add(self, found: Collector, status: dict[str, Any], me: dict[str, Any]) -> None:
        found.add(lambda: to_message(status, me["id"], self.client.host, self.account), status,
                  f"mastodon status {str(status.get('url') or status.get('id'))[:120]}")

    def close(self) -> None:
        self.client.api.close()


def to_message(status: dict[str, Any], brand_id: str, host: str, account: str) -> dict[str, Any]:
    """A Mastodon status as a canonical message (CONTRACT section 3)."""
    author = status["account"]
    outbound = author["id"] == brand_id
    reply_to = status.get("in_reply_to_id")
    if status.get("visibility") == "direct":
        kind = "dm"
    elif reply_to:
        kind = "comment"
    else:
        kind = "post" if outbound else "mention"
    acct = author.get("acct") or author["username"]
    text = html_to_text(status.get("content") or "")
    warning = (status.get("spoiler_text") or "").strip()  # a content warning is part of what was said
    return {
        "platform": PLATFORM, "id": f"{host}/{status['id']}", "kind": kind,
        "direction": "outbound" if outbound else "inbound",
        "author_id": f"{host}/{author['id']}", "author_handle": acct if "@" in acct else f"{acct}@{host}",
        "created_at": status["created_at"], "text": f"{warning}\n\n{text}" if warning else text,
        "in_reply_to_id": f"{host}/{reply_to}" if reply_to else None,
        "lang": status.get("language"), "url": status.get("url") or status.get("uri"), "account": account,
    }


def _json_list(response: httpx.Response, where: str) -> list[dict[str, Any]]:
    body = parse_json(response, where)
    if isinstance(body, dict) and body.get("error"):  # Mastodon's error shape, sent with a 2xx by some proxies
        raise BadResponse(f"{where}: {str(body['error'])[:200]}")
    if not isinstance(body, list) or not all(isinstance(item, dict) for item in body):
        raise BadResponse(f"{where}: expected a JSON array of objects, got {type(body).__name__}")
    return body
