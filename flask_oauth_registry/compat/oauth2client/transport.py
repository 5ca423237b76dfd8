"""oauth2client's HTTP contract: httplib2-style ``http`` objects, and one backed by requests when none is given.

Everything that takes an ``http`` argument accepts what oauth2client accepted:
an object whose ``request(uri, method="GET", body=None, headers=None,
redirections=5, connection_type=None)`` returns ``(response, content)``, where
``response`` is a dict with an ``int`` ``status`` attribute and ``content`` bytes
(``httplib2.Http``, googleapiclient's ``HttpMock``...), or a bare callable with
that signature.  Without one, :func:`get_http_object` gives a :class:`RequestsHttp`:
the same protocol on a pooled, cookie-less :mod:`requests` session
(:mod:`flask_oauth_registry.registry.http`), safe to share between threads, which
``httplib2.Http`` is not.  httplib2 is never imported.

:func:`wrap_http_for_auth` is what ``credentials.authorize(http)`` does: it
replaces ``http.request`` in place with one that adds the bearer token and
refreshes on 401 (at most :data:`MAX_REFRESH_ATTEMPTS` times).
"""

from __future__ import annotations

import http.client
import logging
import threading
from collections.abc import Callable, Mapping
from typing import Any

import requests

from ...registry.config import DEFAULT_TIMEOUT
from ...registry.http import build_session, send
from ._errors import NonAsciiHeaderError

logger = logging.getLogger(__name__)

#: Statuses that make an authorized request refresh its token and try again.
REFRESH_STATUS_CODES = (http.client.UNAUTHORIZED,)
#: How many times one authorized request refreshes and retries before returning the 401.
MAX_REFRESH_ATTEMPTS = 2
#: httplib2's default number of redirects followed.
DEFAULT_REDIRECTIONS = 5

_session_lock = threading.Lock()
_cached_lock = threading.Lock()
_shared_session: requests.Session | None = None
_cached_http: RequestsHttp | None = None


class MemoryCache:
    """httplib2's cache interface kept in a dict (oauth2client's ``transport.MemoryCache``)."""

    def __init__(self) -> None:
        self.cache: dict[str, Any] = {}

    def get(self, key: str) -> Any:
        return self.cache.get(key)

    def set(self, key: str, value: Any) -> None:
        self.cache[key] = value

    def delete(self, key: str) -> None:
        self.cache.pop(key, None)


class HttpResponse(dict[str, str]):
    """httplib2's ``Response``: the headers as a dict with lower-case names, plus ``status`` and ``reason``."""

    def __init__(self, status: int, headers: Mapping[str, str] | None = None, reason: str = "") -> None:
        super().__init__({name.lower(): value for name, value in (headers or {}).items()})
        self.status = int(status)
        self.reason = reason or http.client.responses.get(self.status, "")
        self["status"] = str(self.status)

    def __repr__(self) -> str:
        return f"<HttpResponse status={self.status}>"


def _shared() -> requests.Session:
    global _shared_session
    with _session_lock:
        if _shared_session is None:
            _shared_session = build_session(user_agent=None)
        return _shared_session


class RequestsHttp:
    """An ``httplib2.Http`` look-alike on a shared, pooled requests session.

    ``timeout`` (seconds; default: connect 5 s, read 30 s), ``ca_certs`` (a CA bundle
    path) and ``disable_ssl_certificate_validation`` mean what they mean to httplib2;
    ``cache`` and the other httplib2 arguments are accepted and not used.  Transport
    failures raise :class:`~flask_oauth_registry.TransportError`, naming the host, never
    the URL's query.
    """

    def __init__(
        self,
        cache: Any = None,
        timeout: float | tuple[float, float] | None = None,
        proxy_info: Any = None,
        ca_certs: str | None = None,
        disable_ssl_certificate_validation: bool = False,
        **unused: Any,
    ) -> None:
        self.timeout = timeout if timeout is not None else DEFAULT_TIMEOUT
        self.verify: bool | str = ca_certs or True
        if disable_ssl_certificate_validation:
            self.verify = False
        self.session = _shared()

    def request(
        self,
        uri: str,
        method: str = "GET",
        body: Any = None,
        headers: Mapping[Any, Any] | None = None,
        redirections: int = DEFAULT_REDIRECTIONS,
        connection_type: Any = None,
    ) -> tuple[HttpResponse, bytes]:
        """Send the request; ``(response, content)`` as httplib2 returns them (no exception for 4xx/5xx)."""
        answer = send(
            self.session, method, uri, purpose="request", data=body, headers=_text_headers(headers),
            allow_redirects=redirections > 0, timeout=self.timeout, verify=self.verify,
        )
        return HttpResponse(answer.status_code, answer.headers, answer.reason or ""), answer.content

    def __repr__(self) -> str:
        return f"<{type(self).__name__}>"


def _text_headers(headers: Mapping[Any, Any] | None) -> dict[str, str]:
    def text(value: Any) -> str:
        return value.decode("latin-1") if isinstance(value, bytes) else str(value)

    return {text(name): text(value) for name, value in (headers or {}).items()}


def get_http_object(*args: Any, **kwargs: Any) -> RequestsHttp:
    """A new HTTP object (oauth2client returned ``httplib2.Http(*args, **kwargs)``)."""
    return RequestsHttp(*args, **kwargs)


def get_cached_http() -> RequestsHttp:
    """One shared HTTP object, for requests made without one (token refresh, revocation)."""
    global _cached_http
    with _cached_lock:
        if _cached_http is None:
            _cached_http = RequestsHttp()
        return _cached_http


def _initialize_headers(headers: Mapping[Any, Any] | None) -> dict[Any, Any]:
    return {} if headers is None else dict(headers)


