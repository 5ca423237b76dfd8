"""A throwaway PostgreSQL server on a loopback port, for tests that need a real database.

Debian's ``postgresql`` package (installed by ``scripts/ensure-test-tools.sh``) puts
``initdb`` and ``pg_ctl`` in ``/usr/lib/postgresql/<version>/bin``, not on ``PATH``.
A cluster is made with ``initdb`` in a temporary directory, started on a free
127.0.0.1 port (its unix socket in the same directory, durability off: it is thrown
away), given one database, and stopped and removed afterwards.  PostgreSQL refuses
to run as root, so as root the server runs as the ``postgres`` system user through
``runuser``.

Without the tools the tests that need them are skipped, unless ``CI`` is set:
then a missing PostgreSQL is a failure, so CI can never pass by skipping them.
"""

from __future__ import annotations

import glob
import os
import pwd
import shutil
import subprocess
import tempfile
from collections.abc import Iterator
from typing import NoReturn

import pytest

from tests.redis_server import HOST, free_port

DATABASE = "storage_tests"
USER = "tests"
_SYSTEM_USER = "postgres"


def _missing(what: str) -> NoReturn:
    """Skip the test because ``what`` is missing; with ``CI`` set, fail it instead."""
    if os.environ.get("CI"):
        pytest.fail(f"CI is set and {what} (bash scripts/ensure-test-tools.sh installs it)", pytrace=False)
    pytest.skip(f"{what} (Debian: apt-get install postgresql); skipped because CI is unset, with CI set it fails")


def postgres_bin_dir() -> str:
    """The directory holding ``initdb`` and ``pg_ctl``: on ``PATH``, else the newest Debian version."""
    on_path = shutil.which("pg_ctl")
    if on_path and shutil.which("initdb"):
        return os.path.dirname(os.path.realpath(on_path))
    versions = sorted(glob.glob("/usr/lib/postgresql/*/bin/pg_ctl"), key=_version_of)
    if versions:
        return os.path.dirname(versions[-1])
    _missing("PostgreSQL's initdb and pg_ctl are not installed")


def _version_of(pg_ctl: str) -> tuple[int, ...]:
    version = pg_ctl.split("/")[-3]
    return tuple(int(part) for part in version.split(".") if part.isdigit())


def _run_as() -> list[str]:
    """The command prefix that runs the server as a non-root user (nothing when we are not root)."""
    if os.geteuid() != 0:
        return []
    try:
        pwd.getpwnam(_SYSTEM_USER)
    except KeyError:
        _missing(f"the {_SYSTEM_USER} system user does not exist (it comes with the postgresql package)")
    runuser = shutil.which("runuser")
    if runuser is None:
        _missing("runuser is not installed (util-linux), needed to start PostgreSQL as non-root")
    return [str(runuser), "-u", _SYSTEM_USER, "--"]


class PostgresServer:
    """One cluster in a temporary directory; :meth:`start` then :meth:`close`."""

    def __init__(self, bin_dir: str) -> None:
        self.bin_dir = bin_dir
        self.port = free_port()
        self.host = HOST
        self.database = DATABASE
        self._prefix = _run_as()
        self._dir = tempfile.mkdtemp(prefix="postgres-test-")
        self._data = os.path.join(self._dir, "data")
        self._log = os.path.join(self._dir, "postgres.log")
        if self._prefix:
            account = pwd.getpwnam(_SYSTEM_USER)
            os.chown(self._dir, account.pw_uid, account.pw_gid)
        self._started = False

    @property
    def url(self) -> str:
        """A SQLAlchemy URL for the test database through psycopg (v3)."""
        return f"postgresql+psycopg://{USER}@{self.host}:{self.port}/{self.database}"

    def _tool(self, name: str, *args: str, as_server: bool = True, timeout: float = 60) -> None:
        command = [*(self._prefix if as_server else []), os.path.join(self.bin_dir, name), *args]
        result = subprocess.run(command, capture_output=True, text=True, timeout=timeout, cwd=self._dir)
        if result.returncode != 0:
            detail = result.stderr.strip()[-2000:]
            raise RuntimeError(f"{name} failed ({result.returncode}): {detail}\n{self._log_tail()}")

    def _log_tail(self) -> str:
        try:
            with open(self._log, encoding="utf-8", errors="replace") as log:
                return log.read()[-2000:]
        except OSError:
            return ""

    def start(self) -> None:
        """initdb (once), start on ``self.port`` and wait until it accepts connections, create the database."""
        if not os.path.isdir(self._data):
            self._tool("initdb", "-D", self._data, "-U", USER, "--auth=trust", "--encoding=UTF8", "--no-locale",
                       "--no-sync")
        options = f"-h {self.host} -p {self.port} -k {self._dir} -F -c full_page_writes=off -c synchronous_commit=off"
        self._tool("pg_ctl", "-D", self._data, "-l", self._log, "-o", options, "-w", "-t", "30", "start")
        self._started = True
        self._tool("createdb", "-h", self.host, "-p", str(self.port), "-U", USER, self.database, as_server=False)

    def stop(self) -> None:
        """Stop the server at once (nothing it holds is worth a clean shutdown)."""
        if self._started:
            self._started = False
            self._tool("pg_ctl", "-D", self._data, "-m", "immediate", "-w", "stop")

    def close(self) -> None:
        """Stop the server and remove its directory."""
        try:
            self.stop()
        finally:
            shutil.rmtree(self._dir, ignore_errors=True)


def running_postgres() -> Iterator[PostgresServer]:
    """Generator behind the ``postgres_server`` fixture: one started server, closed afterwards."""
    bin_dir = postgres_bin_dir()
    for attempt in range(2):
        server = PostgresServer(bin_dir)
        try:
            server.start()
        except BaseException as exc:
            server.close()
            # A first RuntimeError may be the free port taken meanwhile: that is worth one more try.
            if attempt or not isinstance(exc, RuntimeError):
                raise
        else:
            break
    try:
        yield server
    finally:
        server.close()
