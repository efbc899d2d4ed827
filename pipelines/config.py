"""Loads and validates `earshot.toml`.

Unknown keys and wrong types are errors naming the file and the key. Secrets are never in the file:
it names environment variables (`*_env` keys) and `Settings.secret()` reads them when needed.
"""
from __future__ import annotations

import os
import re
import tomllib
from dataclasses import dataclass, field
from datetime import date, time
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from detectors import reading
from detectors.alertable import ALERT_KINDS
from pipelines.errors import EarshotError

DEFAULT_CONFIG = Path("earshot.toml")
DEFAULT_DB = Path("data/earshot.duckdb")
WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
# Languages the detector chooses among when a platform gives none. A short, configurable list is both
# faster and more accurate than "any language on earth" (see benchmarks/langid_accuracy.py).
DEFAULT_LANGUAGES = ("en", "ru", "uk", "be", "cs", "sk", "pl", "de", "es", "fr", "it", "pt", "nl")


class ConfigError(EarshotError):
    pass


@dataclass(frozen=True)
class Source:
    platform: str
    name: str
    service: str | None = None
    handle: str | None = None
    user_id: str | None = None
    password_env: str | None = None
    token_env: str | None = None
    dms: bool = True          # x only: read direct messages (plans without DM access need false)
    search: tuple[str, ...] = ()  # bluesky only: also ingest posts matching these queries (untagged mentions)
    # demo source only
    seed: int = 7
    backfill_days: int = 14

    def secret(self) -> str:
        """The secret named by `password_env`/`token_env`, read from the environment now."""
        var = self.password_env or self.token_env
        if not var:
            raise ConfigError(f"source {self.name!r} names no password_env or token_env")
        value = os.environ.get(var)
        if not value:
            raise ConfigError(f"source {self.name!r}: environment variable {var} is not set")
        return value


@dataclass(frozen=True)
class BusinessHours:
    timezone: str = "UTC"
    days: tuple[str, ...] = ("mon", "tue", "wed", "thu", "fri")
    start: time = time(9, 0)
    end: time = time(17, 0)
    holidays: tuple[date, ...] = ()


ALERT_CHANNEL_TYPES = {"slack": ("url",), "webhook": ("url", "secret_env"), "email": ("host", "from", "to")}


@dataclass(frozen=True)
class AlertChannel:
    """One place alerts go (`[[alerts.channels]]`). Secrets (a Slack webhook's URL, the webhook's signing
    secret, the SMTP password) come from the environment variables named here."""
    name: str
    type: str                       # slack, webhook or email
    url: str | None = None          # slack, webhook: the address, or url_env naming a variable holding it
    url_env: str | None = None
    secret_env: str | None = None   # webhook: the HMAC-SHA256 signing secret
    host: str | None = None         # email: the SMTP relay
    port: int = 587
    starttls: bool = True
    ca_file: Path | None = None     # email: a private CA that signed the relay's certificate
    username_env: str | None = None
    password_env: str | None = None
    sender: str | None = None       # email: `from`
    to: tuple[str, ...] = ()
    min_severity: int = 1           # quieter channels (email) can take only the serious ones
    kinds: tuple[str, ...] = ALERT_KINDS

    def env(self, var: str | None) -> str | None:
        """The value of environment variable `var` (None if `var` is None); unset is an error now."""
        if var is None:
            return None
        value = os.environ.get(var)
        if not value:
            raise ConfigError(f"alert channel {self.name!r}: environment variable {var} is not set")
        return value

    def address(self) -> str:
        return self.url or self.env(self.url_env) or ""


@dataclass(frozen=True)
class AlertSettings:
    channels: tuple[AlertChannel, ...] = ()
    dashboard_url: str | None = "http://localhost:8501"   # alerts link to the incident's page there
    cooldown_minutes: int = 30   # after an alert, an incident's next state change waits this long (flapping)
    # An event found later than this after it happened (a backfill, a first run over history) is recorded
    # but not sent: the care team wants to hear about now, not last week.
    max_age_minutes: int = 180
    max_attempts: int = 8        # deliveries of one alert before it is given up as failed


@dataclass(frozen=True)
class AutoPublish:
    """`[[notices.auto_publish]]`: drafts of incidents of this kind and at least this severity are approved
    and published by the pipeline, without waiting for a person. Off unless configured."""
    kind: str
    min_severity: int


