"""An independent, deliberately naive computation of CONTRACT sections 4 and 6 in plain Python.

It shares no code with the SQL views: conversations by walking parent links one by one, answers by
scanning, percentiles with numpy's default (linear) interpolation. Tests compare the views to it.
"""
from __future__ import annotations

from collections import defaultdict
from datetime import datetime, timedelta, timezone

import numpy as np


def conversation_keys(messages: list[dict]) -> dict[tuple[str, str], str]:
    by_key = {(m["platform"], m["id"]): m for m in messages}

    def root_key(m: dict) -> str:
        path = [m["id"]]   # walk up one parent at a time
        while True:
            parent_id = m.get("in_reply_to_id")
            if parent_id is None:
                if m.get("conversation_id"):
                    return f"{m['platform']}:c/{m['conversation_id']}"
                return f"{m['platform']}:m/{m['id']}"
            if parent_id in path:   # a cycle (corrupt data): named by its least id
                return f"{m['platform']}:m/{min(path[path.index(parent_id):])}"
            parent = by_key.get((m["platform"], parent_id))
            if parent is None:
                return f"{m['platform']}:m/{parent_id}"
            m = parent
            path.append(parent_id)

    return {k: root_key(m) for k, m in by_key.items()}


def _at(m: dict) -> datetime:
    return datetime.fromisoformat(m["created_at"]).astimezone(timezone.utc)


def inbox_daily(messages: list[dict], sla_seconds: int = 3600, now: datetime | None = None) -> dict:
    """{(day, platform, kind): {column: value}} exactly as CONTRACT section 6 defines inbox_daily."""
    now = now or datetime.now(timezone.utc)
    keys = conversation_keys(messages)
    outbound = defaultdict(list)
    inbound_by_conv = defaultdict(list)
    for m in messages:
        conv = keys[(m["platform"], m["id"])]
        if m["direction"] == "outbound":
            outbound[conv].append(_at(m))
        else:
            inbound_by_conv[conv].append(m)

    def answer(m: dict) -> datetime | None:
        later = [t for t in outbound[keys[(m["platform"], m["id"])]] if t > _at(m)]
        return min(later) if later else None

    groups: dict = defaultdict(lambda: {"inbound": 0, "answered": 0, "reply": [], "conversations": 0,
                                        "first": [], "met": 0, "sla_counted": 0})
    for m in messages:
        if m["direction"] != "inbound":
            continue
        g = groups[(_at(m).date(), m["platform"], m["kind"])]
        g["inbound"] += 1
        a = answer(m)
        if a is not None:
            g["answered"] += 1
            g["reply"].append((a - _at(m)).total_seconds())
    for conv, inbound in inbound_by_conv.items():
        first = min(inbound, key=lambda m: (_at(m), m["platform"], m["id"]))
        g = groups[(_at(first).date(), first["platform"], first["kind"])]
        g["conversations"] += 1
        a = answer(first)
        if a is not None:
            seconds = (a - _at(first)).total_seconds()
            g["first"].append(seconds)
            g["sla_counted"] += 1
            g["met"] += seconds <= sla_seconds
        elif now - _at(first) > timedelta(seconds=sla_seconds):
            g["sla_counted"] += 1

    def q(values: list[float], p: float) -> float | None:
        return float(np.quantile(values, p)) if values else None

    return {key: {
        "inbound": g["inbound"], "answered": g["answered"], "reply_rate": g["answered"] / g["inbound"],
        "reply_time_median_s": q(g["reply"], 0.5), "reply_time_p90_s": q(g["reply"], 0.9),
        "conversations": g["conversations"],
        "first_response_median_s": q(g["first"], 0.5), "first_response_p90_s": q(g["first"], 0.9),
        "sla_met": g["met"] / g["sla_counted"] if g["sla_counted"] else None,
    } for key, g in groups.items()}
