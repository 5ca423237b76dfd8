"""``ClientConfig``: one remote app's settings, typed and frozen, and the keys they are read from.

:func:`.settings.build_config` makes it once per registration and Flask app; after
that nothing changes it.  Dict settings are read-only mappings, and the values
code needs from ``client_kwargs`` (scope, timeout, signing keys...) are fields
parsed at build, not looked up at the point of use.  What is merely missing (an
endpoint) is reported when it is first needed, by :meth:`ClientConfig.require`.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, fields
from types import MappingProxyType
from typing import Any

#: The ``{NAME}_{KEY}`` Flask config keys, as register() keywords: Authlib's 13, then ours.
CONFIG_KEYS: tuple[str, ...] = (
    "client_id",
    "client_secret",
    "request_token_url",
    "request_token_params",
    "access_token_url",
    "access_token_params",
    "refresh_token_url",
    "refresh_token_params",
    "authorize_url",
    "authorize_params",
    "api_base_url",
    "client_kwargs",
    "server_metadata_url",
    # A Google-format client secrets file (flows/client_secrets.py): fills in what the settings leave out.
    "client_secrets_file",
)

#: Provider metadata fields (RFC 8414, OIDC Discovery) that may be given statically.
METADATA_KEYS: frozenset[str] = frozenset(
    {
        "issuer",
        "authorization_endpoint",
        "token_endpoint",
        "userinfo_endpoint",
        "jwks_uri",
        "jwks",
        "end_session_endpoint",
        "revocation_endpoint",
        "introspection_endpoint",
        "device_authorization_endpoint",
        "scopes_supported",
        "response_types_supported",
        "response_modes_supported",
        "grant_types_supported",
        "code_challenge_methods_supported",
        "id_token_signing_alg_values_supported",
        "userinfo_signing_alg_values_supported",
        "token_endpoint_auth_methods_supported",
        "token_endpoint_auth_signing_alg_values_supported",
        "claims_supported",
        "subject_types_supported",
        "authorization_response_iss_parameter_supported",
        # Pushed authorization requests (RFC 9126), DPoP (RFC 9449), request objects (RFC 9101).
        "pushed_authorization_request_endpoint",
        "require_pushed_authorization_requests",
        "dpop_signing_alg_values_supported",
        "request_object_signing_alg_values_supported",
    }
)

#: register() keywords beyond the config keys and metadata.
OTHER_KEYS: frozenset[str] = frozenset(
    {
        "compliance_fix",
        "client_auth_methods",
        "user_agent",
        "fetch_token",
        "update_token",
        "provider",
        "grant_type",
        "userinfo_compliance_fix",
        # Set by presets whose issuer is a template (Microsoft's tenants): registry/issuer_policy.py.
        "issuer_policy",
        # Authlib's: the app class to build, and OAuth 1.0a temporary-credential storage.
        "client_cls",
        "fetch_request_token",
        "save_request_token",
        # The JWT-bearer grant (RFC 7523 2.1; registry/assertion_settings.py) and Google service accounts.
        "assertion_key",
        "assertion_key_id",
        "assertion_claims",
        "assertion_alg",
        "assertion_lifetime",
        "subject",
        "service_account_file",
        "service_account_info",
    }
)

#: The keys ``client_kwargs`` may hold.
CLIENT_KWARGS_KEYS = frozenset(
    {
        "scope",
        "token_endpoint_auth_method",
        "code_challenge_method",
        "token_placement",
        "leeway",
        "timeout",
        "default_timeout",
        "redirect_uri",
        "verify",
        "cert",
        "proxies",
        "private_key",
        "client_assertion_alg",
        "pool_maxsize",
        "trusted_audiences",
        "retry_on_401",
        # Sender-constrained tokens and FAPI 2.0 (registry/fapi_profile.py)
        "par",
        "dpop",
        "dpop_key",
        "request_object",
        "profile",
        "insecure_loopback",
        # OAuth 1.0a
        "signature_method",
        "signature_type",
        "rsa_key",
        "realm",
    }
)

#: The grant type of a JWT assertion used as an authorization grant (RFC 7523 2.1).
JWT_BEARER_GRANT = "urn:ietf:params:oauth:grant-type:jwt-bearer"
#: The longest an assertion may live, in seconds: RFC 7523 wants them short-lived, Google refuses longer.
MAX_ASSERTION_LIFETIME = 3600

DEFAULT_TIMEOUT: tuple[float, float] = (5.0, 30.0)
DEFAULT_LEEWAY = 60
#: Connections kept alive per host by one app's HTTP session.
DEFAULT_POOL_MAXSIZE = 32

Callback = Callable[..., Any]
#: Seconds, or a (connect, read) pair as requests takes it; ``None`` waits forever.
Timeout = float | tuple[float | None, float | None] | None

#: Settings (and keys of dict settings) whose values are secrets: masked in ``repr()``.
_SECRET_SETTINGS = frozenset({"client_secret", "private_key", "rsa_key", "client_assertion", "dpop_key"})


def _masked(name: str, value: Any) -> Any:
    if name in _SECRET_SETTINGS and value:
        return "***"
    if isinstance(value, Mapping):
        return {key: "***" if key in _SECRET_SETTINGS and item else item for key, item in value.items()}
    return value


def config_key(name: str, key: str) -> str:
    """The Flask config key that sets ``key`` for the app ``name``, e.g. ``GOOGLE_CLIENT_ID``."""
    return f"{name}_{key}".upper()


def _no_settings() -> Mapping[str, Any]:
    return MappingProxyType({})


@dataclass(frozen=True, slots=True)
class AssertionConfig:
    """How an app signs its JWT-bearer assertions (RFC 7523 2.1), parsed once at build.

    ``claims`` are the fixed ones (``iss``, ``sub`` unless left out, and any the
    settings add, such as Google's ``scope``); each assertion adds ``aud`` (the
    token endpoint unless given), ``iat``, ``exp`` and a fresh ``jti``.
    """

    #: The loaded private key (a ``cryptography`` key object): never shown.
    key: Any = field(repr=False)
    alg: str = "RS256"
    #: The ``kid`` header: ``assertion_key_id``, a JWK's ``kid``, or a service account's ``private_key_id``.
    key_id: str | None = None
    #: Seconds from ``iat`` to ``exp``, at most :data:`MAX_ASSERTION_LIFETIME`.
    lifetime: int = MAX_ASSERTION_LIFETIME
    claims: Mapping[str, Any] = field(default_factory=_no_settings)


@dataclass(frozen=True, slots=True)
class ClientConfig:
    """Validated settings of one remote app for one Flask app, made by :func:`.settings.build_config`.

    The first group holds the settings as given (dicts as read-only copies); the
    second the values derived from ``client_kwargs``, parsed once at build.
    """

    name: str
    client_id: str | None = None
    client_secret: str | None = None
    request_token_url: str | None = None
    request_token_params: Mapping[str, Any] = field(default_factory=_no_settings)
    access_token_url: str | None = None
    access_token_params: Mapping[str, Any] = field(default_factory=_no_settings)
    refresh_token_url: str | None = None
    refresh_token_params: Mapping[str, Any] = field(default_factory=_no_settings)
    authorize_url: str | None = None
    authorize_params: Mapping[str, Any] = field(default_factory=_no_settings)
    api_base_url: str | None = None
    client_kwargs: Mapping[str, Any] = field(default_factory=_no_settings)
    server_metadata_url: str | None = None
    #: The client secrets file the settings were completed from (its values are in the fields above).
    client_secrets_file: str | None = None
    metadata: Mapping[str, Any] = field(default_factory=_no_settings)
    compliance_fix: Callback | None = None
    client_auth_methods: tuple[Any, ...] = ()
    user_agent: str | None = None
    fetch_token: Callback | None = None
    update_token: Callback | None = None
    grant_type: str | None = None
    userinfo_compliance_fix: Callback | None = None
    #: How ID-token issuers are checked when the provider's issuer is a template (:mod:`.issuer_policy`).
    issuer_policy: Any = None
    provider: str | None = None
    client_cls: type | None = None
    fetch_request_token: Callback | None = None
    save_request_token: Callback | None = None

    # -- derived from client_kwargs ---------------------------------------------------
    #: Space-separated, as sent (a list is joined).
    scope: str | None = None
    #: ``client_secret_basic`` by default with a secret, ``none`` without.
    token_endpoint_auth_method: str = "none"
    #: ``S256`` by default; ``None`` turns PKCE off.
    code_challenge_method: str | None = "S256"
    token_placement: str = "header"
    leeway: int = DEFAULT_LEEWAY
    timeout: Timeout = DEFAULT_TIMEOUT
    redirect_uri: str | None = None
    #: Audiences besides ``client_id`` an ID token may name (OIDC Core 3.1.3.7 step 3).
    trusted_audiences: frozenset[str] = frozenset()
    #: ``verify``, ``cert`` and ``proxies``, passed to every HTTP call of this app.
    requests_settings: Mapping[str, Any] = field(default_factory=_no_settings)
    pool_maxsize: int = DEFAULT_POOL_MAXSIZE
    #: The JWS algorithm of ``client_secret_jwt`` / ``private_key_jwt`` assertions; ``None``: the method's default.
    client_assertion_alg: str | None = None
    #: The ``private_key_jwt`` key as given: PEM text, a PEM file path or a JWK.
    private_key: Any = None
    #: Whether an API call answered 401 ``invalid_token`` is sent once more after a renewal (DESIGN 13).
    retry_on_401: bool = True
    #: The JWT-bearer grant's signing settings (from ``assertion_*``, ``subject``); ``None`` for other grants.
    assertion: AssertionConfig | None = None
    # Sender-constrained tokens and FAPI 2.0 (:mod:`.fapi_profile`)
    #: Push every authorization request (RFC 9126); also done when the metadata requires it.
    par: bool = False
    #: Sign token requests and DPoP-token API calls with DPoP proofs (RFC 9449).
    dpop: bool = False
    #: The app's own DPoP key (a :class:`.DPoPKey`), from ``client_kwargs["dpop_key"]``; else one per login.
    dpop_key: Any = None
    #: Send the authorization parameters as a signed request object (RFC 9101).
    request_object: bool = False
    #: The request objects' :class:`.SigningKey`, loaded from ``private_key``.
    request_signing: Any = None
    #: ``"fapi2"`` or ``None``.
    profile: str | None = None
    #: Allow loopback ``http`` URLs under the fapi2 profile (the development provider).
    insecure_loopback: bool = False
    #: The only ID-token algorithms accepted when set (the fapi2 profile); else the metadata's.
    id_token_algorithms: tuple[str, ...] = ()
    # OAuth 1.0a signing (oauthlib's names and constants)
    signature_method: str = "HMAC-SHA1"
    signature_type: str = "AUTH_HEADER"
    #: PEM text (a file path given is read at build).
    rsa_key: str | None = None
    realm: str | None = None

    def __repr__(self) -> str:
        """The dataclass repr with secrets (client secret, private keys) shown as ``'***'``."""
        shown = ", ".join(f"{f.name}={_masked(f.name, getattr(self, f.name))!r}" for f in fields(self) if f.repr)
        return f"{type(self).__name__}({shown})"

    @property
    def is_oidc(self) -> bool:
        return "openid" in (self.scope or "").split()

    @property
    def is_oauth1(self) -> bool:
        return bool(self.request_token_url)

    def config_key(self, key: str) -> str:
        """The Flask config key that sets ``key`` for this app, e.g. ``GOOGLE_CLIENT_ID``."""
        return config_key(self.name, key)
