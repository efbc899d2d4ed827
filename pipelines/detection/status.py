"""An incident's status as people set it: acknowledged ("we are on it") or resolved, with who and when.

The detector respects it (see run._store): an acknowledged incident stays acknowledged until the detector
resolves it; one a person resolved stays resolved unless new messages of it arrive after that, which
reopens it. Every change is a row of `incident_actions`.
"""
from __future__ import annotations

from datetime import datetime

import duckdb

from pipelines.errors import EarshotError

ALLOWED_FROM = {"acknowledged": ("open",), "resolved": ("open", "acknowledged"), "reopened": ("resolved",)}


def set_status(con: duckdb.DuckDBPyConnection, incident_id: str, action: str, actor: str, now: datetime) -> None:
    rows = con.execute("SELECT status FROM incidents WHERE incident_id = ?", [incident_id]).fetchall()
    if not rows:
        raise EarshotError(f"incident {incident_id!r} does not exist")
    if rows[0][0] not in ALLOWED_FROM[action]:
        raise EarshotError(f"incident {incident_id!r} is {rows[0][0]}; only one that is "
                           f"{' or '.join(ALLOWED_FROM[action])} can be {action}")
    status = "open" if action == "reopened" else action
    con.execute("BEGIN TRANSACTION")
    con.execute("UPDATE incidents SET status = ?, status_by = ?, status_at = ? WHERE incident_id = ?",
                [status, actor, now, incident_id])
    con.execute("INSERT INTO incident_actions VALUES (?, ?, ?, ?)", [incident_id, now, action, actor])
    con.execute("COMMIT")
