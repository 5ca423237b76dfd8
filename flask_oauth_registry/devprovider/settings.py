"""Configuration of the dev provider: clients, users, lifetimes, and loading them from JSON.

Everything here is plain data.  The defaults are chosen so that the provider
"just works" for demos and tests without any configuration; a JSON file (or the
CLI flags, see ``__main__``) adds to or replaces them.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field, fields, replace
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

DEMO_CLIENT_ID = "demo-client"
DEMO_CLIENT_SECRET = "demo-secret"
DEMO_PUBLIC_CLIENT_ID = "demo-public"
DEMO_OAUTH1_KEY = "demo-oauth1-key"
DEMO_OAUTH1_SECRET = "demo-oauth1-secret"

#: Host names that count as "loopback" for the RFC 8252 section 7.3 redirect policy.
LOOPBACK_HOSTS = frozenset({"127.0.0.1", "localhost", "::1"})

#: Scopes the provider knows; anything else is refused with ``invalid_scope``.
#: ``files.read`` guards ``/api/files``, a resource to demonstrate incremental authorization.
SUPPORTED_SCOPES = ("openid", "profile", "email", "offline_access", "api", "files.read")

#: The device authorization grant's grant type (RFC 8628 3.4).
DEVICE_CODE_GRANT = "urn:ietf:params:oauth:grant-type:device_code"
CONFIDENTIAL_GRANTS = ("authorization_code", "refresh_token", "client_credentials", DEVICE_CODE_GRANT)
PUBLIC_GRANTS = ("authorization_code", "refresh_token", DEVICE_CODE_GRANT)

#: The three positions of the PAR and DPoP switches: not offered, offered, demanded of every client.
OFF, OPTIONAL, REQUIRED = "off", "optional", "required"
SWITCH_VALUES = (OFF, OPTIONAL, REQUIRED)
#: Algorithms the provider can sign ID tokens with (a client picks one with ``id_token_signed_response_alg``).
ID_TOKEN_ALGORITHMS = ("RS256", "ES256")


def is_loopback_uri(uri: str) -> bool:
    """True for an absolute http(s) URI whose host is a loopback address, any port/path."""
    try:
        parts = urlsplit(uri)
        host = parts.hostname
        _ = parts.port  # raises ValueError on a malformed port
    except ValueError:
        return False
    return parts.scheme in ("http", "https") and host in LOOPBACK_HOSTS and not parts.fragment


@dataclass(frozen=True)
class UserConfig:
    """A resource owner who can sign in on the consent page (no password: dev only)."""

    username: str
    name: str = ""
    given_name: str = ""
    family_name: str = ""
    email: str = ""
    email_verified: bool = True

    def claims(self, scopes: list[str] | tuple[str, ...]) -> dict[str, Any]:
        """OIDC standard claims released for ``scopes`` (``sub`` is always present)."""
        out: dict[str, Any] = {"sub": self.username}
        if "profile" in scopes:
            out.update(
                name=self.name or self.username,
                preferred_username=self.username,
                given_name=self.given_name,
                family_name=self.family_name,
            )
        if "email" in scopes and self.email:
            out.update(email=self.email, email_verified=self.email_verified)
        return {k: v for k, v in out.items() if v != ""}


@dataclass(frozen=True)
class OAuth2ClientConfig:
    """An OAuth 2 / OIDC client.  ``client_secret=None`` makes it public (auth method ``none``)."""

    client_id: str
    client_secret: str | None = None
    name: str = ""
    redirect_uris: tuple[str, ...] = ()
    post_logout_redirect_uris: tuple[str, ...] = ()
    allow_loopback_redirects: bool = True
    grant_types: tuple[str, ...] = ()
    require_pkce: bool = False
    default_scopes: tuple[str, ...] = ("openid", "profile", "email")
    #: Public keys (a JWK or a JWK Set) for ``private_key_jwt`` authentication and signed request objects.
    jwks: dict[str, Any] | None = None
    #: ``RS256`` (default) or ``ES256`` (what a FAPI 2.0 client accepts; OIDC Dynamic Registration 2).
    id_token_signed_response_alg: str = "RS256"
    #: This client must push its authorization requests (RFC 9126 6), whatever the provider-wide switch says.
    require_pushed_authorization_requests: bool = False
    #: This client's access tokens are always DPoP-bound: a token request without a proof fails (RFC 9449 5.2).
    dpop_bound_access_tokens: bool = False

    def __post_init__(self) -> None:
        if self.id_token_signed_response_alg not in ID_TOKEN_ALGORITHMS:
            raise ValueError(
                f"client {self.client_id!r}: id_token_signed_response_alg must be one of {ID_TOKEN_ALGORITHMS}"
            )

    @property
    def is_public(self) -> bool:
        """Public clients have neither a secret nor keys to authenticate with; they must use PKCE."""
        return self.client_secret is None and self.jwks is None

    @property
    def pkce_required(self) -> bool:
        """PKCE is mandatory for public clients and optional (but honoured) otherwise."""
        return self.is_public or self.require_pkce

    @property
    def allowed_grant_types(self) -> tuple[str, ...]:
        """Explicit ``grant_types`` or the defaults for the client's type."""
        if self.grant_types:
            return self.grant_types
        return PUBLIC_GRANTS if self.is_public else CONFIDENTIAL_GRANTS

    @property
    def display_name(self) -> str:
        """Name shown on the consent page."""
        return self.name or self.client_id

    def accepts_redirect(self, uri: str) -> bool:
        """Registered URIs match exactly; loopback URIs match on any port when allowed."""
        if uri in self.redirect_uris:
            return True
        return self.allow_loopback_redirects and is_loopback_uri(uri)

    def accepts_post_logout_redirect(self, uri: str) -> bool:
        """Same policy as :meth:`accepts_redirect` for RP-initiated logout targets."""
        if uri in self.post_logout_redirect_uris or uri in self.redirect_uris:
            return True
        return self.allow_loopback_redirects and is_loopback_uri(uri)


