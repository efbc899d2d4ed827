"""A replay's CPU time and a digest of every incident it raised: for checking that a change meant only to be
faster leaves the incidents exactly as they were. Run it from two checkouts (each imports its own code) and
compare the digests; run them by turns to compare the times.

    python -m benchmarks.replay_digest [--messages 150000] [--unique]
"""
from __future__ import annotations

import argparse
import hashlib
import time

from benchmarks.detection_speed import load_languages, posts_of, records
from detectors.emergence import DetectorSettings, EmergenceDetector
from detectors.incidents import Incident
from detectors.replay import replay
from detectors.text import brand_terms


def digest(incidents: dict[str, Incident]) -> str:
    """Everything an incident is: id, times, signature, posts, status, kind, severity, alert, merge, events."""
    h = hashlib.sha256()
    for i in sorted(incidents.values(), key=lambda i: i.incident_id):
        h.update(repr((i.incident_id, i.detected_at, i.signature, sorted(i.posts), i.status, i.kind, i.severity,
                       i.alerted_at, i.alerted_kind, i.merged_into, i.events)).encode())
    return h.hexdigest()[:16]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--messages", type=int, default=150_000)
    parser.add_argument("--unique", action="store_true", help="every text made unique (detection_speed)")
    args = parser.parse_args()
    posts = posts_of(records(args.messages), args.unique, args.messages)
    load_languages({p.lang for p in posts})
    detector = EmergenceDetector(DetectorSettings(), brand="Voltra", ignore=brand_terms("Voltra"))
    started = time.process_time()
    incidents = replay(detector, posts)
    seconds = time.process_time() - started
    print(f"{len(posts):,} posts, {seconds:.2f} s CPU, {len(posts) / seconds:,.0f} msg/s, "
          f"{len(incidents)} incidents, digest {digest(incidents)}")


if __name__ == "__main__":
    main()
