"""DPoP at the protected resources (RFC 9449 7, 9): ``/userinfo`` and ``/api/*`` check the proof and the token's key.

:func:`resource_access` reads the ``Authorization`` header: a ``DPoP`` token needs
a proof for this request whose key is the token's and whose ``ath`` is its hash;
a DPoP-bound token sent as ``Bearer`` is refused.  What passes is handed to
oauthlib as a Bearer request (oauthlib knows no DPoP scheme), so the scope and
userinfo logic stays oauthlib's.  Refusals are 401 with a ``DPoP`` challenge.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from flask import Response, request

from .bridge import form_value, json_response, request_uri
from .dpop_checks import DPOP_ALGORITHMS, DPoPRefused, proof_header
from .settings import OFF
from .state import ProviderState


@dataclass(frozen=True)
class ResourceAccess:
    """A request allowed through to oauthlib: its headers (the token as Bearer) and whether DPoP was used."""

    headers: dict[str, str] = field(default_factory=dict)
    dpop: bool = False

    def answer(self, st: ProviderState, response: Response) -> Response:
        """The resource's response, with a fresh ``DPoP-Nonce`` after a DPoP request."""
        return with_dpop_nonce(st, response) if self.dpop else response


def with_dpop_nonce(st: ProviderState, response: Response) -> Response:
    """Add the current nonce (RFC 9449 8.2, 9) when nonces are on; rotation reaches clients this way."""
    nonce = st.dpop.nonce()
    if nonce:
        response.headers["DPoP-Nonce"] = nonce
    return response


def dpop_challenge(st: ProviderState, error: str, description: str) -> Response:
    """401 with ``WWW-Authenticate: DPoP error=..., algs=...`` (RFC 9449 7.1) and the nonce when nonces are on."""
    response = json_response({"error": error, "error_description": description}, 401)
    response.headers["WWW-Authenticate"] = (
        f'DPoP error="{error}", error_description="{description}", algs="{" ".join(DPOP_ALGORITHMS)}"'
    )
    return with_dpop_nonce(st, response)


def resource_access(st: ProviderState) -> ResourceAccess | Response:
    """Let the request through (as :class:`ResourceAccess`) or answer it with a DPoP challenge."""
    headers = dict(request.headers)
    scheme, _, token = request.headers.get("Authorization", "").partition(" ")
    token = token.strip()
    if scheme.lower() == "dpop" and st.settings.dpop != OFF:
        proof = proof_header(headers)
        if not proof:
            return dpop_challenge(st, "invalid_dpop_proof", "A DPoP token needs a DPoP proof.")
        try:
            checked = st.dpop.verify(proof, request.method, request_uri(), access_token=token)
        except DPoPRefused as refused:
            return dpop_challenge(st, refused.error, refused.description)
        record = st.store.access_token(token)
        if record is None:
            return dpop_challenge(st, "invalid_token", "The access token is unknown or has expired.")
        if record.jkt != checked.jkt:
            return dpop_challenge(st, "invalid_token", "The access token is not bound to the DPoP proof's key.")
        headers["Authorization"] = f"Bearer {token}"
        return ResourceAccess(headers, dpop=True)
    # The body is read with get_data (cached), never request.form: oauthlib reads the same raw body afterwards.
    presented = token if scheme.lower() == "bearer" else (
        request.args.get("access_token") or form_value(request.get_data(as_text=True), "access_token")
    )
    record = st.store.access_token(presented) if presented else None
    if record is not None and record.jkt:
        return dpop_challenge(st, "invalid_token", "The access token is DPoP-bound: send it as DPoP, with a proof.")
    return ResourceAccess(headers)
