"""The current user's tokens: who a token belongs to, and the storage as ``fetch_token`` / ``update_token``.

``user`` is the application's user id (``OAuth(app, user_id=lambda: current_user.get_id())``)
or, without one (or while it answers ``None``), an opaque random id kept in the
Flask session: each browser session then has its own tokens.  A
:class:`~flask_oauth_registry.storage.TokenStorage` keyed by it becomes the
registry's default ``fetch_token`` and ``update_token``, so a refresh writes
through the storage, and the ready routes store a login's token there.  ``required``
checks with the storage's ``peek`` where it is cheap (:meth:`StoredTokens.fetch_for_check`): the
session's token uncopied, or a :class:`~flask_oauth_registry.storage.RecentReads` read of a few
seconds ago; nothing else reads that way.
"""

from __future__ import annotations

import secrets
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any

from flask import has_request_context, session

from ..storage.base import TokenStorage
from ..storage.recent import RecentReads

#: The Flask session key of the random id of a browser session without an application user.
SESSION_USER_KEY = "_oauth_user"
#: Prefix of those ids, so that none can equal an id the application's ``user_id`` returns.
SESSION_USER_PREFIX = "session:"

# Set while an AuthorizedSession sends a request: a refresh it causes outside the
# request that created it (another thread, a background job) still knows whose token it is.
_bound_user: ContextVar[str | None] = ContextVar("flask_oauth_registry_token_user", default=None)
# Set while ``required`` decides: a read it causes may be the storage's peek (RecentReads: from memory).
_peek_note: ContextVar[PeekNote | None] = ContextVar("flask_oauth_registry_peek_note", default=None)


class PeekNote:
    """Set by :meth:`StoredTokens.fetch_token` when it answered with the storage's ``peek`` rather than ``get``."""

    __slots__ = ("used",)

    def __init__(self) -> None:
        self.used = False


class TokenOwners:
    """Answers "whose token is this?" for the current request."""

    def __init__(self, user_id: Callable[[], Any] | None = None) -> None:
        self.user_id = user_id

    def current(self, create: bool = False) -> str | None:
        """The current user's key; ``None`` when there is none and ``create`` is false.

        With ``create`` a browser session without one gets a fresh random id
        (``secrets.token_urlsafe``), so reading never writes the session cookie.
        """
        bound = _bound_user.get()
        if bound is not None:
            return bound
        if self.user_id is not None:
            user = self.user_id()
            if user is not None and str(user):
                return str(user)
        if not has_request_context():
            return None
        # The session resolved once: a call through Flask's proxy costs more than the lookup (every request reads it).
        current_session = session._get_current_object()  # type: ignore[attr-defined]
        anonymous = current_session.get(SESSION_USER_KEY)
        if not isinstance(anonymous, str) or not anonymous:
            if not create:
                return None
            anonymous = current_session[SESSION_USER_KEY] = secrets.token_urlsafe(24)
        return SESSION_USER_PREFIX + anonymous

    @staticmethod
    @contextmanager
    def bound(user: str | None) -> Iterator[None]:
        """Within the block, tokens belong to ``user`` whatever the request says."""
        reset = _bound_user.set(user)
        try:
            yield
        finally:
            _bound_user.reset(reset)


class StoredTokens:
    """One :class:`TokenStorage`, read and written for the current user."""

    def __init__(self, storage: TokenStorage, owners: TokenOwners) -> None:
        self.storage = storage
        self.owners = owners
        #: Whether ``required`` checks with the storage's :meth:`~TokenStorage.peek` (:meth:`fetch_for_check`).
        self.peeks = storage.cheap_peek
        #: Whether that check may see a read of a few seconds ago (:class:`RecentReads`).
        self.may_be_stale = isinstance(storage, RecentReads)

    def fetch_token(self, name: str) -> dict[str, Any] | None:
        """The registry-level ``fetch_token(name)``: the current user's stored token, or ``None``.

        Within :meth:`fetch_for_check`, from the storage's ``peek`` (noted in a :class:`PeekNote`).
        """
        user = self.owners.current()
        if user is None:
            return None
        note = _peek_note.get()
        if note is not None and self.peeks:
            note.used = True
            return self.storage.peek(name, user)  # type: ignore[return-value]  # read-only, for the check
        return self.storage.get(name, user)

    @staticmethod
    def fetch_for_check(fetch: Callable[[], Any]) -> tuple[Any, bool]:
        """``fetch()`` (an app's ``fetch_token``), letting :meth:`fetch_token` answer with the storage's ``peek``.

        Returns the token and whether it came from the storage's ``peek``.  Only for
        ``required``'s decision: such a token is read-only and may be ``ttl`` seconds
        old (:class:`RecentReads`), so it must not be used, sent, refreshed or put on ``g``.
        """
        note = PeekNote()
        reset = _peek_note.set(note)
        try:
            token = fetch()
        finally:
            _peek_note.reset(reset)
        return token, note.used

    def update_token(
        self, name: str, token: Mapping[str, Any], refresh_token: str | None = None, access_token: str | None = None
    ) -> None:
        """The registry-level ``update_token``: write a renewed token over the one it renews.

        Only when the current user's stored token is the one that was renewed (same
        refresh token, or same access token for client credentials): renewing a token
        passed as ``token=`` for someone else never overwrites this user's.
        """
        user = self.owners.current()
        if user is None:
            return
        stored = self.storage.get(name, user)
        if stored is None or not _renews(stored, refresh_token, access_token):
            return
        self.storage.set(name, user, token)

    def save(self, name: str, token: Mapping[str, Any]) -> None:
        """Store a token a login returned, for the current user (given an id if the session has none)."""
        user = self.owners.current(create=True)
        if user is None:  # only outside a request: a login always has one
            return
        self.storage.set(name, user, token)

    def forget(self, name: str) -> None:
        """Delete the current user's token for ``name`` (logout)."""
        user = self.owners.current()
        if user is not None:
            self.storage.delete(name, user)


def _renews(stored: Mapping[str, Any], refresh_token: str | None, access_token: str | None) -> bool:
    if refresh_token is not None:
        return bool(stored.get("refresh_token") == refresh_token)
    if access_token is not None:
        return bool(stored.get("access_token") == access_token)
    return True

