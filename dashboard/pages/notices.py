"""Notices: comms read the drafts, edit them, approve or reject them, and publish the approved ones."""
from __future__ import annotations

import streamlit as st

from dashboard import actions, queries
from dashboard.format import plain
from pipelines.errors import EarshotError

STATUSES = {"Waiting for approval": ["draft"], "Approved": ["approved"], "Published": ["published"],
            "Failed": ["failed"], "Rejected": ["rejected"],
            "All": ["draft", "approved", "published", "failed", "rejected"]}

FILTER_OF = {statuses[0]: label for label, statuses in STATUSES.items() if len(statuses) == 1}
ACTIONS = {"save": "draft", "approve": "approved", "reject": "rejected", "publish": "published"}

st.title("Notices")
# After an action: say how it went, and follow the notice to where it went (set before the widgets exist).
if "notice_after_action" in st.session_state:
    ok, said, status, notice_id = st.session_state.pop("notice_after_action")
    (st.success if ok else st.error)(said)
    st.session_state["notices_status"] = FILTER_OF.get(status, "All")
    st.session_state["notice_chosen"] = notice_id
actor = st.session_state.get("actor_name", "")   # the sidebar's "Your name" (app.py)
# An incident's link (…/notices?notice=ID) opens that notice, whatever its status.
linked = st.query_params.get("notice")
if linked and st.session_state.get("notice_linked") != linked:
    st.session_state["notice_linked"], st.session_state["notice_chosen"] = linked, linked
    st.session_state["notices_status"] = "All"
st.session_state.setdefault("notices_status", "Waiting for approval")
shown = st.segmented_control("Show", list(STATUSES), key="notices_status")
table = queries.notices(STATUSES[shown or "All"])
if table.empty:
    st.info("No notices here. Drafts appear when an outage, scam or complaint incident is detected and a "
            "source that can publish (Bluesky, Mastodon, X) is configured.")
    st.stop()
st.dataframe(table[["status", "platform", "lang", "kind", "severity", "incident", "text", "created_at"]],
             hide_index=True, width="stretch")

labels = {row.notice_id: f"{row.incident} · {row.platform} · {row.lang} ({row.status})" for row in table.itertuples()}
if st.session_state.get("notice_chosen") not in labels:
    st.session_state.pop("notice_chosen", None)   # chosen under another filter: start from the first here
chosen = st.selectbox("Notice", list(labels), format_func=labels.get, key="notice_chosen")
notice = table[table["notice_id"] == chosen].iloc[0]
st.markdown(f"**{plain(notice['incident'])}** · {notice['kind']}, severity {notice['severity']} · "
            f"[open the incident](incidents?incident={notice['incident_id']})")
if notice["problem"]:
    st.warning(f"Cannot be approved as it is: {plain(notice['problem'])}")
if notice["status"] == "failed":
    st.error(f"The last attempt to publish failed: {plain(notice['error'] or '')}")
if notice["url"]:
    st.success(f"On {notice['platform']} since {notice['published_at']:%Y-%m-%d %H:%M} UTC: "
               f"{plain(notice['url'] or '')}")

is_draft = notice["status"] == "draft"
text = st.text_area("Text", notice["text"], key=f"notice_text_{chosen}", height=140, disabled=not is_draft)
st.caption(f"{len(text)} characters; the platform's limit is checked when you save.")
if not actor:
    st.info("Enter your name in the sidebar to edit, approve, reject or publish.")

save, approve, reject, publish = st.columns(4)
pressed = {
    "save": save.button("Save edit", key="notice_save", disabled=not (actor and is_draft and text != notice["text"])),
    "approve": approve.button("Approve", key="notice_approve", type="primary",
                              disabled=not (actor and notice["status"] in ("draft", "failed") and not notice["problem"]
                                            and text == notice["text"])),
    "reject": reject.button("Reject", key="notice_reject",
                            disabled=not (actor and notice["status"] in ("draft", "approved", "failed"))),
    "publish": publish.button("Publish now", key="notice_publish", type="primary",
                              disabled=not (actor and notice["status"] == "approved")),
}
action = next((name for name, hit in pressed.items() if hit), None)
if action:
    try:
        said = {"save": lambda: actions.edit(chosen, text, actor), "approve": lambda: actions.approve(chosen, actor),
                "reject": lambda: actions.reject(chosen, actor), "publish": lambda: actions.publish(chosen, actor)
                }[action]()
        st.session_state["notice_after_action"] = (True, said, ACTIONS[action], chosen)
    except EarshotError as exc:
        st.session_state["notice_after_action"] = (False, plain(str(exc)), None, chosen)
    st.rerun()

st.write("**Audit trail**")
st.dataframe(queries.notice_audit(chosen), hide_index=True, width="stretch")
