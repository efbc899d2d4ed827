"""Where messages come from, and what was rejected on the way in."""
from __future__ import annotations

import streamlit as st

from dashboard import queries

st.title("Sources")
st.dataframe(queries.sources(), hide_index=True, width="stretch")
st.subheader("Rejected input")
rejected = queries.rejected()
if rejected.empty:
    st.caption("Nothing rejected.")
else:
    st.dataframe(rejected, hide_index=True, width="stretch")
