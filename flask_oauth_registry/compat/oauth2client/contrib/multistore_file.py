"""oauth2client 3.x's ``multistore_file``: many credentials in one file, keyed by a dict.

The file keeps oauth2client's version-1 layout::

    {"file_version": 1,
     "data": [{"key": {"clientId": ..., "userAgent": ..., "scope": ...}, "credential": {<to_json() object>}}]}

(written with sorted keys and an indent of 2, as before; a ``credential`` stored as
a JSON string is read too).  Differences, each a fix: every access re-reads the
file under the inter-process lock and a write replaces it atomically (mode 0600),
so processes no longer erase each other's entries; entries this facade cannot
read are kept as they are instead of being dropped; a file that is not JSON reads
as empty (logged) and is rewritten on the next write; a newer ``file_version``
raises :class:`NewerCredentialStoreError`, as before.
"""

from __future__ import annotations

import json
import logging
import os
import threading
from collections.abc import Mapping
from typing import Any

from .. import _files, client
from .._base import read_credentials
from .._helpers import dict_to_tuple_key, scopes_to_string
from . import locked_file

logger = logging.getLogger(__name__)

__all__ = [
    "Error", "NewerCredentialStoreError", "get_all_credential_keys", "get_credential_storage",
    "get_credential_storage_custom_key", "get_credential_storage_custom_string_key",
]

_multistores: dict[str, _MultiStore] = {}
_multistores_lock = threading.Lock()

Key = tuple[tuple[str, Any], ...]


class Error(client.Error):
    """Base error for this module."""


class NewerCredentialStoreError(Error):
    """The credential store is a newer version than supported."""


def get_credential_storage(filename: str, client_id: str, user_agent: str | None, scope: Any,
                           warn_on_readonly: bool = True) -> client.Storage:
    """The storage of the credentials keyed by client ID, user agent and scope."""
    key = {"clientId": client_id, "userAgent": user_agent, "scope": scopes_to_string(scope)}
    return get_credential_storage_custom_key(filename, key, warn_on_readonly=warn_on_readonly)


def get_credential_storage_custom_string_key(filename: str, key_string: str, warn_on_readonly: bool = True
                                             ) -> client.Storage:
    """The storage of the credentials keyed by ``{"key": key_string}``."""
    return get_credential_storage_custom_key(filename, {"key": key_string}, warn_on_readonly=warn_on_readonly)


def get_credential_storage_custom_key(filename: str, key_dict: Mapping[str, Any], warn_on_readonly: bool = True
                                      ) -> client.Storage:
    """The storage of the credentials keyed by ``key_dict``."""
    return _get_multistore(filename, warn_on_readonly).get_storage(dict_to_tuple_key(key_dict))


def get_all_credential_keys(filename: str, warn_on_readonly: bool = True) -> list[dict[str, Any]]:
    """The keys (as dicts) of every entry of the file."""
    multistore = _get_multistore(filename, warn_on_readonly)
    multistore.lock()
    try:
        return [dict(key) for key in multistore.entries]
    finally:
        multistore.unlock()


def _get_multistore(filename: str, warn_on_readonly: bool = True) -> _MultiStore:
    filename = os.path.expanduser(filename)
    with _multistores_lock:
        if filename not in _multistores:
            _multistores[filename] = _MultiStore(filename, warn_on_readonly)
        return _multistores[filename]


class _Storage(client.Storage):
    """One entry of a multistore file."""

    def __init__(self, multistore: _MultiStore, key: Key) -> None:
        super().__init__()
        self._multistore = multistore
        self._key = key

    def acquire_lock(self) -> None:
        self._multistore.lock()

    def release_lock(self) -> None:
        self._multistore.unlock()

    def locked_get(self) -> client.Credentials | None:
        credentials = self._multistore.get_credential(self._key)
        if credentials is not None:
            credentials.set_store(self)  # type: ignore[attr-defined]
        return credentials

    def locked_put(self, credentials: Any) -> None:
        self._multistore.update_credential(self._key, credentials)

    def locked_delete(self) -> None:
        self._multistore.delete_credential(self._key)


class _MultiStore:
    """A multistore file: its lock and, while locked, its entries (``key -> credential JSON object``)."""

    def __init__(self, filename: str, warn_on_readonly: bool = True) -> None:
        self._filename = filename
        self._file = locked_file.LockedFile(filename, "r+", "r")
        self._thread_lock = threading.Lock()
        self._read_only = False
        self._warn_on_readonly = warn_on_readonly
        self.entries: dict[Key, Any] = {}

    def get_storage(self, key: Key) -> _Storage:
        return _Storage(self, key)

    def lock(self) -> None:
        """Take the thread and file locks and read the file again."""
        self._thread_lock.acquire()
        try:
            if not _files.check_path(self._filename):
                _files.atomic_write(self._filename, _dump({}))
            self._file.open_and_lock()
            self._read_only = not self._file.is_locked()
            if self._read_only and self._warn_on_readonly:
                logger.warning("The credentials file (%s) is not writable. Opening in read-only mode. Any "
                               "refreshed credentials will only be valid for this run.", self._filename)
            self.entries = self._read()
        except BaseException:
            self._file.unlock_and_close()
            self._thread_lock.release()
            raise

    def unlock(self) -> None:
        try:
            self._file.unlock_and_close()
        finally:
            self._thread_lock.release()

    def _read(self) -> dict[Key, Any]:
        content = _files.read_bytes(self._filename)
        try:
            raw = json.loads(content or b"{}")
        except (ValueError, RecursionError):
            logger.warning("Credential data store could not be loaded. Will ignore and overwrite.")
            return {}
        if not isinstance(raw, dict):
            return {}
        version = raw.get("file_version", 0)
        if isinstance(version, int) and version > 1:
            raise NewerCredentialStoreError(
                f"Credential file has file_version of {version}. Only file_version of 1 is supported.")
        entries: dict[Key, Any] = {}
        for entry in raw.get("data") or []:
            if isinstance(entry, dict) and isinstance(entry.get("key"), dict) and "credential" in entry:
                entries[dict_to_tuple_key(entry["key"])] = entry["credential"]
            else:
                logger.info("Error decoding credential, skipping")
        return entries

    def _write(self) -> None:
        if self._read_only:
            return
        _files.atomic_write(self._filename, _dump(self.entries))

    def get_credential(self, key: Key) -> client.Credentials | None:
        stored = self.entries.get(key)
        if stored is None:
            return None
        return read_credentials(stored if isinstance(stored, str) else json.dumps(stored), self._filename)

    def update_credential(self, key: Key, credentials: Any) -> None:
        self.entries[key] = json.loads(credentials.to_json())
        self._write()

    def delete_credential(self, key: Key) -> None:
        self.entries.pop(key, None)
        self._write()


def _dump(entries: Mapping[Key, Any]) -> str:
    data = [{"key": dict(key), "credential": credential} for key, credential in entries.items()]
    return json.dumps({"file_version": 1, "data": data}, sort_keys=True, indent=2, separators=(",", ": "))
