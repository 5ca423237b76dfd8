"""DPoP at the token endpoint (RFC 9449 5, 10): the proof of a token request and the tokens bound to its key.

Hooked into oauthlib's grants (:func:`install`): a ``pre_token`` validator checks
the proof before anything is consumed (so ``use_dpop_nonce`` costs the client
nothing), and a ``post_token`` validator checks what needs the client and the
grant (a proof demanded, the code's ``dpop_jkt``, a public client's refresh
token bound to its key).  When the validator saves the token, :func:`mark_bound`
types it ``DPoP`` and the store records the thumbprint (:mod:`.grant_records`).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from oauthlib.oauth2.rfc6749 import errors

from .dpop_checks import USE_NONCE, DPoPRefused, DPoPVerifier, proof_header
from .settings import OFF, REQUIRED, OAuth2ClientConfig, ProviderSettings


class InvalidDPoPProofError(errors.OAuth2Error):
    """RFC 9449 5: the token request's proof is missing, malformed or does not fit the request."""

    error = "invalid_dpop_proof"
    status_code = 400


class UseDPoPNonceError(errors.OAuth2Error):
    """RFC 9449 8: the proof must carry the nonce sent in this response's ``DPoP-Nonce``."""

    error = "use_dpop_nonce"
    status_code = 400


def token_error(refused: DPoPRefused) -> errors.OAuth2Error:
    """The token endpoint's answer to a refused proof."""
    if refused.error == USE_NONCE:
        return UseDPoPNonceError(description=refused.description)
    return InvalidDPoPProofError(description=refused.description)


class TokenBinding:
    """Checks token requests' proofs and binds the tokens they get, as the ``dpop`` settings say."""

    def __init__(self, settings: ProviderSettings, verifier: DPoPVerifier) -> None:
        self.settings = settings
        self.verifier = verifier

    def required_for(self, client: OAuth2ClientConfig | None) -> bool:
        """Whether a token request of ``client`` must carry a proof."""
        return self.settings.dpop == REQUIRED or bool(client and client.dpop_bound_access_tokens)

    def proof_key(self, method: str, uri: str, headers: Mapping[str, str]) -> str | None:
        """The thumbprint of the request's proof, None without one (or with DPoP off); raises an OAuth 2 error."""
        proof = proof_header(headers)
        if self.settings.dpop == OFF or not proof:
            return None
        try:
            return self.verifier.verify(proof, method, uri).jkt
        except DPoPRefused as refused:
            raise token_error(refused) from None

    def direct(self, method: str, uri: str, headers: Mapping[str, str], client: Any = None) -> str | None:
        """For a grant oauthlib does not run (JWT bearer): the proof's thumbprint, enforcing ``required``."""
        jkt = self.proof_key(method, uri, headers)
        if jkt is None and self.required_for(client if isinstance(client, OAuth2ClientConfig) else None):
            raise InvalidDPoPProofError(description="This provider requires a DPoP proof on token requests.")
        return jkt

    # -- oauthlib hooks ---------------------------------------------------------------------
    def pre_token(self, request: Any) -> None:
        """Check the proof first; its thumbprint goes on the request as ``dev_dpop_jkt``."""
        request.dev_dpop_jkt = self.proof_key(request.http_method, request.uri, request.headers)

    def post_token(self, request: Any) -> None:
        """Once the client and the grant are known: a demanded proof, the code's key, a bound refresh token's key."""
        jkt = getattr(request, "dev_dpop_jkt", None)
        client = request.client if isinstance(request.client, OAuth2ClientConfig) else None
        if jkt is None and self.required_for(client):
            raise InvalidDPoPProofError(description="A DPoP proof is required for this client's token requests.")
        code = getattr(request, "dev_code_grant", None)
        if code is not None and code.dpop_jkt and code.dpop_jkt != jkt:
            raise errors.InvalidGrantError(description="The code is bound to another DPoP key (dpop_jkt).")
        refresh = getattr(request, "dev_refresh", None)
        if refresh is not None and refresh.jkt and (client is None or client.is_public) and refresh.jkt != jkt:
            raise errors.InvalidGrantError(description="The refresh token is bound to another DPoP key.")



def mark_bound(token: dict[str, Any], request: Any) -> None:
    """A token obtained with a proof is a ``DPoP`` token (RFC 9449 5).

    Called when the token is saved: every grant saves before it serialises the
    token, while oauthlib's client_credentials grant gives token modifiers no request.
    """
    if getattr(request, "dev_dpop_jkt", None):
        token["token_type"] = "DPoP"


def install(binding: TokenBinding, grants: list[Any]) -> None:
    """Hook ``binding`` into each of oauthlib's token ``grants``."""
    for grant in grants:
        grant.custom_validators.pre_token.append(binding.pre_token)
        grant.custom_validators.post_token.append(binding.post_token)
