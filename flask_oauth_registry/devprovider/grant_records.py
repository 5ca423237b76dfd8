"""What the dev provider stores for a grant: oauthlib's request and token turned into the store's records."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from .settings import ProviderSettings
from .store import AccessToken, CodeGrant, RefreshToken, now


def code_grant(client_id: str, code: Mapping[str, Any], request: Any, settings: ProviderSettings) -> CodeGrant:
    """The code with user, nonce, auth_time and PKCE challenge, for the token step."""
    claims = request.claims if isinstance(request.claims, dict) else None
    return CodeGrant(
        code=code["code"],
        client_id=client_id,
        redirect_uri=request.redirect_uri,
        scopes=list(request.scopes or []),
        user=request.user,
        auth_time=int(getattr(request, "auth_time", None) or now()),
        expires_at=now() + settings.authorization_code_ttl,
        nonce=request.nonce,
        code_challenge=request.code_challenge,
        code_challenge_method=request.code_challenge_method,
        claims=claims,
        dpop_jkt=getattr(request, "dpop_jkt", None) or None,
    )


def token_records(
    token: Mapping[str, Any], request: Any, settings: ProviderSettings
) -> tuple[AccessToken, RefreshToken | None]:
    """The access token (and refresh token, when one was issued) with user, scopes and expiry.

    A refresh may narrow the access token's scope, but the new refresh token keeps
    the scope of the one it replaces (RFC 6749 section 6), so the grant never shrinks.
    Both are bound to the key of the request's DPoP proof, if it had one.
    """
    jkt = getattr(request, "dev_dpop_jkt", None)
    scopes = list(request.scopes or [])
    rotated = getattr(request, "dev_refresh", None)
    refresh_scopes = list(rotated.scopes) if rotated is not None else scopes
    user = request.user
    auth_time = getattr(request, "auth_time", None)
    expires_at = now() + int(token.get("expires_in", settings.access_token_ttl))
    access = AccessToken(
        token["access_token"], request.client_id, scopes, expires_at, user, auth_time, token.get("refresh_token"), jkt,
    )
    refresh = None
    if token.get("refresh_token"):
        refresh = RefreshToken(
            token["refresh_token"], request.client_id, refresh_scopes,
            now() + settings.refresh_token_ttl, user, auth_time, token["access_token"], jkt,
        )
    return access, refresh
