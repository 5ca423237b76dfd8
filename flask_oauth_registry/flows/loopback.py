"""The installed-app login (RFC 8252): the browser brings the code back to a one-shot server on a loopback port.

:func:`run_local_server` binds a loopback address (a free port by default),
builds the authorization request as a web login does (PKCE, state, nonce),
shows the URL (and opens a browser), waits for the one request that carries the
callback, checks its state, exchanges the code and returns the token.  Every
other request (a favicon, a preconnect, a reload) is answered 404 and the wait
goes on; the flow state lives in memory for this one login, never in a Flask
session.  The server is closed whatever the outcome: token, provider error,
wrong state, timeout or Ctrl-C.

What the browser sends is read by the pure :func:`callback_in_request` and
:func:`check_callback`; the sockets are at the edge (:class:`LoopbackServer`).
"""

from __future__ import annotations

import html
import logging
import os
import socket
import socketserver
import sys
import threading
import time
import webbrowser
from collections.abc import Callable, Mapping
from http.server import BaseHTTPRequestHandler
from types import TracebackType
from typing import Any, Protocol
from urllib.parse import parse_qsl, urlsplit

from ..registry.authorization import AuthorizationResponse, flow_of, read_callback
from ..registry.errors import ConfigurationError, LoginTimeoutError, MismatchingStateError, OAuthError
from .client_secrets import is_loopback_host

logger = logging.getLogger(__name__)

DEFAULT_PROMPT = "Please visit this URL to authorize this application: {url}"
DEFAULT_SUCCESS = "The authentication flow has completed. You may close this window."
#: The path of the redirect URI: the root, as Google's desktop clients register ``http://localhost``.
CALLBACK_PATH = "/"
#: How long a connection that sends nothing (a browser's preconnect) is kept before it is dropped.
IDLE_CONNECTION_SECONDS = 10.0
#: How long the browser's request waits for the outcome of the code exchange before it is told nothing.
EXCHANGE_WAIT_SECONDS = 120.0
#: How long the login waits, after the exchange, for the browser to have been sent its page.
ANSWER_WAIT_SECONDS = 2.0
_CALLBACK_PARAMS = ("code", "error", "state")


class AuthorizationCodeApp(Protocol):
    """What the loopback login needs of a remote app (an :class:`~flask_oauth_registry.OAuth2App`)."""

    name: str

    def create_authorization_url(self, redirect_uri: str | None = None, **params: Any) -> dict[str, Any]: ...

    def exchange_callback(
        self, callback: AuthorizationResponse, flow: Mapping[str, Any], **kwargs: Any
    ) -> dict[str, Any]: ...


# -- the protocol: what the browser sent ---------------------------------------------------
def check_loopback_host(host: str) -> None:
    """Refuse a ``host`` that is not a loopback address: the code must not be reachable from the network."""
    if not isinstance(host, str) or not is_loopback_host(host):
        raise ConfigurationError(
            description=f"run_local_server(host={host!r}): listen on a loopback address only "
            "(127.0.0.1, ::1 or localhost), so that no other machine can receive the code"
        )


def redirect_uri_for(host: str, port: int, trailing_slash: bool = True) -> str:
    """``http://127.0.0.1:PORT/`` (RFC 8252 7.3); without the slash to match a URI registered without one."""
    shown = f"[{host.strip('[]')}]" if ":" in host else host
    return f"http://{shown}:{port}" + (CALLBACK_PATH if trailing_slash else "")


def callback_in_request(target: str) -> AuthorizationResponse | None:
    """The callback a request target (``/?code=...&state=...``) carries, or ``None`` when it carries none.

    Only the callback path with a ``code``, ``error`` or ``state`` is a callback;
    anything else (``/favicon.ico``, a bare ``/``) is not, and must not end the login.
    """
    parts = urlsplit(target)
    if (parts.path or "/") != CALLBACK_PATH:
        return None
    params = dict(parse_qsl(parts.query, keep_blank_values=True))
    if not any(params.get(name) for name in _CALLBACK_PARAMS):
        return None
    return read_callback(params)


def check_callback(callback: AuthorizationResponse, expected_state: str) -> None:
    """Refuse a callback of another login (its state) before anything else, then the provider's refusal."""
    if callback.state != expected_state:
        # The state is compared, never shown: it would help whoever sent a forged callback.
        raise MismatchingStateError(description="the callback's state is not the one this login sent")
    if callback.error:
        raise callback.provider_error()


