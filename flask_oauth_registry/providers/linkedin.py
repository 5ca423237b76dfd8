"""LinkedIn: "Sign In with LinkedIn using OpenID Connect", through LinkedIn's discovery document.

LinkedIn's token endpoint reads the client credentials from the form
(``client_secret_post``).  Its userinfo answer gives ``locale`` as an object
(``{"country": "US", "language": "en"}``) where OpenID Connect wants a language
tag; ``userinfo()`` turns it into ``"en-US"``.  Refresh tokens are issued only to
apps LinkedIn approved for them.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from .base import ProviderPreset


def userinfo_to_claims(data: Mapping[str, Any]) -> dict[str, Any]:
    """LinkedIn's userinfo answer with ``locale`` as a BCP 47 tag; the other claims are already standard."""
    claims = dict(data)
    locale = claims.get("locale")
    if isinstance(locale, Mapping):
        language, country = locale.get("language"), locale.get("country")
        claims["locale"] = "-".join(str(part) for part in (language, country) if part) or None
    return claims


def _fix_userinfo(app: Any, data: Mapping[str, Any]) -> dict[str, Any]:
    return userinfo_to_claims(data)


PRESET = ProviderPreset(
    name="linkedin",
    title="LinkedIn",
    family="identity",
    settings={
        "server_metadata_url": "https://www.linkedin.com/oauth/.well-known/openid-configuration",
        "api_base_url": "https://api.linkedin.com/",
        "userinfo_compliance_fix": _fix_userinfo,
        "client_kwargs": {"scope": "openid profile email", "token_endpoint_auth_method": "client_secret_post"},
    },
    docs="Sign In with LinkedIn using OpenID Connect (the 'Sign In with LinkedIn using OpenID Connect' product).",
    references=(
        "https://learn.microsoft.com/en-us/linkedin/consumer/integrations/self-serve/sign-in-with-linkedin-v2",
        "https://learn.microsoft.com/en-us/linkedin/shared/authentication/authorization-code-flow",
        "https://www.linkedin.com/oauth/.well-known/openid-configuration",
    ),
    checked="2026-12-02",
)
