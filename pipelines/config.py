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


@dataclass(frozen=True)
class Settings:
    brand: str = "Voltra"
    sources: tuple[Source, ...] = (Source(platform="demo", name="demo"),)
    sla_first_response_minutes: int = 60
    business_hours: BusinessHours = field(default_factory=BusinessHours)
    languages: tuple[str, ...] = DEFAULT_LANGUAGES
    silent_after_minutes: int = 180   # [health]: a source with no new message for this long is 'silent'
    notice_templates_dir: Path | None = None  # [notices] templates_dir: templates that replace the built-in ones
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
_TOP_KEYS = {"brand", "sources", "sla", "business_hours", "languages", "health", "notices"}
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
    _no_unknown(notices, {"templates_dir"}, where, "notices.")
    templates_dir = _typed(notices, "templates_dir", str, where, "notices.")
    if templates_dir is not None:
        templates_path = (path.parent / templates_dir).resolve()
        if not templates_path.is_dir():
            raise ConfigError(f"{where}: notices.templates_dir: {templates_path} is not a directory")

    sources_raw = raw.get("sources", [{"platform": "demo"}])
    if not isinstance(sources_raw, list) or not all(isinstance(s, dict) for s in sources_raw):
        raise ConfigError(f"{where}: sources must be an array of tables ([[sources]])")
    sources = tuple(_parse_source(s, i, where) for i, s in enumerate(sources_raw))
    names = [s.name for s in sources]
    dupes = sorted({n for n in names if names.count(n) > 1})
    if dupes:
        raise ConfigError(f"{where}: sources: duplicate name {dupes[0]!r}; give each a distinct name")

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
