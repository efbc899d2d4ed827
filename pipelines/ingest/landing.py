"""The landing zone: source pulls that run on any worker, and one loader that writes the warehouse.

With `[scale] landing` set, a pull touches no DuckDB file, so pulls can run in parallel, on other machines
(Dagster's celery executor; pipelines/ingest/workers.py). A pull reads its cursor from
`<landing>/source=<name>/cursor.json`, fetches, and lands what it fetched as one Parquet file,
`<landing>/source=<name>/<UTC start>-<run id>.parquet`, with the run's record (counts, rejects, cursor,
error, which worker) in the file's metadata; then it writes the new cursor. Both are written under a
temporary name and renamed, so nobody ever reads half a file. A failed pull lands an empty file carrying
its error, so source health still sees the failure. A crash between the file and the cursor fetches the
same messages again next time, which the warehouse's upsert on (platform, id) makes harmless.

The loader, on the warehouse's machine, stays the only writer: each landed file not yet in `landed_files`
is stored in one transaction (messages, rejects, the source's cursor, its `connector_runs` row and the
file's own `landed_files` row), so a crash while loading leaves the file to be loaded next time, and no
file is loaded twice. A file that cannot be read is recorded with its error and skipped from then on; the
other files load.
"""
from __future__ import annotations

import json
import os
import socket
import uuid
from dataclasses import asdict, dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import Any
from urllib.parse import quote, unquote

import duckdb
import pyarrow as pa
import pyarrow.parquet as pq

from connectors.base import Connector
from connectors.http import ConnectorError
from connectors.message import SCHEMA, MessageBatch
from pipelines.config import Settings, Source
from pipelines.errors import EarshotError
from pipelines.ingest.health import error_line, record_run
from pipelines.ingest.pull import store_batch

RUN_KEY = b"earshot.run"   # the Parquet metadata key holding a LandedRun as JSON


class LandingError(EarshotError):
    pass


@dataclass(frozen=True)
class LandedRun:
    """One pull, as its landing file records it (and as `connector_runs` will)."""
    run_id: str
    source: str
    platform: str
    started_at: datetime
    finished_at: datetime
    landed_by: str                    # host:pid of the process that pulled
    fetched: int = 0
    rejected: list[tuple[str, str]] = field(default_factory=list)   # (reason, raw record)
    cursor: str | None = None
    newest_at: datetime | None = None
    error: str | None = None

    def to_json(self) -> bytes:
        return json.dumps(asdict(self), default=datetime.isoformat).encode()

    @classmethod
    def from_json(cls, raw: bytes) -> LandedRun:
        values: dict[str, Any] = json.loads(raw)
        for key in ("started_at", "finished_at", "newest_at"):
            values[key] = datetime.fromisoformat(values[key]) if values[key] else None
        values["rejected"] = [tuple(pair) for pair in values["rejected"]]
        return cls(**values)


def _write_atomically(path: Path, write: Any) -> None:
    """`write(temporary path)`, then rename over `path`: readers see the old file or the whole new one."""
    temporary = path.with_name(f".{path.name}.{uuid.uuid4().hex}.tmp")
    try:
        write(temporary)
        os.replace(temporary, path)
    finally:
        temporary.unlink(missing_ok=True)


