"""oauth2client's ``keyring_storage.Storage``: credentials in the operating system's keyring.

The entry (``service_name``, ``user_name``) holds ``credentials.to_json()``, as
oauth2client wrote it; deleting sets it to an empty string, as before.  The
``keyring`` package is an optional extra (``pip install 'flask-oauth-registry[keyring]'``),
imported on first use; without it, or when the keyring fails (locked, no backend),
the error is a :class:`~flask_oauth_registry.StorageError` that says so.
"""

from __future__ import annotations

import importlib
import threading
from typing import Any

from ....registry.errors import StorageError
from .. import client
from .._base import read_credentials

_INSTALL_HINT = "keyring_storage needs the keyring package: pip install 'flask-oauth-registry[keyring]'"


def _keyring() -> Any:
    try:
        return importlib.import_module("keyring")
    except ImportError:
        raise StorageError(description=_INSTALL_HINT) from None


class Storage(client.Storage):
    """Store and retrieve a single credential to and from the keyring."""

    def __init__(self, service_name: str, user_name: str) -> None:
        super().__init__(lock=threading.Lock())
        self._service_name = service_name
        self._user_name = user_name

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self._service_name!r}, {self._user_name!r})"

    def _call(self, name: str, *args: Any) -> Any:
        keyring = _keyring()
        try:
            return getattr(keyring, name)(self._service_name, self._user_name, *args)
        except Exception as exc:  # every backend has its own errors; none may escape as a raw traceback
            raise StorageError(description=f"the keyring failed ({type(exc).__name__})") from exc

    def locked_get(self) -> client.Credentials | None:
        """The credentials in the keyring entry, or ``None`` (missing, emptied or unreadable)."""
        content = self._call("get_password")
        if not content:
            return None
        credentials = read_credentials(content, f"the keyring entry {self._service_name!r}")
        if credentials is not None:
            credentials.set_store(self)  # type: ignore[attr-defined]
        return credentials

    def locked_put(self, credentials: Any) -> None:
        """Write ``credentials.to_json()`` to the keyring entry."""
        self._call("set_password", credentials.to_json())

    def locked_delete(self) -> None:
        """Empty the keyring entry (oauth2client's way of deleting it)."""
        self._call("set_password", "")
