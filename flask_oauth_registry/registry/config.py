"""``ClientConfig``: one remote app's settings, merged from preset, Flask config and kwargs.

Settings are read once, when a client is built for a Flask app, and validated then:
a value that is wrong for sure raises :class:`ConfigurationError` naming the key; a
key nobody reads warns with :class:`ConfigurationWarning`.  What is merely missing
(an endpoint) is reported when it is first needed, by :meth:`ClientConfig.require`.
"""

from __future__ import annotations

import os
import warnings
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

from .errors import ConfigurationError

#: The 13 ``{NAME}_{KEY}`` Flask config keys, as register() keywords.
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
    }
)

#: Keywords Authlib turned into "metadata" that really belong elsewhere.
_INTO_CLIENT_KWARGS = ("scope", "token_endpoint_auth_method", "code_challenge_method")
_INTO_AUTHORIZE_PARAMS = ("prompt", "login_hint", "response_mode", "display", "max_age")

AUTH_METHODS = frozenset(
    {"client_secret_basic", "client_secret_post", "none", "client_secret_jwt", "private_key_jwt"}
)
OAUTH1_SIGNATURE_METHODS = frozenset(
    {"HMAC-SHA1", "HMAC-SHA256", "HMAC-SHA512", "RSA-SHA1", "RSA-SHA256", "RSA-SHA512", "PLAINTEXT"}
)
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
        # OAuth 1.0a
        "signature_method",
        "signature_type",
        "rsa_key",
        "realm",
    }
)

DEFAULT_TIMEOUT: tuple[float, float] = (5.0, 30.0)
DEFAULT_LEEWAY = 60


class ConfigurationWarning(UserWarning):
    """A register() keyword or ``client_kwargs`` key that nothing reads (likely a typo)."""


Callback = Callable[..., Any]


@dataclass
class ClientConfig:
    """Validated settings of one remote app for one Flask app.

    Derived settings are computed once (``cached_property``): a config is not
    changed after :func:`build_config` has validated it.
    """

    name: str
    client_id: str | None = None
    client_secret: str | None = None
    request_token_url: str | None = None
    request_token_params: dict[str, Any] = field(default_factory=dict)
    access_token_url: str | None = None
    access_token_params: dict[str, Any] = field(default_factory=dict)
    refresh_token_url: str | None = None
    refresh_token_params: dict[str, Any] = field(default_factory=dict)
    authorize_url: str | None = None
    authorize_params: dict[str, Any] = field(default_factory=dict)
    api_base_url: str | None = None
    client_kwargs: dict[str, Any] = field(default_factory=dict)
    server_metadata_url: str | None = None
    metadata: dict[str, Any] = field(default_factory=dict)
    compliance_fix: Callback | None = None
    client_auth_methods: list[Any] = field(default_factory=list)
    user_agent: str | None = None
    fetch_token: Callback | None = None
    update_token: Callback | None = None
    grant_type: str | None = None
    userinfo_compliance_fix: Callback | None = None
    provider: str | None = None

    # -- derived from client_kwargs -------------------------------------------------
    @cached_property
    def scope(self) -> str | None:
        scope = self.client_kwargs.get("scope")
        if isinstance(scope, list | tuple | set):
            return " ".join(scope)
        return scope

    @cached_property
    def is_oidc(self) -> bool:
        return "openid" in (self.scope or "").split()

    @property
    def is_oauth1(self) -> bool:
        return bool(self.request_token_url)

    @cached_property
    def token_endpoint_auth_method(self) -> str:
        method = self.client_kwargs.get("token_endpoint_auth_method")
        if method:
            return method
        return "client_secret_basic" if self.client_secret else "none"

    @cached_property
    def code_challenge_method(self) -> str | None:
        return self.client_kwargs.get("code_challenge_method", "S256")

    @cached_property
    def token_placement(self) -> str:
        return self.client_kwargs.get("token_placement", "header")

    @cached_property
    def leeway(self) -> int:
        return int(self.client_kwargs.get("leeway", DEFAULT_LEEWAY))

    @cached_property
    def timeout(self) -> float | tuple[float, float]:
        kw = self.client_kwargs
        value = kw.get("timeout", kw.get("default_timeout", DEFAULT_TIMEOUT))
        return tuple(value) if isinstance(value, list) else value

    @cached_property
    def redirect_uri(self) -> str | None:
        return self.client_kwargs.get("redirect_uri")

    @cached_property
    def requests_settings(self) -> dict[str, Any]:
        """``verify``, ``cert`` and ``proxies``, passed to every HTTP call of this app."""
        return {k: self.client_kwargs[k] for k in ("verify", "cert", "proxies") if k in self.client_kwargs}

    def config_key(self, key: str) -> str:
        """The Flask config key that sets ``key`` for this app, e.g. ``GOOGLE_CLIENT_ID``."""
        return f"{self.name}_{key}".upper()

    def require(self, value: Any, key: str, what: str) -> Any:
        """Return ``value`` or fail naming the config key that would provide it."""
        if not value:
            raise ConfigurationError(
                f"{self.name!r} has no {what}: set {self.config_key(key)} "
                f"(or pass {key}= to register()"
                + (", or server_metadata_url=" if key != "server_metadata_url" else "")
                + ")"
            )
        return value


