"""A loopback HTTP server whose answer on each path the test chooses: relay, stall, break, flood.

It stands between the client and the dev provider.  In ``relay`` mode it
forwards the request upstream and returns the provider's answer unchanged, so
a login through it is a real login; any other mode makes that path misbehave
the way providers and the networks in front of them do.  Timing is real: the
client's own timeouts and size cap are what end each fault.
"""

from __future__ import annotations

import socket
import threading
import time
from collections import Counter
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import requests

#: Longest a stalled or flooding handler keeps going before giving up on its own.
HANDLER_LIMIT = 10.0

_HOP_BY_HOP = {"connection", "keep-alive", "transfer-encoding", "content-length", "content-encoding"}


class FaultyServer:
    """``set(path, mode, **options)`` chooses the behaviour; ``hits[path]`` counts requests.

    Modes: ``relay`` (forward to ``upstream + upstream_path``), ``stall`` (answer
    nothing), ``status`` (``status``, ``body``, ``content_type``), ``truncated``
    (declare more bytes than are sent, then close), ``flood`` (``size`` bytes,
    ``declare`` the length or not), ``drop`` (close the connection at once).
    """

    def __init__(self, upstream: str = "", port: int = 0) -> None:
        self.upstream = upstream.rstrip("/")
        self.routes: dict[str, tuple[str, dict[str, Any]]] = {}
        self.hits: Counter[str] = Counter()
        self.flood_sent: list[int] = []
        self._stop = threading.Event()
        self._server = ThreadingHTTPServer(("127.0.0.1", port), self._handler_class())
        self._server.daemon_threads = True
        self.port = int(self._server.server_address[1])
        self._thread = threading.Thread(target=self._server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
        self._thread.start()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def url_for(self, path: str) -> str:
        return self.url + path

    def set(self, path: str, mode: str, **options: Any) -> None:
        self.routes[path] = (mode, options)

    def stop(self) -> None:
        """Stop serving and close the port (stalled handlers are released)."""
        self._stop.set()
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(5)

    def _handler_class(self) -> type[BaseHTTPRequestHandler]:
        owner = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, format: str, *args: Any) -> None:
                """Quiet."""

            def do_GET(self) -> None:
                owner._answer(self)

            def do_POST(self) -> None:
                owner._answer(self)

        return Handler

    def _answer(self, handler: BaseHTTPRequestHandler) -> None:
        path = handler.path.split("?", 1)[0]
        self.hits[path] += 1
        length = int(handler.headers.get("Content-Length") or 0)
        body = handler.rfile.read(length) if length else b""
        mode, options = self.routes.get(path, ("status", {"status": 404, "body_out": b"not found"}))
        try:
            getattr(self, f"_{mode}")(handler, body, **options)
        except (BrokenPipeError, ConnectionResetError):
            pass  # the client gave up: that is what several faults are about

    def _relay(self, handler: BaseHTTPRequestHandler, body: bytes, upstream_path: str | None = None) -> None:
        target = self.upstream + (upstream_path or handler.path)
        headers = {k: v for k, v in handler.headers.items() if k.lower() not in ("host", "content-length")}
        answer = requests.request(handler.command, target, data=body or None, headers=headers, timeout=10)
        handler.send_response(answer.status_code)
        for name, value in answer.headers.items():
            if name.lower() not in _HOP_BY_HOP:
                handler.send_header(name, value)
        handler.send_header("Content-Length", str(len(answer.content)))
        handler.end_headers()
        handler.wfile.write(answer.content)

    def _stall(self, handler: BaseHTTPRequestHandler, body: bytes, seconds: float = HANDLER_LIMIT) -> None:
        self._stop.wait(min(seconds, HANDLER_LIMIT))
        handler.close_connection = True

    def _status(
        self, handler: BaseHTTPRequestHandler, body: bytes, status: int = 500,
        body_out: bytes = b"Internal Server Error", content_type: str = "text/plain",
    ) -> None:
        handler.send_response(status)
        handler.send_header("Content-Type", content_type)
        handler.send_header("Content-Length", str(len(body_out)))
        handler.end_headers()
        handler.wfile.write(body_out)

    def _truncated(
        self, handler: BaseHTTPRequestHandler, body: bytes, body_out: bytes = b'{"access_token": "tru',
        declared: int = 200,
    ) -> None:
        handler.send_response(200)
        handler.send_header("Content-Type", "application/json")
        handler.send_header("Content-Length", str(declared))
        handler.end_headers()
        handler.wfile.write(body_out)
        handler.wfile.flush()
        handler.close_connection = True
        handler.connection.shutdown(socket.SHUT_RDWR)

    def _flood(
        self, handler: BaseHTTPRequestHandler, body: bytes, size: int = 64 * 1024 * 1024, declare: bool = False
    ) -> None:
        handler.send_response(200)
        handler.send_header("Content-Type", "application/json")
        if declare:
            handler.send_header("Content-Length", str(size))
        else:
            handler.send_header("Connection", "close")  # the body ends when the connection does
        handler.end_headers()
        chunk = b'{"access_token": "' + b"A" * 65500 + b'", '
        sent, deadline = 0, time.monotonic() + HANDLER_LIMIT
        try:
            while sent < size and time.monotonic() < deadline and not self._stop.is_set():
                handler.wfile.write(chunk)
                sent += len(chunk)
        finally:
            self.flood_sent.append(sent)
            handler.close_connection = True

    def _drop(self, handler: BaseHTTPRequestHandler, body: bytes) -> None:
        handler.close_connection = True
        handler.connection.shutdown(socket.SHUT_RDWR)


def closed_port() -> int:
    """A loopback port nobody listens on (connections to it are refused)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])
