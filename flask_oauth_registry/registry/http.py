"""Pooled HTTP sessions for remote apps: keep-alive, timeouts, no cookies, capped reads.

One :class:`requests.Session` per remote app carries every call to that provider,
so TCP and TLS connections are reused across requests and threads.  Cookies set by
a provider are never stored: a session is shared by all users of the app, and one
user's cookies must not reach another user's request.  For the same reason
``~/.netrc`` is never consulted: its password would replace the token we send.
The environment (proxy variables, ``REQUESTS_CA_BUNDLE``) is read once per
origin, not on every call.  Every protocol answer is read by
:func:`read_protocol_answer`: capped and time-bounded from the network, at once
from a test double (a patched ``Session.send``).
"""

from __future__ import annotations

import json
import os
import threading
import time
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
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
from urllib3 import response as urllib3_response

from .._version import __version__
from .errors import (
    BadResponseError,
    ConfigurationError,
    ConnectionFailedError,
    OAuthError,
    RequestTimeoutError,
    TransportError,
)

#: The most bytes read from a protocol response (token, metadata, JWKS, userinfo).
MAX_PROTOCOL_BODY = 1024 * 1024

DEFAULT_USER_AGENT = f"flask-oauth-registry/{__version__}"

#: Where a compliance fix may hook in: requests-oauthlib's ``OAuth2Session`` points, plus
#: Authlib's revocation and introspection ones (``compliance_fix=`` is Authlib's keyword).
COMPLIANCE_HOOK_TYPES: tuple[str, ...] = (
    "access_token_request",
    "access_token_response",
    "refresh_token_request",
    "refresh_token_response",
    "protected_request",
    "revoke_token_request",
    "introspect_token_request",
)


class HookSet(dict[Callable[..., Any], None]):
    """The hooks of one type: a set (``add``, ``discard``, like the libraries' ``set``) run in registration order."""

    def add(self, hook: Callable[..., Any]) -> None:
        self[hook] = None

    def discard(self, hook: Callable[..., Any]) -> None:
        self.pop(hook, None)


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
        #: requests-oauthlib's attribute: the hooks of each type (see :meth:`register_compliance_hook`).
        self.compliance_hook: dict[str, HookSet] = {hook_type: HookSet() for hook_type in COMPLIANCE_HOOK_TYPES}
        self._hook_token = threading.local()  # the token of the API call whose hooks run in this thread

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

    # -- compliance hooks (requests-oauthlib's names and signatures) ---------------------
    def register_compliance_hook(self, hook_type: str, hook: Callable[..., Any]) -> None:
        """Run ``hook`` at ``hook_type``, as :meth:`requests_oauthlib.OAuth2Session.register_compliance_hook`.

        ``*_request`` hooks take and return ``(url, headers, data)``; ``*_response``
        hooks take and return the :class:`requests.Response`, before the token is
        parsed from it.  This is what lets ``compliance_fix=`` accept
        ``requests_oauthlib.compliance_fixes``.
        """
        if hook_type not in self.compliance_hook:
            raise ConfigurationError(
                f"unknown compliance hook type {hook_type!r}; known are {', '.join(COMPLIANCE_HOOK_TYPES)}"
            )
        self.compliance_hook[hook_type].add(hook)

    def fix_request(self, hook_type: str, url: str, headers: Any, data: Any) -> tuple[str, Any, Any]:
        """Pass ``(url, headers, data)`` through the ``hook_type`` hooks, in order."""
        for hook in list(self.compliance_hook[hook_type]):
            url, headers, data = hook(url, headers, data)
        return url, headers, data

    def fix_response(self, hook_type: str, response: requests.Response) -> requests.Response:
        """Pass a provider's answer through the ``hook_type`` hooks, in order.

        A hook that fails on the answer (a fix expecting JSON given an HTML error
        page) makes it a :class:`BadResponseError`, like any unreadable answer.
        """
        for hook in list(self.compliance_hook[hook_type]):
            try:
                response = hook(response)
            except OAuthError:
                raise
            except Exception as exc:
                name = getattr(hook, "__qualname__", type(hook).__name__)
                raise BadResponseError(
                    description=f"the {hook_type} compliance hook {name} failed on the provider's answer"
                ) from exc
        return response

    @contextmanager
    def token_in_use(self, token: Mapping[str, Any] | None) -> Iterator[None]:
        """Expose ``token`` as :attr:`token` / :attr:`access_token` to hooks run in this thread."""
        previous = getattr(self._hook_token, "value", None)
        self._hook_token.value = token
        try:
            yield
        finally:
            self._hook_token.value = previous

    @property
    def token(self) -> Mapping[str, Any] | None:
        """The token of the API call whose ``protected_request`` hooks are running (requests-oauthlib's attribute)."""
        return getattr(self._hook_token, "value", None)

    @property
    def access_token(self) -> str | None:
        """``token["access_token"]``: what requests-oauthlib's fixes (Slack's, Instagram's) put on the request."""
        token = self.token
        return None if token is None else token.get("access_token")


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
        try:
            result = compliance_fix(session)
        except AttributeError as exc:
            # e.g. weibo_compliance_fix sets session._client, oauthlib's client object: we have none.
            what = f"the attribute {exc.name!r}" if exc.name else "an attribute"
            raise ConfigurationError(
                f"compliance_fix {getattr(compliance_fix, '__qualname__', 'callable')} uses {what} of "
                "requests-oauthlib's OAuth2Session that this session does not have; only "
                "register_compliance_hook(), compliance_hook, token and access_token are offered"
            ) from exc
        if isinstance(result, requests.Session) and result is not session:
            session = result
    return session


