"""Incidents raised by the detectors: the live list, and one incident with its timeline, what decided its
kind, what the care team was told, its notices, and the agent's actions (acknowledge, resolve, reopen)."""
from __future__ import annotations

import json

import streamlit as st

from dashboard import actions, queries
from dashboard.format import plain
from pipelines.errors import EarshotError

st.title("Incidents")
if "incident_after_action" in st.session_state:
    ok, said = st.session_state.pop("incident_after_action")
    (st.success if ok else st.error)(said)
incidents = queries.incidents()
if incidents.empty:
    st.info("No incidents yet.")
    st.stop()

alerts = incidents[(incidents["kind"] != "other") & (incidents["status"] != "resolved")]
st.caption(f"{len(alerts)} open alerts; harmless trends (kind 'other') are listed but never alerted.")
st.dataframe(incidents.drop(columns=["incident_id", "status_by"]), hide_index=True, width="stretch",
             column_config={"volume": st.column_config.LineChartColumn("Messages per hour (last 48 h)", y_min=0)})

labels = {row.incident_id: f"{row.title} ({row.kind}, severity {row.severity}, {row.status})"
          for row in incidents.itertuples()}
# An alert's link (…/incidents?incident=ID) opens that incident.
linked = st.query_params.get("incident")
if linked in labels and st.session_state.get("incident_linked") != linked:
    st.session_state["incident_chosen"], st.session_state["incident_linked"] = linked, linked
if st.session_state.get("incident_chosen") not in labels:
    st.session_state.pop("incident_chosen", None)
chosen = st.selectbox("Incident", list(labels), format_func=labels.get, key="incident_chosen")
detail = queries.incident(chosen)

actor = st.session_state.get("actor_name", "")   # the sidebar's "Your name" (app.py)
status = detail["status"]
if detail.get("status_by"):
    st.caption(f"{status.capitalize()} by {plain(detail['status_by'])} at {detail['status_at']:%Y-%m-%d %H:%M} UTC")
ack, resolve, reopen, _ = st.columns(4)
pressed = {
    "acknowledged": ack.button("Acknowledge", key="incident_ack", disabled=not (actor and status == "open"),
                               help="We are on it: stays until it is resolved."),
    "resolved": resolve.button("Resolve", key="incident_resolve", disabled=not (actor and status != "resolved"),
                               help="Stays resolved unless new messages of it arrive."),
    "reopened": reopen.button("Reopen", key="incident_reopen", disabled=not (actor and status == "resolved")),
}
if not actor:
    st.caption("Enter your name in the sidebar to acknowledge or resolve.")
action = next((name for name, hit in pressed.items() if hit), None)
if action:
    try:
        st.session_state["incident_after_action"] = (True, actions.incident_status(chosen, action, actor))
    except EarshotError as exc:
        st.session_state["incident_after_action"] = (False, plain(str(exc)))
    st.rerun()

columns = st.columns(4)
columns[0].metric("Messages", detail["message_count"])
columns[1].metric("Distinct authors", detail["author_count"])
columns[2].metric("Languages", ", ".join(list(detail["langs"]) if detail["langs"] is not None else []) or "–")
columns[3].metric("Severity", f"{detail['severity']} / 5")
st.write("**Terms:** " + plain(", ".join(detail["terms"])))

st.write("**Timeline** (per 15 minutes: its messages, all inbound messages, and the usual inbound volume at "
         "that time of the week)")
st.line_chart(queries.incident_timeline(chosen), x="quarter_hour", y=["incident", "all_inbound", "usual_inbound"])

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
    st.write("**Notices**")
    for row in notices.itertuples():
        st.markdown(f"- {row.platform} · {row.lang} · {row.status}: "
                    f"[open it on the Notices page](notices?notice={row.notice_id})")
st.write("**Actions taken**")
st.dataframe(queries.incident_actions(chosen), hide_index=True, width="stretch")
