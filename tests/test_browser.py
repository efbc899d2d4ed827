"""The dashboard in a real browser (Debian's chromium driven by Playwright): every page loads, and a notice is
approved and published by clicking, as comms would. Screenshots go to $EARSHOT_SCREENSHOTS (the README's are
made this way: `EARSHOT_SCREENSHOTS=docs/screenshots make test`), else to the test's own folder."""
from __future__ import annotations

import os
import signal
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from tests.conftest import copy_of
from tests.fakes.mastodon import FakeMastodon
from tests.fakes.receivers import free_port
from tests.fakes.runs import write_config
from tests.test_cli import EARSHOT

CHROMIUM = "/usr/bin/chromium"
# Without the background-networking flags chromium keeps calling out, and this machine's closed network
# refuses it many times a second.
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync"]
# (path, title, the last thing the page draws: it is done when that is visible)
PAGES = [("", "Overview", "Last 30 days"), ("inbox", "Inbox trends", "The messages behind a bucket"),
         ("incidents", "Incidents", "Actions taken"), ("notices", "Notices", "Audit trail"),
         ("sources", "Sources", "Rejected input"), ("analysts", "For analysts", "Tables and views")]

# The contrast ratio (WCAG 2) of every piece of text the app writes against the background behind it,
# semi-transparent colours blended over that background.
CONTRASTS = """() => {
  const rgba = (css) => (css.match(/[\\d.]+/g) || []).map(Number).concat([1]).slice(0, 4);
  const over = (top, below) => top.slice(0, 3).map((v, i) => v * top[3] + below[i] * (1 - top[3])).concat([1]);
  const background = (node) => {   // every layer up to the first opaque one, composited
    const layers = [];
    for (; node; node = node.parentElement) {
      const c = rgba(getComputedStyle(node).backgroundColor);
      if (c[3] > 0) layers.push(c);
      if (c[3] >= 1) break;
    }
    return layers.reverse().reduce((below, top) => over(top, below), [255, 255, 255, 1]);
  };
  const lum = ([r, g, b]) => [r, g, b].map((v) => { v /= 255; return v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4; })
                                      .reduce((s, v, i) => s + v * [0.2126, 0.7152, 0.0722][i], 0);
  const found = [];
  const selector = "h1, h2, h3, p, li, label, [data-testid=stMetricValue], [data-testid=stMetricDelta], " +
                   "[data-testid=stCaptionContainer], [data-testid=stSidebarNav] span";
  for (const el of document.querySelectorAll(selector)) {
    if (!el.innerText || !el.innerText.trim() || !el.checkVisibility()) continue;
    if (getComputedStyle(el).fontFamily.includes("Material")) continue;   // an icon's ligature, not text
    if (el.closest("[disabled], [aria-disabled=true]")) continue;   // WCAG exempts inactive controls
    const bg = background(el), fg = rgba(getComputedStyle(el).color);
    const seen = over(fg, bg);
    const [a, b] = [lum(seen), lum(bg)].sort((x, y) => y - x);
    found.push({ratio: (a + 0.05) / (b + 0.05), text: el.innerText.slice(0, 40), color: getComputedStyle(el).color});
  }
  return found;
}"""

pytestmark = [pytest.mark.slow,
              pytest.mark.skipif(not Path(CHROMIUM).exists(), reason="Debian's chromium is not installed "
                                                                    "(.ci/run installs it)")]


@pytest.fixture
def served(scam_db, tmp_path, start_fake) -> Iterator[tuple[str, Path, FakeMastodon]]:
    """Four days of scam waves, then a tick of the demo source and a Mastodon account to publish on, served."""
    mastodon = start_fake(FakeMastodon)
    env = {**os.environ, "T": mastodon.add_account("voltra").token}
    toml = write_config(tmp_path, f'platform = "demo"\n\n[[sources]]\nplatform = "mastodon"\nname = "m"\n'
                                  f'service = "{mastodon.url}"\ntoken_env = "T"\n')
    db = copy_of(scam_db, tmp_path)
    tick = subprocess.run([EARSHOT, "run", "--db", str(db), "--config", str(toml)], capture_output=True, text=True,
                          env=env, cwd=tmp_path, timeout=600)
    assert tick.returncode == 0, tick.stderr
    port = free_port()
    server = subprocess.Popen([EARSHOT, "dashboard", "--db", str(db), "--config", str(toml), "--port", str(port)],
                              cwd=tmp_path, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                              start_new_session=True)
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                if httpx.get(f"{url}/_stcore/health", timeout=2).status_code == 200:
                    break
            except httpx.TransportError:
                time.sleep(0.5)
        yield url, db, mastodon
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=30)