def result_page(title: str, message: str) -> bytes:
    """The small HTML page the browser shows at the end; ``message`` is escaped."""
    title, message = html.escape(title), html.escape(message)
    page = (
        f'<!doctype html><html><head><meta charset="utf-8"><title>{title}</title></head>'
        f"<body><h1>{title}</h1><p>{message}</p></body></html>"
    )
    return page.encode("utf-8")


# -- the edge: a one-shot server -------------------------------------------------------------
class CallbackSlot:
    """Where the browser's request hands the callback to the login, and waits for the page to show.

    The first callback is taken; a later one (a reload) is not a callback any more.
    """

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self.callback: AuthorizationResponse | None = None
        self.arrived = threading.Event()
        self._page: tuple[int, bytes] | None = None
        self._decided = threading.Event()
        self.answered = threading.Event()

    def offer(self, callback: AuthorizationResponse) -> tuple[int, bytes] | None:
        """Hand ``callback`` over; the status and page to answer with, or ``None`` when one was taken already."""
        with self._lock:
            if self.callback is not None:
                return None
            self.callback = callback
        self.arrived.set()
        if not self._decided.wait(EXCHANGE_WAIT_SECONDS) or self._page is None:
            return 500, result_page("Login failed", "The application did not finish the login.")
        return self._page

    def decide(self, status: int, page: bytes) -> None:
        """Set what the browser is shown, once: the outcome of the exchange."""
        if not self._decided.is_set():
            self._page = (status, page)
            self._decided.set()


class _CallbackHandler(BaseHTTPRequestHandler):
    """Answers the callback with the login's outcome and every other request with 404."""

    server: LoopbackServer
    timeout = IDLE_CONNECTION_SECONDS
    server_version = "flask-oauth-registry"
    sys_version = ""

    def do_GET(self) -> None:  # http.server's name for the GET handler
        callback = callback_in_request(self.path)
        answer = self.server.slot.offer(callback) if callback is not None else None
        status, page = answer or (404, result_page("Not found", "This is not the login callback."))
        try:
            self.send_response(status)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.send_header("Content-Length", str(len(page)))
            self.send_header("Cache-Control", "no-store")
            self.send_header("Referrer-Policy", "no-referrer")
            self.end_headers()
            self.wfile.write(page)
        finally:
            if answer is not None:
                self.server.slot.answered.set()

    def log_message(self, format: str, *args: Any) -> None:
        """Log nothing: the request line holds the authorization code."""


class LoopbackServer(socketserver.ThreadingTCPServer):
    """A threaded HTTP server on one loopback address; a connection that sends nothing cannot block the others."""

    daemon_threads = True
    block_on_close = False
    # Rebinding a fixed port right after a login needs SO_REUSEADDR on POSIX (TIME_WAIT); on Windows it
    # would let another process take the port, which SO_EXCLUSIVEADDRUSE prevents instead.
    allow_reuse_address = os.name != "nt"

    def __init__(self, host: str, port: int, slot: CallbackSlot) -> None:
        self.address_family = socket.AF_INET6 if ":" in host else socket.AF_INET
        self.slot = slot
        super().__init__((host.strip("[]"), port), _CallbackHandler)

    def server_bind(self) -> None:
        exclusive = getattr(socket, "SO_EXCLUSIVEADDRUSE", None)
        if exclusive is not None:
            self.socket.setsockopt(socket.SOL_SOCKET, exclusive, 1)
        super().server_bind()

    @property
    def port(self) -> int:
        return int(self.server_address[1])


class LoopbackListener:
    """The servers of one login: the host's address and, for ``localhost``, ``::1`` on the same port when it can.

    Listening on both keeps another local process from taking the redirect on
    the address the browser resolves ``localhost`` to first.  A context manager:
    leaving it closes every socket, so the port is free again.
    """

    def __init__(self, host: str, port: int) -> None:
        self.slot = CallbackSlot()
        address = "127.0.0.1" if host.lower() == "localhost" else host
        self.servers = [LoopbackServer(address, port, self.slot)]
        if host.lower() == "localhost" and socket.has_ipv6:
            try:
                self.servers.append(LoopbackServer("::1", self.port, self.slot))
            except OSError:
                logger.debug("localhost: [::1]:%s is not available; listening on 127.0.0.1 only", self.port)
        self._threads = [
            threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True,
                             name=f"oauth-loopback-{self.port}")
            for server in self.servers
        ]
        for thread in self._threads:
            thread.start()

    @property
    def port(self) -> int:
        return self.servers[0].port

    def wait_for_callback(self, deadline: float, clock: Callable[[], float] = time.monotonic) -> AuthorizationResponse:
        """The callback, once the browser brings it; :class:`LoginTimeoutError` at ``deadline``."""
        # In short waits, so that Ctrl-C is handled at once on every platform.
        while not self.slot.arrived.wait(min(max(deadline - clock(), 0.0), 0.25)):
            if clock() >= deadline:
                raise LoginTimeoutError(description="no answer came back from the browser in time; start again")
        assert self.slot.callback is not None
        return self.slot.callback

    def close(self) -> None:
        """Stop serving and close the listening sockets (the port is free again)."""
        # A browser request still waiting for the outcome (the login was interrupted) is answered now.
        self.slot.decide(500, result_page("Login failed", "The login was interrupted."))
        for server in self.servers:
            server.shutdown()
            server.server_close()
        for thread in self._threads:
            thread.join(timeout=1.0)

    def __enter__(self) -> LoopbackListener:
        return self

    def __exit__(self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None) -> None:
        self.close()


