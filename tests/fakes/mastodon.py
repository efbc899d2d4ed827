"""A fake Mastodon instance following the documented REST API v1 (docs.joinmastodon.org/methods/).

What the connector relies on is played as documented: bearer tokens, `verify_credentials`, mention
notifications (`types[]`), an account's statuses (`exclude_reblogs`), direct conversations paged by their
latest status, `max_id`/`since_id`/`min_id`/`limit` paging with a `Link` header (`rel="next"` older,
`rel="prev"` newer), HTML content, `X-RateLimit-*` headers with an ISO 8601 reset, a status's thread
(`/api/v1/statuses/:id/context`, direct statuses only for their participants), and `POST
/api/v1/statuses` answering a repeated `Idempotency-Key` with the status it already created.
`page_cap` lowers the server's page size (real servers clamp `limit` too), so tests can page a lot.
"""
from __future__ import annotations

import html
import itertools
import re
import time
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from typing import Any
from urllib.parse import urlencode

from tests.fakes.server import FakeServer, Reply, Request, json_reply

MAX_LIMITS = {"notifications": 80, "statuses": 40, "conversations": 40}


@dataclass
class Account:
    id: str
    username: str
    token: str

    def entity(self, host: str) -> dict[str, Any]:
        return {"id": self.id, "username": self.username, "acct": self.username,
                "display_name": self.username.title(), "url": f"http://{host}/@{self.username}"}


@dataclass
class Conversation:
    id: str
    participants: set[str]
    last_status_id: str = ""


@dataclass
class Instance:
    accounts: dict[str, Account] = field(default_factory=dict)
    statuses: dict[str, dict[str, Any]] = field(default_factory=dict)
    notifications: list[dict[str, Any]] = field(default_factory=list)   # with the account notified
    conversations: list[Conversation] = field(default_factory=list)
    idempotency: dict[tuple[str, str], str] = field(default_factory=dict)


