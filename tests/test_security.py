"""Secrets stay secret: with every secret Earshot takes from the environment refused by its service (a revoked
platform token, a Slack hook that is gone, a webhook receiver with another secret, a wrong SMTP password),
`earshot run` records the failures, and no secret appears in its output, the warehouse, the read copy, or
Dagster's run storage."""
from __future__ import annotations

import subprocess

import pytest

from tests.conftest import copy_of
from tests.fakes.mastodon import FakeMastodon
from tests.fakes.receivers import SignedWebhook, SmtpServer, SlackWebhook
from tests.fakes.runs import clean_environment
from tests.test_cli import EARSHOT

SECRETS = {"MASTODON_TOKEN": "tok-5f1c2a9e-never-shown", "HOOK_SECRET": "hmac-77ad01-never-shown",
           "SMTP_PASSWORD": "pw-c0ffee-never-shown", "SLACK_HOOK_PATH": "B0SECRET/XXsecretpathXX"}


@pytest.mark.slow
def test_refused_secrets_are_reported_and_never_written_anywhere(scam_db, tmp_path, start_fake):
    mastodon, slack = start_fake(FakeMastodon), start_fake(SlackWebhook)
    hook = start_fake(SignedWebhook, "the receiver's own secret")
    smtp = start_fake(SmtpServer, tmp_path)
    mastodon.add_account("voltra")   # whose token is not the one in the environment: revoked
    toml = tmp_path / "earshot.toml"
    toml.write_text(
        f'[brand]\nname = "Voltra"\n\n[[sources]]\nplatform = "mastodon"\nname = "m"\n'
        f'service = "{mastodon.url}"\ntoken_env = "MASTODON_TOKEN"\n\n'
        f'[alerts]\nmax_age_minutes = 100000\nmax_attempts = 1\n\n'
        f'[[alerts.channels]]\nname = "care-slack"\ntype = "slack"\nurl_env = "SLACK_URL"\n\n'
        f'[[alerts.channels]]\nname = "ops"\ntype = "webhook"\nurl = "{hook.url}/earshot"\n'
        f'secret_env = "HOOK_SECRET"\n\n'
        f'[[alerts.channels]]\nname = "care-email"\ntype = "email"\nhost = "127.0.0.1"\nport = {smtp.port}\n'
        f'ca_file = "{smtp.cert}"\nusername_env = "SMTP_USER"\npassword_env = "SMTP_PASSWORD"\n'
        f'from = "earshot@voltra.example"\nto = ["care@voltra.example"]\n\n'
        f'[[notices.auto_publish]]\nkind = "scam"\nmin_severity = 1\n', encoding="utf-8")
    env = clean_environment({**SECRETS, "SMTP_USER": "care",
                             "SLACK_URL": f"{slack.url}/services/T0/{SECRETS['SLACK_HOOK_PATH']}"})
    db = copy_of(scam_db, tmp_path)
    run = subprocess.run([EARSHOT, "run", "--db", str(db), "--config", str(toml)], capture_output=True,
                         text=True, env=env, cwd=tmp_path, timeout=600)

    from pipelines.warehouse.connection import connect
    with connect(db) as con:
        failures = dict(con.execute("SELECT channel, count(*) FROM alerts WHERE status = 'failed' GROUP BY ALL"
                                    ).fetchall())
        notice_errors = con.execute("SELECT count(*) FROM notices WHERE error IS NOT NULL").fetchall()[0][0]
        con.execute(f"EXPORT DATABASE '{tmp_path / 'export'}' (FORMAT csv)")
    # Each refusal is recorded where the care team sees it...
    assert set(failures) == {"care-slack", "ops", "care-email"}, (failures, run.stderr[-2000:])
    assert hook.verified == [] and notice_errors > 0
    # ...and no secret is anywhere: output, every table, the read copy, Dagster's storage, any file written.
    places = {"stdout": run.stdout.encode(), "stderr": run.stderr.encode()}
    places.update({str(p.relative_to(tmp_path)): p.read_bytes() for p in tmp_path.rglob("*")
                   if p.is_file() and p.name != "earshot.toml"})
    assert any("dagster" in place for place in places) and any("read" in place for place in places)
    leaks = [(name, place) for place, data in places.items() for name, secret in SECRETS.items()
             if secret.encode() in data]
    assert leaks == []
