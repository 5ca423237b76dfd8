"""Auth0: OpenID Connect through the tenant's discovery document (``domain=``).

Auth0's issuer ends in ``/`` (``https://{domain}/``), so the preset declares it.
``audience=`` (an API identifier, often a URL) is sent as an authorization
parameter, which makes Auth0 issue an access token for that API; without it the
access token is only good for ``/userinfo``.  Refresh tokens come with the
``offline_access`` scope when the API allows offline access.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from ..registry.errors import ConfigurationError
from .base import PresetOption, ProviderPreset


def configure(name: str, settings: Mapping[str, Any]) -> Mapping[str, Any]:
    """``audience=`` moved into the authorization parameters (an ``audience`` given there wins)."""
    configured = dict(settings)
    audience = configured.pop("audience", None)
    if audience is None:
        return configured
    if not isinstance(audience, str) or not audience:
        raise ConfigurationError(description=f"register({name!r}): audience= must be a non-empty string")
    configured["authorize_params"] = {"audience": audience, **(configured.get("authorize_params") or {})}
    return configured


PRESET = ProviderPreset(
    name="auth0",
    title="Auth0",
    family="identity",
    settings={
        "server_metadata_url": "https://{domain}/.well-known/openid-configuration",
        "issuer": "https://{domain}/",
        "api_base_url": "https://{domain}/",
        "client_kwargs": {"scope": "openid profile email", "token_endpoint_auth_method": "client_secret_post"},
    },
    options=(PresetOption("domain", "your Auth0 tenant's domain, e.g. dev-abc123.us.auth0.com", required=True),),
    configure=configure,
    docs="Auth0 (OpenID Connect): domain= the tenant or custom domain, audience= an API identifier.",
    references=(
        "https://auth0.com/docs/get-started/authentication-and-authorization-flow/authorization-code-flow",
        "https://auth0.com/docs/api/authentication#authorization-code-flow",
        "https://auth0.com/docs/api/authentication#user-profile",
        "https://auth0.com/docs/secure/tokens/refresh-tokens/get-refresh-tokens",
        "https://auth0.com/docs/get-started/applications/confidential-and-public-applications/"
        "view-application-type",
    ),
    checked="2026-12-02",
)