def read_app_config(name: str, app_config: Mapping[str, Any]) -> dict[str, Any]:
    """The ``{NAME}_{KEY}`` values present in a Flask config, keyed by register() keyword."""
    prefix = name.upper() + "_"
    found = {}
    for key in CONFIG_KEYS:
        value = app_config.get(prefix + key.upper())
        if value is not None:
            found[key] = value
    return found


def merge_settings(
    preset: Mapping[str, Any],
    from_config: Mapping[str, Any],
    kwargs: Mapping[str, Any],
    overwrite: bool,
) -> dict[str, Any]:
    """Merge the three sources, lowest first: preset, then config and kwargs.

    Config fills what kwargs leave out; with ``overwrite`` config wins instead
    (Authlib's rule).  Dict-valued settings from the preset are merged key by key
    so that ``client_kwargs={"timeout": 3}`` keeps the preset's scope.  The
    caller's dicts are never mutated.
    """
    ordered = (preset, kwargs, from_config) if overwrite else (preset, from_config, kwargs)
    merged: dict[str, Any] = {}
    for source in ordered:
        for key, value in source.items():
            if isinstance(value, Mapping) and isinstance(merged.get(key), Mapping):
                merged[key] = {**merged[key], **value}
            elif isinstance(value, Mapping):
                merged[key] = dict(value)
            else:
                merged[key] = value
    return merged


def _relocate_authlib_metadata(settings: dict[str, Any]) -> None:
    """Move keywords Authlib treated as metadata to where they take effect."""
    for key in _INTO_CLIENT_KWARGS:
        if key in settings:
            settings.setdefault("client_kwargs", {})
            settings["client_kwargs"] = {key: settings.pop(key), **settings["client_kwargs"]}
    for key in _INTO_AUTHORIZE_PARAMS:
        if key in settings:
            settings["authorize_params"] = {key: settings.pop(key), **settings.get("authorize_params", {})}


def build_config(name: str, settings: Mapping[str, Any]) -> ClientConfig:
    """Validate merged settings into a :class:`ClientConfig`; see the module docstring."""
    settings = dict(settings)
    _relocate_authlib_metadata(settings)
    metadata = {k: settings.pop(k) for k in list(settings) if k in METADATA_KEYS}
    unknown = sorted(k for k in settings if k not in CONFIG_KEYS and k not in OTHER_KEYS)
    for key in unknown:
        settings.pop(key)
        warnings.warn(
            f"register({name!r}): ignoring unknown setting {key!r}; accepted are "
            f"{', '.join(CONFIG_KEYS)}, {', '.join(sorted(OTHER_KEYS))} and provider metadata "
            f"fields ({', '.join(sorted(METADATA_KEYS))})",
            ConfigurationWarning,
            stacklevel=4,
        )
    config = ClientConfig(name=name, metadata=metadata, **settings)
    _validate(config)
    return config


