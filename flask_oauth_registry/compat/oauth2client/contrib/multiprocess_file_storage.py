"""oauth2client 4.x's ``MultiprocessFileStorage``: credentials of many keys in one file shared by processes.

The file keeps oauth2client's version-2 layout,
``{"file_version": 2, "credentials": {"<key>": "<base64 of to_json()>"}}``, and the
lock file ``<filename>.lock`` (fcntl here; oauth2client used fasteners, which is not
needed).  Each access takes the thread and inter-process locks and reads the file
again; a write replaces the file atomically (mode 0600) and changes only its own
key, keeping every other entry, even one this facade cannot read.  A file of
another version, or not JSON, reads as empty (logged) and is overwritten on the
next write, as before.  When the inter-process lock cannot be had, the storage
works read-only for that access, with a warning, as before.
"""

from __future__ import annotations

import base64
import binascii
import json
import logging
import os
import threading
from typing import Any

from ....registry.errors import StorageError
from .. import _files, client
from .._base import read_credentials

logger = logging.getLogger(__name__)

#: Seconds to wait for another process's lock before working read-only.
INTERPROCESS_LOCK_DEADLINE = 1
_FILE_VERSION = 2

_backends: dict[str, _MultiprocessStorageBackend] = {}
_backends_lock = threading.Lock()


def _load_credentials_file(content: bytes | None) -> dict[str, str]:
    """The file's entries (``key -> base64 JSON``); empty for a missing, corrupt or other-version file."""
    if not content:
        return {}
    try:
        data = json.loads(content)
    except (ValueError, RecursionError):
        logger.warning("Credentials file could not be loaded, will ignore and overwrite.")
        return {}
    if not isinstance(data, dict) or data.get("file_version") != _FILE_VERSION:
        logger.warning("Credentials file is not version 2, will ignore and overwrite.")
        return {}
    entries = data.get("credentials")
    if not isinstance(entries, dict):
        return {}
    return {key: value for key, value in entries.items() if isinstance(key, str) and isinstance(value, str)}


def _encode(credentials: Any) -> str:
    return base64.b64encode(credentials.to_json().encode("utf-8")).decode("ascii")


class _MultiprocessStorageBackend:
    """The shared state of one file: its locks and, while locked, its entries."""

    def __init__(self, filename: str) -> None:
        self._filename = filename
        self._process_lock = _files.InterProcessLock(f"{filename}.lock", timeout=INTERPROCESS_LOCK_DEADLINE)
        self._thread_lock = threading.Lock()
        self._read_only = False
        self._entries: dict[str, str] = {}

    def acquire_lock(self) -> None:
        self._thread_lock.acquire()
        try:
            self._process_lock.acquire()
            self._read_only = False
        except _files.CredentialsFileSymbolicLinkError:
            self._thread_lock.release()
            raise
        except StorageError:
            logger.warning("Failed to obtain interprocess lock for credentials. If a credential is being "
                           "refreshed, other processes may not see the updated access token and refresh as well.")
            self._read_only = True
        try:
            self._entries = _load_credentials_file(_files.read_bytes(self._filename))
        except BaseException:
            self.release_lock()
            raise

    def release_lock(self) -> None:
        try:
            if not self._read_only:
                self._process_lock.release()
        finally:
            self._thread_lock.release()

    def _write(self) -> None:
        if self._read_only:
            logger.debug("In read-only mode, not writing credentials.")
            return
        data = {"file_version": _FILE_VERSION, "credentials": self._entries}
        _files.atomic_write(self._filename, json.dumps(data))

    def locked_get_credential(self, key: str) -> client.Credentials | None:
        encoded = self._entries.get(key)
        if encoded is None:
            return None
        try:
            content = base64.b64decode(encoded, validate=True)
        except (binascii.Error, ValueError):
            logger.warning("Invalid credential %s in file, ignoring.", key)
            return None
        return read_credentials(content, f"the entry {key!r} of {self._filename}")

    def locked_put_credential(self, key: str, credentials: Any) -> None:
        self._entries[key] = _encode(credentials)
        self._write()

    def locked_delete_credential(self, key: str) -> None:
        self._entries.pop(key, None)
        self._write()


def _get_backend(filename: str) -> _MultiprocessStorageBackend:
    filename = os.path.abspath(filename)
    with _backends_lock:
        if filename not in _backends:
            _backends[filename] = _MultiprocessStorageBackend(filename)
        return _backends[filename]


class MultiprocessFileStorage(client.Storage):
    """Multiprocess file credential storage: the credentials of ``key`` in the shared file ``filename``."""

    def __init__(self, filename: str, key: str) -> None:
        super().__init__()
        self._key = key
        self._backend = _get_backend(filename)

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self._backend._filename!r}, {self._key!r})"

    def acquire_lock(self) -> None:
        self._backend.acquire_lock()

    def release_lock(self) -> None:
        self._backend.release_lock()

    def locked_get(self) -> client.Credentials | None:
        credentials = self._backend.locked_get_credential(self._key)
        if credentials is not None:
            credentials.set_store(self)  # type: ignore[attr-defined]
        return credentials

    def locked_put(self, credentials: Any) -> None:
        self._backend.locked_put_credential(self._key, credentials)

    def locked_delete(self) -> None:
        self._backend.locked_delete_credential(self._key)
