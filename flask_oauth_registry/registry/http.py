"""Pooled HTTP sessions for remote apps: keep-alive, timeouts, no cookies, capped reads.

One :class:`requests.Session` per remote app carries every call to that provider,
so TCP and TLS connections are reused across requests and threads.  Cookies set by
a provider are never stored: a session is shared by all users of the app, and one
user's cookies must not reach another user's request.  For the same reason
``~/.netrc`` is never consulted: its password would replace the token we send.
The environment (proxy variables, ``REQUESTS_CA_BUNDLE``) is read once per
origin, not on every call.
"""

from __future__ import annotations

import json
import os
import threading
import time
from collections.abc import Callable, Iterator
from http.cookiejar import CookiePolicy, DefaultCookiePolicy
from typing import Any
from urllib.parse import urlsplit

import requests
from requests.adapters import HTTPAdapter
from requests.auth import HTTPBasicAuth
from requests.models import PreparedRequest
from requests.sessions import merge_setting
from requests.utils import get_auth_from_url, get_environ_proxies
from urllib3 import exceptions as urllib3_exceptions

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


def _credentials_in_url_only(request: PreparedRequest) -> PreparedRequest:
    """The session's default auth: what requests does without one, minus ``~/.netrc``.

    Credentials written in the URL still become HTTP Basic, as in plain requests.
    """
    if request.url and "@" in urlsplit(request.url).netloc:
        username, password = get_auth_from_url(request.url)
        if username or password:
            return HTTPBasicAuth(username, password)(request)
    return request


class ProviderSession(requests.Session):
    """A :class:`requests.Session` for one provider: environment read once per origin, no ``~/.netrc``.

    requests scans every environment variable twice per request to find proxy
    settings (``getproxies_environment``); on a loopback call with a typical
    environment that was a third of the client's time.  The answer only depends on
    the URL's scheme and host, so it is kept per origin.  What requests honours is
    unchanged (``*_proxy``/``no_proxy``, ``REQUESTS_CA_BUNDLE``, ``CURL_CA_BUNDLE``,
    per-call and session settings winning as before), except that a variable changed
    after an origin's first call is not seen by this session.

    requests also reads ``~/.netrc`` on every call without ``auth=`` and, when it has
    an entry for the host, replaces our ``Authorization`` header (the bearer token or
    client credentials) with that password.  A session-level auth that stands in for
    "none" turns that off, and redirects never add it back.  A per-call ``auth=``
    (OAuth 1 signing) still wins.
    """

    #: Origins remembered per session; a provider has a handful, so this is never reached in practice.
    MAX_ORIGINS = 128

    def __init__(self) -> None:
        super().__init__()
        self._environment: dict[tuple[str, str, str | None], tuple[dict[str, str], str | None]] = {}
        self._environment_lock = threading.Lock()
        self.auth = _credentials_in_url_only

    def _environment_for(self, url: str, no_proxy: str | None) -> tuple[dict[str, str], str | None]:
        parts = urlsplit(url)
        key = (parts.scheme, parts.netloc, no_proxy)
        found = self._environment.get(key)
        if found is None:
            ca_bundle = os.environ.get("REQUESTS_CA_BUNDLE") or os.environ.get("CURL_CA_BUNDLE") or None
            found = (get_environ_proxies(url, no_proxy=no_proxy), ca_bundle)
            with self._environment_lock:
                if len(self._environment) >= self.MAX_ORIGINS:
                    self._environment.clear()
                self._environment[key] = found
        return found

    def merge_environment_settings(
        self, url: Any, proxies: Any, stream: Any, verify: Any, cert: Any
    ) -> Any:
        """:meth:`requests.Session.merge_environment_settings`, with the environment part cached."""
        if not self.trust_env:
            return super().merge_environment_settings(url, proxies, stream, verify, cert)
        no_proxy = proxies.get("no_proxy") if proxies is not None else None
        env_proxies, ca_bundle = self._environment_for(url, no_proxy)
        if proxies is not None:
            for key, value in env_proxies.items():
                proxies.setdefault(key, value)
        if (verify is True or verify is None) and ca_bundle:
            verify = ca_bundle
        return {
            "proxies": merge_setting(proxies, self.proxies),
            "stream": merge_setting(stream, self.stream),
            "verify": merge_setting(verify, self.verify),
            "cert": merge_setting(cert, self.cert),
        }

    def rebuild_auth(self, prepared_request: PreparedRequest, response: requests.Response) -> None:
        """On a redirect to another host drop ``Authorization``, as requests does; never add ``~/.netrc``'s."""
        headers = prepared_request.headers
        original = response.request
        if (
            "Authorization" in headers and original is not None and original.url and prepared_request.url
            and self.should_strip_auth(original.url, prepared_request.url)
        ):
            del headers["Authorization"]


def build_session(
    user_agent: str | None = None,
    compliance_fix: Callable[[requests.Session], Any] | None = None,
    pool_maxsize: int = 32,
) -> requests.Session:
    """A keep-alive session with a pool big enough for a threaded server's workers."""
    session: requests.Session = ProviderSession()
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


def read_deadline(timeout: Any) -> float | None:
    """Seconds a whole protocol answer may take to arrive: the read part of ``timeout``."""
    if isinstance(timeout, tuple | list):
        timeout = timeout[1] if len(timeout) > 1 else None
    return float(timeout) if isinstance(timeout, int | float) and timeout > 0 else None


def _body_chunks(response: requests.Response) -> Iterator[bytes]:
    """The body as it arrives: with urllib3 2's ``read1``, whatever one socket read gives."""
    read1 = getattr(response.raw, "read1", None)
    if read1 is None:  # urllib3 1.x: chunks of up to 64 KiB
        yield from response.iter_content(65536)
        return
    while True:
        chunk = read1(65536, decode_content=True)
        if not chunk:
            return
        yield chunk


def read_capped(response: requests.Response, limit: int = MAX_PROTOCOL_BODY, timeout: Any = None) -> bytes:
    """The body of a ``stream=True`` response, refusing one larger than ``limit``.

    A protocol message is small; a provider (or something in between) that sends
    megabytes is broken or hostile, and we stop reading instead of buffering it.
    ``timeout`` (the call's timeout) bounds the whole body, not each socket read, so
    a provider dripping bytes cannot hold a worker for longer than the read timeout.
    """
    try:
        declared = int(response.headers.get("Content-Length", "0") or 0)
    except ValueError:
        declared = 0
    budget = read_deadline(timeout)
    deadline = None if budget is None else time.monotonic() + budget
    try:
        if declared > limit:
            raise BadResponseError(description=f"the provider's answer is larger than {limit} bytes")
        chunks = []
        size = 0
        for chunk in _body_chunks(response):
            size += len(chunk)
            if size > limit:
                raise BadResponseError(description=f"the provider's answer is larger than {limit} bytes")
            chunks.append(chunk)
            if deadline is not None and time.monotonic() > deadline:
                raise RequestTimeoutError(description=f"the provider's answer took longer than {budget:g} s to arrive")
        body = b"".join(chunks)
    except (requests.Timeout, urllib3_exceptions.ReadTimeoutError) as exc:
        raise RequestTimeoutError(description="reading the provider's answer timed out") from exc
    except (requests.RequestException, urllib3_exceptions.HTTPError, OSError) as exc:
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
