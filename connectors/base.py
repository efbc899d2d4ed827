"""What every source connector hands the pipeline: a batch of canonical messages and the next cursor."""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Protocol

import orjson

from connectors.message import InvalidMessage, MessageBatch, parse_timestamp


@dataclass(frozen=True)
class FetchResult:
    batch: MessageBatch
    cursor: str                       # where the next fetch starts; stored with the batch in one transaction
    rejected: list[tuple[str, str]] = field(default_factory=list)   # (reason, raw JSON) the platform sent
    newest_at: datetime | None = None # the newest message the source has shown so far: lag = now - this


@dataclass(frozen=True)
class Published:
    """A post a connector published: the platform's id (as stored in `messages.id`) and its address."""
    id: str
    url: str | None


class Connector(Protocol):
    def fetch(self, cursor: str | None, now: datetime) -> FetchResult: ...

    def close(self) -> None: ...


class Collector:
    """The messages of one fetch: each id once, and every item that is not a valid message kept, with
    its reason, as a reject (the platform sent it; a person can look at it) rather than dropped."""

    def __init__(self) -> None:
        self.batch = MessageBatch()
        self.rejected: list[tuple[str, str]] = []
        self.newest_at: datetime | None = None
        self._seen: set[str] = set()

    def add(self, build: Callable[[], dict[str, Any]], raw: Any, label: str) -> None:
        """`build()` turns `raw` into a canonical message; any error in it makes `raw` a reject."""
        try:
            message = build()
            if message["id"] in self._seen:
                return
            self.batch.add_record(len(self.batch), message)
        except (InvalidMessage, KeyError, TypeError, AttributeError, ValueError) as exc:
            why = f"missing field {exc}" if isinstance(exc, KeyError) else f"{exc}"
            self.rejected.append((f"{label}: {why}", orjson.dumps(raw, default=str).decode()[:10_000]))
            return
        self._seen.add(message["id"])
        self.note_time(parse_timestamp(message["created_at"]))

    def note_time(self, at: datetime | None) -> None:
        if at is not None and (self.newest_at is None or at > self.newest_at):
            self.newest_at = at

    def result(self, cursor: str) -> FetchResult:
        return FetchResult(self.batch, cursor, self.rejected, self.newest_at)


def id_number(value: Any) -> int:
    """A platform id that grows with time (Mastodon, X) as a number; 0 for anything else."""
    return int(value) if isinstance(value, str) and value.isdigit() else 0


def read_watermarks(cursor: str | None, timelines: tuple[str, ...]) -> dict[str, str | None]:
    """The newest id seen per timeline, from a cursor written as a JSON object of them. An unreadable
    cursor reads everything again, which the upsert on platform and id makes harmless."""
    try:
        stored = orjson.loads(cursor) if cursor else {}
    except orjson.JSONDecodeError:
        stored = {}
    if not isinstance(stored, dict):
        stored = {}
    return {t: stored[t] if id_number(stored.get(t)) else None for t in timelines}


def advance_watermark(watermarks: dict[str, str | None], timeline: str, item_id: Any) -> None:
    if id_number(item_id) > id_number(watermarks[timeline]):
        watermarks[timeline] = item_id
