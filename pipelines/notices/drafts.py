"""A notice's words: the template for its kind in the customers' language, filled with the incident's facts.

Templates are files, `{kind}.{lang}.txt` (Jinja2, plain text), so comms can edit them without touching
code: the built-in ones live next to this module, and files in `[notices] templates_dir` take precedence.
A language without a template of its kind gets the English one. Facts given to every template:
`brand`, `since` (the first message's time in the business-hours time zone), `codes` (error codes among
the incident's terms) and `impostors` (look-alike handles and domains among them).
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import jinja2

BUILT_IN = Path(__file__).resolve().parent / "templates"
NOTICE_KINDS = ("outage", "scam", "complaint")
_DOMAIN = re.compile(r"^(?:[a-z0-9-]+\.)+[a-z]{2,}$")


@dataclass(frozen=True)
class Facts:
    kind: str
    brand: str
    since: str
    codes: tuple[str, ...]
    impostors: tuple[str, ...]


def facts_of(kind: str, brand: str, terms: list[str], first_message_at: datetime, timezone: str) -> Facts:
    local = first_message_at.astimezone(ZoneInfo(timezone))
    handles = [t for t in terms if t.startswith("@")]
    domains = [t.removeprefix("domain:") for t in terms if t.startswith("domain:") or _DOMAIN.match(t)]
    impostors = tuple(handles + domains)
    codes = tuple(t.upper() for t in terms if any(c.isdigit() for c in t) and ":" not in t
                  and not t.startswith(("~", "#", "@")) and not _DOMAIN.match(t))
    return Facts(kind, brand, f"{local:%H:%M} {local.tzname()}", codes[:2], impostors[:2])


class Templates:
    def __init__(self, override_dir: Path | None = None):
        folders = [str(p) for p in (override_dir, BUILT_IN) if p is not None]
        self._env = jinja2.Environment(loader=jinja2.FileSystemLoader(folders), autoescape=False,
                                       undefined=jinja2.StrictUndefined, keep_trailing_newline=False)

    def render(self, facts: Facts, lang: str) -> tuple[str, str]:
        """(text, language of the template used)."""
        try:
            template, used = self._env.get_template(f"{facts.kind}.{lang}.txt"), lang
        except jinja2.TemplateNotFound:
            template, used = self._env.get_template(f"{facts.kind}.en.txt"), "en"
        text = template.render(brand=facts.brand, since=facts.since, codes=list(facts.codes),
                               impostors=list(facts.impostors))
        return " ".join(text.split()), used
