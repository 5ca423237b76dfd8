"""HTTP behaviour against a real server on 127.0.0.1: pooling, cookies, timeouts."""

from __future__ import annotations

import json
import socket
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from flask import Flask

from flask_oauth_registry import BadResponseError, ConnectionFailedError, OAuth, RequestTimeoutError


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, *args: object) -> None:
        pass

    def _send(self, status: int, body: bytes, headers: dict[str, str] | None = None) -> None:
        self.send_response(status)
        self.send_header("Content-Length", str(len(body)))
        for key, value in (headers or {}).items():
            self.send_header(key, value)
        self.end_headers()
        self.wfile.write(body)

    def do_GET(self) -> None:  # noqa: N802 - http.server's naming
        server: ProviderServer = self.server  # type: ignore[assignment]
        server.seen_headers.append(dict(self.headers))
        if self.path.startswith("/stall"):
            time.sleep(3)
        if self.path.startswith("/cookie"):
            cookie = {"Set-Cookie": "session=provider-secret; Path=/", "Content-Type": "application/json"}
            self._send(200, b"{}", cookie)
            return
        self._send(200, json.dumps({"path": self.path}).encode(), {"Content-Type": "application/json"})

    def do_POST(self) -> None:  # noqa: N802
        length = int(self.headers.get("Content-Length", 0))
        self.rfile.read(length)
        if self.path == "/huge-token":
            body = b'{"access_token": "' + b"a" * (2 * 1024 * 1024) + b'"}'
            self._send(200, body, {"Content-Type": "application/json"})
            return
        self._send(200, b'{"access_token": "at", "token_type": "Bearer", "expires_in": 60}',
                   {"Content-Type": "application/json"})


class ProviderServer(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self) -> None:
        super().__init__(("127.0.0.1", 0), _Handler)
        self.connections = 0
        self.seen_headers: list[dict[str, str]] = []

    def process_request(self, request: socket.socket, client_address: object) -> None:
        self.connections += 1
        super().process_request(request, client_address)

    def handle_error(self, request: object, client_address: object) -> None:
        pass  # a client that gave up on /stall closes its socket: expected here

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server_address[1]}/"


@pytest.fixture
def server() -> Iterator[ProviderServer]:
    srv = ProviderServer()
    thread = threading.Thread(target=srv.serve_forever, daemon=True)
    thread.start()
    yield srv
    srv.shutdown()
    srv.server_close()


def make_client(app: Flask, server: ProviderServer, **client_kwargs: object):
    return OAuth(app).register(
        "local", client_id="c", client_secret="s", api_base_url=server.url,
        access_token_url=server.url + "token", client_kwargs=client_kwargs or None,
    )


def test_fifty_api_calls_reuse_one_connection(app: Flask, server: ProviderServer) -> None:
    client = make_client(app, server)
    token = {"access_token": "at", "token_type": "Bearer"}
    for n in range(50):
        assert client.get(f"item/{n}", token=token).json() == {"path": f"/item/{n}"}
    assert server.connections == 1


def test_token_request_and_api_calls_share_the_pool(app: Flask, server: ProviderServer) -> None:
    client = make_client(app, server)
    token = client.fetch_access_token()
    assert (token["access_token"], token["token_type"]) == ("at", "Bearer") and token["expires_at"] > time.time()
    for _ in range(5):
        client.get("x", token=token)
    assert server.connections == 1


def test_provider_cookie_is_never_sent_back(app: Flask, server: ProviderServer) -> None:
    client = make_client(app, server)
    token = {"access_token": "at"}
    client.get("cookie", token=token)
    client.get("next", token=token)
    assert "Cookie" not in server.seen_headers[-1]
    assert len(client.session.cookies) == 0


def test_stalled_server_ends_in_timeout_error_within_the_configured_time(app: Flask, server: ProviderServer) -> None:
    client = make_client(app, server, timeout=0.5)
    started = time.monotonic()
    with pytest.raises(RequestTimeoutError) as info:
        client.get("stall", token={"access_token": "at"})
    assert time.monotonic() - started < 2.0
    assert info.value.error == "timeout"
    assert info.value.__cause__ is not None
    assert "at" not in (info.value.description or "").split()


def test_per_call_timeout_wins(app: Flask, server: ProviderServer) -> None:
    client = make_client(app, server)
    started = time.monotonic()
    with pytest.raises(RequestTimeoutError):
        client.get("stall", token={"access_token": "at"}, timeout=0.3)
    assert time.monotonic() - started < 2.0


