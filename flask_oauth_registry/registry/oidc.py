"""Provider discovery: server metadata and the JWKS, cached, checked and shared.

Both are fetched through a ``fetch_json(url) -> dict`` callable given by the remote
app (the HTTP edge), cached per process with a TTL and, when a cache is configured,
shared through it so a fleet of workers fetches each document once per TTL.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterable, Mapping
from typing import Any
from urllib.parse import urlencode, urlsplit, urlunsplit

from jwt import PyJWK
from jwt.exceptions import PyJWTError

from .config import METADATA_KEYS
from .errors import BadResponseError, InvalidIdTokenError, StorageError, UnknownSigningKeyError

FetchJson = Callable[[str], dict[str, Any]]

DEFAULT_METADATA_TTL = 24 * 3600
DEFAULT_JWKS_TTL = 3600
UNKNOWN_KID_REFETCH_INTERVAL = 30.0

_ENDPOINT_FIELDS = frozenset(
    k for k in METADATA_KEYS if k.endswith("_endpoint") or k in ("issuer", "jwks_uri")
)
_BOOLEAN_FIELDS = frozenset({"authorization_response_iss_parameter_supported"})
_OIDC_WELL_KNOWN = "/.well-known/openid-configuration"
_OAUTH_WELL_KNOWN = "/.well-known/oauth-authorization-server"


def expected_issuer(metadata_url: str) -> str | None:
    """The issuer a discovery URL promises (OIDC Discovery 4.3, RFC 8414 section 3).

    ``None`` for a URL that follows neither convention: then the document's own
    ``issuer`` is taken, and only its presence is required.
    """
    parts = urlsplit(metadata_url)
    if parts.path.endswith(_OIDC_WELL_KNOWN):
        path = parts.path[: -len(_OIDC_WELL_KNOWN)]
        return urlunsplit((parts.scheme, parts.netloc, path, "", ""))
    if parts.path == _OAUTH_WELL_KNOWN or parts.path.startswith(_OAUTH_WELL_KNOWN + "/"):
        path = parts.path[len(_OAUTH_WELL_KNOWN):]
        return urlunsplit((parts.scheme, parts.netloc, path, "", ""))
    return None


def discovery_url_prefix(issuer: str) -> str:
    """The issuer with one terminating ``/`` removed, as OIDC Discovery 4.1 builds the URL."""
    return issuer[:-1] if issuer.endswith("/") and urlsplit(issuer).path else issuer


def check_discovered_issuer(issuer: str, metadata_url: str, declared: str | None = None) -> None:
    """The document's ``issuer`` must be identical to the issuer the URL was built from.

    OIDC Discovery 4.3 (RFC 8414 section 3.3): without a declared issuer, that is the
    URL's prefix before the well-known suffix, exactly, so ``https://op/`` served at
    ``https://op/.well-known/openid-configuration`` is refused.  A provider whose
    issuer really ends in ``/`` (Auth0) is used by declaring it: ``issuer=`` given
    to ``register`` must then build this URL (Discovery 4.1 removes one terminating
    ``/``), and the document must name exactly that issuer.  A URL that follows
    neither convention only needs the declared issuer, when there is one.
    """
    promised = expected_issuer(metadata_url)
    if declared is not None:
        if promised is not None and discovery_url_prefix(declared) != promised:
            raise BadResponseError(
                "issuer_mismatch",
                f"the declared issuer {declared!r} does not live at this discovery URL (it names {promised!r})",
            )
        promised = declared
    if promised is not None and issuer != promised:
        raise BadResponseError(
            "issuer_mismatch",
            f"the discovery document's issuer {issuer!r} is not the one its URL names ({promised!r})",
        )


def validate_metadata(
    document: Mapping[str, Any], metadata_url: str, declared_issuer: str | None = None
) -> dict[str, Any]:
    """Keep the known fields of a discovery document, after checking them.

    Metadata is data: nothing in it becomes an HTTP setting.  Endpoints must be
    absolute URLs, and https ones when the document itself came over https.  A
    ``*_supported`` field of the wrong JSON type is dropped (the default applies),
    so a string where a list belongs is never read letter by letter.
    """
    issuer = document.get("issuer")
    if not isinstance(issuer, str) or not issuer:
        raise BadResponseError(description="the discovery document has no issuer")
    check_discovered_issuer(issuer, metadata_url, declared_issuer)
    secure = metadata_url.startswith("https://")
    result: dict[str, Any] = {}
    for key in METADATA_KEYS - {"jwks"}:
        if key not in document:
            continue
        value = document[key]
        if key in _ENDPOINT_FIELDS:
            if not _is_absolute_url(value):
                raise BadResponseError(description=f"the discovery document's {key} is not a URL")
            if secure and not value.startswith("https://"):
                raise BadResponseError(description=f"the discovery document's {key} is not https")
        elif key in _BOOLEAN_FIELDS:
            if not isinstance(value, bool):
                continue
        elif key.endswith("_supported") and not (
            isinstance(value, list) and all(isinstance(item, str) for item in value)
        ):
            continue
        result[key] = value
    return result


def _is_absolute_url(value: Any) -> bool:
    if not isinstance(value, str):
        return False
    parts = urlsplit(value)
    return parts.scheme in ("https", "http") and bool(parts.netloc)


class ServerMetadata:
    """The discovery document of one provider, fetched once per TTL."""

    def __init__(
        self, url: str, fetch_json: FetchJson, cache: Any = None, ttl: int = DEFAULT_METADATA_TTL,
        declared_issuer: str | None = None,
    ) -> None:
        self.url = url
        self.declared_issuer = declared_issuer
        self.fetch_json = fetch_json
        self.cache = cache
        self.ttl = ttl
        self._value: dict[str, Any] | None = None
        self._expires = 0.0
        self._lock = threading.Lock()

    @property
    def _cache_key(self) -> str:
        return f"flask-oauth-registry:metadata:{self.url}"

    def get(self) -> dict[str, Any]:
        """The validated metadata; fetched when missing or older than the TTL."""
        value = self._value
        if value is not None and time.monotonic() < self._expires:
            return value
        with self._lock:
            if self._value is not None and time.monotonic() < self._expires:
                return self._value
            value = self._from_shared_cache()
            if value is None:
                value = validate_metadata(self.fetch_json(self.url), self.url, self.declared_issuer)
                self._to_shared_cache(value)
            self._value, self._expires = value, time.monotonic() + self.ttl
            return value

    def _from_shared_cache(self) -> dict[str, Any] | None:
        if self.cache is None:
            return None
        try:
            value = self.cache.get(self._cache_key)
        except Exception as exc:
            raise StorageError(description="the cache could not be read for provider metadata") from exc
        return value if isinstance(value, dict) else None

    def _to_shared_cache(self, value: dict[str, Any]) -> None:
        if self.cache is None:
            return
        try:
            self.cache.set(self._cache_key, value, timeout=self.ttl)
        except Exception as exc:
            raise StorageError(description="the cache could not store provider metadata") from exc


def parse_jwks(document: Mapping[str, Any]) -> list[PyJWK]:
    """The usable keys of a JWK set; keys of unknown types are skipped, not fatal."""
    keys = document.get("keys")
    if not isinstance(keys, list):
        raise BadResponseError(description="the JWK set has no keys list")
    parsed = []
    for data in keys:
        if not isinstance(data, dict):
            continue
        try:
            parsed.append(PyJWK(data))
        except (PyJWTError, ValueError, TypeError, KeyError):
            # InvalidKeyError (unknown kty or crv) is a PyJWTError, not a PyJWKError.
            continue
    return parsed


class KeySet:
    """The provider's signing keys, parsed once per fetch.

    A ``kid`` we do not know makes one refetch (the provider rotated its keys),
    unless the keys in hand were fetched from the provider during that same
    lookup.  Only repeated refetches are limited: after one, the next happens no
    sooner than ``refetch_interval`` seconds later, so forged tokens cannot make
    us hammer the provider.  An ordinary fetch (first use, TTL, ``force``) never
    counts against that budget: a rotation seconds after the first login is found.
    """

    def __init__(
        self,
        fetch_document: Callable[[], dict[str, Any]],
        cache: Any = None,
        cache_key: str = "",
        ttl: int = DEFAULT_JWKS_TTL,
        refetch_interval: float = UNKNOWN_KID_REFETCH_INTERVAL,
        static: Mapping[str, Any] | None = None,
    ) -> None:
        self.fetch_document = fetch_document
        self.cache = cache
        self.cache_key = f"flask-oauth-registry:jwks:{cache_key}"
        self.ttl = ttl
        self.refetch_interval = refetch_interval
        self._static = parse_jwks(static) if static else None
        self._keys: list[PyJWK] | None = None
        self._document: dict[str, Any] | None = None
        self._expires = 0.0
        self._last_refetch = float("-inf")
        self._lock = threading.Lock()
        # Per thread: (fetch_count before, keys returned) of its latest lookup, for refetch_for_unverified.
        self._latest_lookup = threading.local()
        self.fetch_count = 0

    @property
    def document(self) -> dict[str, Any] | None:
        return self._document

    def keys(self, force: bool = False) -> list[PyJWK]:
        """All current keys; ``force`` refetches from the provider now.

        The unknown-kid rate limit applies in :meth:`lookup`, not here: an explicit
        ``fetch_jwk_set(force=True)`` always fetches.
        """
        if self._static is not None:
            return self._static
        if not force and self._keys is not None and time.monotonic() < self._expires:
            return self._keys
        with self._lock:
            if not force and self._keys is not None and time.monotonic() < self._expires:
                return self._keys
            self._load(prefer_shared=not force)
            assert self._keys is not None
            return self._keys

    def _load(self, prefer_shared: bool) -> None:
        document = None
        if prefer_shared and self.cache is not None:
            try:
                document = self.cache.get(self.cache_key)
            except Exception as exc:
                raise StorageError(description="the cache could not be read for the provider's keys") from exc
        if not isinstance(document, dict):
            self.fetch_count += 1
            document = self.fetch_document()
            # Parse before sharing: a broken answer must not sit in the cache for a whole TTL.
            self._keys, self._document = parse_jwks(document), document
            if self.cache is not None:
                try:
                    self.cache.set(self.cache_key, document, timeout=self.ttl)
                except Exception as exc:
                    raise StorageError(description="the cache could not store the provider's keys") from exc
        if document is not self._document:
            self._keys = parse_jwks(document)
            self._document = document
        self._expires = time.monotonic() + self.ttl

    def _refetch_is_rate_limited(self) -> bool:
        return time.monotonic() - self._last_refetch < self.refetch_interval

    def _refetch(self) -> None:
        """Fetch now because a token names a key we lack; spends the refetch budget."""
        self._last_refetch = time.monotonic()
        self._load(prefer_shared=False)

    def lookup(self, kid: str | None, alg: str) -> Iterable[PyJWK]:
        """Keys that may have signed a token with this ``kid`` (all keys when it has none)."""
        fetches_before = self.fetch_count
        keys = self.keys()
        self._latest_lookup.seen = (fetches_before, keys)
        if kid is None:
            return keys
        matching = [k for k in keys if k.key_id == kid]
        if matching:
            return matching
        if self._static is not None:
            raise UnknownSigningKeyError(
                "the token's kid is in none of the keys given as jwks=, and jwks= is never refetched: "
                "set jwks_uri or server_metadata_url (instead of jwks=) to follow the provider's key rotation"
            )
        with self._lock:
            # Checked under the lock: concurrent forged tokens make one refetch, not one each.
            matching = [k for k in self._keys or [] if k.key_id == kid]
            if matching:
                return matching
            if self._refetch_is_rate_limited():
                raise InvalidIdTokenError("kid", "the token's kid is unknown (key refetch is rate-limited)")
            if self.fetch_count != fetches_before:
                return []  # fetched from the provider during this lookup: a refetch would bring the same keys
            self._refetch()
            return [k for k in self._keys or [] if k.key_id == kid]

    def refetch_for_unverified(self) -> list[PyJWK]:
        """Fresh keys for a kid-less token that no key of this thread's last :meth:`lookup` verifies.

        ``[]`` when there is nothing new to try: the keys were fetched during that
        lookup, or a refetch is rate-limited (the budget is shared with unknown kids).
        """
        if self._static is not None:
            return []
        fetches_before, tried = getattr(self._latest_lookup, "seen", (None, None))
        with self._lock:
            if tried is not None and self._keys is not tried:
                return list(self._keys or [])  # another thread loaded keys since: try those, no fetch
            fresh = fetches_before is not None and self.fetch_count != fetches_before
            if fresh or self._refetch_is_rate_limited():
                return []
            self._refetch()
            return list(self._keys or [])


def build_logout_url(end_session_endpoint: str, params: Mapping[str, Any]) -> str:
    """RP-Initiated Logout 1.0: the end-session URL with the non-empty parameters."""
    query = urlencode([(k, v) for k, v in params.items() if v not in (None, "")])
    separator = "&" if urlsplit(end_session_endpoint).query else "?"
    return end_session_endpoint + (separator + query if query else "")
