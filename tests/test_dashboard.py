"""The dashboard's pages (AppTest), and readers that never block the pipeline's writes."""
from __future__ import annotations

import json
import os
import subprocess
import threading
from pathlib import Path

import duckdb
import dagster as dg
import pytest
from streamlit.testing.v1 import AppTest

from pipelines.definitions import TICK_JOB, build_definitions
from pipelines.warehouse.connection import current_read_copy, read_copy_path
from tests.conftest import msg
from tests.test_cli import EARSHOT

APP = str(Path(__file__).resolve().parent.parent / "dashboard" / "app.py")


@pytest.fixture(scope="module")
def demo_db(tmp_path_factory) -> Path:
    db_path = tmp_path_factory.mktemp("dash") / "earshot.duckdb"
    result = build_definitions(str(db_path)).resolve_job_def(TICK_JOB).execute_in_process(
        instance=dg.DagsterInstance.ephemeral())
    assert result.success
    return db_path


@pytest.fixture
def app(demo_db, monkeypatch) -> AppTest:
    monkeypatch.setenv("EARSHOT_DB", str(demo_db))
    at = AppTest.from_file(APP, default_timeout=60)
    at.run()
    return at


@pytest.mark.parametrize("page, title", [("pages/inbox.py", "Inbox trends"), ("pages/incidents.py", "Incidents"),
                                         ("pages/notices.py", "Notices"), ("pages/sources.py", "Sources"),
                                         ("pages/analysts.py", "For analysts")])
def test_every_page_renders(app, page, title):
    app.switch_page(page).run()
    assert not app.exception
    assert app.title[0].value == title


def test_a_failing_source_is_shown_on_the_sources_page_as_plain_text(demo_db, monkeypatch):
    from pipelines.warehouse.connection import connect, publish_read_copy
    with connect(demo_db) as con:
        con.execute("INSERT INTO connector_runs (run_id, source, platform, started_at, finished_at, error) "
                    "VALUES ('t1', 'mastodon:brand', 'mastodon', now(), now(), ?)",
                    ["mastodon:brand: read: HTTP 400: [click me](http://evil.example) **now**"])
        publish_read_copy(con, demo_db)
    try:
        monkeypatch.setenv("EARSHOT_DB", str(demo_db))
        at = AppTest.from_file(APP, default_timeout=60)
        at.run()
        at.switch_page("pages/sources.py").run()
        assert not at.exception
        assert [e.value for e in at.error] == [
            r"**mastodon:brand** is failing: mastodon:brand: read: HTTP 400: \[click me\]\(http://evil\.example\) "
            r"\*\*now\*\*"]
    finally:
        with connect(demo_db) as con:
            con.execute("DELETE FROM connector_runs WHERE run_id = 't1'")
            publish_read_copy(con, demo_db)


def test_overview_compares_with_the_previous_period(app, demo_db):
    assert not app.exception
    labels = [m.label for m in app.metric]
    assert labels == ["Received", "Answered", "Reply rate", "First response (median)", "First response (p90)",
                      "Reply time (median)", "SLA met", "Incidents raised"]
    with duckdb.connect(str(read_copy_path(demo_db)), read_only=True) as reader:
        received = reader.execute(
            "SELECT current FROM inbox_compare(now() - INTERVAL 7 DAY, now()) WHERE metric = 'inbound'").fetchone()[0]
        raised = reader.execute("SELECT count(*) FROM incidents WHERE kind <> 'other' AND merged_into IS NULL "
                                "AND detected_at >= now() - INTERVAL 7 DAY").fetchone()[0]
    assert app.metric[0].value == f"{received:,.0f}" and app.metric[7].value == f"{raised:,}"
    app.segmented_control(key="overview_window").set_value("Last 24 hours").run()
    assert not app.exception and app.metric[0].value != f"{received:,.0f}"


def test_incident_page_explains_its_kind(app, demo_db):
    with duckdb.connect(str(read_copy_path(demo_db)), read_only=True) as reader:
        # An alert if the demo's last 14 days hold one (they almost always do), else a harmless trend.
        incident_id, title, kind = reader.execute(
            "SELECT incident_id, title, kind FROM incidents ORDER BY kind = 'other', detected_at LIMIT 1"
        ).fetchone()
    app.switch_page("pages/incidents.py").run()
    app.selectbox(key="incident_chosen").set_value(incident_id).run()
    assert not app.exception
    why = app.dataframe[1].value  # the kind shares and cues
    assert set(why["kind"]) == {"outage", "scam", "complaint", "praise"}
    if kind != "other":
        assert why.loc[why["kind"] == kind, "cues"].iloc[0]
    assert len(app.dataframe[2].value) >= 1   # lifecycle: at least 'opened'
    assert len(app.dataframe[3].value) >= 3   # its messages


