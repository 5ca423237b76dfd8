"""Keycloak: OpenID Connect through a realm's discovery document (``host=``, ``realm=``).

Endpoints are under ``https://{host}/realms/{realm}/protocol/openid-connect/``, the
layout of Keycloak 17 and later; a server still on the old ``/auth`` context path
is registered with ``server_metadata_url=`` instead.  Keycloak issues refresh
tokens by default.
"""

from __future__ import annotations

from .base import PresetOption, ProviderPreset

PRESET = ProviderPreset(
    name="keycloak",
    title="Keycloak",
    family="identity",
    settings={
        "server_metadata_url": "https://{host}/realms/{realm}/.well-known/openid-configuration",
        "api_base_url": "https://{host}/realms/{realm}/",
        "client_kwargs": {"scope": "openid profile email"},
    },
    options=(
        PresetOption("host", "the Keycloak server's host name (and port), e.g. sso.example.com", required=True),
        PresetOption("realm", "the realm the client is in", required=True),
    ),
    docs="Keycloak (OpenID Connect): host= the server, realm= the realm.",
    references=(
        "https://www.keycloak.org/docs/latest/securing_apps/#_oidc",
        "https://www.keycloak.org/docs/latest/securing_apps/#endpoints",
        "https://www.keycloak.org/docs/latest/server_admin/#_oidc_clients",
    ),
    checked="2026-12-02",
)
