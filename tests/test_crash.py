"""Crash safety, short: `earshot import`, `detect` and `run` SIGKILLed at random points, 3 times each
(`python -m benchmarks.crash --kills 10` is the long run quoted in the README)."""
from __future__ import annotations

import pytest

from benchmarks.crash import crash_suite
from tests.conftest import SUITE_COUNTS


@pytest.mark.slow
def test_sigkill_anywhere_loses_duplicates_and_double_posts_nothing(tmp_path):
    report = crash_suite(tmp_path, kills=3, seed=7)
    counts = SUITE_COUNTS["crash"]
    counts["kills"] += sum(report.kills.values())
    counts["messages lost"] += report.messages_lost
    counts["messages duplicated"] += report.messages_duplicated
    counts["notices posted twice"] += report.notices_posted_twice
    assert report.ok(), "\n".join(report.lines())
    assert sum(report.kills.values()) >= 3     # most kills land before the command ends
    assert report.messages_stored == report.messages_in_file > 1000
    assert report.incidents_expected > 0 and report.notices_published > 0 and report.alerts_sent > 0
