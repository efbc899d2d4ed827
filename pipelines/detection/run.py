"""`earshot detect` and the `incidents` asset: new messages, window by window, from a stored watermark.

The detector's state is saved with the incidents in one transaction, so a tick continues exactly where the
last one stopped and an interrupted tick changes nothing. Messages that arrive late (their created_at is
already behind the watermark) are fed into the next window rather than lost. A window is processed only
once event time is past its end: now minus a small allowance for lateness, and never past the window of
the newest stored message (so importing history in several parts gives the result of importing it at once).
"""
from __future__ import annotations

import pickle
from dataclasses import dataclass
from datetime import datetime, timezone

import duckdb
import orjson
import pyarrow as pa

from detectors.emergence import DetectorSettings, EmergenceDetector
from detectors.incidents import Incident, Post
from detectors.kinds import ALERT_KINDS
from detectors.reading import KindReader
from detectors.replay import collector_paused
from detectors.text import brand_terms
from pipelines.config import Settings

STATE_NAME = "emergence"
STATE_VERSION = 17  # bump when the detector's pickled shape or settings change: the next run replays from scratch
# Live messages reach the warehouse a little after they are written: a window is processed once event
# time is this far past its end, so that they are rarely late.
ALLOWED_LATENESS_S = 120


@dataclass
class DetectReport:
    windows: int = 0
    messages: int = 0
    late_messages: int = 0
    opened: int = 0
    updated: int = 0


def detect(con: duckdb.DuckDBPyConnection, settings: Settings, now: datetime | None = None,
           detector_settings: DetectorSettings = DetectorSettings()) -> DetectReport:
    # The collector stays off throughout: unpickling the state, building a Post per message and replaying
    # windows all allocate millions of acyclic objects that it would rescan (detectors/replay.py).
    with collector_paused():
        return _detect(con, settings, now or datetime.now(timezone.utc), detector_settings)


