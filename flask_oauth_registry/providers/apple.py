"""Sign in with Apple: OpenID Connect through Apple's discovery, a minted client secret and a form_post callback.

Apple has no fixed client secret: each token request carries an ES256 JWT the app
signs with its Sign in with Apple key (``team_id=``, ``key_id=``, and
``private_key=`` the ``.p8`` PEM or its path).  :class:`AppleClientSecret` is a
client authentication method (``client_auth_methods``), so the secret is minted
when a token request needs one, lives an hour, and is reused until five minutes
before it expires.  Asking for ``name`` or ``email`` makes Apple post the callback
(``response_mode=form_post``); on the user's first authorization only, that post
carries a ``user`` field with the name, which a quirk keeps in the token as
``first_login_name``.  ``userinfo()`` reads the verified ID token (Apple has no
userinfo endpoint) and adds that name; the e-mail comes from the ID token alone.
"""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Mapping
from typing import Any
from urllib.parse import parse_qsl, urlencode

import jwt
from cryptography.hazmat.primitives.asymmetric import ec
from flask import has_request_context, request

from ..registry.client_auth import load_private_key
from ..registry.errors import BadResponseError, ConfigurationError, MissingTokenError
from .base import PresetOption, ProviderPreset
from .profile import normalize_claims
from .quirks import on_token_answers

AUDIENCE = "https://appleid.apple.com"
AUTH_METHOD = "apple_client_secret"
#: Apple accepts secrets living up to six months; an hour keeps a leaked one short-lived.
SECRET_LIFETIME = 3600
RENEW_BEFORE = 300
_WANTED = "a P-256 EC private key in PEM (the .p8 file Apple gives)"


class AppleClientSecret:
    """``client_secret_post`` with an ES256 JWT for secret, minted from the team's key and cached per client id."""

    name = AUTH_METHOD

    def __init__(self, team_id: str, key_id: str, private_key: Any, clock: Any = time.time) -> None:
        self.team_id, self.key_id, self._key, self._clock = team_id, key_id, private_key, clock
        self._cached: dict[str, tuple[str, float]] = {}
        self._lock = threading.Lock()

    def secret(self, client_id: str) -> str:
        """The current secret for ``client_id``: the cached one, or a new one near its expiry."""
        now = self._clock()
        with self._lock:
            cached = self._cached.get(client_id)
            if cached is None or cached[1] - RENEW_BEFORE <= now:
                claims = {"iss": self.team_id, "iat": int(now), "exp": int(now) + SECRET_LIFETIME,
                          "aud": AUDIENCE, "sub": client_id}
                minted = jwt.encode(claims, self._key, algorithm="ES256", headers={"kid": self.key_id})
                cached = self._cached[client_id] = (minted, now + SECRET_LIFETIME)
            return cached[0]

    def __call__(self, auth: Any, method: str, uri: str, headers: Any, body: str) -> tuple[str, Any, str]:
        """Authlib's custom auth method signature: the form gets ``client_id`` and the minted ``client_secret``."""
        form = dict(parse_qsl(body or "", keep_blank_values=True))
        form.update(client_id=auth.client_id or "", client_secret=self.secret(auth.client_id or ""))
        return uri, headers, urlencode(form)

    def __repr__(self) -> str:
        return f"AppleClientSecret(team_id={self.team_id!r}, key_id={self.key_id!r})"


def load_signing_key(source: Any, where: str) -> Any:
    """The ``.p8`` key (PEM text or a file path) as a P-256 private key; anything else is refused here, at register."""
    pem, _, _ = load_private_key(source)
    try:
        key = jwt.get_algorithm_by_name("ES256").prepare_key(pem)
    except (ValueError, TypeError, jwt.PyJWTError) as exc:
        raise ConfigurationError(description=f"{where}: private_key= is not {_WANTED}") from exc
    if not isinstance(key, ec.EllipticCurvePrivateKey) or not isinstance(key.curve, ec.SECP256R1):
        raise ConfigurationError(description=f"{where}: private_key= is not {_WANTED}")
    return key


