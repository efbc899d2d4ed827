"""Earshot dashboard entry point: `earshot dashboard` (or `streamlit run dashboard/app.py`)."""
from __future__ import annotations

import sys
from pathlib import Path

import streamlit as st

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))  # run as a script by streamlit

from dashboard import queries  # noqa: E402

st.set_page_config(page_title="Earshot", page_icon=":material/hearing:", layout="wide")

pages = Path(__file__).parent / "pages"
navigation = st.navigation([
    st.Page(pages / "overview.py", title="Overview", icon=":material/dashboard:", default=True),
    st.Page(pages / "inbox.py", title="Inbox trends", icon=":material/monitoring:"),
    st.Page(pages / "incidents.py", title="Incidents", icon=":material/emergency_home:"),
    st.Page(pages / "notices.py", title="Notices", icon=":material/campaign:"),
    st.Page(pages / "sources.py", title="Sources", icon=":material/cable:"),
    st.Page(pages / "analysts.py", title="For analysts", icon=":material/database:"),
])
if not queries.has_data():
    st.title("Earshot")
    st.info("No data yet. Run `earshot run` (or `earshot demo`) to fill the warehouse.")
    st.stop()
# Who is at the keyboard: recorded with every action (notices, incidents) in the audit trails. Kept under a
# key of its own ("actor_name"): Streamlit forgets a widget's value on a run that does not draw it.
st.session_state["actor"] = st.session_state.setdefault("actor_name", "")
st.sidebar.text_input("Your name", key="actor", help="Recorded with every action you take here.",
                      on_change=lambda: st.session_state.update(actor_name=st.session_state["actor"].strip()))
snapshot = queries.snapshot_time()
st.sidebar.caption(f"Data as of {snapshot:%Y-%m-%d %H:%M:%S}" if snapshot else "")


@st.fragment(run_every="15s")
def follow_the_pipeline() -> None:
    """Redraw the page when the pipeline publishes a new read copy, and only then: Streamlit redraws in
    place (widgets, a draft being edited and the scroll position stay), so nothing flickers."""
    if queries.snapshot_time() != snapshot:
        st.rerun(scope="app")


if st.sidebar.toggle("Follow new data", value=True, key="auto_refresh",
                     help="Redraw when the pipeline has published new data (checked every 15 s)."):
    follow_the_pipeline()
navigation.run()
