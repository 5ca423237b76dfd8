"""The benchmark provider: an asyncio HTTP/1.1 keep-alive server on 127.0.0.1, run in its own process.

It serves discovery, a JWKS, a token endpoint that mints an RS256 ID token per
request (nonce and PKCE challenge come inside the code, see ``protocol``), and a
``/user`` API over plain HTTP and HTTPS.  It counts connections (per listener and by
the first path asked on them) and requests per path; the parent reads the counters
over the child's stdin/stdout, so counting never adds an HTTP request.
"""

from __future__ import annotations

import argparse
import asyncio
import base64
import hmac
import json
import os
import select
import ssl
import subprocess
import sys
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl

import jwt
from cryptography.hazmat.primitives.asymmetric import rsa

from .protocol import ACCESS_TOKEN, CLIENT_ID, CLIENT_SECRET, SUBJECT, Endpoints, decode_code, s256

KID = "bench-key-1"
_BASIC = "Basic " + base64.b64encode(f"{CLIENT_ID}:{CLIENT_SECRET}".encode()).decode()
_BEARER = f"Bearer {ACCESS_TOKEN}"
#: The same token sent DPoP-bound (the proof in the ``DPoP`` header is not verified: the client's cost is measured).
_DPOP = f"DPoP {ACCESS_TOKEN}"
_REASONS = {200: b"OK", 201: b"Created", 400: b"Bad Request", 401: b"Unauthorized", 404: b"Not Found"}
_JSON = b"application/json"


class Provider:
    """The endpoints and the counters; HTTP parsing lives in :class:`_Connection`."""

    def __init__(self, issuer: str) -> None:
        self.issuer = issuer
        self.key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        jwk = jwt.algorithms.RSAAlgorithm.to_jwk(self.key.public_key(), as_dict=True)
        self.jwks = json.dumps({"keys": [{**jwk, "kid": KID, "use": "sig", "alg": "RS256"}]}).encode()
        self.metadata = json.dumps({
            "issuer": issuer,
            "authorization_endpoint": f"{issuer}/authorize",
            "token_endpoint": f"{issuer}/token",
            "userinfo_endpoint": f"{issuer}/user",
            "jwks_uri": f"{issuer}/jwks",
            "response_types_supported": ["code"],
            "subject_types_supported": ["public"],
            "id_token_signing_alg_values_supported": ["RS256"],
            "code_challenge_methods_supported": ["S256"],
        }).encode()
        self.user = json.dumps({"sub": SUBJECT, "name": "Alice"}).encode()
        self.connections: Counter[str] = Counter()
        self.first_path: Counter[str] = Counter()
        self.requests: Counter[str] = Counter()

    def stats(self) -> dict[str, Any]:
        return {"connections": dict(self.connections), "first_path": dict(self.first_path),
                "requests": dict(self.requests), "cpu_seconds": time.process_time()}

    def handle(self, method: str, path: str, headers: dict[str, str], body: bytes) -> tuple[int, bytes]:
        """Answer one request with ``(status, JSON body)``."""
        self.requests[path] += 1
        if path == "/user" and method == "GET":
            authorization = headers.get("authorization")
            if authorization != _BEARER and (authorization != _DPOP or not headers.get("dpop")):
                return 401, b'{"error": "invalid_token"}'
            return 200, self.user
        if path == "/par" and method == "POST":  # pushed authorization requests (RFC 9126)
            if not hmac.compare_digest(headers.get("authorization", ""), _BASIC):
                return 401, b'{"error": "invalid_client"}'
            return 201, b'{"request_uri": "urn:ietf:params:oauth:request_uri:bench", "expires_in": 60}'
        if path == "/token" and method == "POST":
            return self._token(headers, body)
        if path == "/.well-known/openid-configuration":
            return 200, self.metadata
        if path == "/jwks":
            return 200, self.jwks
        return 404, b'{"error": "not_found"}'

    def _token(self, headers: dict[str, str], body: bytes) -> tuple[int, bytes]:
        if not hmac.compare_digest(headers.get("authorization", ""), _BASIC):
            return 401, b'{"error": "invalid_client"}'
        form = dict(parse_qsl(body.decode()))
        try:
            nonce, challenge = decode_code(form["code"])
        except (KeyError, ValueError):
            return 400, b'{"error": "invalid_grant"}'
        if form.get("grant_type") != "authorization_code" or s256(form.get("code_verifier", "")) != challenge:
            return 400, b'{"error": "invalid_grant", "error_description": "PKCE check failed"}'
        now = int(time.time())
        claims = {"iss": self.issuer, "sub": SUBJECT, "aud": CLIENT_ID, "iat": now, "exp": now + 300, "nonce": nonce}
        id_token = jwt.encode(claims, self.key, algorithm="RS256", headers={"kid": KID})
        return 200, json.dumps({"access_token": ACCESS_TOKEN, "token_type": "Bearer", "expires_in": 3600,
                                "scope": "openid profile", "id_token": id_token}).encode()


