"""Business-hours calendar: the open intervals of a configured week, in UTC, between two dates.

Each interval carries the business seconds of all intervals before it, so the business time between two
instants is clock(end) - clock(start). Built in the configured zone, so DST shifts are right.
"""
from __future__ import annotations

from datetime import date, datetime, timedelta, timezone
from zoneinfo import ZoneInfo

import pyarrow as pa

from pipelines.config import WEEKDAYS, BusinessHours


def business_intervals(hours: BusinessHours, first_day: date, last_day: date) -> pa.Table:
    tz = ZoneInfo(hours.timezone)
    open_days = {WEEKDAYS.index(d) for d in hours.days}
    holidays = set(hours.holidays)
    opens, closes, before = [], [], []
    total = 0.0
    day = first_day
    while day <= last_day:
        if day.weekday() in open_days and day not in holidays:
            start = datetime.combine(day, hours.start, tz).astimezone(timezone.utc)
            end = datetime.combine(day, hours.end, tz).astimezone(timezone.utc)
            opens.append(start)
            closes.append(end)
            before.append(total)
            total += (end - start).total_seconds()
        day += timedelta(days=1)
    utc = pa.timestamp("us", tz="UTC")
    return pa.table({"open_at": pa.array(opens, utc), "close_at": pa.array(closes, utc),
                     "business_s_before": pa.array(before, pa.float64())})
