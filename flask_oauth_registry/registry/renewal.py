"""``TokenRenewal``: an OAuth 2 token on an API call, renewed first when it has expired.

A renewal refreshes the token (or re-fetches the app's own one, :class:`.MachineTokens`)
once however many callers hold it (:class:`.SingleFlight`), keeps the login's identity
in the new token, and says which caller really performed it, so that the app writes
the new token back and notifies ``update_token`` once (DESIGN 6).  The same happens
when an API refuses a token as invalid (:meth:`TokenRenewal.renew_rejected`).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, MutableMapping
from dataclasses import dataclass
from typing import Any

import jwt
from oauthlib.oauth2.rfc6749.tokens import prepare_bearer_headers

from .config import ClientConfig
from .context import Cache
from .errors import InvalidIdTokenError, InvalidTokenError, TokenExpiredError, UnsupportedTokenTypeError
from .machine_token import MachineTokens, identity_fingerprint
from .tokens import OAuth2Token, SingleFlight, is_expired, normalize_token
from .userinfo import UserInfo

#: Verifies a refreshed token's ID token (no nonce): :meth:`.OpenIDConnect.verify_id_token`.
VerifyIdToken = Callable[..., UserInfo]


def place_token(token: Mapping[str, Any], placement: str, kwargs: dict[str, Any]) -> None:
    """Put a token on an API call's ``kwargs``: a Bearer token in the header, the form or the query.

    A ``DPoP`` token always goes in the header with its own scheme (RFC 9449 7.1),
    never as Bearer; its proof is added once the final URL is known (:meth:`.DPoPSigner.sign_call`).
    """
    token_type = str(token.get("token_type") or "bearer").lower()
    if token_type not in ("bearer", "dpop"):
        raise UnsupportedTokenTypeError(
            description=f"only Bearer and DPoP tokens can be sent, not {token.get('token_type')!r}"
        )
    access_token = token.get("access_token")
    if not access_token:
        raise InvalidTokenError(description="the token has no access_token")
    if token_type == "dpop":
        kwargs["headers"] = {**(kwargs.get("headers") or {}), "Authorization": f"DPoP {access_token}"}
    elif placement == "header":
        kwargs["headers"] = prepare_bearer_headers(access_token, dict(kwargs.get("headers") or {}))
    elif placement == "body":
        kwargs["data"] = {**(kwargs.get("data") or {}), "access_token": access_token}
    else:
        kwargs["params"] = {**(kwargs.get("params") or {}), "access_token": access_token}


@dataclass(frozen=True)
class Renewal:
    """A renewed token: the old and the new one, and whether this caller's request was the one sent."""

    old: dict[str, Any]
    new: dict[str, Any]
    #: True for the one caller whose request renewed it: only that one notifies ``update_token``.
    performed: bool
    #: ``update_token``'s ``refresh_token`` and ``access_token`` arguments (Authlib's).
    refresh_token: str | None = None
    access_token: str | None = None


