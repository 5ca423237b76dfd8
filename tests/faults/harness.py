"""Helpers for fault tests: a client app behind the faulty server, a timed login, the timeout budget."""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Any

from flask import Flask
from werkzeug.test import TestResponse

from flask_oauth_registry.devprovider import RunningProvider
from tests.faults.faulty_server import FaultyServer
from tests.scaleout.client_app import Browser, approve_at_provider, make_client_app

#: (connect, read) seconds: what every fault must end within, plus SLACK.
TIMEOUT = (1.0, 1.0)
SLACK = 1.5


def client_via(faulty: FaultyServer, provider: RunningProvider, cache: Any = None, **kwargs: Any) -> Flask:
    """A client app whose token endpoint and JWKS are behind the faulty server (static metadata, no discovery).

    ``kwargs`` override the settings; a ``None`` removes one.
    """
    settings: dict[str, Any] = {
        "authorize_url": provider.url_for("/authorize"),
        "access_token_url": faulty.url_for("/token"),
        "jwks_uri": faulty.url_for("/jwks"),
        "issuer": provider.url,
        "client_kwargs": {"scope": "openid profile email", "timeout": TIMEOUT},
    }
    settings.update(kwargs)
    app, _ = make_client_app(cache, **{k: v for k, v in settings.items() if v is not None})
    return app


@dataclass
class Attempt:
    """A finished callback: the response, its JSON, how long it took, and the callback path for replays."""

    response: TestResponse
    elapsed: float
    callback: str
    browser: Browser

    @property
    def error(self) -> str | None:
        return (self.response.get_json(silent=True) or {}).get("error")


def login(app: Flask, finish: Flask | None = None) -> Attempt:
    """Start a login on ``app``, approve it at the provider, time the callback on ``finish`` (or ``app``)."""
    browser = Browser()
    redirect = browser.get(app, "/login")
    assert redirect.status_code == 302, redirect.get_json()
    callback = approve_at_provider(redirect.headers["Location"])
    started = time.monotonic()
    response = browser.get(finish or app, callback)
    return Attempt(response, time.monotonic() - started, callback, browser)


def assert_within_timeout(elapsed: float, calls: int = 1) -> None:
    """A fault ended within ``calls`` times the configured connect + read timeout (plus slack)."""
    assert elapsed < calls * sum(TIMEOUT) + SLACK, f"took {elapsed:.2f} s"
