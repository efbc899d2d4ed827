"""Incidents raised by the detectors: the live list, and one incident with what decided it."""
from __future__ import annotations

import json

import streamlit as st

from dashboard import queries

st.title("Incidents")
incidents = queries.incidents()
if incidents.empty:
    st.info("No incidents yet.")
    st.stop()

alerts = incidents[(incidents["kind"] != "other") & (incidents["status"] != "resolved")]
st.caption(f"{len(alerts)} open alerts; harmless trends (kind 'other') are listed but never alerted.")
st.dataframe(incidents.drop(columns=["incident_id"]), hide_index=True, width="stretch")

labels = {row.incident_id: f"{row.title} ({row.kind}, severity {row.severity}, {row.status})"
          for row in incidents.itertuples()}
# An alert's link (…/incidents?incident=ID) opens that incident.
linked = st.query_params.get("incident")
if linked in labels and st.session_state.get("incident_linked") != linked:
    st.session_state["incident_chosen"], st.session_state["incident_linked"] = linked, linked
chosen = st.selectbox("Incident", list(labels), format_func=labels.get, key="incident_chosen")
detail = queries.incident(chosen)
left, right = st.columns(2)
left.metric("Messages", detail["message_count"])
right.metric("Distinct authors", detail["author_count"])
st.write("**Terms:** " + ", ".join(detail["terms"]))
cues = json.loads(detail["cues_json"] or "{}")
if cues:
    st.write("**Why this kind** (share of messages with each kind's cues, and the cues found):")
    st.dataframe([{"kind": kind, "share": share, "cues": ", ".join(cues.get("cues", {}).get(kind, []))}
                  for kind, share in cues.get("shares", {}).items()], hide_index=True, width="stretch")
st.write("**Lifecycle**")
st.dataframe(queries.incident_events(chosen), hide_index=True, width="stretch")
st.write("**Messages**")
st.dataframe(queries.incident_samples(chosen), hide_index=True, width="stretch")
st.write("**Alerts** (what the care team was told, where; and why not, where it was not)")
st.dataframe(queries.incident_alerts(chosen), hide_index=True, width="stretch")
notices = queries.incident_notices(chosen)
if not notices.empty:
    st.write("**Notices** (approve and publish them on the Notices page)")
    st.dataframe(notices, hide_index=True, width="stretch")
