"""Provider discovery: server metadata and the JWKS, cached, checked and shared.

Both are fetched through a ``fetch_json(url) -> dict`` callable given by the remote
app (the HTTP edge), cached per process with a TTL and, when a cache is configured,
shared through it so a fleet of workers fetches each document once per TTL.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode, urlsplit, urlunsplit

from jwt import PyJWK
from jwt.exceptions import PyJWTError

from .config import METADATA_KEYS
from .context import Cache
from .errors import (
    BadResponseError,
    InvalidIdTokenError,
    IssuerMismatchError,
    StorageError,
    UnknownSigningKeyError,
)

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
            raise IssuerMismatchError(
                description=f"the declared issuer {declared!r} does not live at this discovery URL "
                f"(it names {promised!r})",
            )
        promised = declared
    if promised is not None and issuer != promised:
        raise IssuerMismatchError(
            description=f"the discovery document's issuer {issuer!r} is not the one its URL names ({promised!r})",
        )


def validate_metadata(
    document: Mapping[str, Any], metadata_url: str, declared_issuer: str | None = None, issuer_policy: Any = None
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
    if issuer_policy is None or not issuer_policy.accepts_document_issuer(issuer, metadata_url):
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
        self, url: str, fetch_json: FetchJson, cache: Cache | None = None, ttl: int = DEFAULT_METADATA_TTL,
        declared_issuer: str | None = None, issuer_policy: Any = None,
    ) -> None:
        self.url = url
        self.declared_issuer = declared_issuer
        self.issuer_policy = issuer_policy
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
                value = validate_metadata(
                    self.fetch_json(self.url), self.url, self.declared_issuer, self.issuer_policy
                )
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


@dataclass(frozen=True)
class FoundKeys:
    """The answer of :meth:`KeySet.lookup`: the keys that may have signed a token, and where they come from."""

    keys: list[PyJWK]
    #: Which load of the key set they were taken from.
    generation: int
    #: Whether the key set was fetched from the provider during this lookup: refetching would bring the same keys.
    fresh: bool


@dataclass(frozen=True)
class _Loaded:
    """One load of the key set, replaced as a whole so that readers never see keys of one load with another's number."""

    keys: list[PyJWK]
    document: dict[str, Any] | None
    generation: int