def test_an_alerts_link_opens_its_incident(demo_db, monkeypatch):
    with duckdb.connect(str(read_copy_path(demo_db)), read_only=True) as reader:
        ids = [r[0] for r in reader.execute("""SELECT incident_id FROM incidents WHERE merged_into IS NULL
            ORDER BY kind = 'other', status = 'resolved', detected_at DESC""").fetchall()]
    assert len(ids) > 1   # the last one listed: not the page's default choice
    monkeypatch.setenv("EARSHOT_DB", str(demo_db))
    at = AppTest.from_file(APP, default_timeout=60)
    at.query_params["incident"] = ids[-1]
    at.run()
    at.switch_page("pages/incidents.py").run()
    assert not at.exception and at.selectbox(key="incident_chosen").value == ids[-1]
    assert list(at.dataframe[4].value.columns) == ["event", "event_at", "severity", "channel", "status", "attempts",
                                                   "sent_at", "reason"]   # what the care team was told


def test_every_example_query_for_analysts_runs_on_the_read_copy(app, demo_db):
    from dashboard.analysts import EXAMPLES
    app.switch_page("pages/analysts.py").run()
    assert [c.value for c in app.code[1:]] == [sql for _, sql in EXAMPLES]
    with duckdb.connect(str(read_copy_path(demo_db)), read_only=True) as reader:
        for title, sql in EXAMPLES:
            assert reader.execute(sql).description, title     # valid SQL on today's schema
        rate = reader.execute(EXAMPLES[1][1]).fetchall()
    assert rate and all(0 <= r[1] <= 1 for r in rate)
    app.selectbox(key="analysts_relation").set_value("incidents").run()
    columns = app.dataframe[0].value
    assert {"incident_id", "kind", "severity", "terms"} <= set(columns["column_name"])
    assert columns["meaning"].str.len().gt(0).all()   # every column explained (pipelines/warehouse/dictionary.py)


def test_inbox_filters_grains_and_the_messages_behind_a_bucket(app, demo_db):
    app.switch_page("pages/inbox.py").run()
    assert not app.exception
    app.multiselect(key="inbox_kinds").set_value(["dm"]).run()
    app.multiselect(key="inbox_langs").set_value(["en", "ru"]).run()
    rows, messages = app.dataframe[-1].value, app.dataframe[0].value
    assert not app.exception and set(messages["kind"]) == {"dm"} and set(messages["lang"]) <= {"en", "ru"}
    first, last = app.date_input(key="inbox_period").value
    with duckdb.connect(str(current_read_copy(demo_db)), read_only=True) as con:
        counted = dict(con.execute("""
            SELECT platform, count(*) FROM messages
            WHERE direction = 'inbound' AND kind = 'dm' AND lang IN ('en', 'ru')
              AND created_at >= ?::DATE AND created_at < ?::DATE + 1 GROUP BY ALL""", [first, last]).fetchall())
    assert counted and rows.groupby("platform")["inbound"].sum().to_dict() == counted   # what the SQL counts
    busiest = rows.groupby("bucket")["inbound"].sum().idxmax()
    app.selectbox(key="inbox_bucket").set_value(busiest).run()
    messages = app.dataframe[0].value
    expected = int(rows[rows["bucket"] == busiest]["inbound"].sum())
    assert len(messages) == min(expected, 500)          # exactly the messages the bar counts
    day = messages["created_at"].dt.tz_convert("UTC").dt.tz_localize(None).dt.normalize()
    assert (day == busiest).all()
    app.segmented_control(key="inbox_grain").set_value("hour").run()
    hourly = app.dataframe[-1].value
    assert not app.exception and hourly["bucket"].diff().dropna().dt.total_seconds().min() >= 0
    assert (hourly["bucket"].dt.minute == 0).all() and hourly["bucket"].nunique() > rows["bucket"].nunique()
    assert hourly["inbound"].sum() == rows["inbound"].sum()   # the same messages, cut finer


def test_no_data_yet(monkeypatch, tmp_path):
    monkeypatch.setenv("EARSHOT_DB", str(tmp_path / "empty.duckdb"))
    at = AppTest.from_file(APP, default_timeout=30)
    at.run()
    assert not at.exception and "No data yet" in at.info[0].value


