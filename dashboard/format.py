"""Formatting shared by the pages."""
from __future__ import annotations

import math
import re
from collections.abc import Callable


def duration(seconds: float | None) -> str:
    if seconds is None or (isinstance(seconds, float) and math.isnan(seconds)):
        return "–"
    if seconds < 90:
        return f"{seconds:.0f} s"
    if seconds < 90 * 60:
        return f"{seconds / 60:.0f} min"
    return f"{seconds / 3600:.1f} h"


def metric_delta(current: float | None, previous: float | None, fmt: Callable[[float], str]) -> str | None:
    """The change as text for st.metric ("+12", "-3 min"), or None where there is nothing to compare."""
    if current is None or previous is None or math.isnan(current) or math.isnan(previous):
        return None
    change = current - previous
    text = fmt(abs(change))
    return f"-{text}" if change < 0 else f"+{text}"


_MARKDOWN = re.compile(r"([\\`*_{}\[\]()#+\-.!|<>~$])")


def plain(text: str) -> str:
    """Text from outside (a platform's error, a customer's handle) for a markdown element, shown as
    typed: '[win](http://x)' stays those characters instead of becoming a link."""
    return _MARKDOWN.sub(r"\\\1", text)
