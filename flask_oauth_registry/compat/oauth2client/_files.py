"""Credential files on disk: symlinks refused, private atomic writes, and an inter-process lock.

Shared by :mod:`.file`, :mod:`.contrib.multiprocess_file_storage`,
:mod:`.contrib.multistore_file` and :mod:`.contrib.locked_file`.  A write goes to a
temporary file in the same folder (mode 0600), is flushed to disk and then
replaces the target in one step, so a reader (or a crash) never sees half a file,
and an existing file that was readable by others becomes private again.
oauth2client truncated the file and wrote it in place, and kept its mode.
"""

from __future__ import annotations

import contextlib
import os
import stat
import tempfile
import time
from typing import Any

from ...registry.errors import StorageError
from ...storage.file import _release as _unlock  # one advisory file lock for the package
from ...storage.file import _try_lock

_NOFOLLOW = getattr(os, "O_NOFOLLOW", 0)
_PRIVATE = 0o600
#: Seconds a writer waits for another process's lock before giving up with StorageError.
DEFAULT_LOCK_TIMEOUT = 10.0
_POLL = 0.01


class CredentialsFileSymbolicLinkError(StorageError, OSError):
    """A credentials file (or its lock file) is a symbolic link: refused (also an ``IOError``, as in oauth2client)."""


class CredentialsFileError(StorageError, OSError):
    """A credentials file cannot be used: a directory, or unreadable (also an ``IOError``)."""


def check_path(path: str) -> bool:
    """Refuse a symlink or a directory at ``path``; ``False`` when nothing is there yet."""
    if os.path.islink(path):
        raise CredentialsFileSymbolicLinkError(description=f"File: {path}: Is a symbolic link.")
    if os.path.isdir(path):
        raise CredentialsFileError(description=f"{path}: Is a directory")
    return os.path.exists(path)


def read_bytes(path: str) -> bytes | None:
    """The file's content; ``None`` when it does not exist.  Never follows a symlink."""
    if not check_path(path):
        return None
    try:
        fd = os.open(path, os.O_RDONLY | _NOFOLLOW)
    except FileNotFoundError:
        return None
    except OSError as exc:
        if os.path.islink(path):
            raise CredentialsFileSymbolicLinkError(description=f"File: {path}: Is a symbolic link.") from None
        raise CredentialsFileError(description=f"cannot read {path} ({exc.strerror})") from None
    with os.fdopen(fd, "rb") as handle:
        return handle.read()


def is_shared(path: str) -> bool:
    """Whether the file at ``path`` may be read or written by others than its owner (POSIX)."""
    try:
        mode = os.stat(path, follow_symlinks=False).st_mode
    except OSError:
        return False
    return os.name == "posix" and bool(stat.S_IMODE(mode) & 0o077)


def atomic_write(path: str, text: str) -> None:
    """Replace the file at ``path`` with ``text``: private (0600), flushed, swapped in at once."""
    check_path(path)
    folder = os.path.dirname(os.path.abspath(path))
    try:
        fd, temporary = tempfile.mkstemp(prefix=f".{os.path.basename(path)}.", suffix=".tmp", dir=folder)
    except OSError as exc:
        raise CredentialsFileError(description=f"cannot write {path} ({exc.strerror})") from None
    try:
        with os.fdopen(fd, "wb") as handle:
            if hasattr(os, "fchmod"):
                os.fchmod(handle.fileno(), _PRIVATE)
            handle.write(text.encode("utf-8"))
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(temporary, path)
    except BaseException as exc:
        with contextlib.suppress(OSError):
            os.unlink(temporary)
        if isinstance(exc, OSError) and not isinstance(exc, StorageError):
            raise CredentialsFileError(description=f"cannot write {path} ({exc.strerror})") from None
        raise


def remove(path: str) -> None:
    """Delete the file at ``path`` (a missing file is fine; a symlink is refused)."""
    check_path(path)
    with contextlib.suppress(FileNotFoundError):
        os.unlink(path)


class InterProcessLock:
    """An exclusive lock on ``<path>`` (a lock file) shared by every process that uses the same file.

    ``acquire`` waits at most ``timeout`` seconds (``None``: for ever); ``try_acquire``
    does not wait.  The lock file is created with mode 0600 and never followed if
    it is a symlink.
    """

    def __init__(self, path: str, timeout: float | None = DEFAULT_LOCK_TIMEOUT) -> None:
        self.path = path
        self.timeout = timeout
        self._fd: int | None = None

    @property
    def is_locked(self) -> bool:
        return self._fd is not None

    def _open(self) -> int:
        if os.path.islink(self.path):
            raise CredentialsFileSymbolicLinkError(description=f"File: {self.path}: Is a symbolic link.")
        try:
            return os.open(self.path, os.O_RDWR | os.O_CREAT | _NOFOLLOW, _PRIVATE)
        except OSError as exc:
            raise CredentialsFileError(description=f"cannot open the lock file {self.path} ({exc.strerror})") from None

    def try_acquire(self) -> bool:
        """Take the lock if it is free; ``False`` when another process holds it."""
        fd = self._open()
        if _try_lock(fd):
            self._fd = fd
            return True
        os.close(fd)
        return False

    def acquire(self, timeout: float | None = -1.0) -> None:
        """Take the lock, waiting at most ``timeout`` seconds (default: the lock's own)."""
        wait = self.timeout if timeout is not None and timeout < 0 else timeout
        deadline = None if wait is None else time.monotonic() + wait
        fd = self._open()
        while not _try_lock(fd):
            if deadline is not None and time.monotonic() >= deadline:
                os.close(fd)
                raise StorageError(description=f"{self.path} stayed locked by another process")
            time.sleep(_POLL)
        self._fd = fd

    def release(self) -> None:
        """Release the lock (nothing happens when it is not held)."""
        fd, self._fd = self._fd, None
        if fd is not None:
            try:
                _unlock(fd)
            finally:
                os.close(fd)

    def __enter__(self) -> InterProcessLock:
        self.acquire()
        return self

    def __exit__(self, *exc: Any) -> None:
        self.release()
