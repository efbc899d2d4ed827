"""Sending one alert to the care team: a Slack-compatible incoming webhook, a signed JSON webhook, or email.

Plain clients, like the social connectors: they take an `Alert` and raise `DeliveryError` when it did not
arrive. Deciding what to send, when, and retrying is the pipeline's job (pipelines/alerts).

The JSON webhook is signed so the receiver can check it came from Earshot and was not replayed:
  X-Earshot-Timestamp: unix seconds when sent
  X-Earshot-Signature: sha256=<hex HMAC-SHA256 of "<timestamp>.<raw body>" with the shared secret>
  X-Earshot-Alert-Id:  the same for every retry of one alert (a receiver that saw it already can drop it)
A receiver recomputes the HMAC over the raw bytes it received, compares in constant time, and refuses a
timestamp more than a few minutes old.
"""
from __future__ import annotations

import hashlib
import hmac
import smtplib
import ssl
import time
from dataclasses import asdict, dataclass, field
from datetime import datetime
from email.message import EmailMessage
from email.utils import formatdate, make_msgid

import httpx
import orjson

TIMEOUT = httpx.Timeout(10.0, connect=5.0)
SIGNATURE_HEADER = "X-Earshot-Signature"
TIMESTAMP_HEADER = "X-Earshot-Timestamp"
ALERT_ID_HEADER = "X-Earshot-Alert-Id"
# Statuses worth trying again later; any other refusal (404 no_service, 400 invalid_payload, 401) will not
# change by itself, so it fails the alert at once and says why.
RETRYABLE_STATUSES = frozenset({408, 409, 425, 429, 500, 502, 503, 504})
EVENT_WORDS = {"opened": "new", "escalated": "escalated", "resolved": "resolved", "reopened": "back",
               "reclassified": "reclassified as"}


class DeliveryError(Exception):
    """The alert did not arrive; `retryable` says whether trying again later may help."""

    def __init__(self, message: str, retryable: bool = True):
        super().__init__(message)
        self.retryable = retryable


@dataclass(frozen=True)
class Sample:
    at: datetime
    platform: str
    author: str
    text: str
    url: str | None


@dataclass(frozen=True)
class Alert:
    alert_id: str
    event: str                 # opened, escalated, reclassified, resolved, withdrawn, reopened
    event_at: datetime
    incident_id: str
    kind: str
    severity: int
    title: str
    terms: list[str]
    message_count: int
    author_count: int
    langs: list[str]
    platforms: list[str]
    first_message_at: datetime
    brand: str
    link: str | None           # the incident on the dashboard
    samples: list[Sample] = field(default_factory=list)

    @property
    def headline(self) -> str:
        if self.event == "withdrawn":   # its kind is now 'other': say that the earlier alert no longer holds
            return f"[{self.brand}] alert withdrawn, no longer looks like a problem: {self.title}"
        return f"[{self.brand}] {EVENT_WORDS.get(self.event, self.event)} {self.kind} incident, " \
               f"severity {self.severity}/5: {self.title}"

    def body_text(self) -> str:
        """The alert as plain text: the email body and the chat fallback."""
        lines = [self.headline, "",
                 f"Messages: {self.message_count} from {self.author_count} authors "
                 f"({', '.join(self.platforms)}; languages {', '.join(self.langs) or '?'})",
                 f"Since: {self.first_message_at:%Y-%m-%d %H:%M} UTC; {self.event} at {self.event_at:%Y-%m-%d %H:%M} UTC",
                 f"Terms: {', '.join(self.terms[:8])}"]
        if self.samples:
            lines += ["", "What customers say:"]
            lines += [f"- {s.author} on {s.platform}: {s.text}" for s in self.samples]
        if self.link:
            lines += ["", f"Open in Earshot: {self.link}"]
        return "\n".join(lines)

    def as_json(self) -> bytes:
        return orjson.dumps(asdict(self), option=orjson.OPT_UTC_Z)


