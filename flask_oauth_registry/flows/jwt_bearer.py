"""The JWT-bearer authorization grant (RFC 7523 2.1): a short-lived assertion signed with the app's key, for a token.

:func:`assertion_claims` builds one assertion's claims from the configured ones (RFC
7523 3: ``iss``, ``sub``, ``aud``, ``exp``, ``iat``, ``jti``) and :func:`sign_assertion`
signs them with pyjwt; both are pure.  :class:`JwtBearerAssertion` makes the form
fields of one token request (a fresh ``assertion``, and ``scope``); the token
endpoint (:class:`.TokenEndpoint`) adds them to each JWT-bearer request, and the
registry keeps the token until it expires (:class:`.MachineTokens`), so API calls
make no token request in between.  Settings: :class:`.AssertionConfig`, parsed at build.
"""

from __future__ import annotations

import secrets
import time
from collections.abc import Callable, Mapping
from typing import Any

import jwt

from ..registry.config import MAX_ASSERTION_LIFETIME, AssertionConfig
from ..registry.errors import ConfigurationError


def assertion_claims(
    configured: Mapping[str, Any], audience: str, *, now: int, lifetime: int, jti: str
) -> dict[str, Any]:
    """One assertion's claims: the ``configured`` ones, ``aud`` (unless configured), ``iat``, ``exp`` and ``jti``.

    ``exp`` is ``iat + lifetime``, at most an hour later (RFC 7523 3 wants a
    limited lifetime; Google refuses longer ones).
    """
    if not 0 < lifetime <= MAX_ASSERTION_LIFETIME:
        raise ConfigurationError(description=f"an assertion lives 1 to {MAX_ASSERTION_LIFETIME} seconds")
    return {"aud": audience, **configured, "iat": now, "exp": now + lifetime, "jti": jti}


def sign_assertion(claims: Mapping[str, Any], assertion: AssertionConfig) -> str:
    """The signed assertion (compact JWS): ``assertion.alg``, with ``kid`` in the header when known."""
    headers = {"kid": assertion.key_id} if assertion.key_id else None
    try:
        return jwt.encode(dict(claims), assertion.key, algorithm=assertion.alg, headers=headers)
    except (ValueError, TypeError, jwt.PyJWTError):
        raise ConfigurationError(description=f"the assertion key cannot sign {assertion.alg}") from None


class JwtBearerAssertion:
    """The form fields of one JWT-bearer token request, made anew each time: ``assertion`` (and ``scope``).

    The app's scope travels as the request's ``scope`` parameter (RFC 7521 4.1),
    unless the assertion carries a ``scope`` claim itself (Google).
    """

    def __init__(
        self, assertion: AssertionConfig, scope: str | None, clock: Callable[[], float] = time.time
    ) -> None:
        self._assertion = assertion
        self._scope = scope
        self._clock = clock

    def __call__(self, token_url: str) -> dict[str, str]:
        """Fields for a request to ``token_url`` (the assertion's default audience), with a new ``jti``."""
        claims = assertion_claims(
            self._assertion.claims, token_url, now=int(self._clock()), lifetime=self._assertion.lifetime,
            jti=secrets.token_urlsafe(24),
        )
        fields = {"assertion": sign_assertion(claims, self._assertion)}
        if self._scope and "scope" not in claims:
            fields["scope"] = self._scope
        return fields
