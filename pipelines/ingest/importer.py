"""`earshot import`: canonical JSONL into the warehouse, in one transaction, idempotently."""
from __future__ import annotations

from dataclasses import dataclass, field

import duckdb

from connectors.jsonl import Reject, open_lines, parse_jsonl
from pipelines.config import Settings
from pipelines.errors import EarshotError
from pipelines.warehouse.messages import begin_staging, record_rejects, stage, upsert_staged
from pipelines.warehouse.prepare import rebuild_calendar


@dataclass
class ImportReport:
    source: str
    read: int = 0
    inserted: int = 0
    updated: int = 0
    unchanged: int = 0
    rejects: list[Reject] = field(default_factory=list)

    @property
    def rejected(self) -> int:
        return len(self.rejects)

    def summary(self) -> str:
        return (f"{self.source}: read {self.read}, inserted {self.inserted}, updated {self.updated}, "
                f"unchanged {self.unchanged}, rejected {self.rejected}")


def import_jsonl(con: duckdb.DuckDBPyConnection, path: str, settings: Settings) -> ImportReport:
    """Load `path` ('-' for stdin; gzip recognised by content). Valid lines are upserted, bad lines
    recorded in `rejected_messages`; all of it commits together or not at all."""
    source = "stdin" if path == "-" else path
    report = ImportReport(source)
    try:
        stream = open_lines(path)
    except OSError as exc:
        raise EarshotError(f"{path}: cannot read: {exc.strerror or exc}") from None
    con.execute("BEGIN TRANSACTION")
    try:
        begin_staging(con)
        with stream:
            for batch, rejects in parse_jsonl(stream):
                report.read += len(batch) + len(rejects)
                report.rejects.extend(rejects)
                if len(batch):
                    stage(con, batch.to_arrow())
        counts = upsert_staged(con, settings.languages)
        record_rejects(con, source, [(r.line_no, r.reason, r.raw) for r in report.rejects])
        if counts.inserted:
            rebuild_calendar(con, settings)
        con.execute("COMMIT")
    except (OSError, EOFError) as exc:  # unreadable or truncated (gzip) input
        con.execute("ROLLBACK")
        raise EarshotError(f"{path}: read failed: {exc}; nothing was imported") from None
    except BaseException:
        con.execute("ROLLBACK")
        raise
    report.inserted, report.updated = counts.inserted, counts.updated
    # Duplicate ids within the file count once: the later line wins and the earlier is "unchanged".
    report.unchanged = report.read - report.rejected - counts.inserted - counts.updated
    return report
