"""Pooled HTTP sessions for remote apps: keep-alive, timeouts, no cookies, capped reads.

One :class:`requests.Session` per remote app carries every call to that provider,
so TCP and TLS connections are reused across requests and threads.  Cookies set by
a provider are never stored: a session is shared by all users of the app, and one
user's cookies must not reach another user's request.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from http.cookiejar import CookiePolicy, DefaultCookiePolicy
from typing import Any

import requests
from requests.adapters import HTTPAdapter

from .._version import __version__
from .errors import BadResponseError, ConnectionFailedError, RequestTimeoutError, TransportError

#: The most bytes read from a protocol response (token, metadata, JWKS, userinfo).
MAX_PROTOCOL_BODY = 1024 * 1024

DEFAULT_USER_AGENT = f"flask-oauth-registry/{__version__}"


class _RefuseAllCookies(DefaultCookiePolicy):
    """A cookie policy that neither stores nor sends any cookie."""

    def set_ok(self, cookie: Any, request: Any) -> bool:
        return False

    def return_ok(self, cookie: Any, request: Any) -> bool:
        return False


def build_session(
    user_agent: str | None = None,
    compliance_fix: Callable[[requests.Session], Any] | None = None,
    pool_maxsize: int = 32,
) -> requests.Session:
    """A keep-alive session with a pool big enough for a threaded server's workers."""
    session = requests.Session()
    policy: CookiePolicy = _RefuseAllCookies()
    session.cookies.set_policy(policy)
    session.headers["User-Agent"] = user_agent or DEFAULT_USER_AGENT
    adapter = HTTPAdapter(pool_connections=4, pool_maxsize=pool_maxsize)
    session.mount("https://", adapter)
    session.mount("http://", adapter)
    if compliance_fix is not None:
        result = compliance_fix(session)
        if isinstance(result, requests.Session) and result is not session:
            session = result
    return session


def send(session: requests.Session, method: str, url: str, **kwargs: Any) -> requests.Response:
    """``session.request`` with transport failures turned into :class:`TransportError`.

    The URL is not put into the message: it may carry a token in its query.
    """
    try:
        return session.request(method, url, **kwargs)
    except requests.Timeout as exc:
        raise RequestTimeoutError(description=f"{method} to the provider timed out") from exc
    except requests.ConnectionError as exc:
        raise ConnectionFailedError(description=f"could not connect to the provider for {method}") from exc
    except requests.RequestException as exc:
        raise TransportError(description=f"{method} to the provider failed: {type(exc).__name__}") from exc


def read_capped(response: requests.Response, limit: int = MAX_PROTOCOL_BODY) -> bytes:
    """The body of a ``stream=True`` response, refusing one larger than ``limit``.

    A protocol message is small; a provider (or something in between) that sends
    megabytes is broken or hostile, and we stop reading instead of buffering it.
    """
    try:
        declared = int(response.headers.get("Content-Length", "0") or 0)
    except ValueError:
        declared = 0
    try:
        if declared > limit:
            raise BadResponseError(description=f"the provider's answer is larger than {limit} bytes")
        chunks = []
        size = 0
        for chunk in response.iter_content(65536):
            size += len(chunk)
            if size > limit:
                raise BadResponseError(description=f"the provider's answer is larger than {limit} bytes")
            chunks.append(chunk)
        body = b"".join(chunks)
    except requests.Timeout as exc:
        raise RequestTimeoutError(description="reading the provider's answer timed out") from exc
    except requests.RequestException as exc:
        raise BadResponseError(description="the provider's answer was cut off") from exc
    finally:
        response.close()
    response._content = body  # later .json()/.text calls see the body we read
    return body


def parse_json_object(body: bytes, what: str) -> dict[str, Any]:
    """Decode a JSON object or raise :class:`BadResponseError` saying what it was for."""
    try:
        value = json.loads(body)
    except (ValueError, UnicodeDecodeError) as exc:
        raise BadResponseError(description=f"the {what} is not valid JSON") from exc
    if not isinstance(value, dict):
        raise BadResponseError(description=f"the {what} is not a JSON object")
    return value
