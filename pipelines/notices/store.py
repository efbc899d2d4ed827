"""Notices in the warehouse: drafted from incidents, edited, approved or rejected, every step audited.

One notice per (incident, publishing source, language): drafting is idempotent, so every tick may run it.
Languages are those of at least a fifth of the incident's inbound messages (its main one at least), so a
Czech scam wave gets a Czech warning and a mixed one a notice per language.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import duckdb

from connectors.limits import too_long
from pipelines.clients import PLATFORMS
from pipelines.config import Settings
from pipelines.errors import EarshotError
from pipelines.notices.drafts import NOTICE_KINDS, Templates, facts_of

MIN_LANGUAGE_SHARE = 0.2
PIPELINE = "earshot"   # the actor of steps the pipeline takes by itself


class NoticeError(EarshotError):
    pass


@dataclass(frozen=True)
class Notice:
    notice_id: str
    incident_id: str
    source: str
    platform: str
    lang: str
    text: str
    status: str
    created_at: datetime
    problem: str | None   # why it cannot be approved as it is


def audit(con: duckdb.DuckDBPyConnection, notice_id: str, action: str, actor: str, now: datetime,
          detail: str | None = None) -> None:
    con.execute("INSERT INTO notice_audit VALUES (?, ?, ?, ?, ?)", [notice_id, now, action, actor, detail])


def draft_notices(con: duckdb.DuckDBPyConnection, settings: Settings, now: datetime) -> int:
    """Draft the notices of every alertable incident that has none yet; returns how many were drafted."""
    channels = [s for s in settings.sources if s.platform in PLATFORMS]
    if not channels:
        return 0
    incidents = con.execute(f"""
        SELECT i.incident_id, i.kind, i.terms, i.first_message_at
        FROM incidents i
        WHERE i.kind IN ({", ".join("?" * len(NOTICE_KINDS))}) AND i.alerted_at IS NOT NULL AND i.merged_into IS NULL
          AND NOT EXISTS (SELECT 1 FROM notices n WHERE n.incident_id = i.incident_id)
        ORDER BY i.detected_at""", list(NOTICE_KINDS)).fetchall()
    templates = Templates(settings.notice_templates_dir)
    drafted = 0
    for incident_id, kind, terms, first_at in incidents:
        facts = facts_of(kind, settings.brand, list(terms or []), first_at, settings.business_hours.timezone)
        for lang in incident_languages(con, incident_id):
            text, template_lang = templates.render(facts, lang)
            for source in channels:
                notice_id = f"{incident_id}:{source.name}:{template_lang}"
                inserted = con.execute("""
                    INSERT INTO notices (notice_id, incident_id, platform, lang, text, status, created_at,
                                         source, problem, updated_at)
                    VALUES (?, ?, ?, ?, ?, 'draft', ?, ?, ?, ?) ON CONFLICT DO NOTHING""",
                    [notice_id, incident_id, source.platform, template_lang, text, now, source.name,
                     too_long(source.platform, text), now]).fetchone()[0]
                if inserted:
                    audit(con, notice_id, "drafted", PIPELINE, now, None if template_lang == lang else
                          f"no {kind} template in {lang!r}: drafted from the English one")
                    drafted += 1
    return drafted


def incident_languages(con: duckdb.DuckDBPyConnection, incident_id: str) -> list[str]:
    rows = con.execute("""
        SELECT coalesce(m.lang, 'en') AS lang, count(*) AS n
        FROM incident_messages im JOIN messages m ON m.platform = im.platform AND m.id = im.message_id
        WHERE im.incident_id = ? AND m.direction = 'inbound'
        GROUP BY 1 ORDER BY n DESC, lang""", [incident_id]).fetchall()
    total = sum(n for _, n in rows)
    return [lang for i, (lang, n) in enumerate(rows) if i == 0 or n >= MIN_LANGUAGE_SHARE * total]


def auto_approve(con: duckdb.DuckDBPyConnection, settings: Settings, now: datetime) -> list[str]:
    """Approve the drafts that an `[[notices.auto_publish]]` rule covers (kind, and at least its severity);
    returns their ids. A draft with a problem (too long) waits for a person."""
    approved = []
    for rule in settings.auto_publish:
        rows = con.execute("""
            SELECT n.notice_id FROM notices n JOIN incidents i USING (incident_id)
            WHERE n.status = 'draft' AND n.problem IS NULL AND i.kind = ? AND i.severity >= ?
            ORDER BY n.notice_id""", [rule.kind, rule.min_severity]).fetchall()
        actor = f"{PIPELINE} (auto_publish: {rule.kind}, severity >= {rule.min_severity})"
        approved += [approve(con, notice_id, actor, now).notice_id for (notice_id,) in rows]
    return approved


def get_notice(con: duckdb.DuckDBPyConnection, notice_id: str) -> Notice:
    row = con.execute("""SELECT notice_id, incident_id, source, platform, lang, text, status, created_at, problem
                         FROM notices WHERE notice_id = ?""", [notice_id]).fetchone()
    if row is None:
        raise NoticeError(f"notice {notice_id!r} does not exist (earshot notices list shows them)")
    return Notice(*row)


def _change_status(con: duckdb.DuckDBPyConnection, notice_id: str, allowed_from: tuple[str, ...], to: str,
                   actor: str, now: datetime, extra_sql: str = "", extra: list | None = None) -> Notice:
    notice = get_notice(con, notice_id)
    if notice.status not in allowed_from:
        raise NoticeError(f"notice {notice_id!r} is {notice.status}; only a notice that is "
                          f"{' or '.join(allowed_from)} can be {to}")
    con.execute("BEGIN TRANSACTION")
    con.execute(f"UPDATE notices SET status = ?, updated_at = ?{extra_sql} WHERE notice_id = ?",
                [to, now, *(extra or []), notice_id])
    audit(con, notice_id, to, actor, now)
    con.execute("COMMIT")
    return get_notice(con, notice_id)


def approve(con: duckdb.DuckDBPyConnection, notice_id: str, actor: str, now: datetime) -> Notice:
    """draft (or failed, to try again) -> approved; a text the platform would refuse cannot be approved."""
    problem = get_notice(con, notice_id).problem
    if problem:
        raise NoticeError(f"notice {notice_id!r} cannot be approved: {problem}")
    return _change_status(con, notice_id, ("draft", "failed"), "approved", actor, now,
                          ", approved_at = ?, approved_by = ?, error = NULL", [now, actor])


def reject(con: duckdb.DuckDBPyConnection, notice_id: str, actor: str, now: datetime) -> Notice:
    return _change_status(con, notice_id, ("draft", "approved", "failed"), "rejected", actor, now)


def edit(con: duckdb.DuckDBPyConnection, notice_id: str, text: str, actor: str, now: datetime) -> Notice:
    """A new text for a draft; the text before is kept in the audit trail."""
    notice = get_notice(con, notice_id)
    if notice.status != "draft":
        raise NoticeError(f"notice {notice_id!r} is {notice.status}; only a draft can be edited")
    text = text.strip()
    if not text:
        raise NoticeError(f"notice {notice_id!r}: the new text is empty")
    con.execute("BEGIN TRANSACTION")
    con.execute("UPDATE notices SET text = ?, problem = ?, updated_at = ? WHERE notice_id = ?",
                [text, too_long(notice.platform, text), now, notice_id])
    audit(con, notice_id, "edited", actor, now, notice.text)
    con.execute("COMMIT")
    return get_notice(con, notice_id)
