"""Earshot dashboard entry point: `earshot dashboard` (or `streamlit run dashboard/app.py`)."""
from __future__ import annotations

import sys
from pathlib import Path

import streamlit as st

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))  # run as a script by streamlit

from dashboard import queries  # noqa: E402

st.set_page_config(page_title="Earshot", page_icon="👂", layout="wide")

pages = Path(__file__).parent / "pages"
navigation = st.navigation([
    st.Page(pages / "overview.py", title="Overview", icon="📊", default=True),
    st.Page(pages / "inbox.py", title="Inbox trends", icon="📈"),
    st.Page(pages / "incidents.py", title="Incidents", icon="🚨"),
    st.Page(pages / "notices.py", title="Notices", icon="📣"),
    st.Page(pages / "sources.py", title="Sources", icon="🔌"),
    st.Page(pages / "analysts.py", title="For analysts", icon="🧮"),
])
if not queries.has_data():
    st.title("Earshot")
    st.info("No data yet. Run `earshot run` (or `earshot demo`) to fill the warehouse.")
    st.stop()
snapshot = queries.snapshot_time()
st.sidebar.caption(f"Data as of {snapshot:%Y-%m-%d %H:%M:%S}" if snapshot else "")
navigation.run()
