"""oauth2client's ``file.Storage``: one set of credentials in one JSON file.

The file holds exactly what oauth2client wrote (``Credentials.to_json()``), so
existing token files keep working, in both directions.  Differences, each a fix:

- a write replaces the file atomically with a private (0600) one, even when the
  old file was readable by others (oauth2client wrote in place and kept the mode);
- the lock is also an inter-process lock (``<filename>.lock``), so that processes
  sharing the file refresh one at a time and see each other's new tokens;
- content that is not credentials (a pickle, broken JSON, another class) reads
  as ``None``, logged without its content, and is replaced on the next ``put``;
  a symlink or a directory is refused (an ``IOError``, as before).
"""

from __future__ import annotations

import logging
import os
import threading
import warnings
from typing import Any

from . import _files
from ._base import Credentials, read_credentials
from ._base import Storage as BaseStorage

logger = logging.getLogger(__name__)


class Storage(BaseStorage):
    """Store and retrieve a single credential to and from a file."""

    def __init__(self, filename: str | os.PathLike[str]) -> None:
        super().__init__(lock=threading.Lock())
        self._filename = os.fspath(filename)
        self._file_lock = _files.InterProcessLock(self._filename + ".lock")

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self._filename!r})"

    def acquire_lock(self) -> None:
        """Take the thread lock, then the inter-process lock on ``<filename>.lock``."""
        super().acquire_lock()
        try:
            self._file_lock.acquire()
        except BaseException:
            super().release_lock()
            raise

    def release_lock(self) -> None:
        try:
            self._file_lock.release()
        finally:
            super().release_lock()

    def locked_get(self) -> Credentials | None:
        """The credentials in the file, bound to this storage; ``None`` when there are none (or none readable)."""
        content = _files.read_bytes(self._filename)
        if content is None:
            warnings.warn(f"Cannot access {self._filename}: No such file or directory", stacklevel=3)
            return None
        if _files.is_shared(self._filename):
            logger.warning("%s can be read by other users: it will be made private (0600) on the next write",
                           self._filename)
        credentials = read_credentials(content, self._filename)
        if credentials is not None:
            credentials.set_store(self)  # type: ignore[attr-defined]
        return credentials

    def locked_put(self, credentials: Any) -> None:
        """Write ``credentials`` (replacing the file atomically, mode 0600)."""
        _files.atomic_write(self._filename, credentials.to_json())

    def locked_delete(self) -> None:
        """Delete the file."""
        _files.remove(self._filename)