class FakeMastodon(FakeServer):
    def __init__(self, page_cap: int | None = None):
        super().__init__()
        self.host = self.url.removeprefix("http://")
        self.page_cap = page_cap
        self.state = Instance()
        self._ids = itertools.count(113_000_000_000_000_000)
        self.clock = datetime(2026, 11, 20, 9, 0, tzinfo=timezone.utc)

    # ---- test set-up: what happened on the instance ---------------------------------------------------
    def add_account(self, username: str) -> Account:
        account = Account(self._next_id(), username, f"token-{username}")
        self.state.accounts[account.id] = account
        return account

    def publish(self, author: Account, text: str, *, visibility: str = "public", in_reply_to: str | None = None,
                language: str | None = "en", notify: bool = True) -> dict[str, Any]:
        """A status written by `author` (its @mentions resolved to accounts), as the instance stores it.
        `notify=False` plays Mastodon 4.3's filtered notifications (a DM from a stranger)."""
        with self._lock:
            return self._create(author, text, visibility, in_reply_to, language, notify)

    def _create(self, author: Account, text: str, visibility: str, in_reply_to: str | None,
                language: str | None, notify: bool) -> dict[str, Any]:
        self.clock += timedelta(minutes=1)
        status_id = self._next_id()
        mentioned = [a for a in self.state.accounts.values() if f"@{a.username}" in text and a is not author]
        status = {
            "id": status_id, "created_at": self.clock.isoformat().replace("+00:00", ".000Z"),
            "in_reply_to_id": in_reply_to,
            "in_reply_to_account_id": self.state.statuses[in_reply_to]["account"]["id"] if in_reply_to else None,
            "visibility": visibility, "language": language, "spoiler_text": "",
            "uri": f"http://{self.host}/users/{author.username}/statuses/{status_id}",
            "url": f"http://{self.host}/@{author.username}/{status_id}",
            "content": _html(text, mentioned, self.host), "reblog": None,
            "account": author.entity(self.host),
            "mentions": [{"id": a.id, "username": a.username, "acct": a.username, "url": f"http://{self.host}/@{a.username}"}
                         for a in mentioned],
        }
        self.state.statuses[status_id] = status
        for account in mentioned:
            if notify:
                self.state.notifications.append({"id": self._next_id(), "type": "mention", "status_id": status_id,
                                                 "for": account.id, "created_at": status["created_at"]})
        if visibility == "direct":
            people = {author.id, *(a.id for a in mentioned)}
            talk = next((c for c in self.state.conversations if c.participants == people), None)
            if talk is None:
                talk = Conversation(self._next_id(), people)
                self.state.conversations.append(talk)
            talk.last_status_id = status_id
        return status

    def _next_id(self) -> str:
        return str(next(self._ids))

    # ---- the API ---------------------------------------------------------------------------------------
    def rate_headers(self, limit: int, remaining: int, reset: float) -> dict[str, str]:
        iso = time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(reset)) + f".{int(reset % 1 * 1000):03d}Z"
        return {"X-RateLimit-Limit": str(limit), "X-RateLimit-Remaining": str(remaining), "X-RateLimit-Reset": iso}

    def answer(self, request: Request) -> Reply:
        token = request.headers.get("authorization", "").removeprefix("Bearer ")
        me = next((a for a in self.state.accounts.values() if a.token == token), None)
        if me is None:
            return json_reply(401, {"error": "The access token is invalid"})
        route = (request.method, request.path)
        if route == ("GET", "/api/v1/accounts/verify_credentials"):
            return json_reply(200, me.entity(self.host))
        if route == ("GET", "/api/v1/notifications"):
            types = request.query.get("types[]") or ["mention"]
            notes = [self._notification(n) for n in self.state.notifications if n["for"] == me.id and n["type"] in types]
            return self._page(request, "notifications", notes, lambda n: n["id"])
        if request.method == "GET" and re.fullmatch(r"/api/v1/accounts/\d+/statuses", request.path):
            account_id = request.path.split("/")[4]
            own = [s for s in self.state.statuses.values() if s["account"]["id"] == account_id
                   and (s["visibility"] != "direct" or account_id == me.id)]
            return self._page(request, "statuses", own, lambda s: s["id"])
        if route == ("GET", "/api/v1/conversations"):
            talks = [{"id": c.id, "unread": False,
                      "accounts": [self.state.accounts[p].entity(self.host) for p in c.participants if p != me.id],
                      "last_status": self.state.statuses[c.last_status_id]}
                     for c in self.state.conversations if me.id in c.participants]
            return self._page(request, "conversations", talks, lambda c: c["last_status"]["id"])
        context = re.fullmatch(r"/api/v1/statuses/(\d+)/context", request.path)
        if request.method == "GET" and context:
            return self._context(context.group(1), me)
        if route == ("POST", "/api/v1/statuses"):
            return self._post_status(request, me)
        return json_reply(404, {"error": "Record not found"})

    def _post_status(self, request: Request, me: Account) -> Reply:
        body = request.json() or {}
        if not body.get("status"):
            return json_reply(422, {"error": "Validation failed: Text can't be blank"})
        key = request.headers.get("idempotency-key")
        if key and (me.id, key) in self.state.idempotency:   # the same request again: the same status
            return json_reply(200, self.state.statuses[self.state.idempotency[(me.id, key)]])
        status = self._create(me, body["status"], body.get("visibility", "public"), body.get("in_reply_to_id"),
                              body.get("language"), notify=True)
        if key:
            self.state.idempotency[(me.id, key)] = status["id"]
        return json_reply(200, status)

    def _context(self, status_id: str, me: Account) -> Reply:
        statuses = self.state.statuses
        if status_id not in statuses or not self._visible(statuses[status_id], me):
            return json_reply(404, {"error": "Record not found"})
        ancestors, parent = [], statuses[status_id]["in_reply_to_id"]
        while parent in statuses:
            ancestors.insert(0, statuses[parent])
            parent = statuses[parent]["in_reply_to_id"]
        descendants, frontier = [], {status_id}
        for status in sorted(statuses.values(), key=lambda s: int(s["id"])):
            if status["in_reply_to_id"] in frontier:
                descendants.append(status)
                frontier.add(status["id"])
        return json_reply(200, {"ancestors": [s for s in ancestors if self._visible(s, me)],
                                "descendants": [s for s in descendants if self._visible(s, me)]})

    @staticmethod
    def _visible(status: dict[str, Any], me: Account) -> bool:
        return status["visibility"] != "direct" or me.id == status["account"]["id"] or \
            any(m["id"] == me.id for m in status["mentions"])

    def _notification(self, note: dict[str, Any]) -> dict[str, Any]:
        status = self.state.statuses[note["status_id"]]
        return {"id": note["id"], "type": note["type"], "created_at": note["created_at"],
                "account": status["account"], "status": status}

    def _page(self, request: Request, kind: str, items: list[dict[str, Any]], key: Any) -> Reply:
        """Mastodon's paging: newest first; `min_id` gives the page just after it (walking forward)."""
        limit = min(int(request.param("limit", "20")), MAX_LIMITS[kind], self.page_cap or 10**9)
        ordered = sorted(items, key=lambda item: int(key(item)), reverse=True)
        max_id, since_id, min_id = (request.param(p) for p in ("max_id", "since_id", "min_id"))
        ordered = [i for i in ordered if (not max_id or int(key(i)) < int(max_id))
                   and (not since_id or int(key(i)) > int(since_id)) and (not min_id or int(key(i)) > int(min_id))]
        page = ordered[-limit:] if min_id else ordered[:limit]
        headers = {}
        if page:
            keep = {k: v for k, v in request.query.items() if k not in ("max_id", "since_id", "min_id")}
            base = f"{self.url}{request.path}?"
            newer = urlencode({**keep, "min_id": key(page[0])}, doseq=True)
            older = urlencode({**keep, "max_id": key(page[-1])}, doseq=True)
            headers["Link"] = f'<{base}{older}>; rel="next", <{base}{newer}>; rel="prev"'
        return json_reply(200, page, headers)


def _html(text: str, mentioned: list[Account], host: str) -> str:
    """Text as Mastodon renders it: paragraphs, <br>, h-card mentions, links with hidden parts."""
    def link(match: re.Match[str]) -> str:
        url = match.group()
        scheme, rest = url.split("://", 1)
        return (f'<a href="{url}" rel="nofollow noopener" target="_blank"><span class="invisible">{scheme}://</span>'
                f'<span class="ellipsis">{rest[:20]}</span><span class="invisible">{rest[20:]}</span></a>')

    paragraphs = []
    for para in text.split("\n\n"):
        escaped = html.escape(para, quote=False)
        escaped = re.sub(r"https?://[^\s<]+", link, escaped)
        for account in mentioned:
            escaped = escaped.replace(
                f"@{account.username}",
                f'<span class="h-card" translate="no"><a href="http://{host}/@{account.username}" '
                f'class="u-url mention">@<span>{account.username}</span></a></span>')
        paragraphs.append("<p>" + escaped.replace("\n", "<br />") + "</p>")
    return "".join(paragraphs)