def test_refused_connection_is_connection_error(app: Flask) -> None:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    client = OAuth(app).register("down", api_base_url=f"http://127.0.0.1:{port}/")
    with pytest.raises(ConnectionFailedError) as info:
        client.get("x", token={"access_token": "secret-token-value"})
    assert "secret-token-value" not in str(info.value)


def test_oversized_token_response_is_refused(app: Flask, server: ProviderServer) -> None:
    client = OAuth(app).register("big", client_id="c", client_secret="s", access_token_url=server.url + "huge-token")
    with pytest.raises(BadResponseError, match="larger than"):
        client.fetch_access_token()


def test_user_agent_names_the_library(app: Flask, server: ProviderServer) -> None:
    client = make_client(app, server)
    client.get("x", token={"access_token": "at"})
    assert server.seen_headers[-1]["User-Agent"].startswith("flask-oauth-registry/")


def test_netrc_entry_for_the_provider_never_replaces_the_bearer_token(
    app: Flask, server: ProviderServer, tmp_path, monkeypatch: pytest.MonkeyPatch
) -> None:
    netrc = tmp_path / "netrc"
    netrc.write_text("machine 127.0.0.1 login someone password from-netrc\n")
    netrc.chmod(0o600)
    monkeypatch.setenv("NETRC", str(netrc))
    client = make_client(app, server)
    client.get("x", token={"access_token": "at"})
    assert server.seen_headers[-1]["Authorization"] == "Bearer at"


def test_proxy_environment_is_honoured(app: Flask, server: ProviderServer, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HTTP_PROXY", server.url.rstrip("/"))  # our server acts as the proxy
    monkeypatch.delenv("NO_PROXY", raising=False)
    monkeypatch.delenv("no_proxy", raising=False)
    client = OAuth(app).register("proxied", api_base_url="http://provider.invalid/")
    answer = client.get("x", token={"access_token": "at"}).json()
    assert answer == {"path": "http://provider.invalid/x"}  # the absolute-form request of a proxy


def test_a_provider_dripping_its_answer_is_cut_off_at_the_read_timeout(app: Flask) -> None:
    """Each byte arrives within the read timeout, but the whole answer must too."""
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(1)
    stop = threading.Event()

    def drip() -> None:
        conn, _ = listener.accept()
        with conn:
            conn.recv(65536)
            conn.sendall(b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 1000\r\n\r\n")
            for _ in range(40):
                if stop.wait(0.1):
                    break
                conn.sendall(b" ")

    thread = threading.Thread(target=drip, daemon=True)
    thread.start()
    port = listener.getsockname()[1]
    client = OAuth(app).register("drip", client_id="c", client_secret="s",
                                 access_token_url=f"http://127.0.0.1:{port}/token", client_kwargs={"timeout": (1, 0.5)})
    started = time.monotonic()
    try:
        with pytest.raises(RequestTimeoutError, match="longer than 0.5 s"):
            client.fetch_access_token()
        assert time.monotonic() - started < 1.5
    finally:
        stop.set()
        thread.join()
        listener.close()


# -- what a transport failure names ------------------------------------------------------------


def closed_loopback_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def test_refused_token_request_names_the_host_port_and_the_call_not_the_query(app: Flask) -> None:
    port = closed_loopback_port()
    client = OAuth(app).register("down", client_id="c", client_secret="client-secret-value",
                                 access_token_url=f"http://127.0.0.1:{port}/token?tenant=query-secret")
    with pytest.raises(ConnectionFailedError) as info:
        client.fetch_access_token()
    message = str(info.value)
    assert f"127.0.0.1:{port}" in message and "token request" in message
    assert "query-secret" not in message and "/token" not in message and "client-secret-value" not in message


def test_refused_api_call_names_the_host_port_and_the_call_not_the_query(app: Flask) -> None:
    port = closed_loopback_port()
    client = OAuth(app).register("down", api_base_url=f"http://127.0.0.1:{port}/")
    with pytest.raises(ConnectionFailedError) as info:
        client.get("items?page=query-secret", token={"access_token": "secret-token-value"})
    message = str(info.value)
    assert f"127.0.0.1:{port}" in message and "API call" in message and "token request" not in message
    assert "query-secret" not in message and "secret-token-value" not in message


def test_stalled_discovery_names_the_host_port_and_the_call(app: Flask, server: ProviderServer) -> None:
    client = OAuth(app).register("slow", client_id="c", server_metadata_url=server.url + "stall?x=query-secret",
                                 client_kwargs={"timeout": 0.3})
    with pytest.raises(RequestTimeoutError) as info:
        client.load_server_metadata()
    message = str(info.value)
    assert f"discovery request to 127.0.0.1:{server.server_address[1]} timed out" in message
    assert "query-secret" not in message
