"""``KeyringStorage``: tokens in the operating system's credential store, through the ``keyring`` library.

macOS Keychain, Windows Credential Manager, the Secret Service on Linux desktops:
whatever backend ``keyring`` is configured with (the ``[keyring]`` extra installs
it).  For command-line tools on a user's own machine; a server has no keyring.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from typing import Any, TypeVar

import keyring
from keyring.backend import KeyringBackend

from ..registry.errors import StorageError
from .base import TokenStorage, account_key, check_owner, copy_token, escape_key_part, plain_token

Result = TypeVar("Result")


class KeyringStorage(TokenStorage):
    """Keeps each token in its own keyring entry under ``service``, its value the token's JSON.

    The entry's user name is ``<name>_<user>_<account>`` (each part escaped, so
    that parts never run into each other); one more entry, ``<name>_<user>``,
    lists the accounts, as keyrings cannot list their entries.  The list is written
    before a token and after a deletion, and only accounts whose token is there
    are reported, so a failure between the two writes never shows an account
    without a token.  Each entry stays small, as some keyrings require (Windows
    allows 2560 bytes).

    ``backend`` is a :class:`keyring.backend.KeyringBackend`; ``None`` uses the
    one ``keyring`` is configured with, looked up at each call (``keyring.set_keyring``
    takes effect at once).  Any error of the keyring (locked, no backend, D-Bus
    down) is a :class:`~flask_oauth_registry.StorageError`.
    """

    def __init__(self, service: str, backend: KeyringBackend | None = None) -> None:
        if not isinstance(service, str) or not service:
            raise ValueError("the keyring service must be a non-empty string")
        self.service = service
        self.backend = backend

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self.service!r})"

    # -- TokenStorage ---------------------------------------------------------------------
    def get(self, name: str, user: str, account: str | None = None) -> dict[str, Any] | None:
        """The stored token, as a fresh ``dict``, or ``None``."""
        check_owner(name, user)
        return self._token(_entry_name(name, user, account_key(account)))

    def set(self, name: str, user: str, token: Mapping[str, Any], account: str | None = None) -> None:
        """Store ``token`` in its entry, after listing its account."""
        check_owner(name, user)
        account, value = account_key(account), json.dumps(plain_token(token), ensure_ascii=False)
        listed = self._listed(name, user)
        if account not in listed:
            self._write(_index_name(name, user), json.dumps(sorted({*listed, account}), ensure_ascii=False))
        self._write(_entry_name(name, user, account), value)

    def delete(self, name: str, user: str, account: str | None = None) -> None:
        """Forget the token, then its account in the list; an unknown entry is not an error."""
        check_owner(name, user)
        account = account_key(account)
        entry = _entry_name(name, user, account)
        if self._call("read", lambda backend: backend.get_password(self.service, entry)) is not None:
            self._call("delete", lambda backend: backend.delete_password(self.service, entry))
        listed = self._listed(name, user)
        if account not in listed:
            return
        rest = [other for other in listed if other != account]
        if rest:
            self._write(_index_name(name, user), json.dumps(rest, ensure_ascii=False))
        else:
            index = _index_name(name, user)
            self._call("delete", lambda backend: backend.delete_password(self.service, index))

    def accounts(self, name: str, user: str) -> list[str]:
        """The accounts of ``user`` for ``name`` that have a token, sorted."""
        check_owner(name, user)
        return [account for account in self._listed(name, user)
                if self._token(_entry_name(name, user, account)) is not None]

    # -- the keyring ----------------------------------------------------------------------
    def _token(self, entry: str) -> dict[str, Any] | None:
        value = self._call("read", lambda backend: backend.get_password(self.service, entry))
        return copy_token(_json_or_none(value))

    def _listed(self, name: str, user: str) -> list[str]:
        """The accounts the list entry names (sorted); none when it is absent or unreadable as a list."""
        index = _index_name(name, user)
        listed = _json_or_none(self._call("read", lambda backend: backend.get_password(self.service, index)))
        if not isinstance(listed, list):
            return []
        return sorted(account for account in listed if isinstance(account, str))

    def _write(self, entry: str, value: str) -> None:
        self._call("write", lambda backend: backend.set_password(self.service, entry, value))

    def _call(self, doing: str, operation: Callable[[KeyringBackend], Result]) -> Result:
        """Run ``operation`` on the keyring; any failure is a StorageError naming the service, never a value."""
        try:
            return operation(self.backend or keyring.get_keyring())
        except Exception as exc:  # keyring backends raise their own errors (D-Bus, Security framework...)
            raise StorageError(
                description=f"the keyring could not {doing} the token of service {self.service!r} "
                f"({type(exc).__name__})"
            ) from exc


def _entry_name(name: str, user: str, account: str) -> str:
    return f"{escape_key_part(name)}_{escape_key_part(user)}_{escape_key_part(account)}"


def _index_name(name: str, user: str) -> str:
    return f"{escape_key_part(name)}_{escape_key_part(user)}"


def _json_or_none(value: str | None) -> Any:
    """A stored value read back; ``None`` when absent or not JSON (an entry someone else wrote)."""
    if not value:
        return None
    try:
        return json.loads(value)
    except ValueError:
        return None
