"""The HTTP core every social connector shares: timeouts, retries, rate limits, typed errors.

- Explicit timeouts on every request (connect 5 s, read 20 s by default).
- Retries with exponential backoff and jitter on connect errors, timeouts, 408, 429 and 5xx.
- Rate limits are waited out, not hammered: a 429 waits for `Retry-After` (seconds or an HTTP date) or the
  platform's reset header (Bluesky `ratelimit-reset`, X `x-rate-limit-reset`: epoch seconds; Mastodon
  `X-RateLimit-Reset`: an ISO 8601 time), and a response saying no requests remain (`*-remaining: 0`) holds
  the *next* request until that reset. A reset further away than `max_wait_s` is an error for this tick
  (the next tick tries again) rather than a sleep of hours.
- Errors are typed and say which source and which call failed, never with a credential in them.
"""
from __future__ import annotations

import email.utils
import random
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import httpx

RETRY_STATUSES = frozenset({408, 429, 500, 502, 503, 504})
DEFAULT_TIMEOUT = httpx.Timeout(20.0, connect=5.0)


class ConnectorError(Exception):
    """A source could not be read or written this time: the message names the source and the call."""


class AuthError(ConnectorError):
    """The credentials were refused (401/403, or the platform's equivalent)."""


class RateLimited(ConnectorError):
    """The platform asks us to wait longer than we are willing to in one tick."""


class BadResponse(ConnectorError):
    """The platform answered, but not with what its API documents (status, content type or body)."""


class Unavailable(ConnectorError):
    """Retries exhausted on network errors or 5xx."""


@dataclass(frozen=True)
class RetryPolicy:
    attempts: int = 5              # tries per request on network errors, 408 and 5xx
    rate_limit_waits: int = 10     # 429s waited out per request before giving up
    base_delay_s: float = 0.5
    max_delay_s: float = 30.0
    max_wait_s: float = 900.0      # the longest rate-limit reset worth sleeping for within one tick