def send(
    session: requests.Session, method: str, url: str, *, purpose: str = "API call", **kwargs: Any
) -> requests.Response:
    """``session.request`` with transport failures turned into :class:`TransportError`.

    The message names the ``purpose`` ("token request", "discovery request"...) and
    the provider's host and port, so an operator knows which call to which server
    failed.  The rest of the URL is left out: its query may carry a token, its
    user part a password.
    """
    try:
        return session.request(method, url, **kwargs)
    except requests.Timeout as exc:
        raise RequestTimeoutError(description=f"the {purpose} to {origin_of(url)} timed out") from exc
    except requests.exceptions.ProxyError as exc:
        raise ConnectionFailedError(
            description=f"could not reach {origin_of(url)} through the proxy for the {purpose}"
        ) from exc
    except requests.exceptions.SSLError as exc:
        raise ConnectionFailedError(
            description=f"the TLS handshake with {origin_of(url)} failed for the {purpose}"
        ) from exc
    except requests.ConnectionError as exc:
        raise ConnectionFailedError(
            description=f"could not connect to {origin_of(url)} for the {purpose}"
        ) from exc
    except requests.RequestException as exc:
        raise TransportError(
            description=f"the {purpose} to {origin_of(url)} failed: {type(exc).__name__}"
        ) from exc


_DEFAULT_PORTS = {"https": 443, "http": 80}


def origin_of(url: Any) -> str:
    """``host:port`` of a URL, for messages: never its user, password, path or query."""
    try:
        parts = urlsplit(url)
        host = parts.hostname
        port = parts.port or _DEFAULT_PORTS.get(parts.scheme.lower())
    except (TypeError, ValueError, AttributeError):
        return "the provider"
    if not host:
        return "the provider"
    if ":" in host:  # IPv6 literal
        host = f"[{host}]"
    return f"{host}:{port}" if port else host


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


def read_capped(
    response: requests.Response, limit: int = MAX_PROTOCOL_BODY, timeout: Any = None, what: str = "provider's answer"
) -> bytes:
    """The body of a ``stream=True`` response, refusing one larger than ``limit``.

    A protocol message is small; a provider (or something in between) that sends
    megabytes is broken or hostile, and we stop reading instead of buffering it.
    ``timeout`` (the call's timeout) bounds the whole body, not each socket read, so
    a provider dripping bytes cannot hold a worker for longer than the read timeout.
    ``what`` names the answer in error messages.
    """
    try:
        declared = int(response.headers.get("Content-Length", "0") or 0)
    except ValueError:
        declared = 0
    budget = read_deadline(timeout)
    deadline = None if budget is None else time.monotonic() + budget
    try:
        if declared > limit:
            raise BadResponseError(description=f"the {what} is larger than {limit} bytes")
        chunks = []
        size = 0
        for chunk in _body_chunks(response):
            size += len(chunk)
            if size > limit:
                raise BadResponseError(description=f"the {what} is larger than {limit} bytes")
            chunks.append(chunk)
            if deadline is not None and time.monotonic() > deadline:
                raise RequestTimeoutError(description=f"the {what} took longer than {budget:g} s to arrive")
        body = b"".join(chunks)
    except (requests.Timeout, urllib3_exceptions.ReadTimeoutError) as exc:
        raise RequestTimeoutError(description=f"reading the {what} timed out") from exc
    except (requests.RequestException, urllib3_exceptions.HTTPError, OSError) as exc:
        raise BadResponseError(description=f"the {what} was cut off") from exc
    finally:
        response.close()
    response._content = body  # later .json()/.text calls see the body we read
    return body


