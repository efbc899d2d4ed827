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
        # The stream numbers its messages per hour; two demo sources (two seeds) would share ids and
        # overwrite each other, so a source other than the default one names its messages after itself.
        prefix = "" if self.stream.account == "demo" else f"{self.stream.account}:"
        for seq, record in enumerate(self.stream.messages_between(start, now)):
            for key in ("id", "in_reply_to_id", "conversation_id"):
                if prefix and record.get(key):
                    record[key] = prefix + record[key]
            batch.add_record(seq, record)
        return FetchResult(batch, now.isoformat(), newest_at=now)

    def close(self) -> None:
        """Nothing to release: the demo stream is generated in memory."""
