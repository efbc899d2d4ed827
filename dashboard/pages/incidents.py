"""Incidents raised by the detectors."""
from __future__ import annotations

import streamlit as st

from dashboard import queries

st.title("Incidents")
incidents = queries.incidents()
if incidents.empty:
    st.info("No incidents yet.")
else:
    st.dataframe(incidents, hide_index=True, width="stretch")
