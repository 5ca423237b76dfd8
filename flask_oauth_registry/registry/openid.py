"""``OpenIDConnect``: the OpenID Connect part of an OAuth 2 app: the provider's keys, ID tokens, userinfo and logout.

The ID token's header is read first, the key set is asked for the keys of its
``kid`` (and refetches them as its policy allows), and the keys are handed to the
pure :class:`.IdTokenVerifier`: the verifier never calls back into the key set.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from .answers import parse_json_object, read_protocol_answer
from .authorization import new_state
from .config import ClientConfig
from .context import Cache
from .errors import InvalidIdTokenError, InvalidTokenError, ProviderError
from .flowstate import FlowStateStore
from .idtoken import IdTokenVerifier, read_userinfo_header, verify_signed_userinfo
from .issuer_policy import unverified_claims
from .metadata import END_SESSION_ENDPOINT, ISSUER, JWKS_URI, ProviderMetadata
from .oidc import KeySet, build_logout_url
from .protocol_client import ProtocolClient
from .userinfo import UserInfo


def verify_with_keys(verifier: IdTokenVerifier, keyset: KeySet, id_token: str, **checks: Any) -> dict[str, Any]:
    """Verify ``id_token`` with the provider's keys for its ``kid``; return its claims.

    A token without ``kid`` that none of the keys verifies may come from a key the
    provider rotated in: the key set is asked once for fresh keys (it rate-limits
    itself, and has none when it fetched during the lookup) and the token is
    verified again.  ``checks`` are :meth:`.IdTokenVerifier.verify`'s keyword arguments.
    """
    header = verifier.read_header(id_token)
    found = keyset.lookup(header.kid) if header.uses_published_keys else None
    try:
        return verifier.verify(id_token, found.keys if found else [], header=header, **checks)
    except InvalidIdTokenError as exc:
        if found is None or header.kid is not None or exc.check not in ("signature", "kid"):
            raise
        fresh = keyset.refetch(found)
        if not fresh:
            raise
        return verifier.verify(id_token, fresh, header=header, **checks)


class OpenIDConnect:
    """Keys, ID tokens, userinfo answers and RP-initiated logout for one app."""

    def __init__(
        self,
        config: ClientConfig,
        metadata: ProviderMetadata,
        protocol: ProtocolClient,
        cache: Cache | None,
        logout_states: Callable[[], FlowStateStore],
    ) -> None:
        self.config = config
        self.metadata = metadata
        self.protocol = protocol
        self._logout_states = logout_states
        self.keyset = KeySet(
            self._fetch_jwks_document,
            cache=cache,
            cache_key=config.server_metadata_url or metadata.static.get("jwks_uri") or f"app:{config.name}",
            static=metadata.static.get("jwks"),
        )

    # -- keys ---------------------------------------------------------------------------
    def _fetch_jwks_document(self) -> dict[str, Any]:
        return self.protocol.get_json(self.metadata.require(JWKS_URI), purpose="JWKS request")

    def fetch_jwk_set(self, force: bool = False) -> dict[str, Any]:
        """The provider's JWK set as a dict (cached; ``force`` refetches); the static ``jwks`` when given."""
        static = self.metadata.static.get("jwks")
        if static:
            return static
        self.keyset.keys(force=force)
        return self.keyset.document or {"keys": []}

    # -- ID tokens ----------------------------------------------------------------------
    def verifier(self, leeway: int | None = None, issuer: str | None = None) -> IdTokenVerifier:
        """What this client expects of an ID token, from the metadata and the settings.

        ``issuer`` is the one an issuer policy chose for this token (multi-tenant providers).
        """
        metadata = self.metadata.load()
        algs = [a for a in metadata.get("id_token_signing_alg_values_supported") or ["RS256"] if a != "none"]
        algs = list(self.config.id_token_algorithms) or algs  # a profile's list replaces the provider's (fapi2)
        return IdTokenVerifier(
            client_id=self.config.client_id or "",
            issuer=issuer or self.metadata.require(ISSUER),
            algorithms=algs,
            client_secret=self.config.client_secret,
            leeway=self.config.leeway if leeway is None else leeway,
            trusted_audiences=self.config.trusted_audiences,
        )

    def verify_id_token(
        self, token: Mapping[str, Any], nonce: str | None, max_age: int | None = None,
        claims_options: Any = None, leeway: int | None = None,
    ) -> UserInfo:
        """The claims of ``token["id_token"]`` after every check of OIDC Core 3.1.3.7."""
        issuer = None
        policy = self.config.issuer_policy
        if policy is not None:
            issuer = policy.issuer_for(self.metadata.require(ISSUER), unverified_claims(token["id_token"]))
        claims = verify_with_keys(
            self.verifier(leeway, issuer), self.keyset, token["id_token"], nonce=nonce,
            access_token=token.get("access_token"), max_age=max_age, claims_options=claims_options,
        )
        return UserInfo(claims)

    # -- userinfo -----------------------------------------------------------------------
    def read_userinfo(self, response: Any, timeout: Any) -> dict[str, Any]:
        """The claims of a userinfo answer: JSON, or a signed JWT verified with the provider's keys."""
        answer = read_protocol_answer(response, "userinfo request", timeout)
        if answer.status != 200:
            raise ProviderError(
                error="userinfo_failed",
                description=f"the userinfo endpoint answered HTTP {answer.status}",
                status_code=answer.status,
            )
        if answer.media_type == "application/jwt":
            return self._verify_signed_userinfo(answer.body.decode("utf-8", "replace").strip())
        return parse_json_object(answer.body, "userinfo response")

    def _verify_signed_userinfo(self, value: str) -> dict[str, Any]:
        metadata = self.metadata.load()
        checks: dict[str, Any] = {
            "algorithms": metadata.get("userinfo_signing_alg_values_supported") or ["RS256"],
            "client_id": self.config.client_id, "issuer": metadata.get("issuer"),
        }
        header = read_userinfo_header(value, **checks)
        return verify_signed_userinfo(value, self.keyset.lookup(header.kid).keys, **checks)

    @staticmethod
    def bound_userinfo(data: Mapping[str, Any], token: Any) -> UserInfo:
        """``data`` as :class:`UserInfo`, once its ``sub`` is the ID token's (OIDC Core 5.3.2), when that is known."""
        known = token.get("userinfo") if isinstance(token, Mapping) else None
        if known and known.get("sub") is not None and str(data.get("sub")) != str(known["sub"]):
            raise InvalidTokenError(description="the userinfo sub does not match the ID token's sub")
        return UserInfo(data)

    # -- RP-initiated logout ------------------------------------------------------------
    def create_logout_url(
        self, post_logout_redirect_uri: str | None, id_token_hint: str | None, state: str | None,
        params: Mapping[str, Any], current_token: Callable[[], Mapping[str, Any] | None],
    ) -> dict[str, Any]:
        """The end-session URL (RP-Initiated Logout 1.0); saves ``state`` when the provider redirects back.

        Without ``id_token_hint``, the ID token of ``current_token()`` (the login's) is the hint.
        """
        endpoint = self.metadata.require(END_SESSION_ENDPOINT)
        if id_token_hint is None:
            current = current_token()
            id_token_hint = current.get("id_token") if current else None
        if post_logout_redirect_uri:
            state = state or new_state()
            self._logout_states().save(state, {"post_logout_redirect_uri": post_logout_redirect_uri})
        url = build_logout_url(endpoint, {
            "id_token_hint": id_token_hint, "client_id": self.config.client_id,
            "post_logout_redirect_uri": post_logout_redirect_uri, "state": state, **params,
        })
        return {"url": url, "state": state}

    def validate_logout_response(self, state: str | None) -> dict[str, Any]:
        """The data saved for the ``state`` the provider sent back after logout; popped once."""
        return self._logout_states().pop(state)