@dataclass(frozen=True)
class OAuth1ClientConfig:
    """An OAuth 1.0a consumer: a shared secret (HMAC/PLAINTEXT) and/or an RSA public key."""

    client_key: str
    client_secret: str | None = None
    rsa_public_key: str | None = None
    name: str = ""
    callback_uris: tuple[str, ...] = ()
    allow_loopback_callbacks: bool = True

    @property
    def display_name(self) -> str:
        """Name shown on the consent page."""
        return self.name or self.client_key

    def accepts_callback(self, uri: str) -> bool:
        """``oob``, a registered callback, or (when allowed) any loopback URI."""
        if uri == "oob" or uri in self.callback_uris:
            return True
        return self.allow_loopback_callbacks and is_loopback_uri(uri)


@dataclass(frozen=True)
class ServiceAccountConfig:
    """A client that gets tokens with the JWT-bearer grant (RFC 7523 2.1): assertions its private key signs.

    ``public_key`` verifies them: PEM text, or a JWK as a dict or JSON text.  The
    assertion's ``iss`` is ``issuer`` (a service account's e-mail); its ``sub`` is
    ``issuer`` too (or absent, as Google's), or one of the users in ``subjects`` it
    may act for (domain-wide delegation).  With ``key_id`` the header's ``kid`` must match.
    """

    issuer: str
    public_key: str | dict[str, Any]
    key_id: str | None = None
    subjects: tuple[str, ...] = ()
    name: str = ""

    @property
    def display_name(self) -> str:
        """Name shown on the index page."""
        return self.name or self.issuer


def default_users() -> tuple[UserConfig, ...]:
    """The two demo users, ``alice`` and ``bob``."""
    return (
        UserConfig("alice", "Alice Liddell", "Alice", "Liddell", "alice@example.test"),
        UserConfig("bob", "Bob Builder", "Bob", "Builder", "bob@example.test"),
    )


def default_clients() -> tuple[OAuth2ClientConfig, ...]:
    """``demo-client`` (confidential) and ``demo-public`` (public, PKCE)."""
    return (
        OAuth2ClientConfig(DEMO_CLIENT_ID, DEMO_CLIENT_SECRET, name="Demo confidential client"),
        OAuth2ClientConfig(DEMO_PUBLIC_CLIENT_ID, None, name="Demo public client"),
    )


def default_oauth1_clients() -> tuple[OAuth1ClientConfig, ...]:
    """``demo-oauth1-key`` / ``demo-oauth1-secret``."""
    return (OAuth1ClientConfig(DEMO_OAUTH1_KEY, DEMO_OAUTH1_SECRET, name="Demo OAuth 1 client"),)


