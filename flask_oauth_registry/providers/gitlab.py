"""GitLab: OpenID Connect through the instance's discovery document; ``host=`` for self-managed GitLab.

``host`` defaults to ``gitlab.com``; the REST API is ``https://{host}/api/v4/``.
GitLab's access tokens live two hours and come with a refresh token.
"""

from __future__ import annotations

from .base import PresetOption, ProviderPreset

PRESET = ProviderPreset(
    name="gitlab",
    title="GitLab",
    family="identity",
    settings={
        "server_metadata_url": "https://{host}/.well-known/openid-configuration",
        "api_base_url": "https://{host}/api/v4/",
        "client_kwargs": {"scope": "openid profile email", "token_endpoint_auth_method": "client_secret_post"},
    },
    options=(PresetOption("host", "a self-managed GitLab's host name; gitlab.com by default", default="gitlab.com"),),
    docs="GitLab.com or self-managed GitLab (OpenID Connect): host= for self-managed.",
    references=(
        "https://docs.gitlab.com/ee/api/oauth2.html",
        "https://docs.gitlab.com/ee/integration/openid_connect_provider.html",
        "https://docs.gitlab.com/ee/integration/oauth_provider.html",
    ),
    checked="2026-12-02",
)