def configure(name: str, settings: Mapping[str, Any]) -> Mapping[str, Any]:
    """The settings with the client-secret method built from ``team_id``, ``key_id`` and ``private_key``."""
    configured = dict(settings)
    ids = configured.pop("apple_signing", None)
    source = configured.pop("private_key", None) or (configured.get("client_kwargs") or {}).get("private_key")
    if ids is None:  # register() before the Flask config gave team_id / key_id: checked at build
        return configured
    if not source:
        raise ConfigurationError(
            description=f"register({name!r}): the apple preset needs private_key= (the .p8 key's PEM or its path)"
        )
    method = AppleClientSecret(ids["team_id"], ids["key_id"], load_signing_key(source, f"register({name!r})"))
    given = tuple(configured.get("client_auth_methods") or ())
    configured["client_auth_methods"] = (*given, method)
    configured["client_kwargs"] = {"token_endpoint_auth_method": AUTH_METHOD, **(configured.get("client_kwargs") or {})}
    configured["client_kwargs"].pop("private_key", None)
    return configured


def first_login_name(user_field: str | None) -> dict[str, str]:
    """``{"given_name", "family_name"}`` from the ``user`` field's JSON; ``{}`` when absent or unreadable."""
    try:
        user = json.loads(user_field or "null")
    except (ValueError, RecursionError):
        return {}
    name = user.get("name") if isinstance(user, dict) else None
    if not isinstance(name, dict):
        return {}
    parts = {"given_name": name.get("firstName"), "family_name": name.get("lastName")}
    return {key: value.strip()[:200] for key, value in parts.items() if isinstance(value, str) and value.strip()}


def _keep_first_login_name(fields: dict[str, Any]) -> dict[str, Any]:
    """The callback's ``user`` name, kept in the token: Apple sends it once, with the code, never again."""
    if has_request_context() and request.method == "POST" and "access_token" in fields:
        name = first_login_name(request.form.get("user"))
        if name:
            fields["first_login_name"] = name
    return fields


def id_token_to_claims(claims: Mapping[str, Any], name: Mapping[str, str] | None = None) -> dict[str, Any]:
    """Apple's ID-token claims (booleans may be the strings ``"true"``/``"false"``) plus the first-login name."""
    given, family = (name or {}).get("given_name"), (name or {}).get("family_name")
    return {
        "sub": claims.get("sub"),
        "email": claims.get("email"),
        "email_verified": _flag(claims.get("email_verified")),
        "is_private_email": _flag(claims.get("is_private_email")),
        "given_name": given,
        "family_name": family,
        "name": " ".join(part for part in (given, family) if part) or None,
    }


def _flag(value: Any) -> bool | None:
    return value if isinstance(value, bool) else {"true": True, "false": False}.get(str(value).lower())


def load_userinfo(app: Any, **kwargs: Any) -> dict[str, Any]:
    """The verified ID token's claims with the first-login name; Apple has no userinfo endpoint."""
    token = kwargs.get("token") or app.token
    if not token:
        raise MissingTokenError(description="userinfo() needs the Apple token")
    claims = token.get("userinfo") or app.parse_id_token(token, nonce=None)
    if not claims:
        raise BadResponseError(description="the Apple token has no ID token to read the user from")
    return normalize_claims(id_token_to_claims(claims, token.get("first_login_name")), "Apple's ID token")


PRESET = ProviderPreset(
    name="apple",
    title="Sign in with Apple",
    family="identity",
    settings={
        "server_metadata_url": "https://appleid.apple.com/.well-known/openid-configuration",
        "authorize_params": {"response_mode": "form_post"},
        "client_kwargs": {"scope": "openid email name"},
        "apple_signing": {"team_id": "{team_id}", "key_id": "{key_id}"},
    },
    options=(
        PresetOption("team_id", "your Apple Developer team id", required=True),
        PresetOption("key_id", "the id of the Sign in with Apple key", required=True),
    ),
    quirks=tuple(
        quirk for quirk in on_token_answers(_keep_first_login_name, "the name arrives once, in the form_post callback")
        if quirk.point == "access_token_response"
    ),
    configure=configure,
    userinfo=load_userinfo,
    docs="Sign in with Apple (OpenID Connect, form_post; the ES256 client secret is minted from the team's key).",
    references=(
        "https://developer.apple.com/documentation/sign_in_with_apple/sign_in_with_apple_rest_api",
        "https://developer.apple.com/documentation/accountorganizationaldatasharing/creating-a-client-secret",
        "https://developer.apple.com/documentation/sign_in_with_apple/request_an_authorization_to_the_sign_in_with_apple_server",
        "https://developer.apple.com/documentation/sign_in_with_apple/generate_and_validate_tokens",
        "https://developer.apple.com/documentation/sign_in_with_apple/authenticating-users-with-sign-in-with-apple",
    ),
    checked="2026-12-02",
)