@dataclass(frozen=True)
class ProviderSettings:
    """All knobs of the provider.  ``issuer=None`` means "derive from the bound address"."""

    issuer: str | None = None
    key_file: str | None = None
    access_token_ttl: int = 3600
    refresh_token_ttl: int = 30 * 24 * 3600
    id_token_ttl: int = 3600
    authorization_code_ttl: int = 600
    oauth1_token_ttl: int = 600
    #: Lifetime of a device code and its user code (RFC 8628 3.2 ``expires_in``).
    device_code_ttl: int = 600
    #: Seconds a device must wait between polls (RFC 8628 3.2 ``interval``); faster polls get ``slow_down``.
    device_interval: int = 5
    secret_key: str | None = None
    default_user: str = "alice"
    clients: tuple[OAuth2ClientConfig, ...] = field(default_factory=default_clients)
    oauth1_clients: tuple[OAuth1ClientConfig, ...] = field(default_factory=default_oauth1_clients)
    users: tuple[UserConfig, ...] = field(default_factory=default_users)
    #: Clients of the JWT-bearer grant, by their assertions' ``iss`` (none by default).
    service_accounts: tuple[ServiceAccountConfig, ...] = ()
    #: Pushed authorization requests (RFC 9126): ``off``, ``optional`` or ``required`` (plain requests refused).
    par: str = OPTIONAL
    #: Seconds a pushed request's ``request_uri`` stays usable (RFC 9126 2.2 ``expires_in``).
    par_ttl: int = 60
    #: DPoP (RFC 9449): ``off`` (proofs ignored), ``optional`` (a proof binds the token) or ``required``.
    dpop: str = OPTIONAL
    #: Whether DPoP proofs must carry a nonce the provider issued (RFC 9449 8, 9).
    dpop_nonce: bool = False
    #: Seconds a proof's ``iat`` may be off the provider's clock; seen ``jti`` values are kept twice as long.
    dpop_proof_window: int = 60
    #: Seconds between DPoP nonce rotations (the previous nonce stays good for one more period).
    dpop_nonce_ttl: int = 300

    def __post_init__(self) -> None:
        for name in ("par", "dpop"):
            if getattr(self, name) not in SWITCH_VALUES:
                raise ValueError(f"{name} must be one of {', '.join(SWITCH_VALUES)}, not {getattr(self, name)!r}")

    @property
    def id_token_algorithms(self) -> tuple[str, ...]:
        """``RS256``, then any other algorithm a client asked for (discovery lists these)."""
        wanted = {c.id_token_signed_response_alg for c in self.clients}
        return ("RS256",) + tuple(alg for alg in ID_TOKEN_ALGORITHMS[1:] if alg in wanted)

    @property
    def has_key_clients(self) -> bool:
        """Whether some client registered keys (so ``private_key_jwt`` and request objects are offered)."""
        return any(c.jwks for c in self.clients)

    def client(self, client_id: str | None) -> OAuth2ClientConfig | None:
        """Look up an OAuth 2 client by id."""
        return next((c for c in self.clients if c.client_id == client_id), None)

    def oauth1_client(self, client_key: str | None) -> OAuth1ClientConfig | None:
        """Look up an OAuth 1 consumer by key."""
        return next((c for c in self.oauth1_clients if c.client_key == client_key), None)

    def user(self, username: str | None) -> UserConfig | None:
        """Look up a user by user name."""
        return next((u for u in self.users if u.username == username), None)

    def service_account(self, issuer: str | None) -> ServiceAccountConfig | None:
        """Look up a JWT-bearer client by its assertions' ``iss``."""
        return next((a for a in self.service_accounts if a.issuer == issuer), None)

    def with_clients(self, *clients: OAuth2ClientConfig) -> ProviderSettings:
        """Copy with ``clients`` added (replacing any with the same id)."""
        return replace(self, clients=_merge(self.clients, clients, "client_id"))

    def with_oauth1_clients(self, *clients: OAuth1ClientConfig) -> ProviderSettings:
        """Copy with OAuth 1 ``clients`` added (replacing any with the same key)."""
        return replace(self, oauth1_clients=_merge(self.oauth1_clients, clients, "client_key"))

    def with_users(self, *users: UserConfig) -> ProviderSettings:
        """Copy with ``users`` added (replacing any with the same user name)."""
        return replace(self, users=_merge(self.users, users, "username"))

    def with_service_accounts(self, *accounts: ServiceAccountConfig) -> ProviderSettings:
        """Copy with JWT-bearer clients added (replacing any with the same issuer)."""
        return replace(self, service_accounts=_merge(self.service_accounts, accounts, "issuer"))

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form, the same shape :func:`settings_from_dict` reads."""
        return asdict(self)


def _merge(old: tuple[Any, ...], new: tuple[Any, ...], key: str) -> tuple[Any, ...]:
    """Entries of ``new`` override entries of ``old`` that share ``key``."""
    names = {getattr(n, key) for n in new}
    return tuple(o for o in old if getattr(o, key) not in names) + tuple(new)


def _build(cls: type, data: dict[str, Any], base_dir: Path | None = None) -> Any:
    """Instantiate a config dataclass from a dict, rejecting unknown keys (typos)."""
    data = dict(data)
    if cls is OAuth1ClientConfig and "rsa_public_key_file" in data:
        path = Path(data.pop("rsa_public_key_file"))
        data["rsa_public_key"] = ((base_dir / path) if base_dir else path).read_text()
    if cls is OAuth2ClientConfig and "jwks_file" in data:
        path = Path(data.pop("jwks_file"))
        data["jwks"] = json.loads(((base_dir / path) if base_dir else path).read_text())
    if cls is ServiceAccountConfig and "public_key_file" in data:
        path = Path(data.pop("public_key_file"))
        data["public_key"] = ((base_dir / path) if base_dir else path).read_text()
    known = {f.name for f in fields(cls)}
    unknown = set(data) - known
    if unknown:
        raise ValueError(f"unknown {cls.__name__} keys: {sorted(unknown)}")
    for name, value in data.items():
        if isinstance(value, list):
            data[name] = tuple(value)
    return cls(**data)


def settings_from_dict(
    data: dict[str, Any], base: ProviderSettings | None = None, base_dir: Path | None = None
) -> ProviderSettings:
    """Overlay ``data`` (the JSON config shape) on ``base`` (defaults when None).

    ``clients``, ``oauth1_clients`` and ``users`` are merged by id into the
    defaults unless ``"include_defaults": false`` is given.  ``host`` and
    ``port`` are server options read by the CLI and ignored here.
    """
    data = {k: v for k, v in data.items() if k not in ("host", "port")}
    settings = base or ProviderSettings()
    if not data.pop("include_defaults", True):
        settings = replace(settings, clients=(), oauth1_clients=(), users=())
    clients = tuple(_build(OAuth2ClientConfig, c, base_dir) for c in data.pop("clients", []))
    oauth1 = tuple(_build(OAuth1ClientConfig, c, base_dir) for c in data.pop("oauth1_clients", []))
    users = tuple(_build(UserConfig, u) for u in data.pop("users", []))
    accounts = tuple(_build(ServiceAccountConfig, a, base_dir) for a in data.pop("service_accounts", []))
    if "key_file" in data and data["key_file"] and base_dir is not None:
        data["key_file"] = str(base_dir / data["key_file"])
    known = {f.name for f in fields(ProviderSettings)}
    unknown = set(data) - known
    if unknown:
        raise ValueError(f"unknown settings keys: {sorted(unknown)}")
    settings = replace(settings, **data)
    settings = settings.with_clients(*clients).with_oauth1_clients(*oauth1).with_users(*users)
    return settings.with_service_accounts(*accounts)


def load_settings(path: str | Path, base: ProviderSettings | None = None) -> ProviderSettings:
    """Read a JSON config file; relative file paths inside it resolve against its folder."""
    path = Path(path)
    data = json.loads(path.read_text())
    if not isinstance(data, dict):
        raise ValueError(f"{path}: the config must be a JSON object")
    return settings_from_dict(data, base, base_dir=path.parent)


def parse_client_flag(value: str) -> OAuth2ClientConfig:
    """``ID:SECRET`` -> confidential client; ``ID`` or ``ID:`` -> public client."""
    client_id, _, secret = value.partition(":")
    if not client_id:
        raise ValueError(f"bad --client value {value!r}, expected ID:SECRET")
    return OAuth2ClientConfig(client_id, secret or None)
