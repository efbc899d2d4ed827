"""Today's inbox against the same span a week earlier."""
from __future__ import annotations

from datetime import datetime, timedelta, timezone

import streamlit as st

from dashboard import queries
from dashboard.format import duration, metric_delta

st.title("Overview")
window = st.segmented_control("Compare", ["Last 24 hours", "Last 7 days"], default="Last 7 days",
                              key="overview_window")
span = timedelta(days=1) if window == "Last 24 hours" else timedelta(days=7)
end = datetime.now(timezone.utc)
table = queries.compare((end - span).isoformat(), end.isoformat()).set_index("metric")

# (metric, label, formatter, True when a rise is good)
TILES = [
    ("inbound", "Received", lambda v: f"{v:,.0f}", None),
    ("answered", "Answered", lambda v: f"{v:,.0f}", True),
    ("reply_rate", "Reply rate", lambda v: f"{v:.0%}", True),
    ("first_response_median_s", "First response (median)", duration, False),
    ("first_response_p90_s", "First response (p90)", duration, False),
    ("reply_time_median_s", "Reply time (median)", duration, False),
    ("sla_met", "SLA met", lambda v: f"{v:.0%}", True),
]
columns = st.columns(len(TILES))
for column, (metric, label, fmt, rise_is_good) in zip(columns, TILES):
    current, previous = table.loc[metric, "current"], table.loc[metric, "previous"]
    column.metric(label, fmt(current) if current == current and current is not None else "–",
                  delta=metric_delta(current, previous, fmt),
                  delta_color="off" if rise_is_good is None else ("normal" if rise_is_good else "inverse"))
counts = queries.incident_counts((end - span).isoformat(), end.isoformat())
left, _ = st.columns([1, 6])
left.metric("Incidents raised", f"{counts['current']:,}", delta_color="inverse",
            delta=metric_delta(counts["current"], counts["previous"], lambda v: f"{v:,.0f}"),
            help="Outages, scam waves and complaint spikes detected in the period; a rise is bad.")
st.caption(f"Against the {span.days or 1}-day period before. {counts['open_now']} incidents are open now "
           "(see Incidents). Definitions: the page For analysts.")

daily = queries.daily_totals(30)
st.subheader("Last 30 days")
left, right = st.columns(2)
left.bar_chart(daily, x="day", y=["inbound", "answered"], stack=False)
right.line_chart(daily, x="day", y=["reply_median_min", "reply_p90_min"])
