"""``ClientContext``: the little a remote app needs from the registry, bound when the app is built.

A remote app does not see the registry or its per-Flask-app bookkeeping.  When the
extension builds a client it binds, once, the shared cache, the flow-state lifetime
(``OAUTH_STATE_TTL``) and the two token callbacks (the app's own ``fetch_token`` /
``update_token`` given to ``register``, else the registry-level ones with the name
filled in, as Authlib's registry does) and the per-user helpers of
:mod:`flask_oauth_registry.views` (:class:`UserAccess`), and hands the app this object.  That keeps
the import graph one-way: the extension imports the apps, never the reverse.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Protocol, runtime_checkable

#: How long a started login may wait for its callback, in seconds (``OAUTH_STATE_TTL``).
DEFAULT_STATE_TTL = 600


@runtime_checkable
class Cache(Protocol):
    """What the registry asks of a shared cache (cachelib's caches, Flask-Caching's).

    ``add`` sets a key only when it is absent, atomically (the refresh lock), and
    ``delete`` answers whether it removed the key (what makes a login state single use).
    """

    def get(self, key: str) -> Any: ...

    def set(self, key: str, value: Any, timeout: int | None = None) -> Any: ...

    def add(self, key: str, value: Any, timeout: int | None = None) -> Any: ...

    def delete(self, key: str) -> Any: ...


FetchToken = Callable[[], Any]
UpdateToken = Callable[..., Any]


class UserAccess(Protocol):
    """What a remote app's per-user helpers delegate to (``required``, ``credentials``...).

    :mod:`flask_oauth_registry.views` provides it and the extension hands it to each
    app in its :class:`ClientContext`; the registry never imports the views.
    ``app`` is the calling remote app.
    """

    def required(self, app: Any, view: Callable[..., Any] | None, scopes: Sequence[str] | None) -> Any: ...

    def credentials(self, app: Any) -> Any: ...

    def has_credentials(self, app: Any, scopes: Sequence[str] | None) -> bool: ...

    def granted_scopes(self, app: Any) -> frozenset[str]: ...

    def claim(self, app: Any, claim: str) -> Any: ...

    def authorized_session(self, app: Any) -> Any: ...


@dataclass(frozen=True)
class ClientContext:
    """Shared services of one remote app: the cache, the flow-state TTL and the bound token callbacks."""

    cache: Cache | None = None
    state_ttl: int = DEFAULT_STATE_TTL
    fetch_token_callback: FetchToken | None = None
    update_token_callback: UpdateToken | None = None
    #: The per-user helpers (``required``, ``credentials``...); ``None`` for an app built outside a registry.
    user_access: UserAccess | None = None

    def fetch_token(self) -> Mapping[str, Any] | None:
        """The stored token of the current user, or ``None`` (no callback, or it found none)."""
        if self.fetch_token_callback is None:
            return None
        return self.fetch_token_callback() or None

    def update_token(
        self, token: Mapping[str, Any], refresh_token: str | None = None, access_token: str | None = None
    ) -> None:
        """Tell the application a token was renewed, with Authlib's keyword arguments."""
        if self.update_token_callback is not None:
            self.update_token_callback(token, refresh_token=refresh_token, access_token=access_token)


def bind_callbacks(
    name: str,
    own_fetch: FetchToken | None,
    own_update: UpdateToken | None,
    registry_fetch: Callable[..., Any] | None,
    registry_update: Callable[..., Any] | None,
) -> tuple[FetchToken | None, UpdateToken | None]:
    """The app's own callbacks, else the registry-level ones with ``name`` bound (Authlib's rule)."""
    fetch = own_fetch
    if fetch is None and registry_fetch is not None:
        def fetch() -> Any:
            return registry_fetch(name)

    update = own_update
    if update is None and registry_update is not None:
        def update(token: Any, refresh_token: str | None = None, access_token: str | None = None) -> Any:
            return registry_update(name, token, refresh_token=refresh_token, access_token=access_token)

    return fetch, update
