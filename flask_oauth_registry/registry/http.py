"""Pooled HTTP sessions for remote apps: keep-alive, timeouts, no cookies, transport errors named.

One :class:`requests.Session` per remote app carries every call to that provider,
so TCP and TLS connections are reused across requests and threads.  Cookies set by
a provider are never stored: a session is shared by all users of the app, and one
user's cookies must not reach another user's request.  For the same reason
``~/.netrc`` is never consulted: its password would replace the token we send.
The environment (proxy variables, ``REQUESTS_CA_BUNDLE``) is read once per
origin, not on every call.  Answers are read by :mod:`.answers`.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Callable, Mapping
from http.cookiejar import CookiePolicy, DefaultCookiePolicy
from typing import Any
from urllib.parse import urlsplit

import requests
from requests.adapters import HTTPAdapter
from requests.auth import HTTPBasicAuth
from requests.models import PreparedRequest
from requests.sessions import merge_setting
from requests.utils import get_auth_from_url, get_environ_proxies

from .._version import __version__
from .compliance_hooks import ComplianceHooks, HookSet
from .errors import ConfigurationError, ConnectionFailedError, RequestTimeoutError, TransportError

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
        self.compliance = ComplianceHooks()
        #: requests-oauthlib's attribute: the hooks of each type (see :meth:`register_compliance_hook`).
        self.compliance_hook: dict[str, HookSet] = self.compliance.by_type

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

    def share_environment_cache(self, other: ProviderSession) -> None:
        """Let ``other`` (a short-lived session to the same provider) use this session's per-origin cache.

        What the environment says about an origin does not depend on the session, and
        a new session would otherwise scan the environment again on its first call.
        """
        other._environment, other._environment_lock = self._environment, self._environment_lock

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

    # -- requests-oauthlib's compliance-hook surface, kept by :attr:`compliance` ----------
    def register_compliance_hook(self, hook_type: str, hook: Callable[..., Any]) -> None:
        """Run ``hook`` at ``hook_type``, as :meth:`requests_oauthlib.OAuth2Session.register_compliance_hook`.

        ``*_request`` hooks take and return ``(url, headers, data)``; ``*_response``
        hooks take and return the :class:`requests.Response`, before the token is
        parsed from it.  This is what lets ``compliance_fix=`` accept
        ``requests_oauthlib.compliance_fixes``.
        """
        self.compliance.register(hook_type, hook)

    @property
    def token(self) -> Mapping[str, Any] | None:
        """The token of the API call whose ``protected_request`` hooks are running (requests-oauthlib's attribute)."""
        return self.compliance.token

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
                description=f"compliance_fix {getattr(compliance_fix, '__qualname__', 'callable')} uses {what} of "
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
