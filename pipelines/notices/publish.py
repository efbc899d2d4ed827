"""Publishing approved notices through the connectors, exactly once.

Every attempt is first written to the audit trail ('publishing', committed before anything is sent), then
the post is sent, then the notice is recorded as published. A crash between sending and recording leaves
an approved notice whose post exists; the next attempt finds that post instead of sending a second one:
- Bluesky: the post's record key is derived from the notice (`record_key`); the repository refuses a
  second record under it, and the attempt first looks the key up;
- Mastodon: the notice id is the `Idempotency-Key`; the instance answers a repeat with the first status;
- X (no idempotency key): the brand's recent posts are searched for the notice's exact text first.
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

import duckdb

from connectors.base import Published as Posted
from connectors.bluesky import BlueskyClient, record_key
from connectors.http import ConnectorError
from connectors.mastodon import MastodonClient
from pipelines.clients import PLATFORMS, platform_client
from pipelines.config import Settings, Source
from pipelines.notices.store import PIPELINE, Notice, audit, get_notice

Publisher = Callable[[Notice], Posted]


@dataclass(frozen=True)
class Outcome:
    notice_id: str
    status: str          # published or failed
    detail: str          # the address, or the error


def publisher_for(source: Source) -> tuple[Publisher, Callable[[], None]]:
    """(publish a notice, close the client) for a configured source that can publish."""
    if source.platform not in PLATFORMS:
        raise ConnectorError(f"{source.name}: platform {source.platform!r} cannot publish")
    client = platform_client(source)
    if isinstance(client, BlueskyClient):
        bluesky = client

        def to_bluesky(notice: Notice) -> Posted:
            rkey = record_key(notice.notice_id, notice.created_at)
            found = bluesky.own_post(rkey)
            if found is None:
                try:
                    found = bluesky.post(notice.text, langs=[notice.lang], rkey=rkey)
                except ConnectorError:
                    found = bluesky.own_post(rkey)  # sent, but the answer was lost: it is there
                    if found is None:
                        raise
            return Posted(found.uri, found.url)
        return to_bluesky, client.api.close
    if isinstance(client, MastodonClient):
        mastodon = client
        return (lambda notice: mastodon.post(notice.text, idempotency_key=notice.notice_id,
                                             language=notice.lang)), client.api.close
    x = client
    return (lambda notice: x.find_own_post(notice.text) or x.post(notice.text)), client.api.close


def publish_approved(con: duckdb.DuckDBPyConnection, settings: Settings, now: datetime,
                     actor: str = PIPELINE, only: list[str] | None = None) -> list[Outcome]:
    """Publish every approved notice (or those of them in `only`)."""
    approved = [r[0] for r in con.execute(
        "SELECT notice_id FROM notices WHERE status = 'approved' ORDER BY approved_at, notice_id").fetchall()
        if only is None or r[0] in only]
    sources = {s.name: s for s in settings.sources}
    outcomes, publishers = [], {}
    try:
        for notice_id in approved:
            notice = get_notice(con, notice_id)
            audit(con, notice_id, "publishing", actor, now)
            try:
                if notice.source not in sources:
                    raise ConnectorError(f"source {notice.source!r} is no longer configured")
                if notice.source not in publishers:
                    publishers[notice.source] = publisher_for(sources[notice.source])
                posted = publishers[notice.source][0](notice)
            except (ConnectorError, ValueError) as exc:
                _record(con, notice_id, "failed", now, actor, str(exc),
                        "SET status = 'failed', error = ?, updated_at = ?", [str(exc), now])
                outcomes.append(Outcome(notice_id, "failed", str(exc)))
                continue
            _record(con, notice_id, "published", now, actor, posted.url or posted.id,
                    "SET status = 'published', published_at = ?, external_id = ?, url = ?, error = NULL, "
                    "updated_at = ?", [now, posted.id, posted.url, now])
            outcomes.append(Outcome(notice_id, "published", posted.url or posted.id))
    finally:
        for _, close in publishers.values():
            close()
    return outcomes


def _record(con: duckdb.DuckDBPyConnection, notice_id: str, action: str, now: datetime, actor: str,
            detail: str, set_sql: str, params: list) -> None:
    con.execute("BEGIN TRANSACTION")
    con.execute(f"UPDATE notices {set_sql} WHERE notice_id = ?", [*params, notice_id])
    audit(con, notice_id, action, actor, now, detail)
    con.execute("COMMIT")
