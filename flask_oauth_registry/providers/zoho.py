"""Zoho: OAuth 2.0 on the accounts server of a data centre (``dc=``); API calls go to the token's ``api_domain``.

``dc`` is the accounts server's domain suffix: ``com`` (the default), ``eu``,
``in``, ``com.au``, ``jp``, ``com.cn``, ``ca`` (``zohocloud.ca``), ``sa`` or ``uk``.
Each token answer names the data centre's API host in ``api_domain``
(``https://www.zohoapis.eu``): with no ``api_base_url`` set, relative API URLs
go there.  Zoho's APIs want ``Authorization: Zoho-oauthtoken <token>``; refresh
tokens come with ``access_type=offline``, which the preset asks for.
``userinfo()`` reads ``/oauth/user/info`` on the accounts server.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any
from urllib.parse import urlsplit

from .base import PresetOption, ProviderPreset
from .profile import Profile, split_name
from .quirks import ApiBaseFromToken, authorization_scheme, with_compliance_fix

#: ``dc=`` -> the data centre's accounts server.
ACCOUNTS_HOSTS = {
    "com": "accounts.zoho.com", "eu": "accounts.zoho.eu", "in": "accounts.zoho.in",
    "com.au": "accounts.zoho.com.au", "jp": "accounts.zoho.jp", "com.cn": "accounts.zoho.com.cn",
    "ca": "accounts.zohocloud.ca", "sa": "accounts.zoho.sa", "uk": "accounts.zoho.uk",
}


def profile_to_claims(profile: Mapping[str, Any]) -> dict[str, Any]:
    """``/oauth/user/info`` (``ZUID``, ``First_Name``, ``Last_Name``, ``Display_Name``, ``Email``) as OIDC claims."""
    given, family = profile.get("First_Name") or None, profile.get("Last_Name") or None
    display = profile.get("Display_Name") or None
    full = " ".join(part for part in (given, family) if part) or display
    if given is None and family is None:
        given, family = split_name(display)
    return {
        "sub": profile.get("ZUID"),
        "name": full,
        "given_name": given,
        "family_name": family,
        "preferred_username": display,
        "email": profile.get("Email"),
    }


def load_userinfo(app: Any, **kwargs: Any) -> dict[str, Any]:
    """The profile from the accounts server the app logs in with (its token endpoint's host)."""
    parts = urlsplit(app.config.access_token_url or "https://accounts.zoho.com/")
    profile = Profile(url=f"{parts.scheme}://{parts.netloc}/oauth/user/info", to_claims=profile_to_claims)
    return profile.load(app, **kwargs)


def configure(name: str, settings: Mapping[str, Any]) -> Mapping[str, Any]:
    """The settings with relative API URLs sent to the token's ``api_domain``."""
    return with_compliance_fix(settings, ApiBaseFromToken("api_domain"))


PRESET = ProviderPreset(
    name="zoho",
    title="Zoho",
    family="identity",
    settings={
        "authorize_url": "https://{accounts}/oauth/v2/auth",
        "access_token_url": "https://{accounts}/oauth/v2/token",
        "authorize_params": {"access_type": "offline"},
        "client_kwargs": {"scope": "AaaServer.profile.Read", "token_endpoint_auth_method": "client_secret_post"},
    },
    options=(PresetOption("dc", "the data centre's domain suffix", default="com", choices=tuple(ACCOUNTS_HOSTS)),),
    derive=lambda options: {"accounts": ACCOUNTS_HOSTS[options["dc"]]},
    quirks=authorization_scheme("Zoho-oauthtoken"),
    configure=configure,
    userinfo=load_userinfo,
    docs="Zoho (OAuth 2.0): dc= the data centre; API calls go to the token's api_domain.",
    references=(
        "https://www.zoho.com/accounts/protocol/oauth/web-apps/authorization.html",
        "https://www.zoho.com/accounts/protocol/oauth/web-apps/access-token.html",
        "https://www.zoho.com/accounts/protocol/oauth/multi-dc.html",
        "https://www.zoho.com/accounts/protocol/oauth/use-access-token.html",
    ),
    checked="2026-12-02",
)
