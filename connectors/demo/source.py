"""The demo source as a connector: fetch everything between the stored cursor and now."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from connectors.base import FetchResult
from connectors.demo.stream import DemoStream
from connectors.message import MessageBatch


@dataclass(frozen=True)
class DemoSource:
    stream: DemoStream
    backfill_days: int = 14

    def fetch(self, cursor: str | None, now: datetime) -> FetchResult:
        """Messages with cursor < created_at <= now (the first fetch backfills `backfill_days`)."""
        start = datetime.fromisoformat(cursor) if cursor else now - timedelta(days=self.backfill_days)
        batch = MessageBatch()
        for seq, record in enumerate(self.stream.messages_between(start, now)):
            batch.add_record(seq, record)
        return FetchResult(batch, now.isoformat(), newest_at=now)

    def close(self) -> None:
        """Nothing to release: the demo stream is generated in memory."""