class KeySet:
    """The provider's signing keys, parsed once per fetch, and the policy for fetching them again.

    A ``kid`` we do not know makes one refetch (the provider rotated its keys),
    unless the keys in hand were fetched from the provider during that same
    lookup; so does a token without ``kid`` that none of the keys verifies
    (:meth:`refetch`).  Only such refetches are limited: after one, the next
    happens no sooner than ``refetch_interval`` seconds later, so forged tokens
    cannot make us hammer the provider.  An ordinary fetch (first use, TTL,
    ``force``) never counts against that budget: a rotation seconds after the
    first login is found.
    """

    def __init__(
        self,
        fetch_document: Callable[[], dict[str, Any]],
        cache: Cache | None = None,
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
        self._loaded: _Loaded | None = None
        self._expires = 0.0
        self._last_refetch = float("-inf")
        self._lock = threading.Lock()
        #: How many times the key set was fetched from the provider.
        self.fetch_count = 0

    @property
    def document(self) -> dict[str, Any] | None:
        """The JWK set as last loaded, ``None`` before the first load."""
        loaded = self._loaded
        return loaded.document if loaded is not None else None

    def keys(self, force: bool = False) -> list[PyJWK]:
        """All current keys; ``force`` refetches from the provider now.

        The refetch rate limit applies in :meth:`lookup` and :meth:`refetch`, not
        here: an explicit ``fetch_jwk_set(force=True)`` always fetches.
        """
        if self._static is not None:
            return self._static
        return self._current(force).keys

    def _current(self, force: bool = False) -> _Loaded:
        loaded = self._loaded
        if not force and loaded is not None and time.monotonic() < self._expires:
            return loaded
        with self._lock:
            loaded = self._loaded
            if not force and loaded is not None and time.monotonic() < self._expires:
                return loaded
            return self._load(prefer_shared=not force)

    def _load(self, prefer_shared: bool) -> _Loaded:
        """Load the key set (from the shared cache when allowed, else the provider); call with the lock held."""
        document = None
        if prefer_shared and self.cache is not None:
            try:
                document = self.cache.get(self.cache_key)
            except Exception as exc:
                raise StorageError(description="the cache could not be read for the provider's keys") from exc
        fetched = False
        if not isinstance(document, dict):
            fetched = True
            self.fetch_count += 1
            document = self.fetch_document()
        loaded = self._loaded
        if loaded is None or document is not loaded.document:
            # Parse before sharing: a broken answer must not sit in the cache for a whole TTL.
            loaded = _Loaded(parse_jwks(document), document, (loaded.generation if loaded else 0) + 1)
            self._loaded = loaded
        if fetched and self.cache is not None:
            try:
                self.cache.set(self.cache_key, document, timeout=self.ttl)
            except Exception as exc:
                raise StorageError(description="the cache could not store the provider's keys") from exc
        self._expires = time.monotonic() + self.ttl
        return loaded

    def _refetch_is_rate_limited(self) -> bool:
        return time.monotonic() - self._last_refetch < self.refetch_interval

    def _refetch(self) -> _Loaded:
        """Fetch now because a token names a key we lack; spends the refetch budget.  Call with the lock held."""
        self._last_refetch = time.monotonic()
        return self._load(prefer_shared=False)

    def lookup(self, kid: str | None) -> FoundKeys:
        """The keys that may have signed a token with this ``kid`` (all keys when it has none).

        An unknown ``kid`` makes one refetch, rate-limited (an
        :class:`InvalidIdTokenError` for ``kid`` while the limit holds).  Keys given
        as ``jwks=`` are never refetched: an unknown ``kid`` is then an
        :class:`UnknownSigningKeyError` naming the settings that would follow a rotation.
        """
        if self._static is not None:
            return _static_lookup(self._static, kid)
        fetches_before = self.fetch_count
        loaded = self._current()
        matching = [k for k in loaded.keys if kid is None or k.key_id == kid]
        if matching or kid is None:
            return FoundKeys(matching, loaded.generation, self.fetch_count != fetches_before)
        with self._lock:
            # Checked under the lock: concurrent forged tokens make one refetch, not one each.
            loaded = self._loaded or loaded
            matching = [k for k in loaded.keys if k.key_id == kid]
            fresh = self.fetch_count != fetches_before
            if not matching:
                if self._refetch_is_rate_limited():
                    raise InvalidIdTokenError(
                        check="kid", description="the token's kid is unknown (key refetch is rate-limited)"
                    )
                # Keys fetched during this lookup lack the kid: a refetch would bring the same keys.
                if not fresh:
                    loaded = self._refetch()
                    matching, fresh = [k for k in loaded.keys if k.key_id == kid], True
            return FoundKeys(matching, loaded.generation, fresh)

    def refetch(self, tried: FoundKeys) -> list[PyJWK]:
        """Fresh keys for a token without ``kid`` that none of the ``tried`` keys verifies.

        The provider may have rotated its only key.  ``[]`` when there is nothing
        new to try: the keys were fetched during that lookup, the keys are static,
        or a refetch is rate-limited (the budget is shared with unknown kids).
        Keys another thread loaded since are returned without a fetch.
        """
        if self._static is not None:
            return []
        with self._lock:
            loaded = self._loaded
            if loaded is not None and loaded.generation != tried.generation:
                return list(loaded.keys)
            if tried.fresh or self._refetch_is_rate_limited():
                return []
            return list(self._refetch().keys)


def _static_lookup(keys: list[PyJWK], kid: str | None) -> FoundKeys:
    """:meth:`KeySet.lookup` among keys given as ``jwks=``: an unknown ``kid`` cannot be fetched."""
    matching = [k for k in keys if kid is None or k.key_id == kid]
    if kid is not None and not matching:
        raise UnknownSigningKeyError(
            description="the token's kid is in none of the keys given as jwks=, and jwks= is never refetched: "
            "set jwks_uri or server_metadata_url (instead of jwks=) to follow the provider's key rotation"
        )
    return FoundKeys(matching, 0, False)


def build_logout_url(end_session_endpoint: str, params: Mapping[str, Any]) -> str:
    """RP-Initiated Logout 1.0: the end-session URL with the non-empty parameters."""
    query = urlencode([(k, v) for k, v in params.items() if v not in (None, "")])
    separator = "&" if urlsplit(end_session_endpoint).query else "?"
    return end_session_endpoint + (separator + query if query else "")