def test_every_page_loads_and_a_notice_is_approved_and_published_by_clicking(served, tmp_path):
    from playwright.sync_api import expect, sync_playwright

    from pipelines.warehouse.connection import connect

    url, db, mastodon = served
    shots = Path(os.environ.get("EARSHOT_SCREENSHOTS") or tmp_path / "screenshots")
    shots.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        page = browser.new_page(viewport={"width": 1440, "height": 1000})
        for path, title, last in PAGES:
            page.goto(f"{url}/{path}")
            expect(page.get_by_role("heading", name=title, level=1)).to_be_visible(timeout=30_000)
            expect(page.get_by_text(last, exact=True)).to_be_visible(timeout=60_000)
            expect(page.locator('[data-testid="stSkeleton"]')).to_have_count(0, timeout=30_000)
            page.wait_for_timeout(1500)   # charts draw after their data arrives
            assert page.locator('[data-testid="stException"]').count() == 0, title
            page.screenshot(path=shots / f"{path or 'overview'}.png", full_page=True)

        # Light and dark: the app follows the system's colour scheme; its text must stay readable on both.
        for scheme in ("light", "dark"):
            themed = browser.new_page(viewport={"width": 1440, "height": 1000}, color_scheme=scheme)
            for path, title, last in PAGES:
                themed.goto(f"{url}/{path}")
                expect(themed.get_by_text(last, exact=True)).to_be_visible(timeout=60_000)
                themed.wait_for_timeout(1000)
                worst = min(themed.evaluate(CONTRASTS), key=lambda found: found["ratio"])
                assert worst["ratio"] >= 4.5, (scheme, title, worst)   # WCAG AA for normal text
                if path == "inbox":
                    themed.screenshot(path=shots / f"inbox-{scheme}.png", full_page=True)
            themed.close()

        page.goto(f"{url}/notices")
        expect(page.get_by_role("heading", name="Notices", level=1)).to_be_visible(timeout=30_000)
        text = page.get_by_label("Text", exact=True)
        expect(text).not_to_have_value("", timeout=30_000)
        chosen = text.input_value()
        name = page.get_by_label("Your name", exact=True)
        name.fill("Jana")
        name.press("Enter")
        page.get_by_role("button", name="Approve").click()
        expect(page.get_by_text("Approved by Jana.")).to_be_visible(timeout=30_000)
        page.get_by_role("button", name="Publish now").click()
        expect(page.get_by_text("Published: ")).to_be_visible(timeout=30_000)
        page.screenshot(path=shots / "notice-published.png", full_page=True)

        # The pipeline publishes new data: the open page follows by itself, within the 15 s it checks.
        page.goto(url)
        stamp = page.get_by_text("Data as of ")
        expect(stamp).to_be_visible(timeout=30_000)
        seen = stamp.inner_text()
        time.sleep(1.1)   # the stamp shows seconds
        from pipelines.warehouse.connection import publish_read_copy
        with connect(db) as con:
            publish_read_copy(con, db)
        expect(stamp).not_to_have_text(seen, timeout=40_000)
        browser.close()

    with connect(db) as con:
        published = con.execute("SELECT text, approved_by, url FROM notices WHERE status = 'published'").fetchall()
    assert len(published) == 1 and published[0][0] == chosen and published[0][1] == "Jana"
    assert [s["url"] for s in mastodon.state.statuses.values()] == [published[0][2]]
    assert all((shots / f"{path or 'overview'}.png").stat().st_size > 20_000 for path, _, _ in PAGES)
