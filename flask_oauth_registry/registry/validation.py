"""Setting values checked and parsed once, at build: a wrong value fails with ConfigurationError naming its key.

:func:`checked_settings` checks the settings as given (types, URLs, callbacks)
and freezes dict settings; :func:`derived_settings` parses ``client_kwargs`` into
the typed fields of :class:`.ClientConfig`, OAuth 1.0a signing included, so no
code reads ``client_kwargs`` at the point of use.  Pure: data in, data out (an
RSA key given as a file path is read here, once).
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from types import MappingProxyType
from typing import Any

from oauthlib.oauth1 import (
    SIGNATURE_HMAC_SHA1,
    SIGNATURE_RSA_SHA1,
    SIGNATURE_RSA_SHA256,
    SIGNATURE_RSA_SHA512,
    SIGNATURE_TYPE_AUTH_HEADER,
    SIGNATURE_TYPE_BODY,
    SIGNATURE_TYPE_QUERY,
)

from .assertion_settings import assertion_config
from .config import DEFAULT_LEEWAY, DEFAULT_POOL_MAXSIZE, DEFAULT_TIMEOUT, Timeout, config_key
from .errors import ConfigurationError
from .fapi_profile import sender_constraint_settings

AUTH_METHODS = frozenset(
    {"client_secret_basic", "client_secret_post", "none", "client_secret_jwt", "private_key_jwt"}
)
OAUTH1_SIGNATURE_METHODS = frozenset(
    {"HMAC-SHA1", "HMAC-SHA256", "HMAC-SHA512", "RSA-SHA1", "RSA-SHA256", "RSA-SHA512", "PLAINTEXT"}
)
RSA_METHODS = frozenset({SIGNATURE_RSA_SHA1, SIGNATURE_RSA_SHA256, SIGNATURE_RSA_SHA512})
#: ``client_kwargs["signature_type"]`` (Authlib's spelling, and oauthlib's) to oauthlib's constant.
SIGNATURE_TYPES: dict[str, str] = {
    "HEADER": SIGNATURE_TYPE_AUTH_HEADER,
    "AUTH_HEADER": SIGNATURE_TYPE_AUTH_HEADER,
    "QUERY": SIGNATURE_TYPE_QUERY,
    "BODY": SIGNATURE_TYPE_BODY,
}
#: What OAuth 1.0a ``REQUEST_TOKEN_PARAMS`` / ``ACCESS_TOKEN_PARAMS`` may hold: keyword arguments
#: of :meth:`requests.Session.request`, as in Authlib (``auth`` is ours: we sign).
REQUEST_KWARGS = frozenset(
    {"params", "data", "headers", "cookies", "files", "json", "timeout", "allow_redirects",
     "proxies", "hooks", "stream", "verify", "cert"}
)

_DICT_SETTINGS = ("request_token_params", "access_token_params", "refresh_token_params",
                  "authorize_params", "client_kwargs")
_STRING_SETTINGS = ("client_id", "request_token_url", "access_token_url", "refresh_token_url",
                    "authorize_url", "api_base_url", "server_metadata_url")
_URL_SETTINGS = ("access_token_url", "refresh_token_url", "authorize_url", "request_token_url", "server_metadata_url")
_CALLBACK_SETTINGS = ("fetch_token", "update_token", "compliance_fix", "userinfo_compliance_fix",
                      "fetch_request_token", "save_request_token")


def checked_settings(name: str, settings: Mapping[str, Any], metadata: Mapping[str, Any]) -> dict[str, Any]:
    """The settings as given, checked, with dict settings as read-only copies (and ``metadata`` among them)."""
    checked = dict(settings)
    for key in _DICT_SETTINGS:
        value = checked.get(key)
        if value is not None and not isinstance(value, Mapping):
            raise ConfigurationError(description=f"{config_key(name, key)} must be a dict, not {type(value).__name__}")
        checked[key] = MappingProxyType(dict(value or {}))
    checked["metadata"] = MappingProxyType(dict(metadata))
    for key in _STRING_SETTINGS:
        value = checked.get(key)
        if value is not None and not isinstance(value, str):
            raise ConfigurationError(
                description=f"{config_key(name, key)} must be a string, not {type(value).__name__}"
            )
    for key in _URL_SETTINGS:
        value = checked.get(key)
        if value and not value.startswith(("https://", "http://")):
            raise ConfigurationError(description=f"{config_key(name, key)} must be an absolute http(s) URL")
    for key in _CALLBACK_SETTINGS:
        if checked.get(key) is not None and not callable(checked[key]):
            raise ConfigurationError(description=f"register({name!r}): {key} must be callable")
    if (checked.get("fetch_request_token") is None) != (checked.get("save_request_token") is None):
        raise ConfigurationError(
            description=f"register({name!r}): fetch_request_token and save_request_token go together "
            "(one stores the temporary credentials, the other reads them back at the callback)"
        )
    checked["client_auth_methods"] = tuple(checked.get("client_auth_methods") or ())
    if checked.get("request_token_url"):
        _check_oauth1_request_params(name, checked)
    return checked


def _check_oauth1_request_params(name: str, settings: Mapping[str, Any]) -> None:
    for key in ("request_token_params", "access_token_params"):
        unknown = sorted(set(settings[key]) - REQUEST_KWARGS)
        if unknown:
            raise ConfigurationError(
                description=f"{config_key(name, key)} holds {', '.join(map(repr, unknown))}: its keys are keyword "
                f"arguments of the HTTP request ({', '.join(sorted(REQUEST_KWARGS))}), e.g. "
                "{'params': {'x_auth_access_type': 'read'}}"
            )


def derived_settings(name: str, settings: Mapping[str, Any], *, require_what_config_supplies: bool) -> dict[str, Any]:
    """The :class:`.ClientConfig` fields parsed from ``client_kwargs`` of checked ``settings``.

    ``require_what_config_supplies=False`` skips requiring what the Flask config
    may still add (the RSA key of an RSA signature).
    """
    kw = settings["client_kwargs"]
    where = config_key(name, "client_kwargs")
    oauth1 = bool(settings.get("request_token_url"))
    custom_methods = {getattr(method, "name", None) for method in settings["client_auth_methods"]}
    derived = {
        "token_endpoint_auth_method": _auth_method(kw, where, custom_methods, settings.get("client_secret")),
        "code_challenge_method": _one_of(kw, where, "code_challenge_method", "S256", ("S256", "plain", None)),
        "token_placement": _one_of(kw, where, "token_placement", "header", ("header", "body", "uri")),
        "scope": _scope(kw, where),
        "trusted_audiences": _trusted_audiences(kw, where),
        "timeout": _timeout(kw, where),
        "leeway": _whole_number(kw, where, "leeway", DEFAULT_LEEWAY, "a number of seconds", minimum=None),
        "pool_maxsize": _whole_number(kw, where, "pool_maxsize", DEFAULT_POOL_MAXSIZE, "a number of connections"),
        "redirect_uri": kw.get("redirect_uri"),
        "requests_settings": MappingProxyType({k: kw[k] for k in ("verify", "cert", "proxies") if k in kw}),
        "client_assertion_alg": _optional_string(kw, where, "client_assertion_alg"),
        "private_key": kw.get("private_key"),
        "retry_on_401": _flag(kw, where, "retry_on_401", True),
        "assertion": assertion_config(name, settings),
        **_oauth1_signing(kw, where, require_rsa_key=oauth1 and require_what_config_supplies),
    }
    # PAR, DPoP, request objects and the fapi2 profile, which may change the fields above.
    derived.update(sender_constraint_settings(
        name, settings, derived, require_what_config_supplies=require_what_config_supplies and not oauth1
    ))
    return derived


def _auth_method(kw: Mapping[str, Any], where: str, custom: set[Any], client_secret: str | None) -> str:
    method = kw.get("token_endpoint_auth_method")
    if method is not None and method not in AUTH_METHODS and method not in custom:
        raise ConfigurationError(
            description=f"{where}['token_endpoint_auth_method'] = {method!r} "
            f"is not one of {', '.join(sorted(AUTH_METHODS))}"
        )
    if method:
        return str(method)
    return "client_secret_basic" if client_secret else "none"


def _one_of(kw: Mapping[str, Any], where: str, key: str, default: Any, allowed: tuple[Any, ...]) -> Any:
    value = kw.get(key, default)
    if value not in allowed:
        shown = [repr(choice) for choice in allowed]
        raise ConfigurationError(description=f"{where}[{key!r}] must be {', '.join(shown[:-1])} or {shown[-1]}")
    return value


def _scope(kw: Mapping[str, Any], where: str) -> str | None:
    scope = kw.get("scope")
    if scope is None or isinstance(scope, str):
        return scope
    if isinstance(scope, list | tuple | set) and all(isinstance(item, str) for item in scope):
        return " ".join(scope)
    raise ConfigurationError(description=f"{where}['scope'] must be a string or a list of strings")


def _trusted_audiences(kw: Mapping[str, Any], where: str) -> frozenset[str]:
    audiences = kw.get("trusted_audiences")
    if audiences is None:
        return frozenset()
    if isinstance(audiences, list | tuple | set | frozenset) and all(isinstance(a, str) for a in audiences):
        return frozenset(audiences)
    raise ConfigurationError(description=f"{where}['trusted_audiences'] must be a list of strings")


def _timeout(kw: Mapping[str, Any], where: str) -> Timeout:
    value = kw.get("timeout", kw.get("default_timeout", DEFAULT_TIMEOUT))
    if isinstance(value, list):
        value = tuple(value)
    if not _is_timeout(value):
        raise ConfigurationError(description=f"{where}['timeout'] must be seconds or a (connect, read) pair")
    return value  # type: ignore[no-any-return]


def _is_timeout(value: Any) -> bool:
    if value is None:
        return True
    if isinstance(value, int | float) and not isinstance(value, bool):
        return value > 0
    if isinstance(value, tuple) and len(value) == 2:
        return all(v is None or (isinstance(v, int | float) and v > 0) for v in value)
    return False


def _whole_number(
    kw: Mapping[str, Any], where: str, key: str, default: int, what: str, minimum: int | None = 1
) -> int:
    try:
        value = int(kw.get(key, default))
    except (TypeError, ValueError):
        raise ConfigurationError(description=f"{where}[{key!r}] must be {what}") from None
    if minimum is not None and value < minimum:
        raise ConfigurationError(description=f"{where}[{key!r}] must be {what}, at least {minimum}")
    return value


def _flag(kw: Mapping[str, Any], where: str, key: str, default: bool) -> bool:
    value = kw.get(key, default)
    if not isinstance(value, bool):
        raise ConfigurationError(description=f"{where}[{key!r}] must be True or False")
    return value


def _optional_string(kw: Mapping[str, Any], where: str, key: str) -> str | None:
    value = kw.get(key)
    if value is not None and not isinstance(value, str):
        raise ConfigurationError(description=f"{where}[{key!r}] must be a string")
    return value


def _oauth1_signing(kw: Mapping[str, Any], where: str, *, require_rsa_key: bool) -> dict[str, Any]:
    """OAuth 1.0a ``signature_method``, ``signature_type``, ``rsa_key`` (PEM text) and ``realm``, checked."""
    method = kw.get("signature_method")
    if method is not None and method not in OAUTH1_SIGNATURE_METHODS:
        raise ConfigurationError(
            description=f"{where}['signature_method'] = {method!r} "
            f"is not one of {', '.join(sorted(OAUTH1_SIGNATURE_METHODS))}"
        )
    method = method or SIGNATURE_HMAC_SHA1
    kind = str(kw.get("signature_type") or "HEADER").upper()
    if kind not in SIGNATURE_TYPES:
        raise ConfigurationError(description=f"{where}['signature_type'] must be 'HEADER', 'QUERY' or 'BODY'")
    rsa_key = _load_rsa_key(kw.get("rsa_key"), where)
    if require_rsa_key and method in RSA_METHODS and not rsa_key:
        raise ConfigurationError(description=f"{where}['rsa_key'] is required for {method}")
    return {"signature_method": method, "signature_type": SIGNATURE_TYPES[kind], "rsa_key": rsa_key,
            "realm": kw.get("realm")}


def _load_rsa_key(value: Any, where: str) -> str | None:
    """The PEM text of ``client_kwargs["rsa_key"]``: given inline, or read once from a file."""
    if value is None or value == "":
        return None
    if isinstance(value, bytes):
        value = value.decode("ascii")
    if not isinstance(value, str):
        raise ConfigurationError(description=f"{where}['rsa_key'] must be PEM text or a file path")
    if "-----BEGIN" in value:
        return value
    if not os.path.isfile(value):
        raise ConfigurationError(description=f"{where}['rsa_key'] is neither a PEM key nor a readable file")
    try:
        with open(value, encoding="ascii") as handle:
            return handle.read()
    except (OSError, UnicodeDecodeError):
        raise ConfigurationError(description=f"{where}['rsa_key'] file cannot be read as PEM text") from None
