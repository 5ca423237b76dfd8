"""LINE Login v2.1: OpenID Connect through LINE's discovery document.

LINE signs the ID tokens of web logins with HS256 and the channel secret (the
client secret), and those of its SDKs with ES256; its discovery document names
only ES256, so the preset accepts both.  The token endpoint reads the client
credentials from the form.  LINE's userinfo answer holds ``sub``, ``name`` and
``picture``: the e-mail address (with the ``email`` permission) is only in the
ID token, and ``userinfo()`` adds it from there.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from .base import ProviderPreset
from .profile import Profile

USERINFO_URL = "https://api.line.me/oauth2/v2.1/userinfo"


def profile_to_claims(profile: Mapping[str, Any]) -> dict[str, Any]:
    """LINE's userinfo answer (``sub``, ``name``, ``picture``), with an ``email`` merged from the ID token."""
    return {key: profile.get(key) for key in ("sub", "name", "picture", "email")}


_PROFILE = Profile(url=USERINFO_URL, to_claims=profile_to_claims)


def load_userinfo(app: Any, **kwargs: Any) -> dict[str, Any]:
    """The userinfo answer, plus the e-mail address of the verified ID token of the same user."""
    token = kwargs.get("token") or app.token
    claims = _PROFILE.load(app, **kwargs)
    verified = (token or {}).get("userinfo") or {}
    if verified.get("email") and str(verified.get("sub")) == claims["sub"]:
        claims["email"] = verified["email"]
    return claims


PRESET = ProviderPreset(
    name="line",
    title="LINE",
    family="identity",
    settings={
        "server_metadata_url": "https://access.line.me/.well-known/openid-configuration",
        "id_token_signing_alg_values_supported": ["HS256", "ES256"],
        "api_base_url": "https://api.line.me/",
        "client_kwargs": {"scope": "openid profile email", "token_endpoint_auth_method": "client_secret_post"},
    },
    userinfo=load_userinfo,
    docs="LINE Login v2.1 (OpenID Connect); HS256 ID tokens are checked with the channel secret.",
    references=(
        "https://developers.line.biz/en/docs/line-login/integrate-line-login/",
        "https://developers.line.biz/en/docs/line-login/verify-id-token/",
        "https://developers.line.biz/en/reference/line-login/#issue-access-token",
        "https://developers.line.biz/en/reference/line-login/#userinfo",
        "https://developers.line.biz/en/docs/line-login/integrate-pkce/",
    ),
    checked="2026-12-02",
)
