"""The one HTTP client every flag-service provider uses: timeouts, bounded retries, pagination
that cannot leave the service, and JSON responses read with their types checked.

Every failure is a FlagkeeperError whose message names the URL (never the credential, which
travels in a header only): the service cannot be reached, refuses the credential, answers with
an error status, or answers with something that is not the JSON its documentation describes.

Retries: a 429 waits as long as its Retry-After says (seconds or an HTTP date), at most
MAX_WAIT seconds at a time; a 502, 503 or 504, a timeout or a dropped connection waits a short,
growing delay. At most ATTEMPTS tries per request, then the last failure is the error.
"""

from __future__ import annotations

import email.utils
import json
import os
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any
from urllib.parse import urljoin, urlsplit

import httpx

from flagkeeper import __version__
from flagkeeper.errors import FlagkeeperError
from flagkeeper.registry.exports import JsonObject

ATTEMPTS = 5
MAX_WAIT = 60.0  # seconds one Retry-After may ask for; a longer one is an error, not a hang
MAX_PAGES = 10_000  # a service that keeps answering "next" is broken, not large
TIMEOUT = httpx.Timeout(30.0, connect=10.0)
_RETRIED_STATUSES = (502, 503, 504)


def credential(variable: str, what: str) -> str:
    """The credential in environment variable `variable`; unset or empty is an error saying what to set."""
    value = os.environ.get(variable, "").strip()
    if not value:
        raise FlagkeeperError(f"set the environment variable {variable} to {what}")
    return value


def connect(url: str | None, url_variable: str, default_url: str | None, credential_variable: str, what: str, scheme: str = "") -> ServiceClient:
    """A client for the service at `url`, else at environment variable `url_variable`, else at
    `default_url`; its credential from `credential_variable` sent as `Authorization: {scheme}{credential}`."""
    base = url or os.environ.get(url_variable) or default_url
    if not base:
        raise FlagkeeperError(f"give the service's URL with --url or the environment variable {url_variable}")
    return ServiceClient(base, {"Authorization": scheme + credential(credential_variable, what)}, credential_variable)


def _retry_after(response: httpx.Response) -> float:
    """Seconds a 429 asks to wait: Retry-After in seconds or as an HTTP date; 1 when it says nothing readable."""
    value = response.headers.get("Retry-After", "").strip()
    if value.isdigit():
        return float(value)
    try:
        moment = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError):
        return 1.0
    return max(0.0, moment.timestamp() - time.time())


@dataclass
class ServiceClient:
    """GETs JSON from one service (its base URL), with the credential in `headers`."""

    base_url: str
    headers: dict[str, str]
    credential_name: str | None = None  # the environment variable named when the service refuses the credential

    def __post_init__(self) -> None:
        self._client = httpx.Client(
            headers={"Accept": "application/json", "User-Agent": f"flagkeeper/{__version__}", **self.headers},
            timeout=TIMEOUT, follow_redirects=False,
        )  # fmt: skip
        self._origin = _origin(self.url(""))

    def __enter__(self) -> ServiceClient:
        return self

    def __exit__(self, *exception: object) -> None:
        self._client.close()

    def url(self, path: str) -> str:
        """`path` (absolute, or relative to the base URL) as an absolute URL."""
        return urljoin(self.base_url.rstrip("/") + "/", path.lstrip("/")) if "://" not in path else path

    def get(self, path: str, params: dict[str, Any] | None = None) -> JsonObject:
        """The JSON object at `path`; a failure is one FlagkeeperError naming the URL."""
        url = self.url(path)
        if _origin(url) != self._origin:  # a link in a response must not carry the credential elsewhere
            raise FlagkeeperError(f"{url}: the service links outside {self._origin}; not followed")
        response = self._send(url, params)
        shown = str(response.request.url)
        try:
            data = response.json()
        except (json.JSONDecodeError, UnicodeDecodeError) as error:
            raise FlagkeeperError(f"{shown}: the response is not JSON ({error})") from None
        if not isinstance(data, dict):
            raise FlagkeeperError(f"{shown}: unexpected response: expected a JSON object")
        return JsonObject(data, "", shown)

    def _send(self, url: str, params: dict[str, Any] | None) -> httpx.Response:
        for attempt in range(1, ATTEMPTS + 1):
            last = attempt == ATTEMPTS
            try:
                response = self._client.get(url, params=params)
            except httpx.TransportError as error:
                if last:
                    raise FlagkeeperError(f"{url}: cannot reach the service: {error or type(error).__name__}") from None
                time.sleep(0.5 * 2 ** (attempt - 1))
                continue
            if response.status_code == 429 and not last:
                wait = _retry_after(response)
                if wait > MAX_WAIT:
                    raise FlagkeeperError(f"{response.request.url}: rate limited; the service asks to wait {wait:.0f} s (more than {MAX_WAIT:.0f})")
                time.sleep(wait)
                continue
            if response.status_code in _RETRIED_STATUSES and not last:
                time.sleep(0.5 * 2 ** (attempt - 1))
                continue
            _raise_for_status(response, self.credential_name)
            return response
        raise AssertionError("unreachable: the last attempt returns or raises")

    def pages(self, path: str, params: dict[str, Any], next_page: Callable[[JsonObject, dict[str, Any]], str | dict[str, Any] | None]) -> Iterator[JsonObject]:
        """Every page from `path`: `next_page(page, params)` gives the next link, the next query, or None."""
        link: str | None = path
        query: dict[str, Any] | None = params
        for _ in range(MAX_PAGES):
            page = self.get(link or path, query)
            yield page
            following = next_page(page, query or {})
            if following is None:
                return
            link, query = (following, None) if isinstance(following, str) else (path, following)
        raise FlagkeeperError(f"{self.url(path)}: more than {MAX_PAGES} pages; stopped")


def next_link(page: JsonObject, params: dict[str, Any]) -> str | None:
    """The next page's URL in the page's `next` member (Flagsmith's and PostHog's pagination), for `pages`."""
    return page.text("next")


def _origin(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}"


def _raise_for_status(response: httpx.Response, credential_name: str | None) -> None:
    status = response.status_code
    if status < 300:
        return
    shown = f"{response.request.url}: HTTP {status} {response.reason_phrase}".rstrip()
    if status in (401, 403):
        hint = f": check {credential_name}" if credential_name else ""
        raise FlagkeeperError(f"{shown}: the service refused the credential{hint}")
    if 300 <= status < 400:
        raise FlagkeeperError(f"{shown}: redirected to {response.headers.get('Location', '?')}; give the final URL with --url")
    raise FlagkeeperError(shown)
