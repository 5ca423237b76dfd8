"""Yahoo: OpenID Connect through Yahoo's discovery document; its ID tokens are signed with ES256.

The app must have the OpenID Connect permissions (e-mail, profile) turned on in
the Yahoo developer console for the default scopes to be granted.
"""

from __future__ import annotations

from .base import ProviderPreset

PRESET = ProviderPreset(
    name="yahoo",
    title="Yahoo",
    family="identity",
    settings={
        "server_metadata_url": "https://api.login.yahoo.com/.well-known/openid-configuration",
        "client_kwargs": {"scope": "openid email profile"},
    },
    docs="Yahoo (OpenID Connect).",
    references=(
        "https://developer.yahoo.com/oauth2/guide/openid_connect/",
        "https://developer.yahoo.com/oauth2/guide/flows_authcode/",
        "https://api.login.yahoo.com/.well-known/openid-configuration",
    ),
    checked="2026-12-02",
)
