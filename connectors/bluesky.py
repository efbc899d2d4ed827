"""Bluesky (AT Protocol) over XRPC: the brand's mentions, replies and quotes in, its own posts out.

Reading, per fetch:
- `app.bsky.notification.listNotifications`, newest first, paged with its cursor until notifications older
  than the stored watermark: mentions, replies and quotes of the brand are inbound messages;
- `app.bsky.feed.searchPosts` for each configured `search` query (newest first, `since` the watermark):
  posts that talk about the brand without tagging it, inbound;
- `app.bsky.feed.getAuthorFeed` of the brand's own account (`posts_with_replies`), paged the same way: the
  brand's replies and posts are outbound messages, whenever and wherever they were written (also from the
  Bluesky app itself, and also later than the customer's message that they answer).
The brand's replies come from its own feed rather than from `getPostThread` of each customer's post: one
paged call per tick instead of one per message, and a reply is found wherever and whenever it was written.
The watermark is the newest `indexedAt` seen (server time, unlike a post's client-chosen `createdAt`),
minus an overlap, so a notification indexed while we were paging is fetched the next time; messages
fetched twice are the same rows (the warehouse upserts on platform and id).

Writing: `com.atproto.repo.createRecord` of an `app.bsky.feed.post`, with facets (UTF-8 byte offsets) for
@mentions and links, as a reply when given the post it answers, at most 300 graphemes.

Sessions: `com.atproto.server.createSession` with an app password; an expired access token is refreshed
with `com.atproto.server.refreshSession`, and a refused refresh logs in again.
"""
from __future__ import annotations

import re
import zlib
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from collections.abc import Callable, Iterator
from typing import Any

import orjson

from connectors.base import Collector, FetchResult
from connectors.http import ApiClient, AuthError, BadResponse
from connectors.limits import URL, refuse_if_too_long
from connectors.message import InvalidMessage, parse_timestamp

PLATFORM = "bluesky"
PAGE_SIZE = 100
_TID_ALPHABET = "234567abcdefghijklmnopqrstuvwxyz"
OVERLAP = timedelta(minutes=10)   # re-read this much before the watermark: indexing is not instantaneous
INBOUND_REASONS = {"mention": "mention", "quote": "mention", "reply": "comment"}
_MENTION = re.compile(r"(?<![\w@])@([a-zA-Z0-9][a-zA-Z0-9.-]*\.[a-zA-Z]{2,})")


@dataclass(frozen=True)
class PostRef:
    uri: str
    cid: str


@dataclass(frozen=True)
class Published:
    uri: str
    cid: str
    url: str


