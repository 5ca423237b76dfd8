"""Throwaway servers for the storage rows: a ``redis-server`` and a PostgreSQL cluster on loopback.

Each starts on a free 127.0.0.1 port in a temporary directory, with persistence
or durability off, and is stopped and removed afterwards.  When the program is
missing, :class:`Unavailable` says why, and the row that needed it is skipped
with that reason (the tests' ``tests/redis_server.py`` and
``tests/postgres_server.py`` do the same, but skip through pytest).
"""

from __future__ import annotations

import contextlib
import glob
import os
import pwd
import shutil
import socket
import subprocess
import tempfile
import time
from collections.abc import Iterator

HOST = "127.0.0.1"
#: PostgreSQL refuses to run as root: as root the cluster runs as this system user (through ``runuser``).
POSTGRES_SYSTEM_USER = "postgres"
POSTGRES_ROLE = "bench"


class Unavailable(Exception):
    """A server the row needs cannot run here; the message is the reason printed in the report."""


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on right now."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind((HOST, 0))
        return int(sock.getsockname()[1])


def _answers_ping(port: int) -> bool:
    try:
        with socket.create_connection((HOST, port), timeout=0.5) as sock:
            sock.sendall(b"PING\r\n")
            return sock.recv(64).startswith(b"+PONG")
    except OSError:
        return False


@contextlib.contextmanager
def redis_server(start_timeout: float = 10.0) -> Iterator[int]:
    """A ``redis-server`` without persistence; yields its port."""
    binary = shutil.which("redis-server")
    if binary is None:
        raise Unavailable("redis-server not found on PATH (Debian: apt-get install redis-server)")
    port = free_port()
    with tempfile.TemporaryDirectory(prefix="bench-redis-") as directory:
        process = subprocess.Popen(
            [binary, "--port", str(port), "--bind", HOST, "--save", "", "--appendonly", "no", "--dir", directory],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )
        try:
            deadline = time.monotonic() + start_timeout
            while not _answers_ping(port):
                if process.poll() is not None or time.monotonic() > deadline:
                    raise Unavailable(f"redis-server did not start on port {port}")
                time.sleep(0.02)
            yield port
        finally:
            process.terminate()
            try:
                process.wait(timeout=5)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait(timeout=5)


def _postgres_bin_dir() -> str:
    """Where ``initdb`` and ``pg_ctl`` are: on ``PATH``, else the newest ``/usr/lib/postgresql/*/bin``."""
    on_path = shutil.which("pg_ctl")
    if on_path and shutil.which("initdb"):
        return os.path.dirname(os.path.realpath(on_path))
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/pg_ctl"))
    if not found:
        raise Unavailable("PostgreSQL's initdb and pg_ctl not found (Debian: apt-get install postgresql)")
    return os.path.dirname(found[-1])


def _run_as() -> list[str]:
    """The prefix that runs the server as a non-root user (nothing when we are not root)."""
    if os.geteuid() != 0:
        return []
    runuser = shutil.which("runuser")
    try:
        pwd.getpwnam(POSTGRES_SYSTEM_USER)
    except KeyError:
        runuser = None
    if runuser is None:
        raise Unavailable(f"running as root without runuser or a {POSTGRES_SYSTEM_USER!r} user to start PostgreSQL")
    return [runuser, "-u", POSTGRES_SYSTEM_USER, "--"]


@contextlib.contextmanager
def postgres_server() -> Iterator[str]:
    """A PostgreSQL cluster with trust auth and durability off; yields a SQLAlchemy URL (psycopg 3)."""
    bin_dir, prefix, port = _postgres_bin_dir(), _run_as(), free_port()
    with tempfile.TemporaryDirectory(prefix="bench-postgres-") as directory:
        if prefix:
            account = pwd.getpwnam(POSTGRES_SYSTEM_USER)
            os.chown(directory, account.pw_uid, account.pw_gid)
        data, log = os.path.join(directory, "data"), os.path.join(directory, "postgres.log")

        def tool(*args: str) -> None:
            result = subprocess.run([*prefix, *args], capture_output=True, text=True, timeout=60, cwd=directory)
            if result.returncode != 0:
                raise Unavailable(f"{os.path.basename(args[0])} failed: {result.stderr.strip()[-300:]}")

        pg_ctl = os.path.join(bin_dir, "pg_ctl")
        tool(os.path.join(bin_dir, "initdb"), "-D", data, "-U", POSTGRES_ROLE, "--auth=trust", "--no-sync",
             "--encoding=UTF8", "--no-locale")
        options = f"-h {HOST} -p {port} -k {directory} -F -c synchronous_commit=off -c full_page_writes=off"
        tool(pg_ctl, "-D", data, "-l", log, "-o", options, "-w", "-t", "30", "start")
        try:
            # initdb's own "postgres" database: no createdb needed.
            yield f"postgresql+psycopg://{POSTGRES_ROLE}@{HOST}:{port}/postgres"
        finally:
            with contextlib.suppress(Unavailable, subprocess.TimeoutExpired):
                tool(pg_ctl, "-D", data, "-m", "immediate", "-w", "stop")
