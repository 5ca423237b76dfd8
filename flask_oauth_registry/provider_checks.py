"""What ``flask oauth check`` and ``flask oauth providers`` report: provider checks and preset summaries.

A check looks at one registered remote app the way a login would: its discovery
document (reachable, issuer as its URL promises), the endpoints a login needs, its
redirect URI (https, or http on a loopback address, RFC 8252 section 7.3) and its
client id.  The checks are data (:class:`Check`); the only I/O is the app's own
``load_server_metadata()``, so they are tested with plain settings and a fake loader.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any, Protocol
from urllib.parse import urlsplit

from .flows.client_secrets import is_loopback_host
from .providers.base import ProviderPreset
from .registry.config import JWT_BEARER_GRANT, ClientConfig
from .registry.errors import IssuerMismatchError, OAuthError

OK, FAIL, SKIP = "OK", "FAIL", "SKIP"

#: Grants that get tokens without a user at a browser: no authorization endpoint is needed.
MACHINE_GRANTS = frozenset({"client_credentials", JWT_BEARER_GRANT})


@dataclass(frozen=True)
class Check:
    """The outcome of one check of one remote app: ``status`` is ``OK``, ``FAIL`` or ``SKIP`` (not applicable)."""

    app: str
    what: str
    status: str
    detail: str

    @property
    def failed(self) -> bool:
        return self.status == FAIL

    def line(self, app_width: int = 0) -> str:
        """``OK   google  discovery: reachable at https://...``: one line, the status first for grep."""
        return f"{self.status:<4} {self.app:<{app_width}}  {self.what}: {self.detail}"


class CheckedApp(Protocol):
    """What the checks need of a remote app: an OAuth2App, or an OAuth1App (``is_oauth2`` false, no metadata)."""

    config: ClientConfig
    is_oauth2: bool

    def load_server_metadata(self) -> dict[str, Any]: ...


def check_remote_app(app: CheckedApp) -> list[Check]:
    """Every check of ``app``, in the order a login meets them."""
    if not app.is_oauth2:
        return _oauth1_checks(app.config)
    return oauth2_checks(app.config, app.load_server_metadata)


def oauth2_checks(config: ClientConfig, load_metadata: Callable[[], dict[str, Any]]) -> list[Check]:
    """The checks of an OAuth 2 app; ``load_metadata`` is its ``load_server_metadata``."""
    metadata, checks = _discovery_checks(config, load_metadata)
    if metadata is None:
        checks.append(Check(config.name, "endpoints", SKIP, "not checked: no provider metadata"))
    else:
        checks.append(_endpoint_check(config, metadata))
    checks.append(_redirect_check(config))
    checks.append(_client_id_check(config))
    return checks


def _discovery_checks(
    config: ClientConfig, load_metadata: Callable[[], dict[str, Any]]
) -> tuple[dict[str, Any] | None, list[Check]]:
    """The discovery and issuer checks, and the metadata when it could be read."""
    name, url = config.name, config.server_metadata_url
    if not url:
        skipped = [
            Check(name, "discovery", SKIP, "no server_metadata_url: the endpoints are set statically"),
            Check(name, "issuer", SKIP, "no discovery document to compare"),
        ]
        return load_metadata(), skipped
    try:
        metadata = load_metadata()
    except IssuerMismatchError as exc:
        return None, [
            Check(name, "discovery", OK, f"reachable at {url}"),
            Check(name, "issuer", FAIL, exc.description or exc.error),
        ]
    except OAuthError as exc:  # unreachable, timed out, not a discovery document
        return None, [
            Check(name, "discovery", FAIL, f"{url}: {exc}"),
            Check(name, "issuer", SKIP, "not checked: no discovery document"),
        ]
    return metadata, [
        Check(name, "discovery", OK, f"reachable at {url}"),
        Check(name, "issuer", OK, f"{metadata.get('issuer')} (as its discovery URL promises)"),
    ]


