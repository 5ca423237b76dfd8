"""``FileStorage``: tokens in one JSON file of the user's, shared safely by the processes that use it.

For command-line tools and jobs (``flask oauth login``, cron): one file holds
every ``(name, user, account)`` entry.  A write takes an inter-process lock (a
sidecar ``<file>.lock``), reads the file again, changes one entry and replaces the
file atomically (a temporary file in the same folder, flushed to disk, then
``os.replace``), so concurrent writers never erase each other's entries and a
reader sees the old file or the new one, never a mix.  The file is created with
mode 0600 and stays so.
"""

from __future__ import annotations

import contextlib
import json
import os
import stat
import sys
import tempfile
import time
from collections.abc import Callable, Iterator, Mapping
from pathlib import Path
from typing import Any

from ..registry.errors import StorageError
from .base import TokenStorage, account_key, check_owner, copy_token, plain_token

#: The ``version`` of the file's layout; a file of another version is refused, not overwritten.
FILE_VERSION = 1
#: Seconds a write waits for another process's write before giving up with StorageError.
DEFAULT_LOCK_TIMEOUT = 10.0
_LOCK_POLL = 0.01
_NOFOLLOW = getattr(os, "O_NOFOLLOW", 0)
_PRIVATE = 0o600
#: Permission bits that let anyone but the owner in: a token file with any of them is refused.
_SHARED_BITS = 0o077

Entries = dict[str, dict[str, dict[str, dict[str, Any]]]]  # name -> user -> account -> token


class FileStorage(TokenStorage):
    """Keeps tokens in the JSON file at ``path``: ``{"version": 1, "tokens": {name: {user: {account: token}}}}``.

    - Created on the first write (its folder too, mode 0700), with mode 0600; every
      write keeps 0600.  A file that others may read or write (``chmod`` 644...) is
      refused with :class:`~flask_oauth_registry.StorageError`, as ssh refuses such a
      key: fix it with ``chmod 600 FILE``.  (POSIX; Windows has no mode bits.)
    - A symbolic link at ``path`` (or at its lock file) is refused: another user could
      otherwise point the tokens somewhere they can read.
    - A file that is not this layout (not JSON, another version) is a ``StorageError``
      naming the file, never its content, and is left as it is.
    - Writes wait at most ``lock_timeout`` seconds for another process's write.

    A missing file reads as "no tokens".
    """

    def __init__(self, path: str | os.PathLike[str], lock_timeout: float = DEFAULT_LOCK_TIMEOUT) -> None:
        self.path = Path(path)
        self.lock_path = self.path.with_name(self.path.name + ".lock")
        self.lock_timeout = lock_timeout

    def __repr__(self) -> str:
        return f"{type(self).__name__}({str(self.path)!r})"

    # -- TokenStorage ---------------------------------------------------------------------
    def get(self, name: str, user: str, account: str | None = None) -> dict[str, Any] | None:
        """The stored token, as a fresh ``dict``, or ``None``."""
        check_owner(name, user)
        return copy_token(self._read().get(name, {}).get(user, {}).get(account_key(account)))

    def set(self, name: str, user: str, token: Mapping[str, Any], account: str | None = None) -> None:
        """Store ``token``; every other entry of the file stays as it is on disk now."""
        check_owner(name, user)
        account, value = account_key(account), plain_token(token)

        def put(entries: Entries) -> bool:
            entries.setdefault(name, {}).setdefault(user, {})[account] = value
            return True

        self._update(put)

    def delete(self, name: str, user: str, account: str | None = None) -> None:
        """Forget one entry; deleting an unknown one changes nothing (and writes nothing)."""
        check_owner(name, user)
        account = account_key(account)

        def remove(entries: Entries) -> bool:
            accounts = entries.get(name, {}).get(user, {})
            if account not in accounts:
                return False
            del accounts[account]
            if not accounts:
                del entries[name][user]
            if not entries[name]:
                del entries[name]
            return True

        self._update(remove)

    def accounts(self, name: str, user: str) -> list[str]:
        """The accounts of ``user`` for ``name``, sorted."""
        check_owner(name, user)
        return sorted(self._read().get(name, {}).get(user, {}))

    # -- the file -------------------------------------------------------------------------
    def _update(self, change: Callable[[Entries], bool]) -> None:
        """Under the lock: read the file, apply ``change`` and, when it changed something, replace the file."""
        with self._locked():
            entries = self._read()
            if change(entries):
                self._replace(entries)

    def _read(self) -> Entries:
        """The entries on disk; empty when there is no file yet."""
        if not _NOFOLLOW and self.path.is_symlink():  # no O_NOFOLLOW (Windows): look before opening
            raise _symlink_refused(self.path)
        try:
            fd = os.open(self.path, os.O_RDONLY | _NOFOLLOW)
        except FileNotFoundError:
            return {}
        except OSError as exc:
            raise self._refusal(exc, "read") from exc
        with os.fdopen(fd, "rb") as handle:
            self._check_file(os.fstat(handle.fileno()))
            raw = handle.read()
        return self._parse(raw)

    def _check_file(self, info: os.stat_result) -> None:
        if not stat.S_ISREG(info.st_mode):
            raise StorageError(description=f"the token file {str(self.path)!r} is not a regular file")
        if os.name == "posix" and info.st_mode & _SHARED_BITS:
            raise StorageError(
                description=f"the token file {str(self.path)!r} can be read or written by others "
                f"(mode {stat.S_IMODE(info.st_mode):o}): run chmod 600 on it, and consider its tokens exposed"
            )

    def _parse(self, raw: bytes) -> Entries:
        """The entries of the file's content; a file of another shape is refused without quoting it."""
        try:
            data = json.loads(raw.decode("utf-8"))
        except (UnicodeDecodeError, ValueError, RecursionError):
            raise StorageError(description=f"the token file {str(self.path)!r} is corrupt (not JSON)") from None
        if not isinstance(data, dict) or data.get("version") != FILE_VERSION or not _is_entries(data.get("tokens")):
            raise StorageError(
                description=f"the token file {str(self.path)!r} is not a FileStorage file of version {FILE_VERSION}"
            )
        return data["tokens"]  # type: ignore[no-any-return]

    def _replace(self, entries: Entries) -> None:
        """Write ``entries`` to a private temporary file beside the target, flush it to disk, then swap it in."""
        payload = json.dumps({"version": FILE_VERSION, "tokens": entries}, ensure_ascii=False, sort_keys=True)
        folder = self.path.parent
        try:
            fd, temporary = tempfile.mkstemp(prefix=f".{self.path.name}.", suffix=".tmp", dir=folder)
        except OSError as exc:
            raise self._refusal(exc, "write") from exc
        try:
            with os.fdopen(fd, "wb") as handle:
                if hasattr(os, "fchmod"):
                    os.fchmod(handle.fileno(), _PRIVATE)  # mkstemp makes 0600; say so whatever the platform does
                handle.write(payload.encode("utf-8"))
                handle.flush()
                os.fsync(handle.fileno())
            os.replace(temporary, self.path)  # atomic: readers see the old file or the new one
        except OSError as exc:
            with contextlib.suppress(OSError):
                os.unlink(temporary)
            raise self._refusal(exc, "write") from exc
        _sync_folder(folder)

    @contextlib.contextmanager
    def _locked(self) -> Iterator[None]:
        """The inter-process lock: an exclusive lock on the sidecar file, waited for at most ``lock_timeout``."""
        try:
            self.path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
            fd = os.open(self.lock_path, os.O_RDWR | os.O_CREAT | _NOFOLLOW, _PRIVATE)
        except OSError as exc:
            raise self._refusal(exc, "lock", self.lock_path) from exc
        try:
            _acquire(fd, time.monotonic() + self.lock_timeout, self.path)
            try:
                yield
            finally:
                _release(fd)
        finally:
            os.close(fd)

    def _refusal(self, exc: OSError, doing: str, path: Path | None = None) -> StorageError:
        """A StorageError for a failed file operation: the path and the reason, never the content."""
        target = path or self.path
        if target.is_symlink():
            return _symlink_refused(target)
        reason = exc.strerror or type(exc).__name__
        return StorageError(description=f"cannot {doing} the token file {str(target)!r} ({reason})")


