"""Inbox volume, reply rate and response times per day, platform and kind (the `inbox_daily` view)."""
from __future__ import annotations

import streamlit as st

from dashboard import queries

st.title("Inbox trends")
days = st.slider("Days", 7, 90, 28, key="inbox_days")
daily = queries.daily(days)
platforms = sorted(daily["platform"].unique())
kinds = sorted(daily["kind"].unique())
left, right = st.columns(2)
chosen_platforms = left.multiselect("Platform", platforms, default=platforms, key="inbox_platforms")
chosen_kinds = right.multiselect("Kind", kinds, default=kinds, key="inbox_kinds")
shown = daily[daily["platform"].isin(chosen_platforms) & daily["kind"].isin(chosen_kinds)]

st.subheader("Received per day and kind")
st.bar_chart(shown, x="day", y="inbound", color="kind")
st.subheader("Reply rate")
st.line_chart(shown, x="day", y="reply_rate", color="kind")
st.subheader("inbox_daily")
st.dataframe(shown, hide_index=True, width="stretch")
