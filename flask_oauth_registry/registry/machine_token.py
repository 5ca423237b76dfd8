"""``MachineTokens``: an app's own token (client credentials, JWT bearer: no user), kept until it expires.

An app whose grant needs no user fetches its token on the first API call and keeps
it, in the process and, when the registry has a cache, in the cache for every
process, until it expires within the app's leeway; so API calls make no token
request in between.  A new one is fetched through a :class:`.SingleFlight`, so
concurrent callers (threads, and processes sharing the cache) make one request.
The cache key names the app and a fingerprint of who the token is for (client,
issuer, subject, scopes, endpoint): never the key or the secret.
"""

from __future__ import annotations

import hashlib
import json
import logging
import time
from collections.abc import Callable, Mapping
from typing import Any

from .config import JWT_BEARER_GRANT, ClientConfig
from .context import Cache
from .metadata import AUTHORIZATION_ENDPOINT, TOKEN_ENDPOINT, ProviderMetadata
from .token_endpoint import TokenEndpoint
from .tokens import OAuth2Token, SingleFlight, is_expired, leeway_for, normalize_token, token_fingerprint

logger = logging.getLogger("flask_oauth_registry")

#: How long past its expiry a shared token stays in the cache: processes then agree on which token they replace.
KEEP_AFTER_EXPIRY = 600
#: How long a token that states no lifetime is shared (in the process it is kept until an API refuses it).
SHARE_WITHOUT_EXPIRY = 3600

FetchToken = Callable[[], dict[str, Any]]


def machine_grant(config: ClientConfig, metadata: ProviderMetadata, tokens: TokenEndpoint) -> FetchToken | None:
    """How the app's own token is fetched (its default grant, by ``tokens``); ``None`` for an app of users.

    That is a JWT-bearer app, or a client-credentials one with a token endpoint
    and no way to log users in (no authorization endpoint, no discovery).
    """
    if config.grant_type != JWT_BEARER_GRANT:
        logs_users_in = metadata.offers(AUTHORIZATION_ENDPOINT, config.authorize_url)
        if (config.grant_type or "client_credentials") != "client_credentials" or logs_users_in:
            return None
        if not metadata.offers(TOKEN_ENDPOINT, config.access_token_url):
            return None
    return lambda: tokens.fetch_token({})


def identity_fingerprint(config: ClientConfig) -> str:
    """Who the app's own token is for, hashed: the same in every process with the same settings, no secret in it."""
    assertion = config.assertion
    who = {
        "grant": config.grant_type or "client_credentials",
        "client": config.client_id,
        "endpoint": config.access_token_url or config.metadata.get("token_endpoint") or config.server_metadata_url,
        "scope": config.scope,
        "params": dict(config.access_token_params),
        "claims": dict(assertion.claims) if assertion else None,
        "kid": assertion.key_id if assertion else None,
    }
    material = json.dumps(who, sort_keys=True, default=str)
    return hashlib.sha256(material.encode()).hexdigest()[:32]


class MachineTokens:
    """The app's own token: fetched once, kept (in process and in the shared cache) until it expires."""

    def __init__(
        self, name: str, identity: str, fetch: FetchToken, *, cache: Cache | None, leeway: float, lock_ttl: float
    ) -> None:
        self._fetch = fetch
        self._cache = cache
        self._leeway = leeway
        self._shared_key = f"flask-oauth-registry:machine-token:{name}:{identity}"
        self._flight = SingleFlight(f"{name}:{identity}", cache=cache, lock_ttl=lock_ttl, leeway=leeway)
        self._held: Mapping[str, Any] | None = None

    def current(self) -> OAuth2Token:
        """A token that does not expire within the leeway: the one held, the shared one, or a new one."""
        held = self._held
        if not self._fresh(held):
            shared = self._read_shared()
            held = shared if self._fresh(shared) else self._replace(shared or held or {})[0]
            self._held = held
        return OAuth2Token(held or {})

    def renew(self, old: Mapping[str, Any]) -> tuple[OAuth2Token, bool]:
        """A token instead of ``old`` (expired, or refused by an API): ``(token, performed)``.

        When another caller already replaced ``old`` (here or in another process),
        its token is used; otherwise one request, however many callers ask.
        """
        for known in (self._held, self._read_shared()):
            if self._fresh(known) and token_fingerprint(known or {}) != token_fingerprint(old):
                self._held = known
                return OAuth2Token(known or {}), False
        return self._replace(old)

    def holds(self, token: Mapping[str, Any]) -> bool:
        """Whether ``token`` is the one kept here (not one the application passed or stored)."""
        return self._held is not None and token_fingerprint(self._held) == token_fingerprint(token)

    def _replace(self, old: Mapping[str, Any]) -> tuple[OAuth2Token, bool]:
        new, performed = self._flight.run(old, self._fetch_and_share)
        self._held = new
        return OAuth2Token(new), performed

    def _fetch_and_share(self) -> dict[str, Any]:
        new = normalize_token(self._fetch())
        if self._cache is not None:
            try:
                self._cache.set(self._shared_key, dict(new), timeout=self._shared_timeout(new))
            except Exception:
                # The token is fetched: other processes fetching their own is the lesser harm.
                logger.warning("could not share the app's own token of %r through the cache", self._shared_key)
        return new

    def _read_shared(self) -> Mapping[str, Any] | None:
        if self._cache is None:
            return None
        try:
            shared = self._cache.get(self._shared_key)
        except Exception:  # the single flight reports a cache that is down; here it is only a missed copy
            return None
        return shared if isinstance(shared, Mapping) and shared.get("access_token") else None

    def _fresh(self, token: Mapping[str, Any] | None) -> bool:
        """Not expiring within the leeway (or half its lifetime, when that is shorter: :func:`.leeway_for`)."""
        return bool(token) and not is_expired(token or {}, leeway_for(token or {}, self._leeway))

    @staticmethod
    def _shared_timeout(token: Mapping[str, Any]) -> int:
        expires_at = token.get("expires_at")
        if expires_at is None:
            return SHARE_WITHOUT_EXPIRY
        return max(1, int(float(expires_at) - time.time())) + KEEP_AFTER_EXPIRY
