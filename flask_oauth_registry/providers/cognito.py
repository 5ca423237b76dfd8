"""Amazon Cognito user pools: OpenID Connect, the pool's issuer plus the hosted UI's endpoints.

``domain=`` is the pool's hosted UI (managed login) domain, a Cognito prefix
domain (``myapp.auth.eu-west-1.amazoncognito.com``) or a custom one; the
authorization, token, userinfo and revocation endpoints live there.
``user_pool_id=`` names the pool, whose issuer and keys are at
``https://cognito-idp.{region}.amazonaws.com/{user_pool_id}``; ``region=`` defaults
to the pool id's prefix (``eu-west-1_AbCdEf123`` is in ``eu-west-1``).  Cognito's
userinfo answers ``email_verified`` as the string ``"true"``; ``userinfo()`` makes
it a boolean and reads ``username`` as ``preferred_username``.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from ..registry.errors import ConfigurationError
from .base import PresetOption, ProviderPreset

_FLAGS = ("email_verified", "phone_number_verified")


def _region(options: Mapping[str, Any]) -> dict[str, str]:
    region = options.get("region")
    pool = str(options["user_pool_id"])
    if region is None:
        region, underscore, _ = pool.partition("_")
        if not underscore or not region:
            raise ConfigurationError(
                description=f"cognito: user_pool_id={pool!r} has no region prefix (like 'eu-west-1_AbC123'); "
                "pass region= as well"
            )
    return {"region": str(region)}


def userinfo_to_claims(data: Mapping[str, Any]) -> dict[str, Any]:
    """Cognito's userinfo answer with string booleans made booleans and ``username`` as ``preferred_username``."""
    claims = dict(data)
    for flag in _FLAGS:
        value = claims.get(flag)
        if isinstance(value, str):
            claims[flag] = {"true": True, "false": False}.get(value.lower())
    if claims.get("username") and not claims.get("preferred_username"):
        claims["preferred_username"] = claims["username"]
    return claims


def _fix_userinfo(app: Any, data: Mapping[str, Any]) -> dict[str, Any]:
    return userinfo_to_claims(data)


PRESET = ProviderPreset(
    name="cognito",
    title="Amazon Cognito",
    family="identity",
    settings={
        "server_metadata_url": "https://cognito-idp.{region}.amazonaws.com/{user_pool_id}/.well-known/"
        "openid-configuration",
        "authorize_url": "https://{domain}/oauth2/authorize",
        "access_token_url": "https://{domain}/oauth2/token",
        "userinfo_endpoint": "https://{domain}/oauth2/userInfo",
        "revocation_endpoint": "https://{domain}/oauth2/revoke",
        "userinfo_compliance_fix": _fix_userinfo,
        "client_kwargs": {"scope": "openid email profile"},
    },
    options=(
        PresetOption("domain", "the user pool's hosted UI domain, e.g. myapp.auth.eu-west-1.amazoncognito.com",
                     required=True),
        PresetOption("user_pool_id", "the user pool id, e.g. eu-west-1_AbCdEf123", required=True),
        PresetOption("region", "the pool's AWS region; read from the pool id when not given"),
    ),
    derive=_region,
    docs="Amazon Cognito user pools (OpenID Connect): domain= hosted UI, user_pool_id=, region=.",
    references=(
        "https://docs.aws.amazon.com/cognito/latest/developerguide/authorization-endpoint.html",
        "https://docs.aws.amazon.com/cognito/latest/developerguide/token-endpoint.html",
        "https://docs.aws.amazon.com/cognito/latest/developerguide/userinfo-endpoint.html",
        "https://docs.aws.amazon.com/cognito/latest/developerguide/revocation-endpoint.html",
        "https://docs.aws.amazon.com/cognito/latest/developerguide/amazon-cognito-user-pools-using-tokens-"
        "verifying-a-jwt.html",
    ),
    checked="2026-12-02",
)