class _Connection(asyncio.Protocol):
    """One keep-alive connection: parse requests (Content-Length bodies only), answer in order."""

    def __init__(self, provider: Provider, listener: str) -> None:
        self.provider = provider
        self.listener = listener
        self.buffer = bytearray()
        self.served = 0
        self.transport: asyncio.Transport | None = None

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        self.transport = transport  # type: ignore[assignment]
        self.provider.connections[self.listener] += 1

    def data_received(self, data: bytes) -> None:
        self.buffer += data
        while self.transport is not None:
            end = self.buffer.find(b"\r\n\r\n")
            if end < 0:
                return
            lines = bytes(self.buffer[:end]).decode("latin-1").split("\r\n")
            headers = {}
            for line in lines[1:]:
                name, _, value = line.partition(":")
                headers[name.strip().lower()] = value.strip()
            length = int(headers.get("content-length", "0"))
            if len(self.buffer) < end + 4 + length:
                return
            body = bytes(self.buffer[end + 4 : end + 4 + length])
            del self.buffer[: end + 4 + length]
            method, target, _ = lines[0].split(" ", 2)
            path = target.split("?", 1)[0]
            if self.served == 0:
                self.provider.first_path[path] += 1
            self.served += 1
            status, payload = self.provider.handle(method, path, headers, body)
            self.transport.write(
                b"HTTP/1.1 %d %s\r\nContent-Type: %s\r\nContent-Length: %d\r\n\r\n%s"
                % (status, _REASONS[status], _JSON, len(payload), payload)
            )
            if headers.get("connection", "").lower() == "close":
                self.transport.close()
                self.transport = None

    def connection_lost(self, exc: Exception | None) -> None:
        self.transport = None


async def _serve(cert_path: str, key_path: str) -> None:
    loop = asyncio.get_running_loop()
    holder: dict[str, Provider] = {}
    plain = await loop.create_server(lambda: _Connection(holder["p"], "http"), "127.0.0.1", 0, backlog=256)
    tls = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    tls.load_cert_chain(cert_path, key_path)
    secure = await loop.create_server(lambda: _Connection(holder["p"], "https"), "127.0.0.1", 0, ssl=tls, backlog=256)
    http_port = plain.sockets[0].getsockname()[1]
    https_port = secure.sockets[0].getsockname()[1]
    holder["p"] = provider = Provider(f"http://127.0.0.1:{http_port}")
    endpoints = Endpoints(f"http://127.0.0.1:{http_port}", f"https://127.0.0.1:{https_port}", cert_path)
    stopped = loop.create_future()
    pending = bytearray()

    def on_command() -> None:
        chunk = os.read(sys.stdin.fileno(), 4096)
        if not chunk:  # the parent went away
            if not stopped.done():
                stopped.set_result(None)
            return
        pending.extend(chunk)
        while b"\n" in pending:
            line, _, rest = bytes(pending).partition(b"\n")
            pending[:] = rest
            if line == b"stats":
                _reply(provider.stats())
            elif line == b"stop" and not stopped.done():
                stopped.set_result(None)

    loop.add_reader(sys.stdin.fileno(), on_command)
    _reply({"ready": endpoints.to_json()})
    await stopped
    plain.close()
    secure.close()


def _reply(message: dict[str, Any]) -> None:
    sys.stdout.write(json.dumps(message) + "\n")
    sys.stdout.flush()


@dataclass
class Stats:
    """A snapshot of the provider's counters; subtract two to get what happened in between."""

    connections: Counter[str] = field(default_factory=Counter)
    first_path: Counter[str] = field(default_factory=Counter)
    requests: Counter[str] = field(default_factory=Counter)
    #: CPU time the provider process has used: how busy it was between two snapshots.
    cpu_seconds: float = 0.0

    def __sub__(self, earlier: Stats) -> Stats:
        return Stats(self.connections - earlier.connections, self.first_path - earlier.first_path,
                     self.requests - earlier.requests, self.cpu_seconds - earlier.cpu_seconds)

    @property
    def total_connections(self) -> int:
        return sum(self.connections.values())


class ProviderProcess:
    """Start the provider in a child process; ``with ProviderProcess(cert, key) as provider: ...``."""

    def __init__(self, cert_path: Path, key_path: Path, start_timeout: float = 20.0) -> None:
        self.cert_path, self.key_path = cert_path, key_path
        self.start_timeout = start_timeout
        self.process: subprocess.Popen[bytes] | None = None
        self.endpoints: Endpoints | None = None

    def __enter__(self) -> ProviderProcess:
        root = Path(__file__).resolve().parent.parent
        self.process = subprocess.Popen(
            [sys.executable, "-m", "benchmarks.server", str(self.cert_path), str(self.key_path)],
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, cwd=root,
        )
        try:
            self.endpoints = Endpoints.from_json(self._ask(None, self.start_timeout)["ready"])
        except BaseException:
            self.__exit__()
            raise
        return self

    def stats(self) -> Stats:
        """The counters now."""
        reply = self._ask(b"stats", 10.0)
        return Stats(Counter(reply["connections"]), Counter(reply["first_path"]), Counter(reply["requests"]),
                     reply["cpu_seconds"])

    def _ask(self, command: bytes | None, timeout: float) -> dict[str, Any]:
        assert self.process is not None and self.process.stdin and self.process.stdout
        if command is not None:
            self.process.stdin.write(command + b"\n")
            self.process.stdin.flush()
        ready, _, _ = select.select([self.process.stdout], [], [], timeout)
        line = self.process.stdout.readline() if ready else b""
        if not line:
            raise RuntimeError(f"the benchmark provider did not answer {command!r} within {timeout} s")
        return json.loads(line)

    def __exit__(self, *exc_info: object) -> None:
        process, self.process = self.process, None
        if process is None:
            return
        try:
            if process.stdin:
                process.stdin.write(b"stop\n")
                process.stdin.close()
            process.wait(timeout=5)
        except (OSError, subprocess.TimeoutExpired):
            process.terminate()
            process.wait(timeout=5)
        finally:
            if process.stdout:
                process.stdout.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("cert_path")
    parser.add_argument("key_path")
    args = parser.parse_args()
    asyncio.run(_serve(args.cert_path, args.key_path))


if __name__ == "__main__":
    main()
