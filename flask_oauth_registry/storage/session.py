"""``SessionStorage``: tokens in the Flask session, for small tokens and no server-side state.

With Flask's default session the token rides in the signed cookie: the user can
read it (signed, not encrypted), every request carries it, and browsers drop a
cookie over about 4 KB, which a JWT access token plus an ID token easily reaches.
Use it for small opaque tokens, or with a server-side session interface; otherwise
prefer :class:`~flask_oauth_registry.storage.CacheStorage` or
:class:`~flask_oauth_registry.storage.SQLAlchemyStorage`.
"""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType
from typing import Any

from flask import current_app, session
from flask.sessions import SecureCookieSessionInterface

from ..registry.errors import StorageError
from .base import TokenStorage, account_key, check_owner, copy_token, escape_key_part, plain_token, unescape_key_part

#: Where Flask (and werkzeug) put the cookie size limit, and their default.
_MAX_COOKIE_SIZE_KEY = "MAX_COOKIE_SIZE"
_DEFAULT_MAX_COOKIE_SIZE = 4093


class SessionStorage(TokenStorage):
    """Keeps tokens in :data:`flask.session`, one key per ``(name, user, account)``.

    Keys are ``<prefix><name>_<user>_<account>`` with each part escaped (see
    :func:`~flask_oauth_registry.storage.base.escape_key_part`), so app names or users
    that prefix each other never share a key.  With Flask's cookie session, a token
    that would make the cookie larger than ``MAX_COOKIE_SIZE`` (4093 bytes unless the
    app sets it; ``0`` turns the check off) is refused with
    :class:`~flask_oauth_registry.StorageError` and the session keeps what it had:
    a browser would otherwise drop the whole cookie, and the login with it, silently.

    Must be used within a request (it reads :data:`flask.session`).
    """

    def __init__(self, prefix: str = "_token_") -> None:
        self.prefix = prefix

    def _owner_prefix(self, name: str, user: str) -> str:
        check_owner(name, user)
        return f"{self.prefix}{escape_key_part(name)}_{escape_key_part(user)}_"

    def _key(self, name: str, user: str, account: str | None) -> str:
        return self._owner_prefix(name, user) + escape_key_part(account_key(account))

    def get(self, name: str, user: str, account: str | None = None) -> dict[str, Any] | None:
        """The token stored in this session, as a fresh ``dict``, or ``None``."""
        # Read through the real session: a call through Flask's proxy costs more than the read (done every request).
        return copy_token(session._get_current_object().get(self._key(name, user, account)))  # type: ignore[attr-defined]

    #: The session is this request's own: a peek is current and needs no copy.
    cheap_peek = True

    def peek(self, name: str, user: str, account: str | None = None) -> Mapping[str, Any] | None:
        """The token in this session, read-only and not copied: for ``required``'s check, on every request."""
        value = session._get_current_object().get(self._key(name, user, account))  # type: ignore[attr-defined]
        return MappingProxyType(value) if type(value) is dict else copy_token(value)

    def set(self, name: str, user: str, token: Mapping[str, Any], account: str | None = None) -> None:
        """Store ``token`` in the session; refused (nothing changed) when the cookie would grow too large."""
        key = self._key(name, user, account)
        value = plain_token(token)
        missing = object()
        previous = session.get(key, missing)
        session[key] = value
        if _cookie_too_large():
            if previous is missing:
                session.pop(key, None)
            else:
                session[key] = previous
            raise StorageError(
                description="the token is too large for the session cookie (MAX_COOKIE_SIZE); "
                "use a server-side storage such as CacheStorage or SQLAlchemyStorage"
            )

    def delete(self, name: str, user: str, account: str | None = None) -> None:
        """Remove the token from the session, if it is there."""
        session.pop(self._key(name, user, account), None)

    def accounts(self, name: str, user: str) -> list[str]:
        """The accounts of ``user`` for ``name`` in this session, sorted."""
        prefix = self._owner_prefix(name, user)
        # An escaped account holds no "_": a key that has one after this prefix is not one of ours.
        found = [key[len(prefix):] for key in session if key.startswith(prefix) and "_" not in key[len(prefix):]]
        return sorted(unescape_key_part(account) for account in found)


def _cookie_too_large() -> bool:
    """Whether Flask's cookie session would now need a cookie over ``MAX_COOKIE_SIZE`` bytes.

    Measured as the browser does (name plus value), by serialising the session the
    way :class:`~flask.sessions.SecureCookieSessionInterface` will.  Other session
    interfaces (server-side sessions) have no such limit.
    """
    app = current_app
    interface = app.session_interface
    limit = app.config.get(_MAX_COOKIE_SIZE_KEY, _DEFAULT_MAX_COOKIE_SIZE)
    if not isinstance(interface, SecureCookieSessionInterface) or not limit:
        return False
    serializer = interface.get_signing_serializer(app)
    if serializer is None:  # no SECRET_KEY: Flask refuses to write the session anyway
        return False
    value = serializer.dumps(dict(session))
    return len(interface.get_cookie_name(app)) + 1 + len(value) > int(limit)