class BlueskyClient:
    """An authenticated session on one PDS (https://bsky.social, or a local one)."""

    def __init__(self, api: ApiClient, handle: str, password: str):
        self.api = api
        self.handle = handle
        self._password = password
        self.did = ""
        self._access = ""
        self._refresh = ""

    # ---- session ------------------------------------------------------------------------------------
    def login(self) -> None:
        body = self.api.json("POST", "/xrpc/com.atproto.server.createSession", what="log in",
                             json={"identifier": self.handle, "password": self._password})
        self._take_session(body)

    def ensure_session(self) -> None:
        """Log in unless a session is already held (its DID is needed to write and to tell own posts)."""
        if not self._access:
            self.login()

    def _take_session(self, body: dict[str, Any]) -> None:
        try:
            self.did, self._access, self._refresh = body["did"], body["accessJwt"], body["refreshJwt"]
        except KeyError as missing:
            raise BadResponse(f"{self.api.source}: log in: the session lacks {missing}") from None

    def _refresh_session(self) -> None:
        try:
            body = self.api.json("POST", "/xrpc/com.atproto.server.refreshSession", what="refresh the session",
                                 headers={"Authorization": f"Bearer {self._refresh}"})
            self._take_session(body)
        except (AuthError, BadResponse):
            self.login()  # the refresh token expired too (or was revoked): start a new session

    def call(self, method: str, nsid: str, *, what: str, **kwargs: Any) -> dict[str, Any]:
        """An authenticated XRPC call; an expired access token is refreshed once and the call repeated."""
        self.ensure_session()
        for attempt in (1, 2):
            try:
                return self.api.json(method, f"/xrpc/{nsid}", what=what,
                                     headers={"Authorization": f"Bearer {self._access}"}, **kwargs)
            except (AuthError, BadResponse) as exc:
                # The PDS answers an expired token with 400 ExpiredToken (or 401): refresh, then retry once.
                if attempt == 2 or not ("ExpiredToken" in str(exc) or isinstance(exc, AuthError)):
                    raise
                self._refresh_session()
        raise AssertionError("unreachable")

    # ---- reading ------------------------------------------------------------------------------------
    def notifications(self, since: datetime | None) -> Iterator[dict[str, Any]]:
        """Notifications indexed at or after `since` (all, if None), newest first."""
        yield from self._paged("app.bsky.notification.listNotifications", "notifications", {}, since,
                               lambda item: item.get("indexedAt"), "list notifications")

    def own_posts(self, since: datetime | None) -> Iterator[dict[str, Any]]:
        """The account's own posts and replies (post views) indexed at or after `since`, newest first;
        reposts of others' posts are left out."""
        self.ensure_session()
        params = {"actor": self.did, "filter": "posts_with_replies"}
        for item in self._paged("app.bsky.feed.getAuthorFeed", "feed", params, since,
                                lambda item: (item.get("post") or {}).get("indexedAt"), "read the brand's feed"):
            if not item.get("reason"):  # a repost carries a reason; the brand's own words do not
                yield item.get("post") or {}

    def search(self, query: str, since: datetime | None) -> Iterator[dict[str, Any]]:
        """Posts matching `query` (words, a #hashtag, a domain) indexed at or after `since`, newest first."""
        params = {"q": query, "sort": "latest", **({"since": since.isoformat()} if since else {})}
        yield from self._paged("app.bsky.feed.searchPosts", "posts", params, since,
                               lambda post: post.get("indexedAt"), f"search posts for {query!r}")

    def _paged(self, nsid: str, key: str, params: dict[str, Any], since: datetime | None,
               indexed_at: Callable[[dict[str, Any]], Any], what: str) -> Iterator[dict[str, Any]]:
        cursor = None
        while True:
            page = self.call("GET", nsid, what=what, params={**params, "limit": PAGE_SIZE,
                                                             **({"cursor": cursor} if cursor else {})})
            items = page.get(key)
            if not isinstance(items, list):
                raise BadResponse(f"{self.api.source}: {what}: the response has no {key!r} list")
            older = False
            for item in items:
                if not isinstance(item, dict):
                    raise BadResponse(f"{self.api.source}: {what}: an item of {key!r} is not an object")
                at = _time(indexed_at(item))
                if since is not None and at is not None and at < since:
                    older = True
                    continue
                yield item
            cursor = page.get("cursor")
            if older or not items or not cursor:
                return

    # ---- writing ------------------------------------------------------------------------------------
    def post(self, text: str, reply_to: tuple[PostRef, PostRef] | None = None,
             langs: list[str] | None = None, rkey: str | None = None) -> Published:
        """Publish a post, or a reply when `reply_to` is (root, parent). Mentions of handles and links
        become facets; over 300 graphemes is refused before anything is sent. With `rkey` (see
        `record_key`), the repository refuses a second post under the same key: publishing is idempotent."""
        refuse_if_too_long(PLATFORM, text)
        self.ensure_session()
        record: dict[str, Any] = {"$type": "app.bsky.feed.post", "text": text,
                                  "createdAt": _now_iso(), "langs": langs or []}
        facets = self._facets(text)
        if facets:
            record["facets"] = facets
        if reply_to:
            root, parent = reply_to
            record["reply"] = {"root": {"uri": root.uri, "cid": root.cid},
                               "parent": {"uri": parent.uri, "cid": parent.cid}}
        body = self.call("POST", "com.atproto.repo.createRecord", what="publish a post",
                         json={"repo": self.did, "collection": "app.bsky.feed.post", "record": record,
                               **({"rkey": rkey} if rkey else {})})
        uri, cid = body.get("uri"), body.get("cid")
        if not isinstance(uri, str) or not isinstance(cid, str):
            raise BadResponse(f"{self.api.source}: publish a post: the answer has no uri and cid")
        return Published(uri, cid, post_url(self.handle, uri))

    def own_post(self, rkey: str) -> Published | None:
        """The brand's post under `rkey`, or None if there is none."""
        self.ensure_session()
        try:
            body = self.call("GET", "com.atproto.repo.getRecord", what="look for a published post",
                             params={"repo": self.did, "collection": "app.bsky.feed.post", "rkey": rkey})
        except BadResponse as exc:
            if "RecordNotFound" in str(exc) or "Could not locate record" in str(exc):
                return None
            raise
        uri, cid = body.get("uri"), body.get("cid")
        if not isinstance(uri, str) or not isinstance(cid, str):
            raise BadResponse(f"{self.api.source}: look for a published post: the answer has no uri and cid")
        return Published(uri, cid, post_url(self.handle, uri))

    def _facets(self, text: str) -> list[dict[str, Any]]:
        """Rich-text facets; Bluesky indexes them in UTF-8 bytes, not characters."""
        facets = []
        for match in _MENTION.finditer(text):
            did = self._resolve_handle(match.group(1))
            if did:  # an unknown handle stays plain text, as in the Bluesky app
                facets.append(_facet(text, match.span(), {"$type": "app.bsky.richtext.facet#mention", "did": did}))
        for match in URL.finditer(text):
            facets.append(_facet(text, match.span(), {"$type": "app.bsky.richtext.facet#link", "uri": match.group()}))
        return facets

    def _resolve_handle(self, handle: str) -> str | None:
        try:
            body = self.call("GET", "com.atproto.identity.resolveHandle", what=f"resolve @{handle}",
                             params={"handle": handle})
        except BadResponse:
            return None
        did = body.get("did")
        return did if isinstance(did, str) else None


