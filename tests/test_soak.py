"""Soak, short: 30 seconds of the pipeline writing while the dashboard's reads and an analyst's session run
(`python -m benchmarks.soak --minutes 10` is the long run quoted in the README)."""
from __future__ import annotations

import pytest

from benchmarks.soak import soak
from tests.conftest import SUITE_COUNTS


@pytest.mark.slow
def test_writing_while_the_dashboard_and_an_analyst_read_fails_and_loses_nothing(tmp_path, monkeypatch):
    monkeypatch.setenv("EARSHOT_DB", "")   # soak() points the dashboard's reads at its own warehouse
    report = soak(tmp_path, seconds=30)
    counts = SUITE_COUNTS["soak"]
    counts["writes"] += report.imports + report.runs
    counts["reads"] += report.dashboard_reads + report.analyst_queries
    counts["errors"] += len(report.failed_runs) + len(report.reader_errors)
    counts["messages lost"] += report.messages_lost
    assert report.ok(), "\n".join(report.lines())
    assert report.imports >= 3 and report.runs >= 1 and report.dashboard_reads > 20 and report.analyst_queries > 10
