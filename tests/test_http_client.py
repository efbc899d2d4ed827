"""The shared HTTP core against a real local HTTP server that misbehaves on purpose: rate limits, 5xx
bursts, slow answers, wrong bodies. Real sockets and real waiting; only the delays are short."""
from __future__ import annotations

import json
import time
from collections.abc import Callable
from email.utils import formatdate

import pytest

from connectors.http import ApiClient, AuthError, BadResponse, RateLimited, RetryPolicy, Unavailable
from tests.fakes.server import JSON, FakeServer, Reply, Request

class ScriptedServer(FakeServer):
    """Answers each request with `script(n, now)`, n counting from 0; remembers when each arrived."""

    def __init__(self, script: Callable[[int, float], Reply]):
        self.script = script
        super().__init__()

    @property
    def arrivals(self) -> list[float]:
        return [request.at for request in self.requests]

    def answer(self, request: Request) -> Reply:
        return self.script(len(self.requests) - 1, request.at)


@pytest.fixture
def serve(start_fake) -> Callable[[Callable[[int, float], Reply]], ScriptedServer]:
    return lambda script: start_fake(ScriptedServer, script)


OK: Reply = (200, JSON, b'{"ok": true}', 0)
FAST = RetryPolicy(attempts=4, base_delay_s=0.01, max_delay_s=0.05, max_wait_s=10)


def client(server: ScriptedServer, retry: RetryPolicy = FAST, **kwargs) -> ApiClient:
    return ApiClient(server.url, "test-source", retry=retry, **kwargs)


@pytest.mark.parametrize("header", ["ratelimit-reset", "x-rate-limit-reset", "retry-after", "retry-after-date",
                                    "x-ratelimit-reset-iso"])
def test_a_storm_of_429s_is_waited_out_with_no_request_before_the_reset(serve, header):
    reset = time.time() + 2.0
    values = {"ratelimit-reset": ("ratelimit-reset", f"{reset:.3f}"),             # Bluesky: epoch seconds
              "x-rate-limit-reset": ("x-rate-limit-reset", f"{reset:.3f}"),       # X: epoch seconds
              "retry-after": ("Retry-After", "2"),                                # seconds
              "retry-after-date": ("Retry-After", formatdate(reset + 1, usegmt=True)),  # an HTTP date
              "x-ratelimit-reset-iso": ("X-RateLimit-Reset",                      # Mastodon: ISO 8601
                                        time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(reset + 1)) + ".000Z")}
    name, value = values[header]

    def script(n: int, now: float) -> Reply:
        # Everything sent before the reset is refused (a storm), whatever the client does.
        return OK if now >= reset else (429, {**JSON, name: value}, b'{"error": "RateLimitExceeded"}', 0)

    server = serve(script)
    started = time.time()
    assert client(server).json("GET", "/x", what="list things") == {"ok": True}
    assert len(server.arrivals) == 2, "one refused request, then one after the reset: no hammering"
    assert server.arrivals[1] >= reset
    assert time.time() - started < 4.5  # waited for the advertised reset, not a backoff of its own


def test_a_reset_too_far_away_is_an_error_for_this_tick_not_a_long_sleep(serve):
    server = serve(lambda n, now: (429, {**JSON, "Retry-After": "3600"}, b"{}", 0))
    started = time.time()
    with pytest.raises(RateLimited, match="test-source: list things: rate limited until"):
        client(server).json("GET", "/x", what="list things")
    assert len(server.arrivals) == 1 and time.time() - started < 1


def test_no_requests_remaining_holds_the_next_request_until_the_reset(serve):
    reset = time.time() + 1.5
    server = serve(lambda n, now: (200, {**JSON, "x-rate-limit-remaining": "0" if n == 0 else "99",
                                         "x-rate-limit-reset": f"{reset:.3f}"}, b"{}", 0))
    api = client(server)
    api.json("GET", "/x", what="first")
    api.json("GET", "/x", what="second")
    assert server.arrivals[1] >= reset


def test_a_5xx_burst_is_retried_with_backoff(serve):
    server = serve(lambda n, now: OK if n >= 2 else (503 if n == 0 else 502, JSON, b"{}", 0))
    assert client(server).json("GET", "/x", what="read") == {"ok": True}
    assert len(server.arrivals) == 3


def test_endless_5xx_ends_in_one_clear_error(serve):
    server = serve(lambda n, now: (500, JSON, b'{"error": "InternalServerError"}', 0))
    with pytest.raises(Unavailable, match=r"^test-source: read: HTTP 500 after 4 attempts$"):
        client(server).json("GET", "/x", what="read")
    assert len(server.arrivals) == 4


def test_a_slow_server_times_out_and_is_retried(serve):
    import httpx
    server = serve(lambda n, now: (OK[0], OK[1], OK[2], 1.0 if n == 0 else 0))
    api = client(server, timeout=httpx.Timeout(0.3, connect=1.0))
    assert api.json("GET", "/x", what="read") == {"ok": True}
    assert len(server.arrivals) == 2


@pytest.mark.parametrize("reply, error", [
    ((200, {"Content-Type": "text/html"}, b"<html>maintenance</html>", 0), "expected JSON, got content type 'text/html'"),
    ((200, JSON, b'{"notifications": [{"uri": "at://x', 0), "not valid JSON"),
    ((200, JSON, b"[1, 2]", 0), "expected a JSON object, got list"),
    ((400, JSON, b'{"error": "InvalidRequest", "message": "bad cursor"}', 0), "HTTP 400: InvalidRequest: bad cursor"),
])
def test_broken_answers_are_typed_errors_naming_the_call(serve, reply, error):
    server = serve(lambda n, now: reply)
    with pytest.raises(BadResponse, match="^test-source: read notifications: ") as caught:
        client(server).json("GET", "/x", what="read notifications")
    assert error in str(caught.value) and len(server.arrivals) == 1


def test_refused_credentials_are_an_auth_error_at_once(serve):
    server = serve(lambda n, now: (401, JSON, json.dumps({"error": "AuthenticationRequired"}).encode(), 0))
    with pytest.raises(AuthError, match="credentials refused"):
        client(server).json("GET", "/x", params={"token": "s3cret"}, what="read")
    assert len(server.arrivals) == 1


def test_an_unreachable_server_is_unavailable_after_retries():
    api = ApiClient("http://127.0.0.1:9", "test-source", retry=FAST)  # port 9 (discard): refused
    with pytest.raises(Unavailable, match=r"test-source: read: ConnectError after 4 attempts"):
        api.json("GET", "/x", what="read")
