"""Okta: OpenID Connect through the discovery document of an Okta authorization server.

``domain=`` is the org's Okta domain (``dev-123456.okta.com`` or a custom domain).
``authorization_server=`` picks the server: ``"default"`` (the default custom
authorization server, what Okta's sign-in guides use and the preset's default),
another custom server's id, or ``"org"`` for the org authorization server (issuer
``https://{domain}``, tokens only Okta's own APIs accept).  Refresh tokens come
with ``offline_access`` when the app allows the refresh-token grant.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from .base import PresetOption, ProviderPreset

#: ``authorization_server=`` value naming the org authorization server.
ORG = "org"


def _issuer(options: Mapping[str, Any]) -> dict[str, str]:
    server = options.get("authorization_server") or "default"
    base = f"https://{options['domain']}"
    return {"issuer_url": base if server == ORG else f"{base}/oauth2/{server}"}


PRESET = ProviderPreset(
    name="okta",
    title="Okta",
    family="identity",
    settings={
        "server_metadata_url": "{issuer_url}/.well-known/openid-configuration",
        "api_base_url": "https://{domain}/",
        "client_kwargs": {"scope": "openid profile email"},
    },
    options=(
        PresetOption("domain", "your Okta domain, e.g. dev-123456.okta.com", required=True),
        PresetOption("authorization_server", "'default', a custom server id, or 'org'", default="default"),
    ),
    derive=_issuer,
    docs="Okta (OpenID Connect): domain=, authorization_server= 'default', a custom server id, or 'org'.",
    references=(
        "https://developer.okta.com/docs/concepts/auth-servers/",
        "https://developer.okta.com/docs/reference/api/oidc/",
        "https://developer.okta.com/docs/guides/implement-grant-type/authcode/main/",
        "https://developer.okta.com/docs/guides/refresh-tokens/main/",
    ),
    checked="2026-12-02",
)
