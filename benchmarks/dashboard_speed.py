"""How fast every dashboard page renders on a warehouse of 10 million messages, while the pipeline writes.

Builds the warehouse once (benchmarks/out/dash-<n>.duckdb), in SQL: conversations over the last 90 days on
three platforms, each an inbound message and, for 85% of them, the brand's answer 1 minute to 6 hours later,
or a second inbound message; 200 incidents of 400 messages each, their lifecycle events, alerts and notices.
Then, for each page, renders it with Streamlit's AppTest (the same script a browser gets; the queries and
the page code, not the browser's drawing) `--runs` times, while a second process keeps importing batches of
new messages into the live file and publishing the read copy. Prints the median and worst render per page,
and the writer's batches and errors.

With --browser, each page is instead opened from the sidebar in Debian's chromium against `earshot dashboard`
and timed from the click until it is drawn (its last element visible, nothing loading): what an agent waits
for, with the browser drawing on the same 2 cores as the server and the writer.

    python -m benchmarks.dashboard_speed [--messages 10000000] [--runs 5] [--browser]
"""
from __future__ import annotations

import argparse
import json
import multiprocessing
import os
import platform
import statistics
import time
from datetime import date, datetime, timedelta, timezone
from pathlib import Path

OUT = Path(__file__).parent / "out"
APP = str(Path(__file__).resolve().parent.parent / "dashboard" / "app.py")
PAGES = [("pages/overview.py", "Overview"), ("pages/inbox.py", "Inbox trends"),
         ("pages/incidents.py", "Incidents"), ("pages/notices.py", "Notices"), ("pages/sources.py", "Sources"),
         ("pages/analysts.py", "For analysts")]


def build(db: Path, n: int) -> None:
    from pipelines.config import Settings
    from pipelines.metrics import facts
    from pipelines.warehouse.connection import connect, publish_read_copy
    from pipelines.warehouse.prepare import prepare_database

    conversations = n // 2
    with connect(db) as con:
        prepare_database(con, Settings())
        con.execute("SET preserve_insertion_order = false")
        con.execute(f"""
            INSERT INTO messages (platform, id, kind, direction, author_id, author_handle, created_at, text,
                                  in_reply_to_id, lang, lang_source, account, conversation_key, ingested_at)
            WITH c AS (
                SELECT i AS c, ['bluesky', 'mastodon', 'x'][i % 3 + 1] AS platform,
                       ['mention', 'mention', 'comment', 'dm'][(hash(i) % 4)::BIGINT + 1] AS kind,
                       ['en', 'en', 'en', 'ru', 'cs', 'de', 'es'][(hash(i * 7) % 7)::BIGINT + 1] AS lang,
                       now() - to_seconds((hash(i * 13) % (90 * 86400))::BIGINT) AS first_at,
                       hash(i * 17) % 100 < 85 AS answered
                FROM range({conversations}) t(i))
            SELECT platform, 'c' || c || '-a', kind, 'inbound', 'u' || (hash(c * 3) % 500000), 'user' || (hash(c * 3) % 500000),
                   first_at, 'my card payment failed again, order ' || c, NULL, lang, 'platform', platform || ':brand',
                   platform || ':m/c' || c || '-a', now()
            FROM c
            UNION ALL
            SELECT platform, 'c' || c || '-b', kind, CASE WHEN answered THEN 'outbound' ELSE 'inbound' END,
                   CASE WHEN answered THEN 'brand' ELSE 'u' || (hash(c * 3) % 500000) END, NULL,
                   first_at + to_seconds(60 + (hash(c * 19) % 21540)::BIGINT),
                   CASE WHEN answered THEN 'Sorry about that, we are on it' ELSE 'still waiting' END,
                   'c' || c || '-a', lang, 'platform', platform || ':brand', platform || ':m/c' || c || '-a', now()
            FROM c""")
        facts.refresh(con, only_touched=False)   # what every write through the pipeline does for its rows
        # 200 incidents of 400 inbound messages each, spread over the 90 days, with events, alerts, notices.
        con.execute("""
            INSERT INTO incidents (incident_id, kind, status, title, severity, lang, terms, first_message_at,
                detected_at, last_message_at, message_count, author_count, langs, platforms, alerted_at, updated_at)
            SELECT 'inc-' || i, ['outage', 'scam', 'complaint', 'other'][i % 4 + 1],
                   CASE WHEN i < 5 THEN 'open' ELSE 'resolved' END, 'Incident ' || i, 1 + i % 5, 'en',
                   ['error', '503', 'login'], now() - to_days(i % 90) - INTERVAL 3 HOUR,
                   now() - to_days(i % 90) - INTERVAL 2 HOUR, now() - to_days(i % 90), 400, 380, ['en'],
                   ['bluesky'], now() - to_days(i % 90) - INTERVAL 2 HOUR, now()
            FROM range(200) t(i)""")
        con.execute("""
            INSERT INTO incident_messages
            WITH picked AS (
                SELECT 'inc-' || i AS incident_id, ['bluesky', 'mastodon', 'x'][(i * 400 + j) % 3 + 1] AS platform,
                       'c' || (i * 400 + j) || '-a' AS id
                FROM range(200) a(i), range(400) b(j))
            SELECT p.incident_id, p.platform, p.id, m.created_at FROM picked p JOIN messages m USING (platform, id)""")
        con.execute("""
            INSERT INTO incident_events
            SELECT incident_id, e, detected_at + to_minutes(k * 30), severity
            FROM incidents, (VALUES ('opened', 0), ('escalated', 1), ('resolved', 2)) v(e, k)""")
        con.execute("""
            INSERT INTO notices (notice_id, incident_id, platform, lang, text, status, created_at, source, updated_at)
            SELECT incident_id || ':x:en', incident_id, 'x', 'en', 'We know about the problem and are on it.',
                   ['draft', 'approved', 'published', 'rejected'][(hash(incident_id) % 4)::BIGINT + 1], detected_at, 'x', now()
            FROM incidents WHERE kind <> 'other'""")
        con.execute("""
            INSERT INTO alerts (alert_id, incident_id, event, event_at, severity, channel, status, created_at)
            SELECT incident_id || ':' || event || ':' || channel, incident_id, event, event_at, severity, channel,
                   'sent', now()
            FROM incident_events, (VALUES ('care-slack'), ('care-email')) c(channel)""")
        publish_read_copy(con, db)


