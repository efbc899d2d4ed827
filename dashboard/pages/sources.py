"""Where messages come from, and what was rejected on the way in."""
from __future__ import annotations

import streamlit as st

from dashboard import queries
from dashboard.format import plain

st.title("Sources")
health = queries.source_health()
broken = health[health["status"] != "ok"]
for row in broken.itertuples():
    st.error(f"**{plain(row.source)}** is {row.status}: {plain(row.reason)}")  # st.error renders markdown
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