def _symlink_refused(path: Path) -> StorageError:
    return StorageError(description=f"the token file {str(path)!r} is a symbolic link: refusing to follow it")


def _is_entries(value: Any) -> bool:
    """Whether ``value`` is ``{name: {user: {account: token}}}`` with dict tokens."""
    return isinstance(value, dict) and all(
        isinstance(users, dict)
        and all(isinstance(accounts, dict) and all(isinstance(t, dict) for t in accounts.values())
                for accounts in users.values())
        for users in value.values()
    )


def _sync_folder(folder: Path) -> None:
    """Flush the folder entry of a replaced file to disk, where the platform allows it (POSIX)."""
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


if sys.platform == "win32":
    import msvcrt

    def _try_lock(fd: int) -> bool:
        try:
            msvcrt.locking(fd, msvcrt.LK_NBLCK, 1)
        except OSError:
            return False
        return True

    def _release(fd: int) -> None:
        os.lseek(fd, 0, os.SEEK_SET)
        msvcrt.locking(fd, msvcrt.LK_UNLCK, 1)

else:
    import fcntl

    def _try_lock(fd: int) -> bool:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            return False
        return True

    def _release(fd: int) -> None:
        fcntl.flock(fd, fcntl.LOCK_UN)


def _acquire(fd: int, deadline: float, path: Path) -> None:
    """Take the lock on ``fd``, polling until ``deadline`` (a write holds it for milliseconds)."""
    while not _try_lock(fd):
        if time.monotonic() >= deadline:
            raise StorageError(description=f"the token file {str(path)!r} stayed locked by another process")
        time.sleep(_LOCK_POLL)