def _detect(con: duckdb.DuckDBPyConnection, settings: Settings, now: datetime,
            detector_settings: DetectorSettings) -> DetectReport:
    report = DetectReport()
    detector, window_end, ingested_through = _load(con, settings, detector_settings)
    step = detector.settings.window_s
    # fetchall, not fetchone: DuckDB 2 keeps a half-read result open and refuses the next statement.
    bounds = con.execute("SELECT max(created_at), max(ingested_at) FROM messages WHERE direction = 'inbound'"
                         ).fetchall()[0]
    if bounds[0] is None:
        return report
    newest, newest_ingest = bounds[0].timestamp(), bounds[1]
    target = min((now.timestamp() - ALLOWED_LATENESS_S) // step * step, -(-newest // step) * step)
    start = window_end if window_end is not None else _first_window_end(con, step)
    if target <= (window_end or start - step):
        return report
    posts = _posts(con, window_end, target)
    late = _late_posts(con, window_end, ingested_through) if window_end is not None else []
    report.late_messages, report.messages = len(late), len(posts) + len(late)
    existing = {r[0] for r in con.execute("SELECT incident_id FROM incidents").fetchall()}
    changed: dict[str, Incident] = {}
    index = 0
    end = start if window_end is None else window_end + step
    while end <= target:
        batch, late = late, []  # late arrivals go into the first window of this run
        while index < len(posts) and posts[index].at <= end:
            batch.append(posts[index])
            index += 1
        for incident in detector.process_window(end, batch):
            changed[incident.incident_id] = incident
        report.windows += 1
        end += step
    con.execute("BEGIN TRANSACTION")
    try:
        _store(con, list(changed.values()))
        report.opened = len(changed.keys() - existing)
        report.updated = len(changed) - report.opened
        _save(con, detector, end - step, newest_ingest)
        con.execute("COMMIT")
    except BaseException:
        con.execute("ROLLBACK")
        raise
    return report


def _load(con, settings: Settings, detector_settings: DetectorSettings
          ) -> tuple[EmergenceDetector, float | None, datetime | None]:
    rows = con.execute("SELECT version, window_end, ingested_through, state FROM detector_state WHERE name = ?",
                       [STATE_NAME]).fetchall()
    row = rows[0] if rows else None
    # The reader follows the configuration, whatever the saved state had; it loads its model on first use
    reader = KindReader(settings.embedding_model) if settings.embedding_model else None
    if row and row[0] == STATE_VERSION:
        detector = pickle.loads(row[3])
        detector.reader = reader
        return detector, row[1].timestamp(), row[2]
    handles = [s.handle for s in settings.sources if s.handle]
    detector = EmergenceDetector(detector_settings, brand=settings.brand,
                                 ignore=brand_terms(settings.brand, handles), reader=reader)
    return detector, None, None


def _save(con, detector: EmergenceDetector, window_end: float, ingested_through: datetime) -> None:
    con.execute("INSERT OR REPLACE INTO detector_state VALUES (?, ?, ?, ?, ?, now())",
                [STATE_NAME, STATE_VERSION, _timestamp(window_end), ingested_through,
                 pickle.dumps(detector, protocol=pickle.HIGHEST_PROTOCOL)])


def _first_window_end(con, step: int) -> float:
    first = con.execute("SELECT min(created_at) FROM messages WHERE direction = 'inbound'").fetchall()[0][0].timestamp()
    return -(-first // step) * step if first % step else first


_POST_COLUMNS = "platform, id, author_id, epoch_us(created_at) / 1e6 AS at, text, lang"


def _posts(con, after: float | None, until: float) -> list[Post]:
    where = "direction = 'inbound' AND created_at <= to_timestamp(?)"
    params: list = [until]
    if after is not None:
        where += " AND created_at > to_timestamp(?)"
        params.append(after)
    return _to_posts(con.sql(f"SELECT {_POST_COLUMNS} FROM messages WHERE {where} ORDER BY created_at, platform, id",
                             params=params).to_arrow_table())


def _late_posts(con, window_end: float, ingested_through: datetime | None) -> list[Post]:
    """Stored after the last run, but dated at or before what it had already processed."""
    if ingested_through is None:
        return []
    return _to_posts(con.sql(
        f"SELECT {_POST_COLUMNS} FROM messages WHERE direction = 'inbound' AND created_at <= to_timestamp(?) "
        "AND ingested_at > ? ORDER BY created_at, platform, id", params=[window_end, ingested_through]
    ).to_arrow_table())


def _to_posts(table: pa.Table) -> list[Post]:
    cols = [table.column(n).to_pylist() for n in ("platform", "id", "author_id", "at", "text", "lang")]
    return [Post(*row) for row in zip(*cols)]


def count_open_alerts(con: duckdb.DuckDBPyConnection) -> int:
    """Alerts (outage, scam, complaint) not yet resolved: what the care team has on its plate."""
    return con.execute("SELECT count(*) FROM incidents WHERE status <> 'resolved' AND list_contains(?, kind)",
                       [list(ALERT_KINDS)]).fetchall()[0][0]


def _store(con, incidents: list[Incident]) -> None:
    """Write the changed incidents (one `executemany`), their new messages and their new lifecycle events
    (one INSERT each, of lists unnested; a statement per incident's messages and per event was most of the
    write: 0.67 s for 60 incidents and 227 events, now 0.12 s). A status a person set stays
    (pipelines/detection/status.py): 'acknowledged' until the detector resolves the incident, 'resolved'
    until messages newer than that decision arrive."""
    if not incidents:
        return
    ids = [incident.incident_id for incident in incidents]
    decided = {row[0]: row[1:] for row in con.execute(
        "SELECT incident_id, status, status_by, status_at FROM incidents WHERE list_contains(?, incident_id)",
        [ids]).fetchall()}
    con.execute("DELETE FROM incidents WHERE list_contains(?, incident_id)", [ids])
    con.executemany("""
        INSERT INTO incidents (incident_id, kind, status, title, severity, lang, terms, first_message_at,
            detected_at, last_message_at, message_count, author_count, langs, platforms, kind_cues, alerted_at,
            merged_into, status_by, status_at, updated_at)
        VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, now())
    """, [_incident_row(incident, decided.get(incident.incident_id)) for incident in incidents])
    messages = [(incident.incident_id, platform, message_id, post.at)
                for incident in incidents for (platform, message_id), post in incident.posts.items()]
    if messages:
        con.execute("""INSERT INTO incident_messages
                       SELECT unnest(?::VARCHAR[]), unnest(?::VARCHAR[]), unnest(?::VARCHAR[]),
                              to_timestamp(unnest(?::DOUBLE[]))
                       ON CONFLICT DO NOTHING""", [list(column) for column in zip(*messages)])
    events = [(incident.incident_id, event, _timestamp(at), severity)
              for incident in incidents for event, at, severity in incident.events]
    if events:
        con.execute("""INSERT INTO incident_events
                       SELECT unnest(?::VARCHAR[]), unnest(?::VARCHAR[]), unnest(?::TIMESTAMPTZ[]),
                              unnest(?::INTEGER[])
                       ON CONFLICT DO NOTHING""", [list(column) for column in zip(*events)])


def _incident_row(incident: Incident, decided: tuple | None) -> list:
    """The incidents row, with the status a person set kept where it holds."""
    current, status_by, status_at = decided or (None, None, None)
    decision = incident.decision
    cues = orjson.dumps({"shares": decision.shares, "cues": decision.cues}).decode() if decision else None
    status = "resolved" if incident.status in ("resolved", "merged") else "open"
    holds = current == "acknowledged" or (
        current == "resolved" and status_by is not None and _timestamp(incident.last_message_at) <= status_at)
    if holds and status == "open":
        status = current              # the person's decision holds
    if not (holds and status == current):
        status_by = status_at = None  # the detector's own decision
    return [incident.incident_id, incident.kind, status, incident.title(), incident.severity,
            (incident.langs or [None])[0], incident.signature, _timestamp(incident.first_message_at),
            _timestamp(incident.detected_at), _timestamp(incident.last_message_at), len(incident.posts),
            incident.authors, incident.langs, sorted({p.platform for p in incident.posts.values()}), cues,
            _timestamp(incident.alerted_at), incident.merged_into, status_by, status_at]


def _timestamp(epoch_s: float | None) -> datetime | None:
    return datetime.fromtimestamp(epoch_s, timezone.utc) if epoch_s is not None else None
