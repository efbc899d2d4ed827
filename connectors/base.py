"""What every source connector hands the pipeline: a batch of canonical messages and the next cursor."""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Protocol

from connectors.message import MessageBatch


@dataclass(frozen=True)
class FetchResult:
    batch: MessageBatch
    cursor: str                       # where the next fetch starts; stored with the batch in one transaction
    rejected: list[tuple[str, str]] = field(default_factory=list)   # (reason, raw JSON) the platform sent
    newest_at: datetime | None = None # the newest message the source has shown so far: lag = now - this


class Connector(Protocol):
    def fetch(self, cursor: str | None, now: datetime) -> FetchResult: ...
