"""oauth2client 3.x's ``locked_file.LockedFile``: a file opened under an inter-process lock.

Removed in oauth2client 4.0 and still imported by 3.x code (``multistore_file``).
The lock is taken on a sidecar ``<filename>.lock`` (fcntl ``flock``), not on the
file itself, so that a writer may replace the file atomically while others wait.
When the lock cannot be had in time the file is opened in ``fallback_mode``
without it, as before (``is_locked()`` says which).  A symbolic link is refused.
"""

from __future__ import annotations

import logging
from typing import IO, Any

from ....registry.errors import StorageError
from .._files import DEFAULT_LOCK_TIMEOUT, CredentialsFileSymbolicLinkError, InterProcessLock, check_path

logger = logging.getLogger(__name__)

__all__ = ["AlreadyLockedException", "CredentialsFileSymbolicLinkError", "LockedFile", "validate_file"]


class AlreadyLockedException(Exception):
    """``open_and_lock`` on a file this object has locked already."""


def validate_file(filename: str) -> None:
    """Refuse a symbolic link (:class:`CredentialsFileSymbolicLinkError`) or a directory at ``filename``."""
    check_path(filename)


class LockedFile:
    """Open ``filename`` in ``mode`` under the lock, or in ``fallback_mode`` without it."""

    def __init__(self, filename: str, mode: str, fallback_mode: str, use_native_locking: bool = True) -> None:
        self._filename = filename
        self._mode = mode
        self._fallback_mode = fallback_mode
        self._lock = InterProcessLock(filename + ".lock")
        self._fh: IO[Any] | None = None

    def filename(self) -> str:
        return self._filename

    def file_handle(self) -> IO[Any] | None:
        return self._fh

    def is_locked(self) -> bool:
        return self._lock.is_locked

    def open_and_lock(self, timeout: float = 0, delay: float = 0.05) -> None:
        """Open the file under the lock, waiting at most ``timeout`` seconds (0: the default wait).

        oauth2client's fcntl variant waited for ever; here a lock held longer than
        the wait falls back to ``fallback_mode``, unlocked, with a warning.
        """
        if self._fh is not None:
            raise AlreadyLockedException(f"File {self._filename} is already locked")
        validate_file(self._filename)
        try:
            self._lock.acquire(timeout or DEFAULT_LOCK_TIMEOUT)
        except CredentialsFileSymbolicLinkError:
            raise
        except StorageError as exc:  # the lock stayed taken, or its file cannot be made
            logger.warning("Could not lock %s (%s); opening it without the lock", self._filename, exc)
        if self._lock.is_locked:
            try:
                self._fh = open(self._filename, self._mode)  # noqa: SIM115 (closed by unlock_and_close)
                return
            except OSError:
                self._lock.release()
        self._fh = open(self._filename, self._fallback_mode)  # noqa: SIM115

    def unlock_and_close(self) -> None:
        """Close the file and release the lock."""
        fh, self._fh = self._fh, None
        try:
            if fh is not None:
                fh.close()
        finally:
            self._lock.release()