class TokenRenewal:
    """Decides when a token is renewed and renews it; the caller writes the result where it belongs."""

    def __init__(
        self,
        config: ClientConfig,
        refresh: Callable[[str, Mapping[str, Any]], dict[str, Any]],
        fetch_machine_token: Callable[[], dict[str, Any]] | None,
        verify_id_token: VerifyIdToken,
        cache: Cache | None = None,
    ) -> None:
        self.config = config
        self._refresh_request = refresh
        self._verify_id_token = verify_id_token
        self.single_flight = SingleFlight(
            config.name, cache=cache, lock_ttl=lock_ttl(config.timeout), leeway=config.leeway
        )
        #: The app's own token (client credentials, JWT bearer); ``None`` when the app logs users in instead.
        self.machine = None if fetch_machine_token is None else MachineTokens(
            config.name, identity_fingerprint(config), fetch_machine_token,
            cache=cache, leeway=config.leeway, lock_ttl=lock_ttl(config.timeout),
        )

    def machine_token(self) -> OAuth2Token | None:
        """The app's own token when its grant needs no user (kept until it expires); ``None`` for user apps."""
        return self.machine.current() if self.machine is not None else None

    def renew_if_expired(self, token: MutableMapping[str, Any]) -> Renewal | None:
        """A :class:`Renewal` when ``token`` expires within the leeway, else ``None``.

        A token that says only ``expires_in`` gets its ``expires_at`` stamped, in
        place, on first use: without it the token would never be seen to expire.
        """
        if "expires_at" not in token and "expires_in" not in token:
            return None
        if self.machine is not None and self.machine.holds(token):
            return None  # the app's own token: :meth:`.MachineTokens.current` keeps it fresh
        if token.get("expires_at") is None:
            token.update(normalize_token(token))
        if not is_expired(token, self.config.leeway):
            return None
        return self.renew(token)

    def renew(self, token: Mapping[str, Any]) -> Renewal:
        """Refresh an expired token once, however many callers hold it."""
        old = dict(token)
        refresh_token = old.get("refresh_token")
        if refresh_token:
            new, performed = self.single_flight.run(old, lambda: self._refresh(old))
            return Renewal(old, new, performed, refresh_token=refresh_token)
        if self.machine is not None:
            new, performed = self.machine.renew(old)
            return Renewal(old, new, performed, access_token=old.get("access_token"))
        raise TokenExpiredError(description=f"the {self.config.name!r} token has expired and has no refresh_token")

    def renew_rejected(self, token: Mapping[str, Any]) -> Renewal | None:
        """A renewal of a token an API refused as invalid (``WWW-Authenticate: Bearer error="invalid_token"``).

        Through the same single flight as on expiry: concurrent callers refused
        with the same token cause one refresh.  ``None`` when the token cannot be
        renewed (no refresh token, not the app's own grant).  Renewing the token the
        registry keeps for the app itself notifies nobody: no application holds it.
        """
        if not token.get("refresh_token") and self.machine is None:
            return None
        kept_by_registry = self.machine is not None and self.machine.holds(token)
        renewal = self.renew(token)
        if kept_by_registry:
            return Renewal(renewal.old, renewal.new, False, access_token=renewal.access_token)
        return renewal

    def _refresh(self, old: Mapping[str, Any]) -> dict[str, Any]:
        # The old token goes along: a DPoP-bound one is refreshed with its own key, which the new one keeps.
        new = self._refresh_request(old["refresh_token"], old)
        new.setdefault("refresh_token", old["refresh_token"])
        if not new.get("scope") and old.get("scope"):
            # RFC 6749 5.1: no scope in the answer means the scope of the grant; keep it readable.
            new["scope"] = old["scope"]
        new.update(self._identity(old, new))
        return new

    def _identity(self, old: Mapping[str, Any], new: Mapping[str, Any]) -> dict[str, Any]:
        """The ``userinfo`` a refreshed token keeps: the login's (the ``sub`` binding), or the new ID token's claims.

        An ID token in the refresh answer must be the same user's (OIDC Core 12.2:
        same ``iss`` and ``sub``, ``aud`` the client, no nonce); its claims then
        replace ``userinfo``.  A mismatch raises before anything is stored.
        """
        known = old.get("userinfo")
        if not (new.get("id_token") and self.config.is_oidc):
            return {"userinfo": known} if known is not None else {}
        claims = self._verify_id_token(new, nonce=None)
        original = known if isinstance(known, Mapping) and known.get("sub") else unverified_claims(old)
        for claim in ("iss", "sub"):
            if original.get(claim) is not None and str(claims.get(claim)) != str(original[claim]):
                raise InvalidIdTokenError(
                    check=claim, description=f"the refreshed ID token's {claim} is not the login's"
                )
        return {"userinfo": claims}


def unverified_claims(token: Mapping[str, Any]) -> Mapping[str, Any]:
    """The claims of a stored token's ID token, verified at login; ``{}`` when there are none."""
    try:
        claims = jwt.decode(str(token.get("id_token") or ""), options={"verify_signature": False})
    except jwt.PyJWTError:
        return {}
    return claims if isinstance(claims, Mapping) else {}


def lock_ttl(timeout: Any) -> float:
    """How long a cross-process refresh lock may be held: a whole token request, with margin."""
    total = sum(t for t in timeout if t) if isinstance(timeout, tuple) else float(timeout or 0) * 2
    return max(40.0, total + 5.0)
