"""`source_health`: failing, stalled, silent and ok, from the rows of `connector_runs`."""
from __future__ import annotations

from pipelines.ingest.health import unhealthy


def runs(con, rows: list[tuple]) -> None:
    """rows: (source, minutes ago started, finished, error, minutes ago of the newest message)."""
    for i, (source, started, finished, error, newest) in enumerate(rows):
        con.execute(f"""
            INSERT INTO connector_runs (run_id, source, platform, started_at, finished_at, error, newest_at)
            VALUES (?, ?, 'x', now() - INTERVAL {started} MINUTE,
                    CASE WHEN ? THEN now() - INTERVAL {started} MINUTE + INTERVAL 5 SECOND END, ?,
                    CASE WHEN ? THEN now() - INTERVAL {newest or 0} MINUTE END)
        """, [f"r{i}", source, finished, error, newest is not None])


def test_each_source_gets_the_status_a_care_lead_needs(con):
    runs(con, [
        ("fine", 10, True, None, 12),
        ("fine", 5, True, None, 6),
        ("broken", 30, True, None, 31),                       # worked, then failed twice
        ("broken", 20, True, "x: list notifications: HTTP 500 after 5 attempts", None),
        ("broken", 10, True, "x: list notifications: HTTP 500 after 5 attempts", None),
        ("hung", 40, False, None, None),                      # started 40 minutes ago, never finished
        ("quiet", 5, True, None, 600),                        # answers, but nothing new for 10 hours
        ("recovered", 20, True, "x: log in: ConnectError after 5 attempts", None),
        ("recovered", 5, True, None, 7),
    ])
    rows = {r[0]: r[1:] for r in con.execute(
        "SELECT source, status, failures_in_a_row, last_error FROM source_health").fetchall()}
    assert rows["fine"] == ("ok", 0, None)
    assert rows["broken"] == ("failing", 2, "x: list notifications: HTTP 500 after 5 attempts")
    assert rows["hung"][0] == "stalled" and rows["quiet"][0] == "silent"
    assert rows["recovered"] == ("ok", 0, None)
    assert [(s, status) for s, status, _ in unhealthy(con)] == [("broken", "failing"), ("hung", "stalled"),
                                                                ("quiet", "silent")]
    assert dict((s, why) for s, _, why in unhealthy(con))["quiet"] == "no new message for 600.0 minutes"


def test_the_silence_threshold_comes_from_the_configuration(con):
    runs(con, [("quiet", 5, True, None, 100)])
    assert con.execute("SELECT status FROM source_health").fetchone()[0] == "ok"     # default 180 minutes
    con.execute("UPDATE settings SET value = '3600' WHERE key = 'health_silent_after_s'")
    assert con.execute("SELECT status FROM source_health").fetchone()[0] == "silent"
