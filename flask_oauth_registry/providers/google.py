"""Google: OpenID Connect through discovery; profile claims are already standard."""

from __future__ import annotations

from .base import ProviderPreset

PRESET = ProviderPreset(
    name="google",
    settings={
        "server_metadata_url": "https://accounts.google.com/.well-known/openid-configuration",
        "api_base_url": "https://www.googleapis.com/",
        "client_kwargs": {"scope": "openid email profile"},
    },
    docs="Google Identity (OpenID Connect). Add access_type='offline' to authorize_redirect for a refresh token.",
    # https://developers.google.com/identity/protocols/oauth2/web-server#incrementalAuth
    incremental_authorization=True,
)
