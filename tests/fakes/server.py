"""A local HTTP server on 127.0.0.1 that plays a platform's API for connector tests, over real sockets.

Subclasses answer requests (`answer`) from their own state. Around that, every fake can:
- record each request (method, path, query, headers, body, arrival time) in `requests`;
- serve queued `faults` instead of the real answer, in order (5xx bursts, slow or malformed bodies, 429s);
- enforce a rate limit of `rate_limit = (requests, window seconds)`: every answer carries the platform's
  limit headers, and a request past the limit gets 429 until the window resets;
- call `before_reply(n, request)` as request n arrives (a test kills the client there).
"""
from __future__ import annotations

import json
import threading
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlsplit

# (status, headers, body bytes, seconds to stall before answering)
Reply = tuple[int, dict[str, str], bytes, float]
JSON = {"Content-Type": "application/json; charset=utf-8"}


@dataclass(frozen=True)
class Request:
    method: str
    path: str
    query: dict[str, list[str]]
    headers: dict[str, str]
    body: bytes
    at: float

    def param(self, name: str, default: str | None = None) -> str | None:
        values = self.query.get(name)
        return values[0] if values else default

    def json(self) -> Any:
        return json.loads(self.body or b"null")


def json_reply(status: int, body: Any, headers: dict[str, str] | None = None) -> Reply:
    return status, {**JSON, **(headers or {})}, json.dumps(body).encode(), 0.0


class FakeServer:
    def __init__(self) -> None:
        self.requests: list[Request] = []
        self.faults: deque[Reply] = deque()
        self.before_reply: Callable[[int, Request], None] | None = None
        self.rate_limit: tuple[int, float] | None = None
        self.replies: list[int] = []          # the status of each answer, in order
        self._window: tuple[float, int] = (0.0, 0)   # (reset epoch, requests used in the window)
        self._lock = threading.Lock()
        server = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def _serve(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                parts = urlsplit(self.path)
                request = Request(self.command, parts.path, parse_qs(parts.query),
                                  {k.lower(): v for k, v in self.headers.items()}, self.rfile.read(length), time.time())
                status, headers, body, stall = server._reply(request)
                time.sleep(stall)
                try:
                    self.send_response(status)
                    for name, value in headers.items():
                        self.send_header(name, value)
                    self.send_header("Content-Length", str(len(body)))
                    self.end_headers()
                    self.wfile.write(body)
                except (BrokenPipeError, ConnectionResetError):
                    pass  # the client is gone (it timed out, or a test killed it)

            do_GET = do_POST = do_DELETE = _serve

            def log_message(self, *args: object) -> None:
                pass

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}"
        threading.Thread(target=self.httpd.serve_forever, daemon=True).start()

    def _reply(self, request: Request) -> Reply:
        with self._lock:
            self.requests.append(request)
            if self.before_reply:
                self.before_reply(len(self.requests), request)
            limit_headers, limited = self._count_against_limit(request.at)
            if limited:
                reply = json_reply(429, {"error": "Too many requests"})
            elif self.faults:
                reply = self.faults.popleft()
            else:
                reply = self.answer(request)
            self.replies.append(reply[0])
            return reply[0], {**reply[1], **limit_headers}, reply[2], reply[3]

    def _count_against_limit(self, now: float) -> tuple[dict[str, str], bool]:
        if not self.rate_limit:
            return {}, False
        allowed, seconds = self.rate_limit
        reset, used = self._window
        if now >= reset:
            reset, used = now + seconds, 0
        used += 1
        self._window = (reset, used)
        return self.rate_headers(allowed, max(0, allowed - used), reset), used > allowed

    def rate_headers(self, limit: int, remaining: int, reset: float) -> dict[str, str]:
        raise NotImplementedError

    def answer(self, request: Request) -> Reply:
        raise NotImplementedError

    def close(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()
