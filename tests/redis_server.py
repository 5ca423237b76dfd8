"""A throwaway ``redis-server`` on a loopback port, for tests that need a real Redis.

Debian's ``redis-server`` binary is started in a temporary directory with
persistence off (``--save '' --appendonly no``), on a free 127.0.0.1 port, and
stopped afterwards.  :meth:`RedisServer.stop` followed by :meth:`RedisServer.start`
brings it back on the *same* port with an empty keyspace: "Redis went away and
came back".

Without the binary the tests that need it are skipped, unless ``CI`` is set:
then a missing Redis is a failure, so CI can never pass by skipping them.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import tempfile
import time
from collections.abc import Iterator
from typing import Any

import pytest

HOST = "127.0.0.1"


def redis_server_binary() -> str:
    """The path of ``redis-server``; skip (or, with ``CI`` set, fail) the test when it is missing."""
    found = shutil.which("redis-server")
    if found:
        return found
    message = (
        "redis-server is not installed (Debian: apt-get install redis-server); "
        "skipped because CI is unset, with CI set this is a failure"
    )
    if os.environ.get("CI"):
        pytest.fail("CI is set and redis-server is not installed (apt-get install redis-server)", pytrace=False)
    pytest.skip(message)


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on right now."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind((HOST, 0))
        return int(sock.getsockname()[1])


def _ping(port: int, timeout: float = 0.5) -> bool:
    """True when a Redis on ``port`` answers ``PING`` with ``+PONG``."""
    try:
        with socket.create_connection((HOST, port), timeout=timeout) as sock:
            sock.sendall(b"PING\r\n")
            return sock.recv(64).startswith(b"+PONG")
    except OSError:
        return False


class RedisServer:
    """One ``redis-server`` process; ``start``/``stop`` may be repeated on the same port."""

    def __init__(self, binary: str, port: int | None = None) -> None:
        self.binary = binary
        self.port = port or free_port()
        self.host = HOST
        self._dir = tempfile.mkdtemp(prefix="redis-test-")
        self._process: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"redis://{self.host}:{self.port}/0"

    @property
    def running(self) -> bool:
        return self._process is not None and self._process.poll() is None

    def start(self, timeout: float = 10.0) -> None:
        """Start the server and wait until it answers PING."""
        if self.running:
            return
        log = os.path.join(self._dir, "redis.log")
        self._process = subprocess.Popen(
            [
                self.binary, "--port", str(self.port), "--bind", self.host, "--save", "",
                "--appendonly", "no", "--dir", self._dir, "--logfile", log, "--daemonize", "no",
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self._process.poll() is not None:
                raise RuntimeError(f"redis-server exited with {self._process.returncode}: see {log}")
            if _ping(self.port):
                return
            time.sleep(0.02)
        self.stop()
        raise RuntimeError(f"redis-server did not answer PING on port {self.port} within {timeout} s")

    def stop(self) -> None:
        """Stop the server (its data is gone: nothing is persisted) and wait until the port is closed."""
        process, self._process = self._process, None
        if process is None:
            return
        if process.poll() is None:
            process.terminate()
            try:
                process.wait(timeout=5)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait(timeout=5)
        deadline = time.monotonic() + 5
        while _ping(self.port, timeout=0.1) and time.monotonic() < deadline:
            time.sleep(0.02)

    def restart(self) -> None:
        """Stop and start again on the same port (with an empty keyspace)."""
        self.stop()
        self.start()

    def client(self, **kwargs: Any) -> Any:
        """A redis-py client for this server."""
        import redis

        return redis.Redis(host=self.host, port=self.port, **kwargs)

    def cache(self, key_prefix: str = "test:", timeout: float = 1.0) -> Any:
        """A cachelib ``RedisCache`` with short, fail-fast socket settings (see docs/scaleout.rst)."""
        from cachelib import RedisCache

        return RedisCache(host=self.host, port=self.port, key_prefix=key_prefix, **fail_fast_redis_options(timeout))

    def flush(self) -> None:
        """Empty the keyspace."""
        self.client().flushall()

    def close(self) -> None:
        """Stop the server and remove its directory."""
        self.stop()
        shutil.rmtree(self._dir, ignore_errors=True)

    def __enter__(self) -> RedisServer:
        self.start()
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()


def fail_fast_redis_options(timeout: float = 1.0) -> dict[str, Any]:
    """redis-py settings that turn an unreachable Redis into an error in about ``timeout`` seconds.

    redis-py's defaults (5 s socket timeouts, 10 retries with backoff) make a
    request wait up to a minute for a dead Redis; a web request should not.
    """
    from redis.backoff import NoBackoff
    from redis.retry import Retry

    return {"socket_timeout": timeout, "socket_connect_timeout": timeout, "retry": Retry(NoBackoff(), 1)}


def running_redis() -> Iterator[RedisServer]:
    """Generator behind the ``redis_server`` fixtures: one started server, closed afterwards."""
    server = RedisServer(redis_server_binary())
    try:
        server.start()
    except RuntimeError:
        server.close()
        server = RedisServer(redis_server_binary())  # the free port was taken meanwhile: once more
        server.start()
    try:
        yield server
    finally:
        server.close()
