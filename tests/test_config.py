"""earshot.toml: defaults, and errors that name the file and the key."""
from __future__ import annotations

from datetime import date, time

import pytest

from pipelines.config import ConfigError, load_settings

FULL = """
[brand]
name = "Voltra"

[[sources]]
platform = "bluesky"
service = "http://127.0.0.1:2583"
handle = "brand.test"
password_env = "EARSHOT_BLUESKY_PASSWORD"

[[sources]]
platform = "mastodon"
service = "https://mastodon.social"
token_env = "EARSHOT_MASTODON_TOKEN"

[[sources]]
platform = "x"
service = "https://api.x.com"
user_id = "123456"
token_env = "EARSHOT_X_TOKEN"

[[sources]]
platform = "demo"

[sla]
first_response_minutes = 45

[business_hours]
timezone = "Europe/Prague"
days = ["mon", "tue", "wed", "thu", "fri"]
start = "08:30"
end = "18:00"
holidays = ["2026-12-24"]

[alerts]
dashboard_url = "https://earshot.voltra.example"
cooldown_minutes = 20

[[alerts.channels]]
name = "care-slack"
type = "slack"
url_env = "EARSHOT_SLACK_WEBHOOK"

[[alerts.channels]]
type = "email"
host = "smtp.voltra.example"
from = "earshot@voltra.example"
to = ["care@voltra.example"]
min_severity = 3
kinds = ["scam", "outage"]

[[notices.auto_publish]]
kind = "scam"
min_severity = 4
"""


def write(tmp_path, text: str):
    path = tmp_path / "earshot.toml"
    path.write_text(text, encoding="utf-8")
    return path


def test_contract_example_loads(tmp_path):
    settings = load_settings(write(tmp_path, FULL))
    assert [s.name for s in settings.sources] == ["bluesky:brand.test", "mastodon", "x", "demo"]
    assert settings.sla_first_response_minutes == 45
    assert settings.business_hours.start == time(8, 30)
    assert settings.business_hours.holidays == (date(2026, 12, 24),)
    slack, email = settings.alerts.channels
    assert (slack.name, slack.type, slack.url_env) == ("care-slack", "slack", "EARSHOT_SLACK_WEBHOOK")
    assert (email.name, email.sender, email.to, email.port, email.starttls) == (
        "email-2", "earshot@voltra.example", ("care@voltra.example",), 587, True)
    assert email.min_severity == 3 and email.kinds == ("scam", "outage")
    assert settings.alerts.cooldown_minutes == 20 and settings.alerts.max_age_minutes == 180
    assert [(r.kind, r.min_severity) for r in settings.auto_publish] == [("scam", 4)]


def test_auto_publish_is_off_and_no_alert_channel_without_configuration(tmp_path):
    settings = load_settings(write(tmp_path, "[brand]\nname = 'V'\n"))
    assert settings.auto_publish == () and settings.alerts.channels == ()