def writer(db: str, stop, report) -> None:
    """The pipeline meanwhile: batches of 1,000 new messages into the live file, then a new read copy."""
    from pipelines.config import Settings
    from pipelines.ingest.importer import import_jsonl
    from pipelines.warehouse.connection import connect, publish_read_copy

    path, batches, errors, folder = Path(db), 0, [], Path(db).parent / "writer"
    import_seconds: list[float] = []
    folder.mkdir(exist_ok=True)
    while not stop.is_set():
        batch = folder / "batch.jsonl"
        now = datetime.now(timezone.utc)
        batch.write_text("".join(json.dumps({
            "platform": "x", "id": f"live-{os.getpid()}-{batches}-{k}", "kind": "mention", "direction": "inbound",
            "author_id": f"w{k}", "created_at": (now - timedelta(seconds=k)).isoformat(),
            "text": "is the app down? error 503 on login", "lang": "en"}) + "\n" for k in range(1000)))
        try:
            with connect(path, retry_seconds=60) as con:
                started = time.perf_counter()
                import_jsonl(con, str(batch), Settings())
                import_seconds.append(time.perf_counter() - started)
                publish_read_copy(con, path)
            batches += 1
        except Exception as exc:  # noqa: BLE001 - counted and reported, not hidden
            errors.append(f"{type(exc).__name__}: {exc}")
        time.sleep(2)
    report.put((batches, errors, statistics.median(import_seconds) if import_seconds else None))


def render_times(db: Path, runs: int) -> dict[str, list[float]]:
    from streamlit.testing.v1 import AppTest

    os.environ["EARSHOT_DB"] = str(db)
    times: dict[str, list[float]] = {title: [] for _, title in PAGES}
    errors = []
    for _ in range(runs):
        for page, title in PAGES:
            at = AppTest.from_file(APP, default_timeout=300)
            at.run()
            started = time.perf_counter()
            at.switch_page(page).run()
            times[title].append(time.perf_counter() - started)
            if at.exception:
                errors.append(f"{title}: {at.exception[0].message}")
    if errors:
        raise SystemExit("pages failed: " + "; ".join(errors))
    return times