def send_slack(url: str, alert: Alert) -> None:
    """Slack's incoming-webhook payload (`text` plus blocks); Mattermost and Rocket.Chat read the same."""
    facts = (f"*Messages:* {alert.message_count} from {alert.author_count} authors · "
             f"*Platforms:* {', '.join(alert.platforms)} · *Languages:* {', '.join(alert.langs) or '?'}\n"
             f"*Terms:* {', '.join(alert.terms[:8])}")
    blocks: list[dict] = [
        {"type": "header", "text": {"type": "plain_text", "text": alert.headline[:150]}},
        {"type": "section", "text": {"type": "mrkdwn", "text": facts}},
    ]
    if alert.samples:
        quoted = "\n".join(f"> {_slack_escape(s.text)} (_{_slack_escape(s.author)}, {s.platform}_)"
                           for s in alert.samples)
        blocks.append({"type": "section", "text": {"type": "mrkdwn", "text": quoted}})
    if alert.link:
        blocks.append({"type": "actions", "elements": [
            {"type": "button", "text": {"type": "plain_text", "text": "Open in Earshot"}, "url": alert.link}]})
    _post(url, orjson.dumps({"text": alert.body_text(), "blocks": blocks}), {}, "Slack webhook")


def signature(secret: str, timestamp: str, body: bytes) -> str:
    digest = hmac.new(secret.encode(), timestamp.encode() + b"." + body, hashlib.sha256).hexdigest()
    return f"sha256={digest}"


def send_webhook(url: str, secret: str, alert: Alert) -> None:
    body = alert.as_json()
    timestamp = str(int(time.time()))
    headers = {SIGNATURE_HEADER: signature(secret, timestamp, body), TIMESTAMP_HEADER: timestamp,
               ALERT_ID_HEADER: alert.alert_id}
    _post(url, body, headers, "webhook")


@dataclass(frozen=True)
class Smtp:
    host: str
    port: int
    sender: str
    recipients: tuple[str, ...]
    starttls: bool = True
    ca_file: str | None = None         # a private CA for the relay's certificate; the system's CAs otherwise
    username: str | None = None
    password: str | None = None


def send_email(smtp: Smtp, alert: Alert) -> None:
    message = EmailMessage()
    message["Subject"] = alert.headline
    message["From"] = smtp.sender
    message["To"] = ", ".join(smtp.recipients)
    message["Date"] = formatdate(localtime=False)
    message["Message-ID"] = make_msgid(idstring=alert.alert_id.replace(":", "."), domain="earshot")
    # Every alert of one incident threads under the same root in the team's mail client.
    message["References"] = f"<incident.{alert.incident_id}@earshot>"
    message["X-Earshot-Alert-Id"] = alert.alert_id
    message.set_content(alert.body_text())
    where = f"SMTP {smtp.host}:{smtp.port}"
    try:
        with smtplib.SMTP(smtp.host, smtp.port, timeout=TIMEOUT.connect * 2) as client:
            if smtp.starttls:
                client.starttls(context=ssl.create_default_context(cafile=smtp.ca_file))
            if smtp.username:
                client.login(smtp.username, smtp.password or "")
            refused = client.send_message(message)
    except smtplib.SMTPAuthenticationError as exc:
        raise DeliveryError(f"{where}: login refused ({exc.smtp_code})", retryable=False) from None
    except smtplib.SMTPNotSupportedError as exc:
        raise DeliveryError(f"{where}: {exc}", retryable=False) from None
    except smtplib.SMTPResponseException as exc:
        # 4xx is the server asking to try later; 5xx is a refusal
        raise DeliveryError(f"{where}: {exc.smtp_code} {exc.smtp_error.decode(errors='replace')[:200]}",
                            retryable=exc.smtp_code < 500) from None
    except smtplib.SMTPRecipientsRefused as exc:
        raise DeliveryError(f"{where}: every recipient refused: {', '.join(exc.recipients)}", retryable=False) from None
    except ssl.SSLError as exc:   # a certificate that does not verify will not start verifying by itself
        raise DeliveryError(f"{where}: TLS: {exc.reason or exc}", retryable=False) from None
    except (OSError, smtplib.SMTPException) as exc:   # connection refused, timeout, dropped connection
        raise DeliveryError(f"{where}: {type(exc).__name__}: {exc}") from None
    if refused:
        raise DeliveryError(f"{where}: recipients refused: {', '.join(sorted(refused))}", retryable=False)


def _post(url: str, body: bytes, headers: dict[str, str], what: str) -> None:
    where = f"{what} {httpx.URL(url).host}"   # never the whole URL: a Slack webhook's path is its secret
    try:
        response = httpx.post(url, content=body, timeout=TIMEOUT,
                              headers={"Content-Type": "application/json", **headers})
    except httpx.HTTPError as exc:
        raise DeliveryError(f"{where}: {type(exc).__name__}") from None
    if response.status_code >= 300:
        raise DeliveryError(f"{where}: HTTP {response.status_code} {response.text[:200].strip()}",
                            retryable=response.status_code in RETRYABLE_STATUSES)


def _slack_escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
