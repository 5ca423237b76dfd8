"""Running the provider on a loopback port: in a daemon thread (``serve``) or for the CLI."""

from __future__ import annotations

import threading
from dataclasses import replace
from types import TracebackType
from typing import Any

from flask import Flask
from werkzeug.serving import BaseWSGIServer, WSGIRequestHandler, make_server

from .app import create_app
from .settings import ProviderSettings
from .state import EXTENSION_KEY, ProviderState


class _QuietRequestHandler(WSGIRequestHandler):
    """Werkzeug's handler without the per-request access log (errors are still logged)."""

    def log_request(self, code: int | str = "-", size: int | str = "-") -> None:
        """Skip the access log line."""


def _not_ready(environ: dict[str, Any], start_response: Any) -> list[bytes]:
    """Placeholder WSGI app for the instant between binding the port and building the app."""
    start_response("503 Service Unavailable", [("Content-Type", "text/plain")])
    return [b"starting"]


def _url_host(host: str) -> str:
    """Host part of the issuer URL for a bind address (wildcards map to loopback)."""
    if host in ("", "0.0.0.0"):
        return "127.0.0.1"
    if host == "::":
        return "[::1]"
    return f"[{host}]" if ":" in host else host


def bind(
    settings: ProviderSettings | None = None,
    host: str = "127.0.0.1",
    port: int = 0,
    *,
    quiet: bool = False,
) -> tuple[BaseWSGIServer, Flask]:
    """Bind a threaded werkzeug server, then build the app with the issuer of the bound port.

    Binding first is what makes ``port=0`` work: the issuer (``http://HOST:PORT``
    unless ``settings.issuer`` is set) is only known once the OS picked a port.
    """
    settings = settings or ProviderSettings()
    handler = _QuietRequestHandler if quiet else None
    server = make_server(host, port, _not_ready, threaded=True, request_handler=handler)
    try:
        issuer = settings.issuer or f"http://{_url_host(host)}:{server.server_port}"
        app = create_app(replace(settings, issuer=issuer))
    except BaseException:
        server.server_close()
        raise
    server.app = app
    return server, app


class RunningProvider:
    """A provider serving in a daemon thread; use as a context manager or call :meth:`shutdown`.

    Attributes: ``url`` (the issuer, e.g. ``http://127.0.0.1:54321``), ``port``,
    ``host``, ``settings`` (with the effective issuer), ``app`` and ``state``.
    """

    def __init__(self, server: BaseWSGIServer, app: Flask) -> None:
        self._server = server
        self.app = app
        self.state: ProviderState = app.extensions[EXTENSION_KEY]
        self.settings = self.state.settings
        self.url: str = self.settings.issuer or ""
        self.port: int = server.server_port
        self.host: str = server.host
        self._lock = threading.Lock()
        self._stopped = False
        self._thread = threading.Thread(
            target=server.serve_forever,
            kwargs={"poll_interval": 0.05},
            name=f"devprovider-{self.port}",
            daemon=True,
        )
        self._thread.start()

    @property
    def issuer(self) -> str:
        """Alias of :attr:`url`."""
        return self.url

    @property
    def metadata_url(self) -> str:
        """``.../.well-known/openid-configuration`` (for ``server_metadata_url``)."""
        return f"{self.url}/.well-known/openid-configuration"

    def url_for(self, path: str) -> str:
        """Absolute URL of a provider path, e.g. ``url_for("/api/me")``."""
        return self.url + (path if path.startswith("/") else f"/{path}")

    def stats(self) -> dict[str, Any]:
        """The same counters as ``GET /_dev/stats``, read in-process."""
        return self.state.stats.snapshot()

    def reset_stats(self) -> None:
        """The same as ``POST /_dev/reset``."""
        self.state.stats.reset()

    def shutdown(self) -> None:
        """Stop serving and free the port; safe to call more than once."""
        with self._lock:
            if self._stopped:
                return
            self._stopped = True
        self._server.shutdown()
        self._thread.join(timeout=5)
        self._server.server_close()

    def __enter__(self) -> RunningProvider:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.shutdown()

    def __repr__(self) -> str:
        state = "stopped" if self._stopped else "running"
        return f"<RunningProvider {self.url} {state}>"


def serve(
    settings: ProviderSettings | None = None,
    host: str = "127.0.0.1",
    port: int = 0,
    *,
    quiet: bool = True,
) -> RunningProvider:
    """Start the provider in a background daemon thread (port 0 = a free port).

    ``quiet`` silences werkzeug's per-request access log (the default, for tests).
    """
    server, app = bind(settings, host, port, quiet=quiet)
    return RunningProvider(server, app)