def test_readers_and_the_writer_never_block_each_other(tmp_path):
    """The pipeline imports file after file while readers query the read copy and an analyst holds a
    connection to it open the whole time: no lock errors on either side, and readers see progress."""
    db = tmp_path / "w.duckdb"
    files = []
    for n in range(8):
        records = [msg(f"{n}-{i}", "2026-11-20T10:00:00Z") for i in range(2000)]
        path = tmp_path / f"batch{n}.jsonl"
        path.write_text("\n".join(json.dumps(r) for r in records))
        files.append(path)
    first = subprocess.run([EARSHOT, "import", str(files[0]), "--db", str(db)], capture_output=True, text=True)
    assert first.returncode == 0, first.stderr
    analyst = duckdb.connect(str(read_copy_path(db)), read_only=True)  # held open throughout
    seen: list[list[int]] = [[], []]   # what each reader saw, in its order
    errors = []
    stop = threading.Event()

    def reader(saw: list[int]) -> None:
        while not stop.is_set():
            try:
                with duckdb.connect(str(current_read_copy(db)), read_only=True) as con:
                    saw.append(con.execute("SELECT count(*) FROM messages").fetchone()[0])
                    con.execute("SELECT * FROM inbox_daily").fetchall()
            except duckdb.Error as exc:
                errors.append(exc)

    threads = [threading.Thread(target=reader, args=(saw,)) for saw in seen]
    for t in threads:
        t.start()
    try:
        for path in files[1:]:
            done = subprocess.run([EARSHOT, "import", str(path), "--db", str(db)], capture_output=True, text=True,
                                  env={k: v for k, v in os.environ.items() if k != "EARSHOT_DB"})
            assert done.returncode == 0, done.stderr
    finally:
        stop.set()
        for t in threads:
            t.join()
    assert errors == []
    for saw in seen:   # each reader only ever sees the warehouse grow (two readers interleave in any order)
        assert saw and saw[0] >= 2000 and saw == sorted(saw)
    assert max(saw[-1] for saw in seen) > 2000                     # and saw it grow while the writer wrote
    with duckdb.connect(str(current_read_copy(db)), read_only=True) as con:
        assert con.execute("SELECT count(*) FROM messages").fetchone()[0] == 16000
    assert analyst.execute("SELECT count(*) FROM messages").fetchone()[0] == 2000  # its snapshot, unharmed
    analyst.close()
    assert len(list((tmp_path / "read").glob("*.duckdb"))) == 3  # older copies are cleaned up


def test_comms_edit_approve_and_publish_a_notice_from_the_dashboard(scam_db, tmp_path, monkeypatch, start_fake):
    from pipelines.config import load_settings
    from pipelines.notices.store import draft_notices
    from pipelines.warehouse.connection import connect, publish_read_copy
    from tests.conftest import END, copy_of
    from connectors.html_text import html_to_text
    from tests.fakes.mastodon import FakeMastodon
    from tests.fakes.runs import write_config

    mastodon = start_fake(FakeMastodon)
    toml = write_config(tmp_path, f'platform = "mastodon"\nname = "m"\nservice = "{mastodon.url}"\ntoken_env = "T"\n')
    db = copy_of(scam_db, tmp_path)
    with connect(db) as con:
        draft_notices(con, load_settings(toml), END)
        publish_read_copy(con, db)
    for name, value in (("EARSHOT_DB", str(db)), ("EARSHOT_CONFIG", str(toml)),
                        ("T", mastodon.add_account("voltra").token)):
        monkeypatch.setenv(name, value)
    at = AppTest.from_file(APP, default_timeout=60)
    at.run()
    at.switch_page("pages/notices.py").run()
    assert not at.exception and at.title[0].value == "Notices"
    chosen = at.selectbox(key="notice_chosen").value
    assert at.button(key="notice_approve").disabled                      # nobody named: nothing can be done

    at.session_state["actor_name"] = "Jana"   # the sidebar's name (AppTest runs a page without app.py)
    at.run()
    edited = at.text_area(key=f"notice_text_{chosen}").value + " Více: https://status.voltra.example"
    at.text_area(key=f"notice_text_{chosen}").set_value(edited).run()
    at.button(key="notice_save").click().run()
    assert [s.value for s in at.success] == ["Saved."]
    at.button(key="notice_approve").click().run()
    assert [s.value for s in at.success] == ["Approved by Jana."]
    assert at.segmented_control(key="notices_status").value == "Approved"    # followed to where it went
    assert at.selectbox(key="notice_chosen").value == chosen
    at.button(key="notice_publish").click().run()
    assert not at.exception and at.success[0].value.startswith("Published: " + mastodon.url)

    posted = list(mastodon.state.statuses.values())
    with connect(db) as con:
        status, url = con.execute("SELECT status, url FROM notices WHERE notice_id = ?", [chosen]).fetchone()
        trail = con.execute("SELECT action, actor FROM notice_audit WHERE notice_id = ? ORDER BY acted_at",
                            [chosen]).fetchall()
    assert len(posted) == 1 and html_to_text(posted[0]["content"]) == edited and status == "published"
    assert at.success[0].value == f"Published: {url}"
    assert trail == [("drafted", "earshot"), ("edited", "Jana"), ("approved", "Jana"), ("publishing", "Jana"),
                     ("published", "Jana")]
    # The read copy was refreshed with the action: the audit trail on the page already shows it.
    assert list(at.dataframe[-1].value["action"]) == [a for a, _ in trail]


