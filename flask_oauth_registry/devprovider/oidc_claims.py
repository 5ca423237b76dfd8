"""The dev provider's OpenID Connect answers: the ID token it signs and the login-session checks.

The session checks are what ``prompt=none``, ``max_age`` and ``id_token_hint``
ask of the signed-in user; the minter completes oauthlib's draft ID token.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from typing import Any

import jwt

from .keys import KeySet, token_hash
from .login import LoginState
from .scope_grants import missing_grants
from .settings import ProviderSettings
from .store import now


class LoginChecks:
    """What OpenID Connect asks of the current login (the session cookie) and the user's grants."""

    def __init__(
        self,
        key: KeySet,
        current_login: Callable[[], LoginState | None],
        granted_scopes: Callable[[str, str], Iterable[str]],
    ) -> None:
        self.key = key
        self.current_login = current_login
        self.granted_scopes = granted_scopes

    def silent_login(self, max_age: Any) -> bool:
        """``prompt=none``: a login exists and satisfies ``max_age``."""
        login = self.current_login()
        if login is None:
            return False
        if max_age not in (None, ""):
            try:
                return login.age() <= int(max_age)
            except ValueError:
                return False
        return True

    def silent_authorization(self, client_id: str | None, scopes: Iterable[str]) -> bool:
        """``prompt=none``: the signed-in user approved this client before, for every requested scope."""
        login = self.current_login()
        if login is None or client_id is None or client_id not in login.consented:
            return False
        return not missing_grants(scopes, self.granted_scopes(login.user, client_id))

    def user_match(self, id_token_hint: str | None) -> bool:
        """An ``id_token_hint`` must be ours and name the signed-in user (if any)."""
        if not id_token_hint:
            return True
        try:
            hint = self.key.verify(id_token_hint, verify_exp=False)
        except jwt.InvalidTokenError:
            return False
        login = self.current_login()
        return login is None or hint.get("sub") == login.user


class IdTokenMinter:
    """Completes and signs the ID token oauthlib drafts at the token endpoint."""

    def __init__(self, settings: ProviderSettings, key: KeySet, issuer: Callable[[], str]) -> None:
        self.settings = settings
        self.key = key
        self.issuer = issuer

    def finalize(self, id_token: Mapping[str, Any], token: Mapping[str, Any], request: Any) -> str:
        """Complete oauthlib's draft ID token (aud, iat, nonce) and sign it with the client's algorithm (RS256, ES256).

        ``at_hash`` is recomputed from the signing algorithm with pyjwt so it stays
        correct if the algorithm ever changes (oauthlib's draft assumes SHA-256).
        """
        claims = dict(id_token)
        claims.pop("c_hash", None)
        iat = int(claims.get("iat") or now())
        claims.update(
            iss=self.issuer(),
            sub=request.user,
            aud=request.client_id,
            azp=request.client_id,
            iat=iat,
            exp=iat + self.settings.id_token_ttl,
        )
        auth_time = getattr(request, "auth_time", None)
        if auth_time is not None:
            claims["auth_time"] = int(auth_time)
        if "access_token" in token:
            claims["at_hash"] = token_hash(token["access_token"])
        user = self.settings.user(request.user)
        if user is not None:
            profile = user.claims(request.scopes or [])
            claims.update({k: v for k, v in profile.items() if k != "sub"})
        client = self.settings.client(request.client_id)
        return self.key.sign(claims, client.id_token_signed_response_alg if client else "RS256")