# (path, the last thing the page draws: the page is rendered when it is visible and nothing is still loading)
BROWSER_PAGES = {"Overview": ("", "Last 30 days"), "Inbox trends": ("inbox", "The messages behind a bucket"),
                 "Incidents": ("incidents", "Actions taken"), "Notices": ("notices", "Audit trail"),
                 "Sources": ("sources", "Rejected input"), "For analysts": ("analysts", "Tables and views")}


def browser_times(db: Path, runs: int) -> dict[str, list[float]]:
    """Each page opened from the sidebar in Debian's chromium (Playwright) against `earshot dashboard`: from
    the click until the page's last element is visible and no element is still loading or stale."""
    import subprocess
    import sys

    import httpx
    from playwright.sync_api import expect, sync_playwright

    port = 8600 + os.getpid() % 300
    server = subprocess.Popen([str(Path(sys.executable).parent / "earshot"), "dashboard", "--db", str(db),
                               "--port", str(port)], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                              start_new_session=True)
    url, times = f"http://127.0.0.1:{port}", {title: [] for title in BROWSER_PAGES}
    try:
        for _ in range(120):
            try:
                if httpx.get(f"{url}/_stcore/health", timeout=2).status_code == 200:
                    break
            except httpx.TransportError:
                time.sleep(0.5)
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path="/usr/bin/chromium", args=[
                "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update"])
            page = browser.new_page(viewport={"width": 1440, "height": 1000})
            page.goto(url)   # the first load also fetches the app's scripts: not counted, nor is going to the
            expect(page.get_by_text("Last 30 days", exact=True)).to_be_visible(timeout=120_000)   # last page
            page.get_by_test_id("stSidebarNav").get_by_text("For analysts", exact=True).click()
            expect(page.get_by_text(BROWSER_PAGES["For analysts"][1], exact=True)).to_be_visible(timeout=120_000)
            for _ in range(runs):
                for title, (_, last) in BROWSER_PAGES.items():
                    started = time.perf_counter()
                    page.get_by_test_id("stSidebarNav").get_by_text(title, exact=True).click()   # as agents do
                    expect(page.get_by_text(last, exact=True)).to_be_visible(timeout=120_000)
                    expect(page.locator('[data-testid="stSkeleton"], [data-stale="true"]')).to_have_count(
                        0, timeout=120_000)
                    times[title].append(time.perf_counter() - started)
                    if page.locator('[data-testid="stException"]').count():
                        raise SystemExit(f"{title}: the page shows an error")
            browser.close()
    finally:
        os.killpg(server.pid, 15)
        server.wait(timeout=30)
    return times


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--messages", type=int, default=10_000_000)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--browser", action="store_true",
                        help="time page loads in chromium against `earshot dashboard` instead of AppTest renders")
    args = parser.parse_args()
    OUT.mkdir(exist_ok=True)
    db = OUT / f"dash-{args.messages}.duckdb"
    if not db.exists():
        started = time.perf_counter()
        build(db, args.messages)
        print(f"built {db.name}: {args.messages:,} messages in {time.perf_counter() - started:.0f} s, "
              f"{db.stat().st_size / 1e9:.2f} GB")
    context = multiprocessing.get_context("spawn")
    stop, queue = context.Event(), context.Queue()
    process = context.Process(target=writer, args=(str(db), stop, queue))
    process.start()
    try:
        times = browser_times(db, args.runs) if args.browser else render_times(db, args.runs)
    finally:
        stop.set()
        batches, errors, import_s = queue.get(timeout=300)
        process.join()
    print(f"{date.today()} · {platform.machine()}, {os.cpu_count()} cores · {args.messages:,} messages · "
          f"{args.runs} renders per page " + ("(chromium: sidebar click until the page is drawn)" if args.browser
                                              else "(AppTest: the page script and its queries)"))
    print("| page | median s | worst s |\n|---|---|---|")
    for title, values in times.items():
        print(f"| {title} | {statistics.median(values):.2f} | {max(values):.2f} |")
    print(f"meanwhile the writer imported {batches} batches of 1,000 messages (median {import_s or 0:.2f} s each), "
          f"each followed by a new read copy; errors: {len(errors)}" + "".join(f"\n  {e}" for e in errors[:5]))
    if errors:
        raise SystemExit(1)


if __name__ == "__main__":
    main()
