"""The authenticated platform client of a configured source: one place where configuration becomes a
client, for reading (ingest) and for writing (notices). A missing secret is an error here, before any
request."""
from __future__ import annotations

from connectors.bluesky import BlueskyClient
from connectors.http import ApiClient
from connectors.mastodon import MastodonClient
from connectors.x import XClient
from pipelines.config import Source
from pipelines.errors import EarshotError

PlatformClient = BlueskyClient | MastodonClient | XClient
PLATFORMS = ("bluesky", "mastodon", "x")


def platform_client(source: Source) -> PlatformClient:
    if source.platform not in PLATFORMS:
        raise EarshotError(f"source {source.name!r}: platform {source.platform!r} has no connector yet")
    secret = source.secret()  # config validation made sure service, handle and user_id are there
    api = ApiClient(source.service or "", source.name)
    if source.platform == "bluesky":
        return BlueskyClient(api, source.handle or "", secret)
    if source.platform == "mastodon":
        return MastodonClient(api, secret)
    return XClient(api, secret, source.user_id or "")
