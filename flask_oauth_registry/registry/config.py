"""``ClientConfig``: one remote app's settings, merged from preset, Flask config and kwargs.

Settings are read once, when a client is built for a Flask app, and validated then:
a value that is wrong for sure raises :class:`ConfigurationError` naming the key; a
key nobody reads (a keyword, a ``client_kwargs`` key, a ``{NAME}_*`` config key that
looks like a typo) warns with :class:`ConfigurationWarning` at the user's line.  What is merely missing
(an endpoint) is reported when it is first needed, by :meth:`ClientConfig.require`.
"""

from __future__ import annotations

import os
import sys
import warnings
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field, fields
from functools import cached_property
from typing import Any

from .errors import ConfigurationError
from .typos import did_you_mean, misspelled_config_keys

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
        # Authlib's: the app class to build, and OAuth 1.0a temporary-credential storage.
        "client_cls",
        "fetch_request_token",
        "save_request_token",
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
        "trusted_audiences",
        # OAuth 1.0a
        "signature_method",
        "signature_type",
        "rsa_key",
        "realm",
    }
)

DEFAULT_TIMEOUT: tuple[float, float] = (5.0, 30.0)
DEFAULT_LEEWAY = 60

#: Where a warning about an ignored setting sends the reader.
_ACCEPTED_SETTINGS_DOC = "docs/configuration.rst"


class ConfigurationWarning(UserWarning):
    """A register() keyword, ``client_kwargs`` key or ``{NAME}_*`` config key that nothing reads (likely a typo)."""


def user_stacklevel() -> int:
    """The ``stacklevel`` that points a warning issued by the calling function at the user's code.

    Frames of this package and of werkzeug's ``LocalProxy`` are skipped, so the
    warning names the line that called ``register()`` (or whose first use built
    the client), wherever inside the package the problem was found.
    """
    frame = sys._getframe(1)
    level = 1
    while frame.f_back is not None and _is_internal(frame):
        frame = frame.f_back
        level += 1
    return level


def _is_internal(frame: Any) -> bool:
    module = frame.f_globals.get("__name__", "")
    return module == "werkzeug.local" or module == "flask_oauth_registry" or module.startswith("flask_oauth_registry.")


Callback = Callable[..., Any]


#: Settings (and keys of dict settings) whose values are secrets: masked in ``repr()``.
_SECRET_SETTINGS = frozenset({"client_secret", "private_key", "rsa_key", "client_assertion"})


def _masked(name: str, value: Any) -> Any:
    if name in _SECRET_SETTINGS and value:
        return "***"
    if isinstance(value, Mapping):
        return {key: "***" if key in _SECRET_SETTINGS and item else item for key, item in value.items()}
    return value


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
    client_cls: type | None = None
    fetch_request_token: Callback | None = None
    save_request_token: Callback | None = None

    def __repr__(self) -> str:
        """The dataclass repr with secrets (client secret, private keys) shown as ``'***'``."""
        shown = ", ".join(f"{f.name}={_masked(f.name, getattr(self, f.name))!r}" for f in fields(self) if f.repr)
        return f"{type(self).__name__}({shown})"

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
    def trusted_audiences(self) -> frozenset[str]:
        """Audiences besides ``client_id`` an ID token may name (OIDC Core 3.1.3.7 step 3)."""
        return frozenset(self.client_kwargs.get("trusted_audiences") or ())

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


def warn_misspelled_config_keys(name: str, app_config: Mapping[str, Any], registered: Iterable[str] = ()) -> None:
    """Warn about each ``{NAME}_*`` key of ``app_config`` that looks like a typo of a config key.

    ``GOOGLE_CLIENT_SECERT`` is otherwise silently ignored and surfaces later as
    ``invalid_client``.  See :func:`.typos.misspelled_config_keys` for what counts as a typo.
    """
    known = {key.upper() for key in CONFIG_KEYS}
    for key, meant in misspelled_config_keys(name, app_config, known, registered).items():
        warnings.warn(
            f"Flask config key {key} is ignored by register({name!r}); did you mean {meant}? "
            f"See {_ACCEPTED_SETTINGS_DOC} (Flask config keys)",
            ConfigurationWarning,
            stacklevel=user_stacklevel(),
        )


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
    accepted = {*CONFIG_KEYS, *OTHER_KEYS, *METADATA_KEYS, *_INTO_CLIENT_KWARGS, *_INTO_AUTHORIZE_PARAMS}
    for key in unknown:
        settings.pop(key)
        warnings.warn(
            f"register({name!r}): ignoring unknown setting {key!r}{did_you_mean(key, accepted)} "
            f"See {_ACCEPTED_SETTINGS_DOC} (register() keywords) for accepted settings",
            ConfigurationWarning,
            stacklevel=user_stacklevel(),
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
    for attr in ("fetch_token", "update_token", "compliance_fix", "userinfo_compliance_fix",
                 "fetch_request_token", "save_request_token"):
        value = getattr(config, attr)
        if value is not None and not callable(value):
            raise ConfigurationError(f"register({config.name!r}): {attr} must be callable")
    if (config.fetch_request_token is None) != (config.save_request_token is None):
        raise ConfigurationError(
            f"register({config.name!r}): fetch_request_token and save_request_token go together "
            "(one stores the temporary credentials, the other reads them back at the callback)"
        )
    _validate_client_kwargs(config)


def _validate_client_kwargs(config: ClientConfig) -> None:
    kw = config.client_kwargs
    where = config.config_key("client_kwargs")
    for unknown in sorted(set(kw) - CLIENT_KWARGS_KEYS):
        warnings.warn(
            f"{where}: ignoring unknown key {unknown!r}{did_you_mean(unknown, CLIENT_KWARGS_KEYS)} "
            f"See {_ACCEPTED_SETTINGS_DOC} (client_kwargs) for accepted keys",
            ConfigurationWarning,
            stacklevel=user_stacklevel(),
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
    audiences = kw.get("trusted_audiences")
    if audiences is not None and not (
        isinstance(audiences, list | tuple | set | frozenset) and all(isinstance(a, str) for a in audiences)
    ):
        raise ConfigurationError(f"{where}['trusted_audiences'] must be a list of strings")
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
