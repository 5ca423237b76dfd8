"""``IssuerPolicy``: how a provider whose issuer is not one fixed URL (Microsoft's multi-tenant endpoints) is checked.

OpenID Connect wants one issuer per provider: the discovery document names it and
every ID token repeats it.  Multi-tenant providers publish a template instead
(``https://login.microsoftonline.com/{tenantid}/v2.0``) and each token names its
tenant's issuer.  A policy says which document issuers to accept and, for each
ID token, which issuer it must carry; every other check is unchanged.  The
policies themselves live with their presets (``providers/``).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Protocol, runtime_checkable

import jwt

from .errors import InvalidIdTokenError


@runtime_checkable
class IssuerPolicy(Protocol):
    """What the registry asks of an issuer policy."""

    def accepts_document_issuer(self, issuer: str, metadata_url: str) -> bool:
        """Whether a discovery document at ``metadata_url`` may name ``issuer`` (otherwise the usual rule)."""

    def issuer_for(self, metadata_issuer: str, claims: Mapping[str, Any]) -> str:
        """The issuer an ID token with these (not yet verified) claims must carry; refuse with an OAuthError."""


def unverified_claims(id_token: Any) -> dict[str, Any]:
    """The claims of an ID token before its signature is checked: only to pick the issuer to check it against."""
    try:
        claims = jwt.decode(id_token, options={"verify_signature": False})
    except (jwt.PyJWTError, TypeError, ValueError) as exc:
        raise InvalidIdTokenError(description="the ID token is not a readable JWT") from exc
    if not isinstance(claims, dict):
        raise InvalidIdTokenError(description="the ID token's payload is not a JSON object")
    return claims
