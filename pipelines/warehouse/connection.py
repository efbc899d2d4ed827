"""Opening the DuckDB file, and the read copy that readers use.

DuckDB is single-writer across processes: while the pipeline holds the file, nobody else may open it,
not even read-only. So the pipeline (the only writer) opens short-lived read-write connections that
retry while the file is locked, and after every write it publishes a *read copy* next to the database
(`earshot.read.duckdb`) by copying the checkpointed file to a temp name and `os.replace`-ing it. Readers
(the dashboard, analysts' duckdb sessions) open the read copy, which nobody ever writes in place, so they
never block the pipeline and the pipeline never blocks them.

Each published copy is a new file (`read/<stem>-<n>.duckdb`), and `earshot.read.duckdb` is a symlink
swapped atomically to the newest. A new name per copy matters: DuckDB keeps one database instance per
path within a process while any connection to it is open, so a dashboard serving overlapping sessions
would otherwise keep reading the first copy it opened. Readers resolve the link when they connect
(`current_read_copy`); older copies are deleted once two newer ones exist (open readers keep reading a
deleted file until they close it).
"""
from __future__ import annotations

import os
import shutil
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import duckdb

from pipelines.errors import EarshotError

LOCK_RETRY_SECONDS = 60.0


def resolve_db_path(db: str | Path | None) -> Path:
    """--db, else EARSHOT_DB, else data/earshot.duckdb."""
    return Path(db or os.environ.get("EARSHOT_DB") or "data/earshot.duckdb")


KEEP_READ_COPIES = 3


def read_copy_path(db_path: Path) -> Path:
    """The stable name readers (and analysts) use: a symlink to the newest copy."""
    return db_path.with_name(db_path.stem + ".read" + db_path.suffix)


def current_read_copy(db_path: Path) -> Path:
    """The file the read-copy link points to now (the path to hand to duckdb.connect)."""
    return Path(os.path.realpath(read_copy_path(db_path)))


@contextmanager
def connect(db_path: Path, *, read_only: bool = False, retry_seconds: float = LOCK_RETRY_SECONDS
            ) -> Iterator[duckdb.DuckDBPyConnection]:
    """A connection with UTC as its session time zone, retrying while another process holds the lock."""
    if not read_only:
        db_path.parent.mkdir(parents=True, exist_ok=True)
    elif not db_path.exists():
        raise EarshotError(f"{db_path}: database not found (run `earshot run` or `earshot import` first)")
    con = _open_with_retry(db_path, read_only, retry_seconds)
    try:
        con.execute("SET TimeZone = 'UTC'")
        yield con
    finally:
        con.close()


def _open_with_retry(db_path: Path, read_only: bool, retry_seconds: float) -> duckdb.DuckDBPyConnection:
    deadline = time.monotonic() + retry_seconds
    delay = 0.02
    while True:
        try:
            return duckdb.connect(str(db_path), read_only=read_only)
        except duckdb.IOException as exc:
            if "lock" not in str(exc).lower() or time.monotonic() >= deadline:
                if "lock" in str(exc).lower():
                    raise EarshotError(f"{db_path}: database is locked by another process "
                                       f"(waited {retry_seconds:.0f} s)") from None
                raise EarshotError(f"{db_path}: cannot open database: {exc}") from None
            time.sleep(delay)
            delay = min(delay * 2, 0.5)


def publish_read_copy(con: duckdb.DuckDBPyConnection, db_path: Path) -> Path:
    """Checkpoint the writer's file, copy it to a new snapshot, and point the read-copy link at it."""
    con.execute("CHECKPOINT")
    folder = db_path.parent / "read"
    folder.mkdir(exist_ok=True)
    snapshot = folder / f"{db_path.stem}-{time.time_ns()}{db_path.suffix}"
    partial = snapshot.with_name(snapshot.name + ".partial")
    shutil.copyfile(db_path, partial)
    os.replace(partial, snapshot)
    link = read_copy_path(db_path)
    new_link = link.with_name(link.name + f".tmp{os.getpid()}")
    new_link.unlink(missing_ok=True)
    os.symlink(os.path.relpath(snapshot, link.parent), new_link)
    os.replace(new_link, link)
    snapshots = sorted(folder.glob(f"{db_path.stem}-*{db_path.suffix}"))  # names carry time_ns
    for old in snapshots[:-KEEP_READ_COPIES]:
        old.unlink(missing_ok=True)
    return link