def _apply_user_agent(headers: dict[Any, Any], user_agent: str | None) -> dict[Any, Any]:
    """Add ``user_agent`` in front of the request's own user-agent header."""
    if user_agent is not None:
        if "user-agent" in headers:
            headers["user-agent"] = f"{user_agent} {headers['user-agent']}"
        else:
            headers["user-agent"] = user_agent
    return headers


def clean_headers(headers: Mapping[Any, Any]) -> dict[bytes, bytes]:
    """The headers as ASCII bytes, as httplib2 wants them; :class:`NonAsciiHeaderError` names the bad header.

    oauth2client put the value in the message too; a header value may be a
    credential, so only the name is shown.
    """
    clean = {}
    for name, value in headers.items():
        name_text = name.decode("latin-1") if isinstance(name, bytes) else str(name)
        try:
            key = name if isinstance(name, bytes) else str(name).encode("ascii")
            clean[key] = value if isinstance(value, bytes) else str(value).encode("ascii")
        except UnicodeEncodeError:
            raise NonAsciiHeaderError(f"the header {name_text!r} is not ASCII") from None
    return clean


def request(
    http: Any,
    uri: str,
    method: str = "GET",
    body: Any = None,
    headers: Mapping[Any, Any] | None = None,
    redirections: int = DEFAULT_REDIRECTIONS,
    connection_type: Any = None,
) -> tuple[Any, bytes]:
    """Call ``http.request`` (or ``http`` itself when it is a callable); a fresh :class:`RequestsHttp` for ``None``."""
    if http is None:
        http = get_cached_http()
    send_request: Callable[..., tuple[Any, bytes]] = getattr(http, "request", http)
    return send_request(
        uri, method=method, body=body, headers=headers, redirections=redirections, connection_type=connection_type
    )


def wrap_http_for_auth(credentials: Any, http: Any) -> Any:
    """Make ``http`` send ``credentials``' bearer token, refreshing on 401; returns ``http``, changed in place.

    The request first gets a token when the credentials have none; a 401 makes
    it refresh and retry, at most :data:`MAX_REFRESH_ATTEMPTS` times, rewinding
    a seekable body.  ``http.request.credentials`` is the credentials.
    """
    original = http.request

    def new_request(
        uri: str,
        method: str = "GET",
        body: Any = None,
        headers: Mapping[Any, Any] | None = None,
        redirections: int = DEFAULT_REDIRECTIONS,
        connection_type: Any = None,
    ) -> tuple[Any, bytes]:
        if not credentials.access_token:
            logger.info("Attempting refresh to obtain initial access_token")
            credentials._refresh(original)
        position = _body_position(body)
        used = credentials.access_token
        response, content = _send_authorized(
            credentials, original, uri, method, body, headers, redirections, connection_type
        )
        for attempt in range(MAX_REFRESH_ATTEMPTS):
            if response.status not in REFRESH_STATUS_CODES:
                break
            logger.info("Refreshing due to a %s (attempt %s/%s)", response.status, attempt + 1, MAX_REFRESH_ATTEMPTS)
            # Threads that got a 401 for the same token share one refresh.
            credentials._refresh(original, stale_token=used)
            if position is not None:
                body.seek(position)
            used = credentials.access_token
            response, content = _send_authorized(
                credentials, original, uri, method, body, headers, redirections, connection_type
            )
        return response, content

    new_request.credentials = credentials  # type: ignore[attr-defined]
    http.request = new_request
    return http


def _send_authorized(
    credentials: Any, original: Any, uri: str, method: str, body: Any, headers: Mapping[Any, Any] | None,
    redirections: int, connection_type: Any,
) -> tuple[Any, bytes]:
    sent = _initialize_headers(headers)
    credentials.apply(sent)
    _apply_user_agent(sent, credentials.user_agent)
    return request(original, uri, method=method, body=body, headers=clean_headers(sent),
                   redirections=redirections, connection_type=connection_type)


def _body_position(body: Any) -> int | None:
    tell = getattr(body, "tell", None)
    if tell is None or not callable(getattr(body, "seek", None)):
        return None
    try:
        return int(tell())
    except (OSError, ValueError):
        return None


def wrap_http_for_jwt_access(credentials: Any, http: Any) -> Any:
    """Like :func:`wrap_http_for_auth`, for service-account credentials without scopes (self-signed JWTs).

    Each request's token is a JWT for the request URL's origin, made by the
    credentials' ``_jwt_for(uri)``; a 401 makes a fresh one once.
    """
    original = http.request

    def new_request(
        uri: str,
        method: str = "GET",
        body: Any = None,
        headers: Mapping[Any, Any] | None = None,
        redirections: int = DEFAULT_REDIRECTIONS,
        connection_type: Any = None,
    ) -> tuple[Any, bytes]:
        position = _body_position(body)
        response, content = _send_jwt(credentials, original, uri, method, body, headers, redirections,
                                      connection_type, fresh=False)
        if response.status in REFRESH_STATUS_CODES:
            if position is not None:
                body.seek(position)
            response, content = _send_jwt(credentials, original, uri, method, body, headers, redirections,
                                          connection_type, fresh=True)
        return response, content

    new_request.credentials = credentials  # type: ignore[attr-defined]
    http.request = new_request
    return http


def _send_jwt(
    credentials: Any, original: Any, uri: str, method: str, body: Any, headers: Mapping[Any, Any] | None,
    redirections: int, connection_type: Any, *, fresh: bool,
) -> tuple[Any, bytes]:
    sent = _initialize_headers(headers)
    sent["Authorization"] = "Bearer " + credentials._jwt_for(uri, fresh=fresh)
    _apply_user_agent(sent, credentials.user_agent)
    return request(original, uri, method=method, body=body, headers=clean_headers(sent),
                   redirections=redirections, connection_type=connection_type)