def open_in_browser(url: str, browser: str | None) -> bool:
    """Open ``url`` in a new browser window; ``False`` (logged) when no browser could be found or started."""
    try:
        opened = webbrowser.get(browser).open(url, new=1, autoraise=True)
    except webbrowser.Error as exc:
        logger.info("could not open a web browser (%s): open the URL by hand", exc)
        return False
    return bool(opened)


def run_local_server(
    app: AuthorizationCodeApp,
    host: str = "127.0.0.1",
    port: int = 0,
    open_browser: bool = True,
    timeout_seconds: float | None = 300,
    authorization_prompt_message: str | None = DEFAULT_PROMPT,
    success_message: str = DEFAULT_SUCCESS,
    redirect_uri_trailing_slash: bool = True,
    browser: str | None = None,
    **authorize_params: Any,
) -> dict[str, Any]:
    """Log a user in from a terminal and return the token (the ID token checked, ``userinfo`` in it).

    ``oauth.<name>.run_local_server(...)``.  Listens on ``host`` (a loopback
    address; anything else is a :class:`ConfigurationError`) at ``port`` (``0``: a
    free one); the redirect URI is ``http://HOST:PORT/`` (no slash with
    ``redirect_uri_trailing_slash=False``).  ``authorization_prompt_message`` is
    printed to stderr and logged with ``{url}`` filled in (``None`` prints nothing);
    ``open_browser`` opens the URL with :func:`webbrowser.get` ``(browser)``, and
    a missing browser only leaves the printed URL.  ``authorize_params`` go into
    the authorization URL (``scope``, ``prompt``, ``login_hint``...).

    Raises :class:`ProviderError` when the provider refuses (``access_denied``),
    :class:`MismatchingStateError` for a callback of another login, and
    :class:`LoginTimeoutError` after ``timeout_seconds`` (``None``: wait forever).
    The port is free again when this returns or raises.  Needs an app context
    when the app does (``oauth.<name>``); not a request.  The token is stored
    nowhere: keep it yourself (a :class:`~flask_oauth_registry.storage.FileStorage`).
    """
    check_loopback_host(host)
    deadline = float("inf") if timeout_seconds is None else time.monotonic() + timeout_seconds
    with LoopbackListener(host, port) as listener:
        redirect_uri = redirect_uri_for(host, listener.port, redirect_uri_trailing_slash)
        started = app.create_authorization_url(redirect_uri, **authorize_params)
        _show_prompt(started["url"], authorization_prompt_message)
        if open_browser:
            open_in_browser(started["url"], browser)
        callback = listener.wait_for_callback(deadline)
        try:
            check_callback(callback, started["state"])
            token = app.exchange_callback(callback, flow_of({**started, "redirect_uri": redirect_uri}))
        except OAuthError as exc:
            listener.slot.decide(400, result_page("Login failed", f"{exc.error}: {exc.description or ''}"))
            raise
        except BaseException:
            listener.slot.decide(500, result_page("Login failed", "The application could not finish the login."))
            raise
        else:
            listener.slot.decide(200, result_page("Logged in", success_message))
        finally:
            listener.slot.answered.wait(ANSWER_WAIT_SECONDS)
    return token


def _show_prompt(url: str, message: str | None) -> None:
    if not message:
        return
    text = message.format(url=url)
    logger.info("%s", text)
    # stderr: a script's stdout may be captured ("TOKEN=$(...)"), and the user must still see the URL.
    print(text, file=sys.stderr, flush=True)
