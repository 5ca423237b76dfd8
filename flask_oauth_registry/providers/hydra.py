"""Ory Hydra (and Ory Network's OAuth2 service): OpenID Connect through the server's discovery document.

``host=`` is the public endpoint's host (``auth.example.com``, or a project's
``{slug}.projects.oryapis.com``).  Hydra only grants the scopes a client was
created with: the default ``openid offline_access email profile`` needs a client
allowed those four.  A server whose issuer ends in ``/`` is registered with
``issuer="https://{host}/"`` as well.
"""

from __future__ import annotations

from .base import PresetOption, ProviderPreset

PRESET = ProviderPreset(
    name="hydra",
    title="Ory Hydra",
    family="identity",
    settings={
        "server_metadata_url": "https://{host}/.well-known/openid-configuration",
        "api_base_url": "https://{host}/",
        "client_kwargs": {"scope": "openid offline_access email profile"},
    },
    options=(PresetOption("host", "the Hydra public endpoint's host name, e.g. auth.example.com", required=True),),
    docs="Ory Hydra / Ory Network OAuth2 (OpenID Connect): host= the public endpoint.",
    references=(
        "https://www.ory.sh/docs/hydra/reference/api",
        "https://www.ory.sh/docs/oauth2-oidc/authorization-code-flow",
        "https://www.ory.sh/docs/oauth2-oidc/refresh-token-grant",
    ),
    checked="2026-12-02",
)
