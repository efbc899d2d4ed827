"""The canonical message (CONTRACT section 3): validation and a columnar batch builder.

Every source (file import, demo, the social connectors) produces messages through `MessageBatch`, so
there is one definition of what a valid message is and one Arrow schema for the warehouse.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import datetime, timezone
from typing import Any

import orjson
import pyarrow as pa

KINDS = frozenset({"mention", "dm", "comment", "post"})
DIRECTIONS = frozenset({"inbound", "outbound"})
REQUIRED = ("platform", "id", "kind", "direction", "author_id", "created_at", "text")
OPTIONAL = ("author_handle", "in_reply_to_id", "conversation_id", "lang", "url", "account")
KNOWN = frozenset(REQUIRED + OPTIONAL)
_PLATFORM = re.compile(r"^[a-z][a-z0-9_.-]*$")
_LANG = re.compile(r"^[A-Za-z]{2,3}(-[A-Za-z0-9]{1,8})*$")
# Year bounds keep obviously broken clocks (year 0, 9999) out of the metrics.
MIN_YEAR, MAX_YEAR = 2000, 2100

SCHEMA = pa.schema([
    ("seq", pa.int64()),  # position in the source (line number for files): later wins on duplicate ids
    ("platform", pa.string()),
    ("id", pa.string()),
    ("kind", pa.string()),
    ("direction", pa.string()),
    ("author_id", pa.string()),
    ("author_handle", pa.string()),
    ("created_at", pa.timestamp("us", tz="UTC")),
    ("text", pa.string()),
    ("in_reply_to_id", pa.string()),
    ("conversation_id", pa.string()),
    ("lang", pa.string()),
    ("url", pa.string()),
    ("account", pa.string()),
    ("extra", pa.string()),
])


class InvalidMessage(ValueError):
    """The reason a record is not a canonical message, worded for a person."""


def parse_timestamp(value: Any) -> datetime:
    """ISO 8601 with a UTC offset or Z, as an aware UTC datetime."""
    if not isinstance(value, str):
        raise InvalidMessage(f"created_at must be a string, got {_type_name(value)}")
    try:
        parsed = datetime.fromisoformat(value)
    except ValueError:
        raise InvalidMessage(f"created_at {value[:40]!r} is not an ISO 8601 timestamp") from None
    if parsed.tzinfo is None:
        raise InvalidMessage(f"created_at {value[:40]!r} has no UTC offset (add Z or +HH:MM)")
    parsed = parsed.astimezone(timezone.utc)
    if not MIN_YEAR <= parsed.year < MAX_YEAR:
        raise InvalidMessage(f"created_at {value[:40]!r} is outside {MIN_YEAR}-{MAX_YEAR}")
    return parsed


def validate(record: Any) -> tuple[dict[str, Any], dict[str, Any] | None]:
    """(canonical fields, unknown fields or None) of a decoded JSON record; raises InvalidMessage."""
    if not isinstance(record, dict):
        raise InvalidMessage(f"expected a JSON object, got {_type_name(record)}")
    fields: dict[str, Any] = {}
    for name in REQUIRED:
        value = record.get(name)
        if value is None:
            raise InvalidMessage(f"missing required field {name!r}")
        if name != "created_at":
            fields[name] = _string(name, value, allow_empty=name == "text")
    for name in OPTIONAL:
        value = record.get(name)
        fields[name] = None if value is None or value == "" else _string(name, value)
    fields["created_at"] = parse_timestamp(record["created_at"])
    if not _PLATFORM.match(fields["platform"]):
        raise InvalidMessage(f"platform {fields['platform'][:40]!r} must be a lowercase name")
    if fields["kind"] not in KINDS:
        raise InvalidMessage(f"kind {fields['kind'][:40]!r} is not one of {', '.join(sorted(KINDS))}")
    if fields["direction"] not in DIRECTIONS:
        raise InvalidMessage(f"direction {fields['direction'][:40]!r} is not inbound or outbound")
    if fields["lang"] is not None:
        if not _LANG.match(fields["lang"]):
            raise InvalidMessage(f"lang {fields['lang'][:40]!r} is not a BCP 47 language tag")
        fields["lang"] = fields["lang"].lower()
    extra = {k: v for k, v in record.items() if k not in KNOWN} or None
    return fields, extra


def _string(name: str, value: Any, allow_empty: bool = False) -> str:
    if not isinstance(value, str):
        raise InvalidMessage(f"{name} must be a string, got {_type_name(value)}")
    if "\x00" in value:
        # DuckDB strings end at NUL in some clients; a NUL is never meaningful in a post.
        value = value.replace("\x00", "\ufffd")
    if not value and not allow_empty:
        raise InvalidMessage(f"{name} must not be empty")
    return value


def _type_name(value: Any) -> str:
    return {dict: "an object", list: "an array", str: "a string", bool: "a boolean",
            int: "a number", float: "a number", type(None): "null"}.get(type(value), type(value).__name__)


@dataclass
class MessageBatch:
    """Columns of valid messages, appended one at a time, handed to the warehouse as Arrow."""

    columns: dict[str, list[Any]] = field(default_factory=lambda: {n: [] for n in SCHEMA.names})

    def __len__(self) -> int:
        return len(self.columns["seq"])

    def add(self, seq: int, fields: dict[str, Any], extra: dict[str, Any] | None) -> None:
        cols = self.columns
        cols["seq"].append(seq)
        for name in REQUIRED + OPTIONAL:
            cols[name].append(fields[name])
        cols["extra"].append(orjson.dumps(extra).decode() if extra else None)

    def add_record(self, seq: int, record: Any) -> None:
        """Validate and add; raises InvalidMessage."""
        fields, extra = validate(record)
        self.add(seq, fields, extra)

    def to_arrow(self) -> pa.Table:
        return pa.table(self.columns, schema=SCHEMA)
