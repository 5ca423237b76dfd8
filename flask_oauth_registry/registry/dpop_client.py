"""``DPoPSigner``: how one app uses DPoP (RFC 9449): which key signs a request, its proof header, the nonces.

A login's key is made when the authorization request is built and travels in the
flow state; the token request after the callback is signed with it, and the token
keeps it (:func:`.dpop.token_binding`).  Refreshes are signed with the token's
key; client credentials, JWT-bearer and device requests with a new one each (or
the app's configured ``dpop_key``).  API calls with a ``DPoP`` token carry a proof
with ``ath``; a Bearer token never gets a proof.  No HTTP here: callers send and
hand the answers back (:meth:`DPoPSigner.answered`).
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from typing import Any

from .context import Cache
from .dpop import TOKEN_KEY_MEMBER, TOKEN_THUMBPRINT_MEMBER, DPoPKey, is_bound, is_dpop_token
from .dpop_nonce import DPoPNonces, headers_of, resource_asks_for_nonce
from .errors import InvalidTokenError
from .retry import can_send_again

#: Keys loaded back from tokens, kept parsed (parsing one costs more than signing with it).
_LOADED_KEYS = 64


class DPoPSigner:
    """The DPoP keys and nonces of one app; ``enabled`` when its requests must be sender-constrained."""

    def __init__(self, enabled: bool, configured: DPoPKey | None = None, cache: Cache | None = None) -> None:
        self.enabled = enabled or configured is not None
        self.configured = configured
        self.nonces = DPoPNonces(cache)
        self._loaded: dict[str, DPoPKey] = {}

    # -- which key ------------------------------------------------------------------------
    def new_key(self) -> DPoPKey | None:
        """The key for a new login or grant: the configured one, else a fresh one; ``None`` when DPoP is off."""
        if not self.enabled:
            return None
        return self.configured or DPoPKey.generate()

    def key_of_flow(self, flow: Mapping[str, Any]) -> DPoPKey | None:
        """The key a login's authorization request named (``dpop_jkt``), from its saved flow state."""
        jwk = flow.get(TOKEN_KEY_MEMBER)
        if isinstance(jwk, Mapping):
            return self._load(jwk)
        return self.new_key()

    def key_of_token(self, token: Mapping[str, Any]) -> DPoPKey | None:
        """The key ``token`` is bound to: stored with it, or the configured one whose thumbprint it records."""
        jwk = token.get(TOKEN_KEY_MEMBER)
        if isinstance(jwk, Mapping):
            return self._load(jwk)
        thumbprint = token.get(TOKEN_THUMBPRINT_MEMBER)
        if self.configured is not None and thumbprint in (None, self.configured.thumbprint):
            return self.configured
        return None

    def key_for_refresh(self, token: Mapping[str, Any]) -> DPoPKey | None:
        """The key that signs the refresh of ``token``: its own when it is bound (the binding is kept)."""
        if not is_bound(token):
            return self.new_key()
        key = self.key_of_token(token)
        if key is None:
            raise InvalidTokenError(
                description="the token is bound to a DPoP key that is not stored with it, nor configured as dpop_key"
            )
        return key

    def _load(self, jwk: Mapping[str, Any]) -> DPoPKey:
        cache_key = json.dumps(dict(jwk), sort_keys=True, default=str)
        key = self._loaded.get(cache_key)
        if key is None:
            key = DPoPKey.from_jwk(jwk)
            if len(self._loaded) >= _LOADED_KEYS:
                self._loaded.clear()
            self._loaded[cache_key] = key
        return key

    # -- proofs ---------------------------------------------------------------------------
    def proof_header(self, key: DPoPKey, method: str, url: str, access_token: str | None = None) -> dict[str, str]:
        """``{"DPoP": proof}`` for a request to ``url``, with the nonce its server last sent."""
        return {"DPoP": key.proof(method, url, nonce=self.nonces.get(url), access_token=access_token)}

    def sign_call(self, method: str, url: str, kwargs: dict[str, Any], token: Mapping[str, Any]) -> None:
        """Add the proof of an API call with a ``DPoP`` token to its ``kwargs`` (a Bearer token gets none)."""
        if not is_dpop_token(token):
            return
        key = self.key_of_token(token)
        if key is None:
            raise InvalidTokenError(
                description="a DPoP token needs its key: it is stored with the token under 'dpop_key' "
                "when it was obtained, or configured as client_kwargs['dpop_key']"
            )
        proof = self.proof_header(key, method, url, str(token.get("access_token") or ""))
        kwargs["headers"] = {**(kwargs.get("headers") or {}), **proof}

    def answered(self, url: str, status: int, headers: Mapping[str, Any]) -> bool:
        """Keep the nonce an answer carries; whether it is a resource's ``use_dpop_nonce`` challenge with one."""
        nonce = self.nonces.update(url, headers)
        return nonce is not None and resource_asks_for_nonce(status, headers)


def send_with_nonce_retry(
    send: Callable[[dict[str, Any]], tuple[str, Any]], kwargs: dict[str, Any], signer: DPoPSigner | None
) -> Any:
    """``send(kwargs)`` (which signs and returns ``(url, response)``), sent once more on a nonce challenge.

    Only a call that carried a proof is retried, only once, and only with a body
    that can be sent twice; the retry gets the keyword arguments as they were
    before the first send, and a fresh proof with the server's new nonce.
    """
    if signer is None:
        return send(kwargs)[1]
    unsent = dict(kwargs)
    url, response = send(kwargs)
    signed = "DPoP" in (kwargs.get("headers") or {})
    if not signer.answered(url, response.status_code, headers_of(response)) or not signed or not can_send_again(unsent):
        return response
    response.close()
    url, response = send(unsent)
    signer.answered(url, response.status_code, headers_of(response))
    return response