EXECUTORS = ("multiprocess", "celery")


@dataclass(frozen=True)
class Scale:
    """`[scale]`: pull sources on other processes or machines. Pulls write Parquet files into `landing`, a
    directory every worker and the warehouse's machine share (see pipelines/ingest/landing.py); only the
    loader on the warehouse's machine writes DuckDB. Off (pull straight into the warehouse) unless set."""
    landing: Path | None = None
    executor: str = "multiprocess"   # Dagster's executor for the `pull` job: multiprocess (one machine), celery
    broker: str | None = None        # celery: the broker's URL (filesystem:///shared/dir, redis://..., amqp://...)
    broker_env: str | None = None    # celery: or the environment variable holding it (a URL with a password)
    backend: str | None = None       # celery: where task results go (file:///shared/dir, redis://...)

    def broker_url(self) -> str:
        return (os.environ.get(self.broker_env) if self.broker_env else None) or self.broker or ""


@dataclass(frozen=True)
class Settings:
    brand: str = "Voltra"
    sources: tuple[Source, ...] = (Source(platform="demo", name="demo"),)
    sla_first_response_minutes: int = 60
    business_hours: BusinessHours = field(default_factory=BusinessHours)
    languages: tuple[str, ...] = DEFAULT_LANGUAGES
    silent_after_minutes: int = 180   # [health]: a source with no new message for this long is 'silent'
    notice_templates_dir: Path | None = None  # [notices] templates_dir: templates that replace the built-in ones
    auto_publish: tuple[AutoPublish, ...] = ()
    alerts: AlertSettings = field(default_factory=AlertSettings)
    scale: Scale = field(default_factory=Scale)
    embedding_model: str | None = None  # [detection]: a sentence-transformers model that reads the kind of
                                        # incidents' posts (detectors/reading.py); optional
    path: Path | None = None  # where it was loaded from; None for the built-in default


# key -> (type, required). Types are checked exactly; bool is not accepted where int is expected.
_SOURCE_KEYS: dict[str, tuple[type, bool]] = {
    "platform": (str, True),
    "name": (str, False),
    "service": (str, False),
    "handle": (str, False),
    "user_id": (str, False),
    "password_env": (str, False),
    "token_env": (str, False),
    "dms": (bool, False),
    "search": (list, False),
    "seed": (int, False),
    "backfill_days": (int, False),
}
_REQUIRED_BY_PLATFORM = {
    "bluesky": ("service", "handle", "password_env"),
    "mastodon": ("service", "token_env"),
    "x": ("service", "user_id", "token_env"),
}
_TOP_KEYS = {"brand", "sources", "sla", "business_hours", "languages", "health", "notices", "alerts", "scale",
             "detection"}
_CHANNEL_KEYS: dict[str, type] = {
    "name": str, "type": str, "url": str, "url_env": str, "secret_env": str, "host": str, "port": int,
    "starttls": bool, "ca_file": str, "username_env": str, "password_env": str, "from": str, "to": list,
    "min_severity": int, "kinds": list,
}
_PLATFORM_RE = re.compile(r"^[a-z][a-z0-9_-]*$")
_ENV_RE = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")


