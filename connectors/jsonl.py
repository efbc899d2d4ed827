"""Reading canonical JSONL (plain, gzip, or stdin) into message batches and line-numbered rejects."""
from __future__ import annotations

import gzip
import io
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

import orjson

from connectors.message import InvalidMessage, MessageBatch

GZIP_MAGIC = b"\x1f\x8b"
RAW_KEEP_CHARS = 10_000  # a rejected line is stored up to this length: enough to see what was wrong


@dataclass(frozen=True)
class Reject:
    line_no: int
    reason: str
    raw: str


def open_lines(path: str) -> BinaryIO:
    """The byte stream of `path` ('-' for stdin), decompressed when it is gzip (by content, not name)."""
    raw: BinaryIO = sys.stdin.buffer if path == "-" else open(Path(path), "rb")  # noqa: SIM115
    buffered = io.BufferedReader(raw) if not isinstance(raw, io.BufferedReader) else raw
    if buffered.peek(2)[:2] == GZIP_MAGIC:
        return gzip.GzipFile(fileobj=buffered)  # type: ignore[return-value]
    return buffered


def parse_jsonl(stream: BinaryIO, batch_size: int = 200_000) -> Iterator[tuple[MessageBatch, list[Reject]]]:
    """Yield (valid messages, rejects) per `batch_size` lines. Blank lines are skipped, not rejected."""
    batch, rejects = MessageBatch(), []
    line_no = 0
    for line_no, line in enumerate(stream, start=1):
        if not line.strip():
            continue
        try:
            batch.add_record(line_no, orjson.loads(line))
        except orjson.JSONDecodeError as exc:
            rejects.append(Reject(line_no, f"invalid JSON: {_json_reason(exc)}", _raw(line)))
        except InvalidMessage as exc:
            rejects.append(Reject(line_no, str(exc), _raw(line)))
        if line_no % batch_size == 0:
            yield batch, rejects
            batch, rejects = MessageBatch(), []
    if len(batch) or rejects or line_no % batch_size:
        yield batch, rejects


def _json_reason(exc: orjson.JSONDecodeError) -> str:
    return str(exc).split(":")[0] if "utf-8" not in str(exc).lower() else "not valid UTF-8"


def _raw(line: bytes) -> str:
    return line.decode("utf-8", errors="replace").rstrip("\r\n")[:RAW_KEEP_CHARS]
