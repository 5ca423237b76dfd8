"""Google: OpenID Connect through discovery; profile claims are already standard.

Google adds a new grant to the user's earlier ones when asked with
``include_granted_scopes=true`` (incremental authorization), which ``required``
uses; ``access_type="offline"`` on ``authorize_redirect`` asks for a refresh token.
"""

from __future__ import annotations

from .base import ProviderPreset

PRESET = ProviderPreset(
    name="google",
    title="Google",
    family="major",
    settings={
        "server_metadata_url": "https://accounts.google.com/.well-known/openid-configuration",
        "api_base_url": "https://www.googleapis.com/",
        "client_kwargs": {"scope": "openid email profile"},
    },
    docs="Google Identity (OpenID Connect). Add access_type='offline' to authorize_redirect for a refresh token.",
    incremental_authorization=True,
    references=(
        "https://developers.google.com/identity/openid-connect/openid-connect",
        "https://developers.google.com/identity/protocols/oauth2/web-server#incrementalAuth",
        "https://accounts.google.com/.well-known/openid-configuration",
    ),
    checked="2026-12-02",
)