def _validate(config: ClientConfig) -> None:
    key = config.config_key
    for attr in ("request_token_params", "access_token_params", "refresh_token_params",
                 "authorize_params", "client_kwargs", "metadata"):
        value = getattr(config, attr)
        if value is None:
            setattr(config, attr, {})
        elif not isinstance(value, Mapping):
            raise ConfigurationError(f"{key(attr)} must be a dict, not {type(value).__name__}")
        else:
            setattr(config, attr, dict(value))
    for attr in ("client_id", "request_token_url", "access_token_url", "refresh_token_url",
                 "authorize_url", "api_base_url", "server_metadata_url"):
        value = getattr(config, attr)
        if value is not None and not isinstance(value, str):
            raise ConfigurationError(f"{key(attr)} must be a string, not {type(value).__name__}")
    for attr in ("access_token_url", "refresh_token_url", "authorize_url", "request_token_url",
                 "server_metadata_url"):
        value = getattr(config, attr)
        if value and not value.startswith(("https://", "http://")):
            raise ConfigurationError(f"{key(attr)} must be an absolute http(s) URL")
    for attr in ("fetch_token", "update_token", "compliance_fix", "userinfo_compliance_fix"):
        value = getattr(config, attr)
        if value is not None and not callable(value):
            raise ConfigurationError(f"register({config.name!r}): {attr} must be callable")
    _validate_client_kwargs(config)


def _validate_client_kwargs(config: ClientConfig) -> None:
    kw = config.client_kwargs
    where = config.config_key("client_kwargs")
    for unknown in sorted(set(kw) - CLIENT_KWARGS_KEYS):
        warnings.warn(
            f"{where}: ignoring unknown key {unknown!r}; accepted are {', '.join(sorted(CLIENT_KWARGS_KEYS))}",
            ConfigurationWarning,
            stacklevel=5,
        )
    method = kw.get("token_endpoint_auth_method")
    custom = {getattr(m, "name", None) for m in config.client_auth_methods}
    if method is not None and method not in AUTH_METHODS and method not in custom:
        raise ConfigurationError(
            f"{where}['token_endpoint_auth_method'] = {method!r} is not one of {', '.join(sorted(AUTH_METHODS))}"
        )
    if kw.get("code_challenge_method", "S256") not in ("S256", "plain", None):
        raise ConfigurationError(f"{where}['code_challenge_method'] must be 'S256', 'plain' or None")
    if kw.get("token_placement", "header") not in ("header", "body", "uri"):
        raise ConfigurationError(f"{where}['token_placement'] must be 'header', 'body' or 'uri'")
    scope = kw.get("scope")
    if scope is not None and not isinstance(scope, str | list | tuple | set):
        raise ConfigurationError(f"{where}['scope'] must be a string or a list of strings")
    timeout = config.timeout
    if not _is_timeout(timeout):
        raise ConfigurationError(f"{where}['timeout'] must be seconds or a (connect, read) pair")
    try:
        int(kw.get("leeway", DEFAULT_LEEWAY))
    except (TypeError, ValueError):
        raise ConfigurationError(f"{where}['leeway'] must be a number of seconds") from None
    signature = kw.get("signature_method")
    if signature is not None and signature not in OAUTH1_SIGNATURE_METHODS:
        raise ConfigurationError(
            f"{where}['signature_method'] = {signature!r} is not one of {', '.join(sorted(OAUTH1_SIGNATURE_METHODS))}"
        )
    if kw.get("signature_type", "HEADER").upper() not in ("HEADER", "QUERY", "BODY", "AUTH_HEADER"):
        raise ConfigurationError(f"{where}['signature_type'] must be 'HEADER', 'QUERY' or 'BODY'")
    rsa_key = kw.get("rsa_key")
    if isinstance(rsa_key, str) and "-----BEGIN" not in rsa_key and not os.path.isfile(rsa_key):
        raise ConfigurationError(f"{where}['rsa_key'] is neither a PEM key nor a readable file")


def _is_timeout(value: Any) -> bool:
    if value is None:
        return True
    if isinstance(value, int | float) and not isinstance(value, bool):
        return value > 0
    if isinstance(value, tuple | list) and len(value) == 2:
        return all(v is None or (isinstance(v, int | float) and v > 0) for v in value)
    return False