def load_settings(path: Path | str | None = None) -> Settings:
    """Settings from `path` (or EARSHOT_CONFIG, else ./earshot.toml); built-in defaults if that file
    does not exist and was not named explicitly."""
    explicit = path is not None or "EARSHOT_CONFIG" in os.environ
    path = Path(path or os.environ.get("EARSHOT_CONFIG") or DEFAULT_CONFIG)
    if not path.exists():
        if explicit:
            raise ConfigError(f"{path}: configuration file not found")
        return Settings()
    try:
        raw = tomllib.loads(path.read_text(encoding="utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise ConfigError(f"{path}: not valid TOML: {exc}") from None
    return parse_settings(raw, path)


def parse_settings(raw: dict[str, Any], path: Path) -> Settings:
    where = str(path)
    _no_unknown(raw, _TOP_KEYS, where, "")
    brand = _table(raw, "brand", where)
    _no_unknown(brand, {"name"}, where, "brand.")
    sla = _table(raw, "sla", where)
    _no_unknown(sla, {"first_response_minutes"}, where, "sla.")
    minutes = _typed(sla, "first_response_minutes", int, where, "sla.", default=60)
    if minutes <= 0:
        raise ConfigError(f"{where}: sla.first_response_minutes must be positive, got {minutes}")

    health = _table(raw, "health", where)
    _no_unknown(health, {"silent_after_minutes"}, where, "health.")
    silent = _typed(health, "silent_after_minutes", int, where, "health.", default=180)
    if silent <= 0:
        raise ConfigError(f"{where}: health.silent_after_minutes must be positive, got {silent}")

    notices = _table(raw, "notices", where)
    _no_unknown(notices, {"templates_dir", "auto_publish"}, where, "notices.")
    templates_dir = _typed(notices, "templates_dir", str, where, "notices.")
    if templates_dir is not None:
        templates_path = (path.parent / templates_dir).resolve()
        if not templates_path.is_dir():
            raise ConfigError(f"{where}: notices.templates_dir: {templates_path} is not a directory")

    sources_raw = _array_of_tables(raw.get("sources", [{"platform": "demo"}]), "sources", where)
    sources = tuple(_parse_source(s, i, where) for i, s in enumerate(sources_raw))
    _distinct_names([s.name for s in sources], "sources", where)

    detection = _table(raw, "detection", where)
    _no_unknown(detection, {"embedding_model"}, where, "detection.")
    embedding_model = _typed(detection, "embedding_model", str, where, "detection.") or None
    if embedding_model and (why := reading.missing(embedding_model)):
        raise ConfigError(f"{where}: detection.{why}")

    languages = raw.get("languages", list(DEFAULT_LANGUAGES))
    if not isinstance(languages, list) or not all(isinstance(x, str) for x in languages) or not languages:
        raise ConfigError(f"{where}: languages must be a non-empty array of ISO 639-1 codes")

    return Settings(
        brand=_typed(brand, "name", str, where, "brand.", default="Voltra"),
        sources=sources,
        sla_first_response_minutes=minutes,
        business_hours=_parse_business_hours(_table(raw, "business_hours", where), where),
        languages=tuple(x.lower() for x in languages),
        silent_after_minutes=silent,
        notice_templates_dir=templates_path if templates_dir is not None else None,
        auto_publish=_parse_auto_publish(notices.get("auto_publish", []), where),
        alerts=_parse_alerts(_table(raw, "alerts", where), path),
        scale=_parse_scale(_table(raw, "scale", where), path),
        embedding_model=embedding_model,
        path=path,
    )


def _parse_source(raw: dict[str, Any], index: int, where: str) -> Source:
    prefix = f"sources[{index}]."
    _no_unknown(raw, set(_SOURCE_KEYS), where, prefix)
    values: dict[str, Any] = {}
    for key, (kind, required) in _SOURCE_KEYS.items():
        if key in raw:
            values[key] = _typed(raw, key, kind, where, prefix)
        elif required:
            raise ConfigError(f"{where}: {prefix}{key} is required")
    platform = values["platform"]
    if not _PLATFORM_RE.match(platform):
        raise ConfigError(f"{where}: {prefix}platform must be a lowercase name, got {platform!r}")
    if "search" in values:
        if not all(isinstance(q, str) and q.strip() for q in values["search"]):
            raise ConfigError(f"{where}: {prefix}search must be an array of non-empty strings")
        values["search"] = tuple(q.strip() for q in values["search"])
    for key in ("password_env", "token_env"):
        if key in values and not _ENV_RE.match(values[key]):
            raise ConfigError(f"{where}: {prefix}{key} must name an environment variable, got {values[key]!r}")
    for key in _REQUIRED_BY_PLATFORM.get(platform, ()):
        if key not in values:
            raise ConfigError(f"{where}: {prefix}{key} is required for platform {platform!r}")
    values.setdefault("name", platform if not values.get("handle") else f"{platform}:{values['handle']}")
    return Source(**values)


def _parse_auto_publish(raw: Any, where: str) -> tuple[AutoPublish, ...]:
    p = "notices.auto_publish"
    rules = []
    for i, rule in enumerate(_array_of_tables(raw, p, where)):
        _no_unknown(rule, {"kind", "min_severity"}, where, f"{p}[{i}].")
        kind = _typed(rule, "kind", str, where, f"{p}[{i}].")
        if kind not in ALERT_KINDS:
            raise ConfigError(f"{where}: {p}[{i}].kind must be one of {', '.join(ALERT_KINDS)}, got {kind!r}")
        rules.append(AutoPublish(kind, _severity(rule, f"{p}[{i}].", where, default=5)))
    return tuple(rules)


def _parse_alerts(raw: dict[str, Any], path: Path) -> AlertSettings:
    where, p = str(path), "alerts."
    _no_unknown(raw, {"channels", "dashboard_url", "cooldown_minutes", "max_age_minutes", "max_attempts"}, where, p)
    numbers = {}
    for key, default in (("cooldown_minutes", 30), ("max_age_minutes", 180), ("max_attempts", 8)):
        numbers[key] = _typed(raw, key, int, where, p, default=default)
        if numbers[key] < (0 if key == "cooldown_minutes" else 1):
            raise ConfigError(f"{where}: {p}{key} must be positive, got {numbers[key]}")
    channels_raw = _array_of_tables(raw.get("channels", []), f"{p}channels", where)
    channels = tuple(_parse_channel(c, i, path) for i, c in enumerate(channels_raw))
    _distinct_names([c.name for c in channels], f"{p}channels", where)
    return AlertSettings(channels=channels, dashboard_url=_typed(raw, "dashboard_url", str, where, p,
                                                                 default="http://localhost:8501"), **numbers)


def _parse_channel(raw: dict[str, Any], index: int, path: Path) -> AlertChannel:
    where, p = str(path), f"alerts.channels[{index}]."
    _no_unknown(raw, set(_CHANNEL_KEYS), where, p)
    values = {key: _typed(raw, key, kind, where, p) for key, kind in _CHANNEL_KEYS.items() if key in raw}
    kind = values.get("type")
    if kind not in ALERT_CHANNEL_TYPES:
        raise ConfigError(f"{where}: {p}type must be one of {', '.join(ALERT_CHANNEL_TYPES)}, got {kind!r}")
    for key in ALERT_CHANNEL_TYPES[kind]:
        if key not in values and not (key == "url" and "url_env" in values):
            raise ConfigError(f"{where}: {p}{key} is required for a {kind} channel"
                              + (" (or url_env)" if key == "url" else ""))
    for key in ("url_env", "secret_env", "username_env", "password_env"):
        if key in values and not _ENV_RE.match(values[key]):
            raise ConfigError(f"{where}: {p}{key} must name an environment variable, got {values[key]!r}")
    if "url" in values and not re.match(r"^https?://[^/\s]+", values["url"]):
        raise ConfigError(f"{where}: {p}url must be an http(s) address, got {values['url']!r}")
    for key in ("to", "kinds"):
        if key in values and (not values[key] or not all(isinstance(v, str) and v for v in values[key])):
            raise ConfigError(f"{where}: {p}{key} must be a non-empty array of strings")
    unknown_kinds = sorted(set(values.get("kinds", ())) - set(ALERT_KINDS))
    if unknown_kinds:
        raise ConfigError(f"{where}: {p}kinds: {unknown_kinds[0]!r} is not one of {', '.join(ALERT_KINDS)}")
    if "ca_file" in values:
        values["ca_file"] = (path.parent / values["ca_file"]).resolve()
        if not values["ca_file"].is_file():
            raise ConfigError(f"{where}: {p}ca_file: {values['ca_file']} is not a file")
    values["min_severity"] = _severity(raw, p, where, default=1)
    values["sender"] = values.pop("from", None)
    values.setdefault("name", f"{kind}-{index + 1}")
    for key in ("to", "kinds"):
        if key in values:
            values[key] = tuple(values[key])
    return AlertChannel(**values)


_SCALE_KEYS = ("landing", "executor", "broker", "broker_env", "backend")   # all strings


def _parse_scale(raw: dict[str, Any], path: Path) -> Scale:
    where, p = str(path), "scale."
    _no_unknown(raw, set(_SCALE_KEYS), where, p)
    values = {key: _typed(raw, key, str, where, p) for key in _SCALE_KEYS}
    values = {key: value for key, value in values.items() if value is not None}
    if not values:
        return Scale()
    if "landing" not in values:
        raise ConfigError(f"{where}: scale.landing is required (the directory pulls write to)")
    landing = (path.parent / values.pop("landing")).resolve()
    executor = values.setdefault("executor", "multiprocess")
    if executor not in EXECUTORS:
        raise ConfigError(f"{where}: scale.executor must be one of {', '.join(EXECUTORS)}, got {executor!r}")
    if executor == "celery" and not ("broker" in values or "broker_env" in values):
        raise ConfigError(f"{where}: scale.broker (or scale.broker_env) is required for the celery executor")
    if executor != "celery" and {"broker", "broker_env", "backend"} & set(values):
        raise ConfigError(f"{where}: scale.broker, broker_env and backend apply to the celery executor only")
    if "broker_env" in values and not _ENV_RE.match(values["broker_env"]):
        raise ConfigError(f"{where}: scale.broker_env must name an environment variable, got {values['broker_env']!r}")
    return Scale(landing=landing, **values)


def _severity(raw: dict[str, Any], prefix: str, where: str, default: int) -> int:
    level = _typed(raw, "min_severity", int, where, prefix, default=default)
    if not 1 <= level <= 5:
        raise ConfigError(f"{where}: {prefix}min_severity must be 1 to 5, got {level}")
    return level


def _array_of_tables(value: Any, key: str, where: str) -> list[dict[str, Any]]:
    if not isinstance(value, list) or not all(isinstance(item, dict) for item in value):
        raise ConfigError(f"{where}: {key} must be an array of tables ([[{key}]])")
    return value


def _distinct_names(names: list[str], key: str, where: str) -> None:
    dupes = sorted({n for n in names if names.count(n) > 1})
    if dupes:
        raise ConfigError(f"{where}: {key}: duplicate name {dupes[0]!r}; give each a distinct name")


def _parse_business_hours(raw: dict[str, Any], where: str) -> BusinessHours:
    p = "business_hours."
    _no_unknown(raw, {"timezone", "days", "start", "end", "holidays"}, where, p)
    tz = _typed(raw, "timezone", str, where, p, default="UTC")
    try:
        ZoneInfo(tz)
    except (ZoneInfoNotFoundError, ValueError):
        raise ConfigError(f"{where}: {p}timezone: unknown time zone {tz!r}") from None
    days = raw.get("days", ["mon", "tue", "wed", "thu", "fri"])
    if not isinstance(days, list) or not all(isinstance(d, str) and d.lower() in WEEKDAYS for d in days):
        raise ConfigError(f"{where}: {p}days must be an array of {', '.join(WEEKDAYS)}")
    start = _clock(raw, "start", "09:00", where)
    end = _clock(raw, "end", "17:00", where)
    if end <= start:
        raise ConfigError(f"{where}: {p}end must be after {p}start")
    holidays_raw = raw.get("holidays", [])
    if not isinstance(holidays_raw, list):
        raise ConfigError(f"{where}: {p}holidays must be an array of dates")
    holidays = []
    for h in holidays_raw:
        try:
            holidays.append(h if isinstance(h, date) else date.fromisoformat(str(h)))
        except ValueError:
            raise ConfigError(f"{where}: {p}holidays: {h!r} is not a date (YYYY-MM-DD)") from None
    return BusinessHours(tz, tuple(d.lower() for d in days), start, end, tuple(holidays))


def _clock(raw: dict[str, Any], key: str, default: str, where: str) -> time:
    value = raw.get(key, default)
    if isinstance(value, time):
        return value
    try:
        return time.fromisoformat(str(value))
    except ValueError:
        raise ConfigError(f"{where}: business_hours.{key}: {value!r} is not a time (HH:MM)") from None


def _table(raw: dict[str, Any], key: str, where: str) -> dict[str, Any]:
    value = raw.get(key, {})
    if not isinstance(value, dict):
        raise ConfigError(f"{where}: {key} must be a table ([{key}])")
    return value


def _typed(raw: dict[str, Any], key: str, kind: type, where: str, prefix: str, default: Any = None) -> Any:
    if key not in raw:
        return default
    value = raw[key]
    if not isinstance(value, kind) or (kind is int and isinstance(value, bool)):
        raise ConfigError(
            f"{where}: {prefix}{key} must be {kind.__name__}, got {type(value).__name__} {value!r}"
        )
    return value


def _no_unknown(raw: dict[str, Any], allowed: set[str], where: str, prefix: str) -> None:
    unknown = sorted(set(raw) - allowed)
    if unknown:
        raise ConfigError(f"{where}: unknown key {prefix}{unknown[0]}")
