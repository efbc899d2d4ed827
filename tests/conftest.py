from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import duckdb
import pytest

from pipelines.config import Settings
from pipelines.ingest.importer import ImportReport, import_jsonl
from pipelines.warehouse.connection import connect
from pipelines.warehouse.prepare import prepare_database

REPO = Path(__file__).resolve().parent.parent


def write_jsonl(path: Path, records: list[dict | str]) -> Path:
    lines = [r if isinstance(r, str) else json.dumps(r, ensure_ascii=False) for r in records]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def msg(id: str, at: str, direction: str = "inbound", kind: str = "mention", platform: str = "x",
        author: str | None = None, **fields) -> dict:
    """A canonical message with sensible defaults; `at` is an ISO timestamp."""
    record = {"platform": platform, "id": id, "kind": kind, "direction": direction,
              "author_id": author or ("brand" if direction == "outbound" else f"user-{id}"),
              "created_at": at, "text": fields.pop("text", f"message {id}"), "lang": "en"}
    record.update(fields)
    return record


@pytest.fixture
def db_path(tmp_path: Path) -> Path:
    return tmp_path / "earshot.duckdb"


@pytest.fixture
def con(db_path: Path) -> Iterator[duckdb.DuckDBPyConnection]:
    with connect(db_path) as connection:
        prepare_database(connection, Settings())
        yield connection


def load(con: duckdb.DuckDBPyConnection, tmp_path: Path, records: list[dict | str],
         name: str = "in.jsonl", settings: Settings | None = None) -> ImportReport:
    return import_jsonl(con, str(write_jsonl(tmp_path / name, records)), settings or Settings())
