"""Where messages come from, and what was rejected on the way in."""
from __future__ import annotations

import streamlit as st

from dashboard import queries
from dashboard.format import plain

st.title("Sources")
health = queries.source_health()
broken = health[health["status"] != "ok"]
for row in broken.itertuples():
    why = row.last_error or (f"no new message for {row.minutes_since_newest} minutes" if row.status == "silent"
                             else "the last pull never finished")
    st.error(f"**{plain(row.source)}** is {row.status}: {plain(why)}")  # st.error renders markdown
st.subheader("Connector health")
st.dataframe(health, hide_index=True, width="stretch")
st.subheader("Messages per source")
st.dataframe(queries.sources(), hide_index=True, width="stretch")
st.subheader("Rejected input")
rejected = queries.rejected()
if rejected.empty:
    st.caption("Nothing rejected.")
else:
    st.dataframe(rejected, hide_index=True, width="stretch")