@dataclass(frozen=True)
class ProtocolAnswer:
    """A provider's answer to a protocol request (token, discovery, JWKS, userinfo...), read whole."""

    status: int
    #: The ``Content-Type`` header, ``""`` when there is none.
    content_type: str
    body: bytes

    @property
    def media_type(self) -> str:
        """The content type without parameters, lower case: ``"application/json"``."""
        return self.content_type.split(";")[0].strip().lower()


def read_protocol_answer(
    response: requests.Response, purpose: str, timeout: Any = None, limit: int = MAX_PROTOCOL_BODY
) -> ProtocolAnswer:
    """Status, content type and body of the answer to a protocol request; the one way such answers are read.

    A real response still on the wire is read with the size cap and the whole-body
    deadline (:func:`read_capped`).  Anything else (a body already read, or a test
    double such as ``MagicMock(spec=requests.Response)`` returned by a patched
    ``Session.send``, which has no socket to read) is read through its public
    surface at once, so a user's test suite never waits for a read timeout.
    """
    if _body_on_the_wire(response):
        body = read_capped(response, limit, timeout, f"answer to the {purpose} from {origin_of(response.url)}")
    else:
        body = _body_in_memory(response, purpose)
        if len(body) > limit:
            raise BadResponseError(description=f"the answer to the {purpose} is larger than {limit} bytes")
    status = getattr(response, "status_code", None)
    if isinstance(status, bool) or not isinstance(status, int):
        raise BadResponseError(description=f"the answer to the {purpose} has no HTTP status")
    return ProtocolAnswer(status, _header(response, "Content-Type"), body)


#: What urllib3 returns for a real HTTP exchange (``BaseHTTPResponse`` since urllib3 2).
_URLLIB3_RESPONSE: type = getattr(urllib3_response, "BaseHTTPResponse", urllib3_response.HTTPResponse)


def _body_on_the_wire(response: Any) -> bool:
    """Whether ``response`` is a real streamed response whose body urllib3 has not read yet.

    ``type()``, not ``isinstance``: ``MagicMock(spec=requests.Response)`` passes ``isinstance``.
    """
    return (
        issubclass(type(response), requests.Response)
        and response._content is False
        and isinstance(response.raw, _URLLIB3_RESPONSE)
    )


def _header(response: Any, name: str) -> str:
    """A response header, ``""`` when absent; a test double's non-string value counts as absent."""
    try:
        value = response.headers.get(name)
    except (AttributeError, TypeError):
        return ""
    return value if isinstance(value, str) else ""


def _public_attribute(response: Any, name: str) -> Any:
    try:
        return getattr(response, name)
    except (AttributeError, RuntimeError, requests.RequestException, OSError):
        # RuntimeError: requests' "content already consumed"; the others: a body that failed to arrive.
        return None


def _body_in_memory(response: Any, purpose: str) -> bytes:
    """The body of a response that is not on the wire: ``content``, else ``text``, else ``json()`` re-encoded.

    A ``MagicMock`` answers every attribute, so only a value of the right type counts:
    Authlib's own tests set just ``text`` or just ``json``.
    """
    content = _public_attribute(response, "content")
    if isinstance(content, bytes):
        return content
    text = _public_attribute(response, "text")
    if isinstance(text, str):
        return text.encode("utf-8")
    try:
        return json.dumps(response.json()).encode("utf-8")
    except RecursionError as exc:
        raise BadResponseError(description=f"the answer to the {purpose} is JSON nested too deeply") from exc
    except (AttributeError, TypeError, ValueError):
        return b""  # no usable body: the caller's parser says what was expected


def parse_json_object(body: bytes, what: str) -> dict[str, Any]:
    """Decode a JSON object or raise :class:`BadResponseError` saying what it was for."""
    try:
        value = json.loads(body)
    except RecursionError as exc:
        # Thousands of nested brackets exhaust the parser's stack: hostile, not a protocol message.
        raise BadResponseError(description=f"the {what} is JSON nested too deeply") from exc
    except (ValueError, UnicodeDecodeError) as exc:
        raise BadResponseError(description=f"the {what} is not valid JSON") from exc
    if not isinstance(value, dict):
        raise BadResponseError(description=f"the {what} is not a JSON object")
    return value