class ApiClient:
    """One platform's base URL and the retry rules; `source` names it in errors."""

    def __init__(self, base_url: str, source: str, retry: RetryPolicy = RetryPolicy(),
                 timeout: httpx.Timeout = DEFAULT_TIMEOUT, clock: Callable[[], float] = time.time):
        self.base_url = base_url.rstrip("/")
        self.source = source
        self.retry = retry
        self.clock = clock
        self._http = httpx.Client(base_url=self.base_url, timeout=timeout,
                                  headers={"User-Agent": "earshot (social care listening)"})
        self._not_before = 0.0  # epoch seconds: no request before this (a rate limit said so)

    def close(self) -> None:
        self._http.close()

    def request(self, method: str, path: str, *, what: str, **kwargs: Any) -> httpx.Response:
        """Send with retries; returns a 2xx response; raises a ConnectorError subclass otherwise.
        `what` says in words what the call was for ('list notifications'), for error messages."""
        failures = rate_waits = 0
        while True:
            self._wait_until(self._not_before)
            try:
                response = self._http.request(method, path, **kwargs)
            except (httpx.TimeoutException, httpx.NetworkError, httpx.RemoteProtocolError) as exc:
                failures += 1
                self._retry_or_give_up(failures, what, type(exc).__name__, f" ({self.base_url})")
                continue
            self._note_rate_limit(response)
            status = response.status_code
            if status < 300:
                return response
            if status == 429:
                rate_waits += 1
                reset = self._reset_at(response)
                if rate_waits > self.retry.rate_limit_waits:
                    raise RateLimited(f"{self.source}: {what}: still rate limited after {rate_waits - 1} waits")
                if reset is None:
                    self._not_before = self.clock() + self._backoff(rate_waits)
                elif reset - self.clock() > self.retry.max_wait_s:
                    raise RateLimited(f"{self.source}: {what}: rate limited until "
                                      f"{datetime.fromtimestamp(reset).isoformat(timespec='seconds')}, "
                                      f"later than {self.retry.max_wait_s:.0f} s from now; next tick retries")
                else:
                    self._not_before = max(self._not_before, reset)
                continue
            if status in RETRY_STATUSES:
                failures += 1
                self._retry_or_give_up(failures, what, f"HTTP {status}")
                continue
            detail = _error_detail(response)
            if status == 401:
                raise AuthError(f"{self.source}: {what}: HTTP 401 (credentials refused){detail}")
            if status == 403:  # valid credentials without the right (a scope, or an API plan's access level)
                raise AuthError(f"{self.source}: {what}: HTTP 403 (not allowed for these credentials){detail}")
            raise BadResponse(f"{self.source}: {what}: HTTP {status}{detail}")

    def _retry_or_give_up(self, failures: int, what: str, cause: str, where: str = "") -> None:
        """After a failed attempt: wait the backoff before the next, or raise once attempts are spent."""
        if failures >= self.retry.attempts:
            raise Unavailable(f"{self.source}: {what}: {cause} after {failures} attempts{where}")
        time.sleep(self._backoff(failures))

    def json(self, method: str, path: str, *, what: str, **kwargs: Any) -> dict[str, Any]:
        """`request`, and the body as a JSON object; a body that is not one is a BadResponse."""
        response = self.request(method, path, what=what, **kwargs)
        return parse_json_object(response, f"{self.source}: {what}")

    # ---- rate limits --------------------------------------------------------------------------------
    def _note_rate_limit(self, response: httpx.Response) -> None:
        """A response saying no requests remain in the window holds the next request until its reset."""
        remaining = _first_header(response, "ratelimit-remaining", "x-rate-limit-remaining", "x-ratelimit-remaining")
        if remaining is not None and remaining.strip() == "0":
            reset = self._reset_at(response)
            if reset is not None and reset - self.clock() <= self.retry.max_wait_s:
                self._not_before = max(self._not_before, reset)

    def _reset_at(self, response: httpx.Response) -> float | None:
        """Epoch seconds the platform says to wait until, from Retry-After or its reset header."""
        retry_after = response.headers.get("retry-after")
        if retry_after:
            value = retry_after.strip()
            if value.isdigit():
                return self.clock() + int(value)
            try:
                return email.utils.parsedate_to_datetime(value).timestamp()
            except (TypeError, ValueError):
                pass
        reset = _first_header(response, "ratelimit-reset", "x-rate-limit-reset", "x-ratelimit-reset")
        if reset:
            value = reset.strip()
            try:
                return float(value)
            except ValueError:
                pass
            try:
                return datetime.fromisoformat(value.replace("Z", "+00:00")).timestamp()
            except ValueError:
                return None
        return None

    def _wait_until(self, at: float) -> None:
        delay = at - self.clock()
        if delay > 0:
            time.sleep(delay)

    def _backoff(self, attempt: int) -> float:
        """Exponential backoff with jitter (half to all of it): clients retrying together never march in step."""
        ceiling = min(self.retry.max_delay_s, self.retry.base_delay_s * 2 ** (attempt - 1))
        return random.uniform(ceiling / 2, ceiling)


def parse_json(response: httpx.Response, where: str) -> Any:
    """The body of a JSON response; another content type or a broken body is a BadResponse."""
    content_type = response.headers.get("content-type", "")
    if "json" not in content_type:
        raise BadResponse(f"{where}: expected JSON, got content type {content_type or 'none'!r}")
    try:
        return response.json()
    except ValueError:
        raise BadResponse(f"{where}: the response body is not valid JSON ({len(response.content)} bytes)") from None


def parse_json_object(response: httpx.Response, where: str) -> dict[str, Any]:
    body = parse_json(response, where)
    if not isinstance(body, dict):
        raise BadResponse(f"{where}: expected a JSON object, got {type(body).__name__}")
    return body


def _first_header(response: httpx.Response, *names: str) -> str | None:
    for name in names:
        value = response.headers.get(name)
        if value is not None:
            return value
    return None


def _error_detail(response: httpx.Response) -> str:
    """The platform's own error words, short: ': ExpiredToken: Token has expired'."""
    try:
        body = response.json()
    except ValueError:
        return ""
    if not isinstance(body, dict):
        return ""
    words = [str(body[k])[:120] for k in ("error", "message", "error_description", "title", "detail", "reason") if body.get(k)]
    return ": " + ": ".join(words) if words else ""
