"""Twitch: OAuth 2.0 on id.twitch.tv; the Helix ``/users`` answer maps to standard claims.

Helix refuses calls without a ``Client-Id`` header naming the app, so the preset's
``configure`` adds one carrying the registration's ``client_id`` to every API
call.  Helix wants ``Authorization: Bearer``, but the token validation endpoint
(``id.twitch.tv/oauth2/validate``, which Twitch asks apps to call hourly) wants
``Authorization: OAuth``; a quirk switches the scheme for that endpoint alone.
The user is nested as ``data[0]``; Twitch's OpenID Connect flow is not used, as
its userinfo holds only the claims asked for one by one.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from .base import ProviderPreset, Quirk, chain_fixes
from .profile import Profile
from .quirks import api_headers

VALIDATE_URL = "https://id.twitch.tv/oauth2/validate"


def profile_to_claims(profile: Mapping[str, Any]) -> dict[str, Any]:
    """One user of Helix ``/users`` as OIDC claims; Twitch only ever returns a verified e-mail address."""
    login = profile.get("login")
    email = profile.get("email")
    return {
        "sub": profile.get("id"),
        "name": profile.get("display_name") or login,
        "preferred_username": login,
        "email": email,
        "email_verified": True if email else None,
        "picture": profile.get("profile_image_url"),
        "profile": f"https://www.twitch.tv/{login}" if login else None,
    }


def _validate_scheme(url: str, headers: Any, data: Any) -> tuple[str, Any, Any]:
    """``Authorization: OAuth <token>`` for the validation endpoint, which predates Helix's ``Bearer``."""
    if url.split("?", 1)[0] == VALIDATE_URL:
        headers = dict(headers or {})
        value = headers.get("Authorization", "")
        if value[:7].lower() == "bearer ":
            headers["Authorization"] = f"OAuth {value[7:]}"
    return url, headers, data


class ClientIdHeader:
    """A compliance fix sending the app's ``Client-Id`` on every API call."""

    def __init__(self, client_id: str) -> None:
        self.client_id = client_id

    def __call__(self, session: Any) -> Any:
        for quirk in api_headers({"Client-Id": self.client_id}, "Helix requires the app's Client-Id header"):
            session.register_compliance_hook(quirk.point, quirk.hook)
        return session

    def __repr__(self) -> str:
        return "ClientIdHeader()"


def configure(name: str, settings: Mapping[str, Any]) -> Mapping[str, Any]:
    """The settings with the ``Client-Id`` fix added once the ``client_id`` is known."""
    client_id = settings.get("client_id")
    if not client_id:
        return settings
    return {**settings, "compliance_fix": chain_fixes(ClientIdHeader(str(client_id)), settings.get("compliance_fix"))}


PRESET = ProviderPreset(
    name="twitch",
    title="Twitch",
    family="social",
    settings={
        "authorize_url": "https://id.twitch.tv/oauth2/authorize",
        "access_token_url": "https://id.twitch.tv/oauth2/token",
        "revocation_endpoint": "https://id.twitch.tv/oauth2/revoke",
        "api_base_url": "https://api.twitch.tv/helix/",
        "client_kwargs": {"scope": "user:read:email", "token_endpoint_auth_method": "client_secret_post"},
    },
    quirks=(Quirk("protected_request", _validate_scheme, "the validation endpoint wants the 'OAuth' scheme"),),
    configure=configure,
    profile=Profile(url="users", to_claims=profile_to_claims, unwrap=("data", 0)),
    docs="Twitch (OAuth 2.0 authorization code). userinfo() reads Helix /users with the Client-Id header.",
    references=(
        "https://dev.twitch.tv/docs/authentication/getting-tokens-oauth/#authorization-code-grant-flow",
        "https://dev.twitch.tv/docs/authentication/refresh-tokens/",
        "https://dev.twitch.tv/docs/authentication/validate-tokens/",
        "https://dev.twitch.tv/docs/api/reference/#get-users",
    ),
    checked="2026-12-02",
)