class LandingZone:
    """A directory shared by the workers that pull and the machine that loads."""

    def __init__(self, root: Path):
        self.root = root

    def folder(self, source: str) -> Path:
        return self.root / f"source={quote(source, safe='')}"

    def cursor(self, source: str) -> str | None:
        path = self.folder(source) / "cursor.json"
        try:
            return json.loads(path.read_bytes())["cursor"]
        except FileNotFoundError:
            return None
        except (ValueError, KeyError, TypeError) as exc:
            raise LandingError(f"{path}: not a cursor file ({exc})") from None

    def land(self, run: LandedRun, batch: pa.Table) -> Path:
        """The batch and its run record as one Parquet file; then, after a successful pull, the cursor."""
        folder = self.folder(run.source)
        folder.mkdir(parents=True, exist_ok=True)
        path = folder / f"{run.started_at:%Y%m%dT%H%M%S%fZ}-{run.run_id}.parquet"
        table = batch.replace_schema_metadata({RUN_KEY: run.to_json()})
        _write_atomically(path, lambda tmp: pq.write_table(table, tmp))
        if run.error is None:
            _write_atomically(folder / "cursor.json",
                              lambda tmp: tmp.write_text(json.dumps({"cursor": run.cursor, "file": path.name})))
        return path

    def files(self) -> list[str]:
        """Every landed file, relative to the root, oldest pull first (names start with the pull's start)."""
        found = [p for p in self.root.glob("source=*/*.parquet") if not p.name.startswith(".")]
        return [str(p.relative_to(self.root)) for p in sorted(found, key=lambda p: (p.name, p.parent.name))]

    def read(self, relative: str) -> tuple[LandedRun, pa.Table]:
        path = self.root / relative
        try:
            table = pq.read_table(path)
            run = LandedRun.from_json((table.schema.metadata or {})[RUN_KEY])
        except KeyError:
            raise LandingError(f"{path}: not a landing file (no {RUN_KEY.decode()} metadata)") from None
        except (OSError, pa.ArrowException, ValueError, TypeError) as exc:
            raise LandingError(f"{path}: cannot be read: {str(exc).splitlines()[0]}") from None
        if table.schema.remove_metadata() != SCHEMA:
            raise LandingError(f"{path}: its columns are not those of a message batch")
        if path.parent != self.folder(run.source):
            raise LandingError(f"{path}: records source {run.source!r}, not its folder's")
        return run, table.replace_schema_metadata(None)


def pull_to_landing(zone: LandingZone, source: Source, connector: Connector, now: datetime) -> LandedRun:
    """Fetch what is new since the landed cursor and land it; a connector error is landed too, then raised."""
    landed_by = f"{socket.gethostname()}:{os.getpid()}"
    started = dict(run_id=str(uuid.uuid4()), source=source.name, platform=source.platform, started_at=now,
                   landed_by=landed_by)
    try:
        result = connector.fetch(zone.cursor(source.name), now)
    except ConnectorError as exc:
        failed = LandedRun(**started, finished_at=datetime.now(timezone.utc), error=error_line(str(exc)))
        zone.land(failed, MessageBatch().to_arrow())
        raise
    run = LandedRun(**started, finished_at=datetime.now(timezone.utc), fetched=len(result.batch),
                    rejected=list(result.rejected), cursor=result.cursor, newest_at=result.newest_at)
    zone.land(run, result.batch.to_arrow())
    return run


@dataclass
class LoadReport:
    files: int = 0          # loaded by this call
    messages: int = 0       # in those files
    inserted: int = 0       # of those, new to the warehouse
    errors: list[str] = field(default_factory=list)   # files that could not be loaded, one line each


def load_landed(con: duckdb.DuckDBPyConnection, zone: LandingZone, settings: Settings) -> LoadReport:
    """Store every landed file not loaded yet, each in its own transaction, oldest first."""
    report = LoadReport()
    loaded = {row[0] for row in con.execute("SELECT path FROM landed_files").fetchall()}
    for relative in zone.files():
        if relative in loaded:
            continue
        try:
            run, batch = zone.read(relative)
        except LandingError as exc:
            con.execute("INSERT INTO landed_files (path, source, loaded_at, error) VALUES (?, ?, now(), ?)",
                        [relative, unquote(relative.split("/")[0].removeprefix("source=")), str(exc)])
            report.errors.append(str(exc))
            continue
        con.execute("BEGIN TRANSACTION")
        try:
            inserted = 0
            if run.error is None:
                inserted = store_batch(con, run.source, batch, run.rejected, run.cursor or "", settings).inserted
            record_run(con, run, inserted)
            con.execute("INSERT INTO landed_files VALUES (?, ?, ?, ?, ?, ?, now(), NULL)",
                        [relative, run.source, run.run_id, run.landed_by, batch.num_rows, inserted])
            con.execute("COMMIT")
        except BaseException:
            con.execute("ROLLBACK")
            raise
        report.files += 1
        report.messages += batch.num_rows
        report.inserted += inserted
    return report
