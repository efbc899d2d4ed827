"""Inbox trends: volume, reply rate, response times and SLA per hour, day or week, against the period before;
volume by weekday and hour; the messages behind any bucket (click a bar). Filters: period, platform, kind,
language, account."""
from __future__ import annotations

from datetime import datetime, time, timedelta, timezone

import altair as alt
import streamlit as st

from dashboard import queries

STEP = {"hour": timedelta(hours=1), "day": timedelta(days=1), "week": timedelta(weeks=1)}
WEEKDAYS = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"]

st.title("Inbox trends")
choices = queries.dimensions()
top = st.columns([2, 1, 1])
today = datetime.now(timezone.utc).date()
period = top[0].date_input("Period", (today - timedelta(days=27), today), key="inbox_period")
grain = top[1].segmented_control("Per", ["hour", "day", "week"], default="day", key="inbox_grain") or "day"
business = top[2].toggle("Business hours", key="inbox_business", disabled=grain != "day",
                         help="Response times counted in business hours only, days in the business time zone.")
filters = st.columns(4)
chosen = {column: filters[n].multiselect(label, choices[column], default=choices[column], key=f"inbox_{column}s",
                                         format_func=lambda value: value or "(none)")
          for n, (column, label) in enumerate([("platform", "Platform"), ("kind", "Kind"), ("lang", "Language"),
                                               ("account", "Account")])}
# A filter left at "everything" lets every value through, including ones that arrive after this render.
selection = queries.Selection(*(None if set(chosen[column]) >= set(choices[column]) else chosen[column]
                                for column in ("platform", "kind", "lang", "account")))
if not isinstance(period, tuple) or len(period) != 2:
    st.info("Choose the first and the last day of the period.")
    st.stop()
first, last = period
start = datetime.combine(first, time(), timezone.utc)
end = datetime.combine(last + timedelta(days=1), time(), timezone.utc)
span = end - start
rows = queries.trend(grain, business, start.isoformat(), end.isoformat(), selection)
previous = queries.volume(grain, business, (start - span).isoformat(), start.isoformat(), selection)
if rows.empty:
    st.info("No inbound messages in this period and selection.")
    st.stop()

# Volume, this period and (shifted onto it) the period before; click a bar for its messages.
buckets = list(rows["bucket"].drop_duplicates().sort_values())
previous["bucket"] = previous["bucket"] + span
st.subheader(f"Received per {grain}, against the {span.days}-day period before")
pick = alt.selection_point(fields=["bucket"], name="bucket_pick")
bars = alt.Chart(rows).mark_bar().encode(
    x=alt.X("bucket:T", title=None), y=alt.Y("sum(inbound):Q", title="inbound"), color="platform:N",
    opacity=alt.condition(pick, alt.value(1.0), alt.value(0.4)), tooltip=["bucket:T", "platform:N", "sum(inbound):Q"],
).add_params(pick)
overlay = alt.Chart(previous).mark_line(strokeDash=[4, 3], color="gray").encode(x="bucket:T", y="inbound:Q")
event = st.altair_chart(bars + overlay, on_select="rerun", key="inbox_volume", width="stretch")

# Rates and percentiles per platform: each computed over its own rows, never averaged across groups.
st.subheader("Reply rate and SLA met, per platform")
rates = rows.melt(["bucket", "platform"], ["reply_rate", "sla_met"], var_name="measure", value_name="share")
st.line_chart(rates.assign(series=lambda t: t["platform"] + " " + t["measure"].str.replace("_", " ")),
              x="bucket", y="share", color="series")
st.subheader("First response, median and p90 (minutes), per platform")
times = rows.assign(median=rows["first_response_median_s"] / 60, p90=rows["first_response_p90_s"] / 60)
st.line_chart(times.melt(["bucket", "platform"], ["median", "p90"], var_name="percentile", value_name="minutes")
              .assign(series=lambda t: t["platform"] + " " + t["percentile"]), x="bucket", y="minutes", color="series")

st.subheader("Received by weekday and hour (UTC)")
heat = queries.weekly_heatmap(start.isoformat(), end.isoformat(), selection)
heat["day"] = heat["weekday"].map(lambda d: WEEKDAYS[d - 1])
st.altair_chart(alt.Chart(heat).mark_rect().encode(
    x=alt.X("hour:O"), y=alt.Y("day:O", sort=WEEKDAYS), color=alt.Color("inbound:Q", scale=alt.Scale(scheme="blues")),
    tooltip=["day", "hour", "inbound"]), width="stretch")

st.subheader("The messages behind a bucket")
clicked = (event.selection.get("bucket_pick") or [{}])[0].get("bucket") if event and event.selection else None
if clicked is not None:   # a bar was clicked: epoch milliseconds from Vega-Lite
    st.session_state["inbox_bucket"] = datetime.fromtimestamp(clicked / 1000, timezone.utc).replace(tzinfo=None)
if st.session_state.get("inbox_bucket") not in buckets:
    st.session_state.pop("inbox_bucket", None)
bucket = st.selectbox(f"{grain.capitalize()} (or click a bar)", buckets, index=len(buckets) - 1,
                      format_func=lambda b: f"{b:%Y-%m-%d %H:%M}" if grain == "hour" else f"{b:%Y-%m-%d}",
                      key="inbox_bucket")
at = bucket.replace(tzinfo=timezone.utc)
st.dataframe(queries.inbound_between(at.isoformat(), (at + STEP[grain]).isoformat(), selection),
             hide_index=True, width="stretch")
with st.expander("The numbers (the view's rows)"):
    st.dataframe(rows, hide_index=True, width="stretch")
