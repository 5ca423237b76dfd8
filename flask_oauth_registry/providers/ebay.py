"""eBay: OAuth 2.0 user tokens (authorization code); the Commerce Identity API's ``user`` maps to claims.

``sandbox=True`` moves every endpoint to eBay's sandbox (``auth.sandbox.ebay.com``,
``api.sandbox.ebay.com``, ``apiz.sandbox.ebay.com``).  Quirks: the token answer
calls the token a ``"User Access Token"`` rather than a Bearer token, which it
is; and a refresh names the scopes again (eBay's refresh request carries
``scope``), so the app's scope is sent with each refresh.  eBay's
``redirect_uri`` is not a URL but the app's RuName (see the docs), given as
``redirect_uri`` to ``authorize_redirect`` or ``client_kwargs``.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from . import quirks
from .base import PresetOption, ProviderPreset
from .profile import Profile

SCOPE = "https://api.ebay.com/oauth/api_scope https://api.ebay.com/oauth/api_scope/commerce.identity.readonly"



def _object(value: Any) -> Mapping[str, Any]:
    """``value`` if it is a JSON object, else an empty one: optional parts of a profile may be absent or null."""
    return value if isinstance(value, Mapping) else {}

def profile_to_claims(user: Mapping[str, Any]) -> dict[str, Any]:
    """A ``commerce/identity/v1/user/`` answer as OIDC claims (name and e-mail need their identity scopes)."""
    person = _object(user.get("individualAccount"))
    business = _object(user.get("businessAccount"))
    given, family = person.get("firstName") or None, person.get("lastName") or None
    name = " ".join(part for part in (given, family) if part) or business.get("name")
    username = user.get("username")
    return {
        "sub": user.get("userId"),
        "name": name,
        "given_name": given,
        "family_name": family,
        "preferred_username": username,
        "email": person.get("email") or business.get("email"),
        "profile": f"https://www.ebay.com/usr/{username}" if username else None,
    }


def _environment(options: Mapping[str, Any]) -> dict[str, str]:
    return {"env": ".sandbox" if options.get("sandbox") else ""}


def _bearer(fields: dict[str, Any]) -> dict[str, Any]:
    if "access_token" in fields and str(fields.get("token_type", "")).lower() == "user access token":
        fields["token_type"] = "Bearer"
    return fields


def configure(name: str, settings: Mapping[str, Any]) -> dict[str, Any]:
    """The settings with the app's scope also sent on refresh, as eBay's refresh request names it."""
    configured = dict(settings)
    scope = (configured.get("client_kwargs") or {}).get("scope")
    refresh = dict(configured.get("refresh_token_params") or {})
    if scope and "scope" not in refresh:
        configured["refresh_token_params"] = {**refresh, "scope": scope}
    return configured


def load_userinfo(app: Any, **kwargs: Any) -> dict[str, Any]:
    """The Identity API's user, at the preset's (sandbox or production) ``userinfo_endpoint``."""
    endpoint = app.server_metadata["userinfo_endpoint"]
    return Profile(url=endpoint, to_claims=profile_to_claims).load(app, **kwargs)


PRESET = ProviderPreset(
    name="ebay",
    title="eBay",
    family="regional",
    settings={
        "authorize_url": "https://auth{env}.ebay.com/oauth2/authorize",
        "access_token_url": "https://api{env}.ebay.com/identity/v1/oauth2/token",
        "api_base_url": "https://api{env}.ebay.com/",
        "userinfo_endpoint": "https://apiz{env}.ebay.com/commerce/identity/v1/user/",
        "client_kwargs": {"scope": SCOPE},
    },
    options=(PresetOption("sandbox", "True for eBay's sandbox environment", default=False, choices=(True, False)),),
    derive=_environment,
    quirks=quirks.on_token_answers(_bearer, "token answers say 'User Access Token' for a Bearer token"),
    configure=configure,
    userinfo=load_userinfo,
    docs="eBay OAuth 2.0 user tokens (sandbox=True; redirect_uri is the RuName). userinfo() reads the Identity API.",
    references=(
        "https://developer.ebay.com/api-docs/static/oauth-authorization-code-grant.html",
        "https://developer.ebay.com/api-docs/static/oauth-auth-code-grant-request.html",
        "https://developer.ebay.com/api-docs/static/oauth-refresh-token-request.html",
        "https://developer.ebay.com/api-docs/commerce/identity/resources/user/methods/getUser",
    ),
    checked="2026-12-02",
)
