"""Replay a stored or generated stream through the detector, window by window, in event time."""
from __future__ import annotations

import gc
from collections.abc import Iterable, Iterator
from contextlib import contextmanager

from detectors.emergence import EmergenceDetector, window_of
from detectors.incidents import Incident, Post


def windows(posts: Iterable[Post], window_s: int) -> Iterator[tuple[float, list[Post]]]:
    """(window end, posts) for consecutive windows, empty ones included, from time-ordered posts."""
    current_end: float | None = None
    batch: list[Post] = []
    for post in posts:
        end = window_of(post.at, window_s) * window_s
        if current_end is None:
            current_end = end
        while end > current_end:
            yield current_end, batch
            batch, current_end = [], current_end + window_s
        batch.append(post)
    if current_end is not None:
        yield current_end, batch


@contextmanager
def collector_paused() -> Iterator[None]:
    """Python's cyclic garbage collector off while windows are processed. The detector keeps millions of
    small acyclic objects (per-author maps of terms, per-term counts) that reference counting frees; the collector
    finds no garbage among them but rescans them all whenever enough objects were allocated, which cost a
    third of replay time (benchmarks/detection_speed.py). Any cycle made meanwhile is collected after."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def replay(detector: EmergenceDetector, posts: Iterable[Post]) -> dict[str, Incident]:
    """Every incident raised over the stream, by id. Incidents later merged into another are included
    (status 'merged'): they were raised, and an alert on them was a duplicate."""
    raised: dict[str, Incident] = {}
    with collector_paused():
        for end, batch in windows(posts, detector.settings.window_s):
            for incident in detector.process_window(end, batch):
                raised[incident.incident_id] = incident
    return raised