def _endpoint_check(config: ClientConfig, metadata: Mapping[str, Any]) -> Check:
    """The endpoints a login needs: token; authorization unless a machine grant; keys for OpenID Connect."""
    name = config.name
    authorization = config.authorize_url or metadata.get("authorization_endpoint")
    token = config.access_token_url or metadata.get("token_endpoint")
    if not (authorization or token or config.server_metadata_url) and config.api_base_url:
        return Check(name, "endpoints", SKIP, "api_base_url only: tokens come from fetch_token")
    missing = []
    if not token:
        missing.append(f"token endpoint ({config.config_key('access_token_url')})")
    user_login = config.is_oidc or (config.grant_type is not None and config.grant_type not in MACHINE_GRANTS)
    if not authorization and user_login:
        missing.append(f"authorization endpoint ({config.config_key('authorize_url')})")
    if config.is_oidc and not (metadata.get("jwks_uri") or metadata.get("jwks")):
        missing.append("JWKS (pass jwks_uri= to register())")
    if missing:
        return Check(name, "endpoints", FAIL, "missing " + ", ".join(missing))
    present = ["token"] + (["authorization"] if authorization else [])
    present += [field for field in ("userinfo", "revocation") if metadata.get(f"{field}_endpoint")]
    return Check(name, "endpoints", OK, ", ".join(present))


def _redirect_check(config: ClientConfig) -> Check:
    """The configured redirect URI must be https, or http on a loopback address (RFC 8252 section 7.3)."""
    uri = config.redirect_uri
    if not uri:
        return Check(config.name, "redirect URI", SKIP, "none configured (the app passes one per login)")
    if not is_sane_redirect_uri(uri):
        return Check(config.name, "redirect URI", FAIL, f"neither https nor loopback http: {uri}")
    return Check(config.name, "redirect URI", OK, uri)


def _client_id_check(config: ClientConfig) -> Check:
    if config.grant_type == JWT_BEARER_GRANT and not config.client_id:
        return Check(config.name, "client id", SKIP, "none needed: the signed assertion names the client")
    if config.client_id:
        return Check(config.name, "client id", OK, config.client_id)
    return Check(config.name, "client id", FAIL, f"not set: set {config.config_key('client_id')}")


def _oauth1_checks(config: ClientConfig) -> list[Check]:
    """An OAuth 1.0a app has no discovery: its three endpoints and its consumer key."""
    name = config.name
    endpoints = {"request_token_url": config.request_token_url, "authorize_url": config.authorize_url,
                 "access_token_url": config.access_token_url}
    missing = [config.config_key(key) for key, value in endpoints.items() if not value]
    return [
        Check(name, "discovery", SKIP, "OAuth 1.0a has no discovery"),
        Check(name, "endpoints", FAIL, "missing " + ", ".join(missing)) if missing
        else Check(name, "endpoints", OK, "request token, authorization, access token"),
        _redirect_check(config),
        _client_id_check(config),
    ]


def is_sane_redirect_uri(uri: str) -> bool:
    """An absolute https URI, or http on a loopback address; no fragment (RFC 6749 3.1.2)."""
    try:
        parts = urlsplit(uri)
        host = parts.hostname
        _ = parts.port  # a malformed port raises ValueError
    except ValueError:
        return False
    if not host or parts.fragment:
        return False
    if parts.scheme == "https":
        return True
    return parts.scheme == "http" and is_loopback_host(host)


# -- presets -----------------------------------------------------------------------------
def preset_summary(preset: ProviderPreset) -> tuple[str, str, str]:
    """``(name, protocol, default scopes)`` of a preset, read from its settings."""
    settings = preset.settings
    client_kwargs = settings.get("client_kwargs") or {}
    scope = client_kwargs.get("scope") or settings.get("scope") or settings.get("scopes") or ""
    scopes = " ".join(scope) if isinstance(scope, list | tuple) else str(scope)
    return preset.name, _protocol(settings, scopes), scopes


def _protocol(settings: Mapping[str, Any], scopes: str) -> str:
    if settings.get("request_token_url"):
        return "OAuth 1.0a"
    if settings.get("grant_type") == JWT_BEARER_GRANT:
        return "OAuth 2.0 JWT bearer"
    if "openid" in scopes.split():
        return "OpenID Connect"
    return "OAuth 2.0"