def test_a_notice_too_long_for_its_platform_cannot_be_approved_from_the_dashboard(scam_db, tmp_path, monkeypatch):
    from pipelines.config import load_settings
    from pipelines.notices.store import draft_notices
    from pipelines.warehouse.connection import connect, publish_read_copy
    from tests.conftest import END, copy_of
    from tests.fakes.runs import write_config

    toml = write_config(tmp_path, 'platform = "x"\nname = "x"\nservice = "http://127.0.0.1:9"\nuser_id = "1"\n'
                                  'token_env = "T"\n')
    db = copy_of(scam_db, tmp_path)
    with connect(db) as con:
        draft_notices(con, load_settings(toml), END)
        publish_read_copy(con, db)
    monkeypatch.setenv("EARSHOT_DB", str(db))
    monkeypatch.setenv("EARSHOT_CONFIG", str(toml))
    at = AppTest.from_file(APP, default_timeout=60)
    at.run()
    at.switch_page("pages/notices.py").run()
    at.session_state["actor_name"] = "Jana"   # the sidebar's name (AppTest runs a page without app.py)
    at.run()
    chosen = at.selectbox(key="notice_chosen").value
    at.text_area(key=f"notice_text_{chosen}").set_value("Pozor! " * 60).run()
    at.button(key="notice_save").click().run()
    assert at.success[0].value == "Saved. It cannot be approved yet: X posts hold at most 280 weighted characters; this has 419"
    assert at.warning[0].value.startswith("Cannot be approved as it is: X posts hold at most 280")
    assert at.button(key="notice_approve").disabled


def test_an_agent_reopens_acknowledges_and_resolves_an_incident(scam_db, tmp_path, monkeypatch):
    from pipelines.warehouse.connection import connect, publish_read_copy
    from tests.conftest import copy_of

    db = copy_of(scam_db, tmp_path)
    with connect(db) as con:
        publish_read_copy(con, db)
        chosen = con.execute("SELECT incident_id FROM incidents WHERE status = 'resolved' AND merged_into IS NULL "
                             "ORDER BY incident_id LIMIT 1").fetchall()[0][0]
    monkeypatch.setenv("EARSHOT_DB", str(db))
    at = AppTest.from_file(APP, default_timeout=60)
    at.run()
    at.switch_page("pages/incidents.py").run()
    at.selectbox(key="incident_chosen").set_value(chosen).run()
    assert at.button(key="incident_reopen").disabled                 # nobody named yet
    at.session_state["actor_name"] = "Petr"   # the sidebar's name (AppTest runs a page without app.py)
    at.run()
    for button, said in (("incident_reopen", "Reopened by Petr."), ("incident_ack", "Acknowledged by Petr."),
                         ("incident_resolve", "Resolved by Petr.")):
        at.button(key=button).click().run()
        assert not at.exception and [s.value for s in at.success] == [said]
        assert at.selectbox(key="incident_chosen").value == chosen
    assert list(at.dataframe[-1].value["action"]) == ["reopened", "acknowledged", "resolved"]
    with connect(db) as con:
        assert con.execute("SELECT status, status_by FROM incidents WHERE incident_id = ?", [chosen]).fetchall() == [
            ("resolved", "Petr")]
    # The timeline: every message of the incident in some quarter-hour, and the usual volume beside it.
    from dashboard import queries
    timeline = queries.incident_timeline(chosen)
    with connect(db) as con:
        count = con.execute("SELECT message_count FROM incidents WHERE incident_id = ?", [chosen]).fetchall()[0][0]
    assert timeline["incident"].sum() == count and (timeline["all_inbound"] >= timeline["incident"]).all()
    assert timeline["quarter_hour"].diff().dropna().dt.total_seconds().eq(900).all()