class BlueskySource:
    """The connector the pipeline pulls: one brand account's inbox since the stored watermark."""

    def __init__(self, client: BlueskyClient, account: str, search: tuple[str, ...] = ()):
        self.client = client
        self.account = account
        self.queries = search

    def fetch(self, cursor: str | None, now: datetime) -> FetchResult:
        watermark = _cursor_time(cursor)
        since = watermark - OVERLAP if watermark else None
        self.client.ensure_session()
        found, newest = Collector(), watermark
        for item in self.client.notifications(since):
            kind = INBOUND_REASONS.get(item.get("reason", ""))
            newest = _later(newest, _time(item.get("indexedAt")))
            author = item.get("author") or {}
            if kind is None or author.get("did") == self.client.did:
                continue  # likes, follows, reposts; or the brand's own post echoed back
            self._add(found, item, kind, "inbound")
        for query in self.queries:
            for post in self.client.search(query, since):
                newest = _later(newest, _time(post.get("indexedAt")))
                if (post.get("author") or {}).get("did") != self.client.did:  # own posts are read below
                    record = post.get("record") or {}
                    self._add(found, post, "comment" if record.get("reply") else "mention", "inbound")
        for post in self.client.own_posts(since):
            newest = _later(newest, _time(post.get("indexedAt")))
            record = post.get("record") or {}
            self._add(found, post, "comment" if record.get("reply") else "post", "outbound")
        found.note_time(newest)
        return found.result(orjson.dumps({"indexed_at": newest.isoformat() if newest else None}).decode())

    def _add(self, found: Collector, view: dict[str, Any], kind: str, direction: str) -> None:
        found.add(lambda: to_message(view, kind, direction, self.account), view,
                  f"bluesky post {str(view.get('uri'))[:120]}")

    def close(self) -> None:
        self.client.api.close()


def to_message(view: dict[str, Any], kind: str, direction: str, account: str) -> dict[str, Any]:
    """A notification or post view as a canonical message (CONTRACT section 3)."""
    record = view["record"]
    author = view["author"]
    reply = record.get("reply") or {}
    created = record.get("createdAt")
    try:
        created_at = parse_timestamp(created).isoformat()
    except InvalidMessage:
        # createdAt is whatever the author's app wrote; the server's indexedAt is a sound stand-in.
        created_at = parse_timestamp(view.get("indexedAt")).isoformat()
    langs = record.get("langs") or []
    return {
        "platform": PLATFORM, "id": view["uri"], "kind": kind, "direction": direction,
        "author_id": author["did"], "author_handle": author.get("handle"), "created_at": created_at,
        "text": record.get("text") or "",
        "in_reply_to_id": (reply.get("parent") or {}).get("uri"),
        "conversation_id": (reply.get("root") or {}).get("uri"),
        "lang": langs[0] if langs and isinstance(langs[0], str) else None,
        "url": post_url(author.get("handle") or author["did"], view["uri"]),
        "account": account,
    }


def record_key(key: str, at: datetime) -> str:
    """A record key (a TID: 53 bits of microseconds, 10 bits of clock id, in base32-sortable) that is the
    same every time for the same `key` and time: the key of a notice's post, so it can exist only once."""
    value = (int(at.timestamp() * 1_000_000) << 10) | (zlib.crc32(key.encode()) & 0x3FF)
    return "".join(_TID_ALPHABET[(value >> (5 * i)) & 31] for i in reversed(range(13)))


def post_url(handle: str, uri: str) -> str:
    """at://did/app.bsky.feed.post/rkey -> the bsky.app address people can open."""
    return f"https://bsky.app/profile/{handle}/post/{uri.rsplit('/', 1)[-1]}"


def _facet(text: str, span: tuple[int, int], feature: dict[str, str]) -> dict[str, Any]:
    start = len(text[:span[0]].encode())
    end = start + len(text[span[0]:span[1]].encode())
    return {"index": {"byteStart": start, "byteEnd": end}, "features": [feature]}


def _cursor_time(cursor: str | None) -> datetime | None:
    if not cursor:
        return None
    try:
        value = orjson.loads(cursor).get("indexed_at")
    except (orjson.JSONDecodeError, AttributeError):
        return None  # a cursor from an older format: read everything again (upserts make that safe)
    return _time(value)


def _time(value: Any) -> datetime | None:
    if not isinstance(value, str):
        return None
    try:
        return parse_timestamp(value)
    except InvalidMessage:
        return None


def _later(a: datetime | None, b: datetime | None) -> datetime | None:
    return max(x for x in (a, b) if x is not None) if (a or b) else None


def _now_iso() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="milliseconds").replace("+00:00", "Z")
