"""Sender-constraint settings and the ``fapi2`` profile, parsed and checked once at build.

``client_kwargs`` may switch on pushed authorization requests (``par``), DPoP
(``dpop``, ``dpop_key``) and signed request objects (``request_object``);
``profile="fapi2"`` turns on what the FAPI 2.0 Security Profile requires (PAR,
PKCE S256, DPoP, ``private_key_jwt`` with the issuer as the assertion's audience,
the RFC 9207 ``iss`` check, ID tokens in PS256, ES256 or EdDSA only) and refuses
what it forbids, with a :class:`ConfigurationError` naming the setting: a client
secret as authentication, PKCE off, an ``http`` endpoint or metadata URL (loopback
``http`` only with ``insecure_loopback``), an algorithm outside those three.  Pure.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Mapping
from typing import Any
from urllib.parse import urlsplit

from cryptography.hazmat.primitives.asymmetric import ec, rsa

from .assertion_settings import load_signing_key
from .config import config_key
from .dpop import DPoPKey
from .errors import ConfigurationError
from .request_object import signing_key

FAPI2 = "fapi2"
PROFILES = (FAPI2,)
#: The signature algorithms FAPI 2.0 allows (Security Profile 5.4.1): ID tokens, assertions, request objects, proofs.
FAPI2_ALGORITHMS = ("PS256", "ES256", "EdDSA")
_ALGORITHM_BY_KEY = {"RSA": "PS256", "EC": "ES256", "OKP": "EdDSA"}
_URL_SETTINGS = ("authorize_url", "access_token_url", "refresh_token_url", "server_metadata_url", "api_base_url")


def sender_constraint_settings(
    name: str, settings: Mapping[str, Any], derived: Mapping[str, Any], *, require_what_config_supplies: bool
) -> dict[str, Any]:
    """The :class:`.ClientConfig` fields for PAR, DPoP, request objects and the profile, over ``derived``'s.

    ``settings`` are the checked settings, ``derived`` the fields already parsed
    from ``client_kwargs`` (the profile changes some of them).
    """
    kw = settings["client_kwargs"]
    where = config_key(name, "client_kwargs")
    profile = kw.get("profile")
    if profile is not None and profile not in PROFILES:
        raise ConfigurationError(description=f"{where}['profile'] must be {' or '.join(map(repr, PROFILES))}")
    fapi = profile == FAPI2
    dpop_key = DPoPKey.from_setting(kw["dpop_key"], f"{where}['dpop_key']") if kw.get("dpop_key") else None
    fields: dict[str, Any] = {
        "profile": profile,
        "par": _flag(kw, where, "par") or fapi,
        "dpop": _flag(kw, where, "dpop") or dpop_key is not None or fapi,
        "dpop_key": dpop_key,
        "request_object": _flag(kw, where, "request_object"),
        "insecure_loopback": _flag(kw, where, "insecure_loopback"),
    }
    if fapi:
        fields.update(_fapi2_fields(name, settings, derived, dpop_key, fields["insecure_loopback"],
                                    require_key=require_what_config_supplies))
    if fields["request_object"]:
        private_key = kw.get("private_key")
        if private_key:
            alg = fields.get("client_assertion_alg", derived.get("client_assertion_alg"))
            fields["request_signing"] = signing_key(
                private_key, alg, f"{where}['private_key']", rsa_alg="PS256" if fapi else "RS256"
            )
        elif require_what_config_supplies:
            raise ConfigurationError(
                description=f"{where}['request_object'] needs {where}['private_key'] (PEM, a file path or a JWK) "
                "to sign the request object"
            )
    return fields


def _flag(kw: Mapping[str, Any], where: str, key: str) -> bool:
    value = kw.get(key, False)
    if not isinstance(value, bool):
        raise ConfigurationError(description=f"{where}[{key!r}] must be True or False")
    return value


def _fapi2_fields(
    name: str, settings: Mapping[str, Any], derived: Mapping[str, Any], dpop_key: DPoPKey | None,
    insecure_loopback: bool, *, require_key: bool,
) -> dict[str, Any]:
    """What ``profile="fapi2"`` sets, after refusing what FAPI 2.0 forbids."""
    kw = settings["client_kwargs"]
    where = config_key(name, "client_kwargs")
    method = kw.get("token_endpoint_auth_method")
    if method is not None and method != "private_key_jwt":
        raise ConfigurationError(
            description=f"{where}['token_endpoint_auth_method'] = {method!r}: the fapi2 profile authenticates "
            "with private_key_jwt, never a client secret"
        )
    if "code_challenge_method" in kw and kw["code_challenge_method"] != "S256":
        raise ConfigurationError(
            description=f"{where}['code_challenge_method'] = {kw['code_challenge_method']!r}: the fapi2 profile "
            "requires PKCE with S256"
        )
    _refuse_plain_http(name, settings, insecure_loopback)
    algorithms = _id_token_algorithms(name, settings["metadata"])
    if dpop_key is not None and dpop_key.alg not in FAPI2_ALGORITHMS:
        raise ConfigurationError(description=f"{where}['dpop_key'] signs {dpop_key.alg}: the fapi2 profile allows "
                                 f"{', '.join(FAPI2_ALGORITHMS)}")
    return {
        "token_endpoint_auth_method": "private_key_jwt",
        "code_challenge_method": "S256",
        "id_token_algorithms": algorithms,
        "client_assertion_alg": _assertion_alg(where, kw, derived.get("client_assertion_alg"), require_key),
    }


def _refuse_plain_http(name: str, settings: Mapping[str, Any], insecure_loopback: bool) -> None:
    """Every endpoint and the metadata URL must be ``https`` (loopback ``http`` with ``insecure_loopback``)."""
    given = [(config_key(name, key), settings.get(key)) for key in _URL_SETTINGS]
    metadata = settings["metadata"]
    given += [(f"register({name!r}): {key}", value) for key, value in metadata.items()
              if key == "issuer" or key.endswith(("_endpoint", "_uri"))]
    for setting, value in given:
        if not isinstance(value, str) or not value.lower().startswith("http://"):
            continue
        if insecure_loopback and _is_loopback(value):
            continue
        hint = " (loopback http needs client_kwargs['insecure_loopback'] = True)" if _is_loopback(value) else ""
        raise ConfigurationError(
            description=f"{setting} is an http URL: the fapi2 profile requires https{hint}"
        )


def _is_loopback(url: str) -> bool:
    host = urlsplit(url).hostname or ""
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def _id_token_algorithms(name: str, metadata: Mapping[str, Any]) -> tuple[str, ...]:
    """The static ``id_token_signing_alg_values_supported``, when all allowed; else FAPI 2.0's three."""
    static = metadata.get("id_token_signing_alg_values_supported")
    if static is None:
        return FAPI2_ALGORITHMS
    outside = [alg for alg in static if alg not in FAPI2_ALGORITHMS]
    if outside:
        raise ConfigurationError(
            description=f"register({name!r}): id_token_signing_alg_values_supported holds {outside[0]!r}: the "
            f"fapi2 profile accepts only {', '.join(FAPI2_ALGORITHMS)}"
        )
    return tuple(static)


