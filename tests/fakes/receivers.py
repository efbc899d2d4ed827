"""What receives alerts, run for real on 127.0.0.1: a Slack incoming webhook, a JSON webhook receiver that
verifies the HMAC signature the way a customer's server would, and an SMTP server (aiosmtpd) with
STARTTLS and AUTH."""
from __future__ import annotations

import hashlib
import hmac
import json
import socket
import ssl
import subprocess
import time
from email import message_from_bytes
from email.message import Message
from pathlib import Path
from typing import Any

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, Envelope, LoginPassword

from tests.fakes.server import FakeServer, Reply, Request

TEXT = {"Content-Type": "text/plain; charset=utf-8"}
HOOK_PATH = "/services/T000/B000/XXXX"   # the secret part of a Slack webhook URL


def text_reply(status: int, text: str) -> Reply:
    return status, TEXT, text.encode(), 0.0


class SlackWebhook(FakeServer):
    """Answers as Slack's incoming webhooks do: 200 `ok`, 404 `no_service` for an unknown hook, 400
    `invalid_payload` for a body without text."""

    def __init__(self) -> None:
        super().__init__()
        self.posted: list[dict[str, Any]] = []

    def answer(self, request: Request) -> Reply:
        if request.path != HOOK_PATH:
            return text_reply(404, "no_service")
        try:
            body = request.json()
        except ValueError:
            return text_reply(400, "invalid_payload")
        if not isinstance(body, dict) or not body.get("text"):
            return text_reply(400, "invalid_payload")
        self.posted.append(body)
        return text_reply(200, "ok")


class SignedWebhook(FakeServer):
    """A receiver that keeps only what it can prove came from the holder of `secret`, recently."""

    def __init__(self, secret: str, tolerance_s: float = 300) -> None:
        super().__init__()
        self.secret, self.tolerance_s = secret.encode(), tolerance_s
        self.verified: list[dict[str, Any]] = []
        self.refused: list[str] = []

    def answer(self, request: Request) -> Reply:
        timestamp = request.headers.get("x-earshot-timestamp", "")
        sent = request.headers.get("x-earshot-signature", "")
        expected = "sha256=" + hmac.new(self.secret, f"{timestamp}.".encode() + request.body,
                                        hashlib.sha256).hexdigest()
        if not hmac.compare_digest(sent, expected):
            self.refused.append("bad signature")
            return text_reply(401, "bad signature")
        if not timestamp.isdigit() or abs(time.time() - int(timestamp)) > self.tolerance_s:
            self.refused.append("stale timestamp")
            return text_reply(400, "stale timestamp")
        self.verified.append({"alert_id": request.headers.get("x-earshot-alert-id"), **json.loads(request.body)})
        return text_reply(204, "")


class _Inbox:
    def __init__(self) -> None:
        self.messages: list[tuple[Envelope, Message]] = []

    async def handle_DATA(self, server: Any, session: Any, envelope: Envelope) -> str:
        self.messages.append((envelope, message_from_bytes(envelope.original_content or envelope.content)))
        return "250 Message accepted for delivery"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def self_signed_certificate(folder: Path) -> tuple[Path, Path]:
    """A certificate for 127.0.0.1 (openssl), which the client trusts as its `ca_file`."""
    cert, key = folder / "smtp-cert.pem", folder / "smtp-key.pem"
    subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1", "-subj",
                    "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1", "-keyout", str(key),
                    "-out", str(cert)], check=True, capture_output=True)
    return cert, key


class SmtpServer:
    """aiosmtpd on 127.0.0.1: STARTTLS required and AUTH (user `care`, password `s3cret`) when `folder` is
    given for the certificate; plain SMTP otherwise."""

    USER, PASSWORD = "care", "s3cret"

    def __init__(self, folder: Path | None = None) -> None:
        self.inbox = _Inbox()
        self.cert: Path | None = None
        options: dict[str, Any] = {}
        if folder is not None:
            self.cert, key = self_signed_certificate(folder)
            context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
            context.load_cert_chain(self.cert, key)
            options = {"tls_context": context, "require_starttls": True, "auth_required": True,
                       "auth_require_tls": True, "authenticator": self._authenticate}
        self.port = free_port()   # aiosmtpd connects to its own port to check it is up: it cannot be 0
        self.controller = Controller(self.inbox, hostname="127.0.0.1", port=self.port, **options)
        self.controller.start()

    def _authenticate(self, server: Any, session: Any, envelope: Any, mechanism: str, data: Any) -> AuthResult:
        ok = isinstance(data, LoginPassword) and data.login.decode() == self.USER \
            and data.password.decode() == self.PASSWORD
        return AuthResult(success=ok, handled=False)

    @property
    def messages(self) -> list[tuple[Envelope, Message]]:
        return self.inbox.messages

    def close(self) -> None:
        self.controller.stop()
