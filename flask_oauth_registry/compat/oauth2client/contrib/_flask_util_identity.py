"""Who the user of ``UserOAuth2`` is, and which scopes they granted: the ID token verified, Google's scope names.

oauth2client decoded the ID token without checking it and its Flask helper then
took ``email`` and ``user_id`` from it.  Here the ID token is verified at login by
the remote app (signature against the provider's JWKS, ``iss``, ``aud``, ``exp``,
``iat``, nonce) and verified again whenever credentials are read back from a
storage (signature, ``iss``, ``aud``): a token changed in the storage, or one that
never came from the provider, gives no identity.  ``exp`` is not checked again on
reading: an ID token lives an hour and the login it proved stays valid longer
(the stored one is replaced at each refresh).
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from typing import Any

from ....registry.errors import OAuthError
from ....registry.issuer_policy import unverified_claims
from ....registry.oauth2 import OAuth2App
from ....registry.openid import verify_with_keys
from ....views.scopes import merge_scopes

logger = logging.getLogger(__name__)

#: Google answers ``email`` and ``profile`` with their URL names; both spellings are one scope.
GOOGLE_SCOPE_ALIASES = {
    "email": "https://www.googleapis.com/auth/userinfo.email",
    "profile": "https://www.googleapis.com/auth/userinfo.profile",
}


def _canonical(scope: str) -> str:
    return GOOGLE_SCOPE_ALIASES.get(scope, scope)


def missing_scopes(granted: Iterable[str], wanted: Iterable[str]) -> tuple[str, ...]:
    """The scopes of ``wanted`` not in ``granted``, with Google's short and URL names taken as one."""
    have = {_canonical(scope) for scope in granted}
    return tuple(scope for scope in merge_scopes(wanted) if _canonical(scope) not in have)


def verified_claims(remote: OAuth2App, id_token: str | None) -> dict[str, Any] | None:
    """The claims of ``id_token`` once signature, ``iss`` and ``aud`` check out; ``None`` otherwise (logged)."""
    if not id_token:
        return None
    try:
        issued_at = unverified_claims(id_token).get("iat")
        openid = remote._openid
        # Checked as of its issue time: see the module docstring for why exp is not checked again here.
        now = float(issued_at) if isinstance(issued_at, int | float) and not isinstance(issued_at, bool) else None
        return verify_with_keys(openid.verifier(), openid.keyset, id_token, now=now)
    except OAuthError as exc:
        logger.warning("the stored ID token is not trusted (%s): no email or user_id", exc.error)
        return None
