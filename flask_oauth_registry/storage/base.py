"""``TokenStorage``: where a user's tokens are kept between requests, behind one small interface.

A storage keeps, per remote app ``name`` and ``user`` (who the token belongs to, an
opaque string the application chooses), one token, or several kept apart by
``account`` (the token's subject) when the application asks for that.  Tokens go in
and come out as JSON-serialisable dicts; a backend never interprets them.  The
registry uses a storage as the default ``fetch_token`` / ``update_token``, so a
refreshed token is written through it once.
"""

from __future__ import annotations

import functools
import json
from abc import ABC, abstractmethod
from collections.abc import Mapping
from typing import Any, ClassVar
from urllib.parse import quote, unquote

from ..registry.errors import StorageError

#: The ``account`` of a token when the application keeps one account per provider.
DEFAULT_ACCOUNT = ""


class TokenStorage(ABC):
    """Keeps tokens by ``(name, user, account)``; subclasses implement the three operations.

    ``get`` returns ``None`` for an unknown entry; ``delete`` of an unknown entry is
    not an error.  A backend that fails (a database or cache down) raises
    :class:`~flask_oauth_registry.StorageError` and stores nothing half-way: a
    failure never reads as "no token".  ``account=None`` is the default account
    (:data:`DEFAULT_ACCOUNT`); a token given to ``set`` must be JSON-serialisable,
    and ``get`` returns a plain ``dict`` equal to it after a JSON round trip (an
    :class:`~flask_oauth_registry.registry.tokens.OAuth2Token` goes in, a ``dict``
    equal to it comes out), a copy the caller may change freely.

    ``name`` and ``user`` must be non-empty strings: a ``user`` of ``None`` (say, an
    anonymous ``current_user.get_id()``) would otherwise put every anonymous
    visitor's tokens under one key, so it is refused with a ``ValueError``.
    """

    @abstractmethod
    def get(self, name: str, user: str, account: str | None = None) -> dict[str, Any] | None:
        """The token of ``user`` for remote app ``name`` (and ``account``), or ``None``."""

    @abstractmethod
    def set(self, name: str, user: str, token: Mapping[str, Any], account: str | None = None) -> None:
        """Store ``token`` for ``user``, replacing what was there for the same key."""

    @abstractmethod
    def delete(self, name: str, user: str, account: str | None = None) -> None:
        """Forget the token of ``user`` for ``name`` (and ``account``)."""

    #: Whether :meth:`peek` costs clearly less than :meth:`get` (no copy, no round trip): ``required``
    #: then checks the token with :meth:`peek` and leaves reading it to the code that uses it.
    cheap_peek: ClassVar[bool] = False

    def peek(self, name: str, user: str, account: str | None = None) -> Mapping[str, Any] | None:
        """The token for a check that only reads it (``required``), read-only; by default :meth:`get`.

        A backend may answer without copying (:class:`SessionStorage`) or from a
        read of a few seconds ago (:class:`RecentReads`); the answer must not be
        changed, kept, sent or refreshed.
        """
        return self.get(name, user, account)

    def accounts(self, name: str, user: str) -> list[str]:
        """The accounts ``user`` has stored for ``name``, sorted; backends that can list them override this."""
        return [DEFAULT_ACCOUNT] if self.get(name, user) is not None else []


def check_owner(name: str, user: str) -> None:
    """Refuse a ``name`` or ``user`` that is not a non-empty string (see :class:`TokenStorage`)."""
    if type(name) is str and type(user) is str and name and user:  # every read checks: the common case first
        return
    for what, value in (("name", name), ("user", user)):
        if not isinstance(value, str) or not value:
            raise ValueError(f"a token's {what} must be a non-empty string, not {type(value).__name__}")


def account_key(account: str | None) -> str:
    """The stored form of ``account``: ``None`` is the default account."""
    if account is None:
        return DEFAULT_ACCOUNT
    if not isinstance(account, str):
        raise ValueError(f"a token's account must be a string or None, not {type(account).__name__}")
    return account


def plain_token(token: Mapping[str, Any]) -> dict[str, Any]:
    """A JSON round-tripped copy of ``token``: what every backend stores and returns.

    Copying through JSON makes all backends agree (a tuple comes back as a list
    everywhere, not only from a database) and keeps the stored value apart from the
    caller's object.  Something JSON cannot hold is refused here, before any write.
    """
    if not isinstance(token, Mapping):
        raise StorageError(description=f"a token must be a mapping, not {type(token).__name__}")
    try:
        # allow_nan=False: NaN and Infinity are not JSON, and PostgreSQL's json type refuses them.
        return dict(json.loads(json.dumps(dict(token), allow_nan=False)))
    except (TypeError, ValueError) as exc:  # json's messages name a type or a key, never a value
        raise StorageError(description="the token is not JSON-serialisable, so it was not stored") from exc


def copy_token(value: Any) -> dict[str, Any] | None:
    """A stored value as a fresh plain ``dict``, or ``None`` when it is not a token.

    Every request behind ``required`` reads a token, so the copy of one that is
    already plain JSON data (what ``set`` stores) skips the JSON round trip: the
    same result, about four times faster.  Anything else goes through JSON.
    """
    # type() first: an isinstance check against the Mapping ABC costs more than the rest for a small token.
    if type(value) is not dict and not isinstance(value, Mapping):
        return None
    try:
        return _copy_plain(value if type(value) is dict else dict(value))
    except _NotPlain:
        return dict(json.loads(json.dumps(dict(value))))


class _NotPlain(Exception):
    """Raised by :func:`_copy_plain` for a value a JSON round trip would change (a tuple, an int key...)."""


_PLAIN_SCALARS = frozenset((str, int, float, bool, type(None)))


def _copy_plain(value: Any) -> Any:
    """A deep copy of ``value`` made only of dicts with ``str`` keys, lists and JSON scalars (exact types)."""
    kind = type(value)
    if kind is dict:
        copied = {}
        for key, item in value.items():
            if type(key) is not str:
                raise _NotPlain
            # Scalars inline: most of a token's members are strings and numbers, and a call costs more.
            copied[key] = item if type(item) in _PLAIN_SCALARS else _copy_plain(item)
        return copied
    if kind is list:
        return [item if type(item) in _PLAIN_SCALARS else _copy_plain(item) for item in value]
    if kind in _PLAIN_SCALARS:
        return value
    raise _NotPlain


@functools.lru_cache(maxsize=4096)
def escape_key_part(part: str) -> str:
    """``part`` with every character but letters, digits and ``.-~`` percent-encoded, ``_`` included.

    Backends join escaped parts with ``_``, so a key names exactly one
    ``(name, user, account)``: app names ``corp`` and ``corp_eu`` (or users ``a`` and
    ``a_b``) cannot meet in one key.  The result is also safe as a cache key.
    Remembered for the last few thousand parts (app names, recent users): ``quote``
    costs microseconds per call, and every storage read makes a key.
    """
    return quote(part, safe="").replace("_", "%5F")


def unescape_key_part(part: str) -> str:
    """The inverse of :func:`escape_key_part`."""
    return unquote(part)
