"""Every write the dashboard makes: a comms person editing, approving, rejecting or publishing a notice; an
agent acknowledging, resolving or reopening an incident.

The same functions as `earshot notices ...` and the detector's status rules, on the pipeline's own file:
opened for the moment of the action (waiting while a tick holds the lock), then the read copy is published
again so every page shows the result at once instead of after the next tick.
"""
from __future__ import annotations

import os
from collections.abc import Callable
from datetime import datetime, timezone
from typing import TypeVar

import duckdb

from pipelines.config import load_settings
from pipelines.detection.status import set_status
from pipelines.errors import EarshotError
from pipelines.notices import store
from pipelines.notices.publish import publish_approved
from pipelines.warehouse.connection import connect, publish_read_copy, resolve_db_path

T = TypeVar("T")
LOCK_WAIT_S = 30   # a tick holds the file for seconds at most; a person can wait that long


def _act(change: Callable[[duckdb.DuckDBPyConnection, datetime], T]) -> T:
    """Run `change` on the warehouse and refresh the read copy; returns what `change` returned.
    An EarshotError (not allowed, locked too long) propagates with its one-line message."""
    db_path = resolve_db_path(os.environ.get("EARSHOT_DB"))
    with connect(db_path, retry_seconds=LOCK_WAIT_S) as con:
        result = change(con, datetime.now(timezone.utc))
        publish_read_copy(con, db_path)
    return result


def edit(notice_id: str, text: str, actor: str) -> str:
    def change(con: duckdb.DuckDBPyConnection, now: datetime) -> str:
        notice = store.edit(con, notice_id, text, actor, now)
        return f"Saved. It cannot be approved yet: {notice.problem}" if notice.problem else "Saved."
    return _act(change)


def approve(notice_id: str, actor: str) -> str:
    def change(con: duckdb.DuckDBPyConnection, now: datetime) -> str:
        store.approve(con, notice_id, actor, now)
        return f"Approved by {actor}."
    return _act(change)


def reject(notice_id: str, actor: str) -> str:
    def change(con: duckdb.DuckDBPyConnection, now: datetime) -> str:
        store.reject(con, notice_id, actor, now)
        return f"Rejected by {actor}."
    return _act(change)


def publish(notice_id: str, actor: str) -> str:
    # The outcome, failed or not, is stored and shown on every page before it is reported here.
    outcomes = _act(lambda con, now: publish_approved(con, load_settings(), now, actor, only=[notice_id]))
    if not outcomes:
        raise EarshotError(f"notice {notice_id!r} is not approved, so there is nothing to publish")
    if outcomes[0].status != "published":
        raise EarshotError(f"publishing failed: {outcomes[0].detail}")
    return f"Published: {outcomes[0].detail}"


def incident_status(incident_id: str, action: str, actor: str) -> str:
    """action: acknowledged, resolved or reopened."""
    def change(con: duckdb.DuckDBPyConnection, now: datetime) -> str:
        set_status(con, incident_id, action, actor, now)
        return f"{action.capitalize()} by {actor}."
    return _act(change)
