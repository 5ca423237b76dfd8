"""Slack: "Sign in with Slack", OpenID Connect through Slack's discovery document.

The code is exchanged at the Web API method ``openid.connect.token`` and the
profile read from ``openid.connect.userInfo``; both answer HTTP 200 with
``{"ok": false, "error": ...}`` when they refuse.  The token path already treats
an ``error`` in a 200 answer as a provider error; ``userInfo`` refusals become one
here too.  Tokens refresh only when the app has token rotation turned on.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from ..registry.errors import ProviderError
from .base import ProviderPreset


def userinfo_to_claims(data: Mapping[str, Any]) -> dict[str, Any]:
    """The ``openid.connect.userInfo`` answer without Slack's ``ok`` envelope; a refusal is a ProviderError."""
    if data.get("ok") is False:
        raise ProviderError(error=str(data.get("error") or "userinfo_failed"),
                            description="Slack refused openid.connect.userInfo")
    return {key: value for key, value in data.items() if key != "ok"}


def _fix_userinfo(app: Any, data: Mapping[str, Any]) -> dict[str, Any]:
    return userinfo_to_claims(data)


PRESET = ProviderPreset(
    name="slack",
    title="Slack",
    family="identity",
    settings={
        "server_metadata_url": "https://slack.com/.well-known/openid-configuration",
        "api_base_url": "https://slack.com/api/",
        "userinfo_compliance_fix": _fix_userinfo,
        "client_kwargs": {"scope": "openid profile email", "token_endpoint_auth_method": "client_secret_post"},
    },
    docs="Sign in with Slack (OpenID Connect): openid.connect.token and openid.connect.userInfo.",
    references=(
        "https://api.slack.com/authentication/sign-in-with-slack",
        "https://api.slack.com/methods/openid.connect.token",
        "https://api.slack.com/methods/openid.connect.userInfo",
        "https://api.slack.com/authentication/rotation",
    ),
    checked="2026-12-02",
)