def _assertion_alg(where: str, kw: Mapping[str, Any], given: str | None, require_key: bool) -> str | None:
    """The ``private_key_jwt`` assertion's algorithm: one FAPI 2.0 allows, by default the key's (PS256 for RSA)."""
    if given is not None and given not in FAPI2_ALGORITHMS:
        raise ConfigurationError(
            description=f"{where}['client_assertion_alg'] = {given!r}: the fapi2 profile allows "
            f"{', '.join(FAPI2_ALGORITHMS)}"
        )
    private_key = kw.get("private_key")
    if not private_key:
        if require_key:
            raise ConfigurationError(
                description=f"the fapi2 profile authenticates with private_key_jwt: set {where}['private_key'] "
                "(PEM, a file path or a JWK)"
            )
        return given
    key, _kid, jwk_alg = load_signing_key(private_key, f"{where}['private_key']")
    alg = given or jwk_alg or _ALGORITHM_BY_KEY[type_of(key)]
    if alg not in FAPI2_ALGORITHMS:
        raise ConfigurationError(
            description=f"{where}['private_key'] is for {alg}: the fapi2 profile allows {', '.join(FAPI2_ALGORITHMS)}"
        )
    return str(alg)


def type_of(key: Any) -> str:
    """``RSA``, ``EC`` or ``OKP``: the JWK key type of a private key object."""
    if isinstance(key, rsa.RSAPrivateKey):
        return "RSA"
    return "EC" if isinstance(key, ec.EllipticCurvePrivateKey) else "OKP"


def iss_check(profile: str | None, metadata: Mapping[str, Any]) -> tuple[str | None, bool]:
    """The issuer a callback's ``iss`` must equal, and whether ``iss`` is required (RFC 9207; always for fapi2)."""
    issuer = metadata.get("issuer")
    if profile == FAPI2 and not issuer:
        raise ConfigurationError(
            description="the fapi2 profile checks the callback's iss against the issuer: set issuer= or "
            "server_metadata_url="
        )
    return issuer, profile == FAPI2 or bool(metadata.get("authorization_response_iss_parameter_supported"))