def test_no_file_means_the_demo_source(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("EARSHOT_CONFIG", raising=False)
    settings = load_settings()
    assert [s.platform for s in settings.sources] == ["demo"]
    assert settings.path is None


@pytest.mark.parametrize("text, message", [
    ("[brand]\nname = 'V'\ncolour = 'red'\n", "unknown key brand.colour"),
    ("[sla]\nfirst_response_minutes = '60'\n", "sla.first_response_minutes must be int, got str '60'"),
    ("[sla]\nfirst_response_minutes = 0\n", "must be positive"),
    ("[[sources]]\nplatform = 'bluesky'\n", "sources[0].service is required"),
    ("[[sources]]\nplatform = 'x'\nservice = 'http://h'\ntoken_env = 'T'\n", "sources[0].user_id is required for platform 'x'"),
    ("[[sources]]\nplatform = 'mastodon'\nservice = 'http://h'\n", "sources[0].token_env is required for platform 'mastodon'"),
    ("[[sources]]\nplatform = 'x'\nservice = 'http://h'\nuser_id = '1'\ntoken_env = 'T'\ndms = 'no'\n",
     "sources[0].dms must be bool, got str 'no'"),
    ("[[sources]]\nplatform = 'bluesky'\nsearch = 'voltra'\n", "sources[0].search must be list, got str"),
    ("[[sources]]\nplatform = 'bluesky'\nsearch = ['voltra', '']\n", "sources[0].search must be an array of non-empty"),
    ("[[sources]]\nplatform = 'demo'\npasword_env = 'X'\n", "unknown key sources[0].pasword_env"),
    ("[[sources]]\nplatform = 'demo'\nseed = true\n", "sources[0].seed must be int, got bool"),
    ("[[sources]]\nplatform = 'x'\nservice = 'http://h'\ntoken_env = 'not a var'\n", "must name an environment"),
    ("[[sources]]\nplatform = 'demo'\n[[sources]]\nplatform = 'demo'\n", "duplicate name 'demo'"),
    ("[business_hours]\ntimezone = 'Mars/Olympus'\n", "unknown time zone 'Mars/Olympus'"),
    ("[business_hours]\nstart = '25:00'\n", "business_hours.start"),
    ("[business_hours]\ndays = ['someday']\n", "business_hours.days"),
    ("languages = 'en'\n", "languages must be a non-empty array"),
    ("surprise = 1\n", "unknown key surprise"),
    ("[[alerts.channels]]\ntype = 'pager'\n", "alerts.channels[0].type must be one of slack, webhook, email, got 'pager'"),
    ("[[alerts.channels]]\ntype = 'slack'\n", "alerts.channels[0].url is required for a slack channel (or url_env)"),
    ("[[alerts.channels]]\ntype = 'webhook'\nurl = 'https://h/x'\n", "alerts.channels[0].secret_env is required"),
    ("[[alerts.channels]]\ntype = 'webhook'\nurl = 'ftp://h'\nsecret_env = 'S'\n", "url must be an http(s) address"),
    ("[[alerts.channels]]\ntype = 'email'\nhost = 'h'\nfrom = 'a@b'\nto = []\n", "alerts.channels[0].to must be a non-empty"),
    ("[[alerts.channels]]\ntype = 'slack'\nurl = 'https://h'\nmin_severity = 9\n", "min_severity must be 1 to 5, got 9"),
    ("[[alerts.channels]]\ntype = 'slack'\nurl = 'https://h'\nkinds = ['other']\n", "kinds: 'other' is not one of"),
    ("[alerts]\nmax_attempts = 0\n", "alerts.max_attempts must be positive"),
    ("[[notices.auto_publish]]\nkind = 'other'\n", "notices.auto_publish[0].kind must be one of outage, scam, complaint"),
    ("[brand\n", "not valid TOML"),
    ("[detection]\nembedding_model = 'no_such_model_anywhere'\n",
     "detection.embedding_model = 'no_such_model_anywhere' is neither a model directory nor an installed package"),
    ("[detection]\nmodel = 'x'\n", "unknown key detection.model"),
])
def test_errors_name_the_file_and_key(tmp_path, text, message):
    path = write(tmp_path, text)
    with pytest.raises(ConfigError) as error:
        load_settings(path)
    assert message in str(error.value)
    assert str(error.value).startswith(str(path))
    assert "\n" not in str(error.value)


def test_secrets_come_only_from_the_environment(tmp_path, monkeypatch):
    settings = load_settings(write(tmp_path, FULL))
    mastodon = settings.sources[1]
    monkeypatch.delenv("EARSHOT_MASTODON_TOKEN", raising=False)
    with pytest.raises(ConfigError, match="EARSHOT_MASTODON_TOKEN is not set"):
        mastodon.secret()
    monkeypatch.setenv("EARSHOT_MASTODON_TOKEN", "s3cret")
    assert mastodon.secret() == "s3cret"


def test_a_named_file_must_exist(tmp_path):
    with pytest.raises(ConfigError, match="configuration file not found"):
        load_settings(tmp_path / "missing.toml")
