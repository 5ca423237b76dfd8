"""PayPal: "Log in with PayPal", OpenID Connect sign-in with the profile read from PayPal's identity API.

``sandbox=True`` moves every host to PayPal's sandbox.  The token endpoint wants
HTTP Basic client authentication and answers ``expires_in`` as a string (the
token code reads numeric strings).  ``userinfo()`` reads
``/v1/identity/oauth2/userinfo?schema=paypalv1.1`` and maps it to standard claims;
``sub`` is the ID token's subject when the token has one, else PayPal's ``user_id``.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from .base import PresetOption, ProviderPreset
from .profile import Profile, split_name


def profile_to_claims(profile: Mapping[str, Any]) -> dict[str, Any]:
    """The ``paypalv1.1`` userinfo answer as OIDC claims; the primary e-mail address, verified when confirmed."""
    listed = profile.get("emails")
    emails = [e for e in listed if isinstance(e, dict)] if isinstance(listed, list) else []
    chosen = next((e for e in emails if e.get("primary")), emails[0] if emails else {})
    name = profile.get("name") or None
    given, family = split_name(name)
    return {
        "sub": profile.get("user_id"),
        "name": name,
        "given_name": profile.get("given_name") or given,
        "family_name": profile.get("family_name") or family,
        "email": chosen.get("value") or profile.get("email"),
        "email_verified": bool(chosen.get("confirmed")) if chosen else None,
        "payer_id": profile.get("payer_id"),
        "verified_account": str(profile.get("verified_account")).lower() == "true"
        if profile.get("verified_account") is not None else None,
    }


_PROFILE = Profile(url="v1/identity/oauth2/userinfo", params={"schema": "paypalv1.1"}, to_claims=profile_to_claims)


def load_userinfo(app: Any, **kwargs: Any) -> dict[str, Any]:
    """The identity API's profile; ``sub`` is the verified ID token's, so that it matches the login's."""
    token = kwargs.get("token") or app.token
    claims = _PROFILE.load(app, **kwargs)
    verified = (token or {}).get("userinfo") or {}
    if verified.get("sub"):
        claims["user_id"], claims["sub"] = claims["sub"], str(verified["sub"])
    return claims


def _hosts(options: Mapping[str, Any]) -> dict[str, str]:
    sandbox = ".sandbox" if options.get("sandbox") else ""
    return {"web": f"www{sandbox}.paypal.com", "api": f"api-m{sandbox}.paypal.com"}


PRESET = ProviderPreset(
    name="paypal",
    title="PayPal",
    family="identity",
    settings={
        "server_metadata_url": "https://{web}/.well-known/openid-configuration",
        "authorize_url": "https://{web}/signin/authorize",
        "access_token_url": "https://{api}/v1/oauth2/token",
        "api_base_url": "https://{api}/",
        "client_kwargs": {
            "scope": "openid profile email https://uri.paypal.com/services/paypalattributes",
            "token_endpoint_auth_method": "client_secret_basic",
        },
    },
    options=(PresetOption("sandbox", "True for PayPal's sandbox", default=False, choices=(True, False)),),
    derive=_hosts,
    userinfo=load_userinfo,
    docs="Log in with PayPal (OpenID Connect): sandbox=True; userinfo() reads the paypalv1.1 profile.",
    references=(
        "https://developer.paypal.com/docs/log-in-with-paypal/integrate/",
        "https://developer.paypal.com/docs/api/identity/v1/#userinfo_get",
        "https://developer.paypal.com/api/rest/authentication/",
    ),
    checked="2026-12-02",
)
