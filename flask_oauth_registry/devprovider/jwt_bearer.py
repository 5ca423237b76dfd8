"""The JWT-bearer grant at the dev provider's token endpoint (RFC 7523 2.1, 3): an assertion for an access token.

oauthlib has no such grant, so ``/token`` hands ``grant_type=urn:ietf:params:oauth:grant-type:jwt-bearer``
here.  The assertion must come from a registered :class:`.ServiceAccountConfig` (its
``iss``), be signed by its key (an asymmetric algorithm, never ``none`` or a MAC),
name this token endpoint (or the issuer) as ``aud``, carry ``exp``, ``iat`` and
``jti``, live at most an hour, and not be replayed.  The token has the scopes of
the request's ``scope`` parameter, or of the assertion's ``scope`` claim (Google's
way), ``api`` by default; it acts for ``sub`` when that is a user the account may
act for, else for no user.  Client authentication is not needed: the assertion is it.
With a DPoP proof the token is a ``DPoP`` token bound to the proof's key (RFC 9449 5).
"""

from __future__ import annotations

import json
import secrets
import time
from typing import Any
from urllib.parse import parse_qs

import jwt
from flask import Response
from oauthlib.oauth2.rfc6749.errors import OAuth2Error

from .bridge import json_response, oauth2_error_response
from .dpop_binding import TokenBinding
from .settings import SUPPORTED_SCOPES, ServiceAccountConfig
from .state import ProviderState
from .store import AccessToken

JWT_BEARER_GRANT = "urn:ietf:params:oauth:grant-type:jwt-bearer"
#: The longest an assertion may live (``exp - iat``), in seconds.
MAX_ASSERTION_LIFETIME = 3600
#: Clock skew allowed on ``exp`` and ``iat``.
LEEWAY = 30
ALGORITHMS = ["RS256", "RS384", "RS512", "PS256", "PS384", "PS512", "ES256", "ES384", "ES512", "EdDSA"]
DEFAULT_SCOPES = ("api",)


class AssertionRefused(Exception):
    """The request is refused with an OAuth error (RFC 6749 5.2)."""

    def __init__(self, error: str, description: str) -> None:
        super().__init__(description)
        self.error = error
        self.description = description


def jwt_bearer_token(
    state: ProviderState, body: str | None, method: str, uri: str, headers: dict[str, str]
) -> Response:
    """Answer a JWT-bearer token request: an access token, or ``invalid_grant``, ``invalid_dpop_proof``..."""
    form = {key: values[0] for key, values in parse_qs(body or "", keep_blank_values=True).items()}
    try:
        jkt = TokenBinding(state.settings, state.dpop).direct(method, uri, headers)
        record = issue(state, form, jkt)
    except AssertionRefused as refused:
        state.stats.count_token_request(JWT_BEARER_GRANT, ok=False)
        return json_response({"error": refused.error, "error_description": refused.description}, status=400)
    except OAuth2Error as exc:
        state.stats.count_token_request(JWT_BEARER_GRANT, ok=False)
        return oauth2_error_response(exc)
    state.stats.count_token_request(JWT_BEARER_GRANT, ok=True)
    return json_response({
        "access_token": record.token,
        "token_type": "DPoP" if record.jkt else "Bearer",
        "expires_in": state.settings.access_token_ttl,
        "scope": " ".join(record.scopes),
    })


def issue(state: ProviderState, form: dict[str, str], jkt: str | None = None) -> AccessToken:
    """Check the assertion in ``form`` and store the access token it buys (bound to the DPoP key ``jkt``)."""
    assertion = form.get("assertion")
    if not assertion:
        raise AssertionRefused("invalid_request", "The assertion parameter is missing.")
    claims, account = verify_assertion(state, assertion)
    if not state.store.use_nonce(("jwt-bearer", account.issuer, str(claims["jti"])), MAX_ASSERTION_LIFETIME + LEEWAY):
        raise AssertionRefused("invalid_grant", "The assertion was used before (jti).")
    record = AccessToken(
        token=secrets.token_urlsafe(32),
        client_id=account.issuer,
        scopes=_scopes(form.get("scope") or claims.get("scope")),
        expires_at=time.time() + state.settings.access_token_ttl,
        user=_acting_for(state, account, claims),
        jkt=jkt,
    )
    state.store.save_tokens(record, None)
    return record


def verify_assertion(state: ProviderState, assertion: str) -> tuple[dict[str, Any], ServiceAccountConfig]:
    """The assertion's claims once its issuer, signature, audience, times and lifetime are checked."""
    try:
        header = jwt.get_unverified_header(assertion)
        unverified = jwt.decode(assertion, options={"verify_signature": False})
    except jwt.PyJWTError:
        raise AssertionRefused("invalid_grant", "The assertion is not a JWT.") from None
    account = state.settings.service_account(unverified.get("iss"))
    if account is None:
        raise AssertionRefused("invalid_grant", "The assertion's issuer is not a registered service account.")
    if account.key_id and header.get("kid") != account.key_id:
        raise AssertionRefused("invalid_grant", "The assertion's kid is not the service account's key.")
    issuer = state.issuer()
    try:
        claims = jwt.decode(
            assertion, _public_key(account), algorithms=ALGORITHMS, audience=[f"{issuer}/token", issuer],
            issuer=account.issuer, leeway=LEEWAY, options={"require": ["iss", "aud", "exp", "iat", "jti"]},
        )
    except jwt.PyJWTError as exc:
        raise AssertionRefused("invalid_grant", f"The assertion is not valid: {exc}") from None
    if claims["exp"] - claims["iat"] > MAX_ASSERTION_LIFETIME:
        raise AssertionRefused("invalid_grant", "The assertion lives longer than an hour.")
    if claims["iat"] > time.time() + LEEWAY:
        raise AssertionRefused("invalid_grant", "The assertion was issued in the future.")
    return claims, account


def _public_key(account: ServiceAccountConfig) -> Any:
    key = account.public_key
    if isinstance(key, str) and key.lstrip().startswith("{"):
        key = json.loads(key)
    return jwt.PyJWK(key).key if isinstance(key, dict) else key


def _acting_for(state: ProviderState, account: ServiceAccountConfig, claims: dict[str, Any]) -> str | None:
    """The user the token acts for: ``sub`` when it names one the account may act for; ``None`` for itself."""
    subject = claims.get("sub", account.issuer)
    if subject == account.issuer:
        return None
    if subject not in account.subjects or state.settings.user(subject) is None:
        raise AssertionRefused("invalid_grant", "The service account may not act for this subject.")
    return str(subject)


def _scopes(requested: Any) -> list[str]:
    scopes = str(requested).split() if requested else list(DEFAULT_SCOPES)
    unknown = [scope for scope in scopes if scope not in SUPPORTED_SCOPES]
    if unknown:
        raise AssertionRefused("invalid_scope", f"Unknown scope: {unknown[0]}.")
    return scopes
