"""The provider's own capacity, measured first with a raw-socket client that costs almost nothing.

If the provider answered slower than the clients ask, the benchmark would measure
the provider; these figures are printed so a reader can check it does not.
"""

from __future__ import annotations

import base64
import socket
import ssl
import time
from urllib.parse import urlencode, urlsplit

from .protocol import ACCESS_TOKEN, CLIENT_ID, CLIENT_SECRET, Endpoints, encode_code, s256


def _raw_requests_per_second(base_url: str, request: bytes, duration: float, cafile: str | None = None) -> float:
    """Requests per second over one keep-alive connection, reading each answer by Content-Length."""
    parts = urlsplit(base_url)
    with socket.create_connection((parts.hostname, parts.port), timeout=10) as raw:
        raw.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        sock = ssl.create_default_context(cafile=cafile).wrap_socket(raw, server_hostname=parts.hostname) \
            if cafile else raw
        done = 0
        start = time.perf_counter()
        deadline = start + duration
        while True:
            sock.sendall(request)
            _read_response(sock)
            done += 1
            now = time.perf_counter()
            if now >= deadline:
                return done / (now - start)


def _new_connections_per_second(base_url: str, request: bytes, duration: float, cafile: str) -> float:
    """Requests per second when each opens its own TLS connection (what Authlib's client does)."""
    parts = urlsplit(base_url)
    context = ssl.create_default_context(cafile=cafile)
    done = 0
    start = time.perf_counter()
    deadline = start + duration
    while True:
        with socket.create_connection((parts.hostname, parts.port), timeout=10) as raw, \
                context.wrap_socket(raw, server_hostname=parts.hostname) as sock:
            sock.sendall(request)
            _read_response(sock)
        done += 1
        now = time.perf_counter()
        if now >= deadline:
            return done / (now - start)


def _read_response(sock: socket.socket) -> None:
    buffer = b""
    while b"\r\n\r\n" not in buffer:
        chunk = sock.recv(65536)
        if not chunk:
            raise ConnectionError("the provider closed the connection")
        buffer += chunk
    head, _, body = buffer.partition(b"\r\n\r\n")
    if not head.startswith(b"HTTP/1.1 200"):
        raise ConnectionError(f"the provider answered {head.splitlines()[0]!r}")
    length = next(
        int(line.split(b":")[1]) for line in head.split(b"\r\n") if line.lower().startswith(b"content-length")
    )
    while len(body) < length:
        body += sock.recv(65536)


def measure(endpoints: Endpoints, duration: float) -> dict[str, float]:
    """Requests per second the provider serves: ``/user`` (HTTP, HTTPS, HTTPS with a new connection
    each time) and ``/token``, each from one client connection at a time.

    ``/token`` signs an RS256 ID token per request, as a real provider does.  The
    client is a raw socket loop, so these are lower bounds of the provider's capacity.
    """
    api = (f"GET /user HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer {ACCESS_TOKEN}\r\n\r\n").encode()
    verifier = "v" * 43
    form = urlencode({"grant_type": "authorization_code", "code": encode_code("n", s256(verifier)),
                      "code_verifier": verifier, "redirect_uri": "x"}).encode()
    basic = base64.b64encode(f"{CLIENT_ID}:{CLIENT_SECRET}".encode()).decode()
    token = (
        f"POST /token HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Basic {basic}\r\n"
        f"Content-Type: application/x-www-form-urlencoded\r\nContent-Length: {len(form)}\r\n\r\n"
    ).encode() + form
    return {
        "/user http": _raw_requests_per_second(endpoints.http, api, duration),
        "/user https": _raw_requests_per_second(endpoints.https, api, duration, endpoints.cert_path),
        "/user https, new connection each": _new_connections_per_second(
            endpoints.https, api, duration, endpoints.cert_path
        ),
        "/token http": _raw_requests_per_second(endpoints.http, token, duration),
    }
