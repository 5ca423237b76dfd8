"""The sender-constrained rows (issue 16, item 8): an API call with DPoP against the same call with Bearer,
and a pushed authorization request's redirect against the plain redirect.

Both sides of each row are this library, so the ratio is what the feature costs:
one ES256 proof per API call (signed, with ``ath``), and one authenticated POST to
the provider's PAR endpoint per redirect.  The provider does not verify proofs:
the client's work is what is measured.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any

from flask import Flask

from flask_oauth_registry import OAuth
from flask_oauth_registry.registry.dpop import DPoPKey, token_binding

from .protocol import ACCESS_TOKEN, CLIENT_ID, CLIENT_SECRET, SCOPE, Endpoints
from .scenarios import Measurement, interleave, operations_per_second

DPOP_ROW = "api_call dpop"
PAR_ROW = "redirect par"
#: What the reference side of each row is (the report's "floor" column).
REFERENCE_LABELS = {DPOP_ROW: "bearer", PAR_ROW: "plain"}


class BenchFailed(AssertionError):
    """A call did not answer what it should: the benchmark would measure an error path."""


def _app(endpoints: Endpoints, label: str, **client_kwargs: Any) -> tuple[Flask, Any]:
    app = Flask(f"bench_sender_constrained_{label}")
    app.secret_key = f"bench-{label}"
    oauth = OAuth(app)
    client = oauth.register(
        "prov", client_id=CLIENT_ID, client_secret=CLIENT_SECRET, server_metadata_url=endpoints.metadata_url,
        api_base_url=f"{endpoints.http}/", pushed_authorization_request_endpoint=f"{endpoints.http}/par",
        client_kwargs={"scope": SCOPE, **client_kwargs},
    )

    @app.get("/login")
    def login() -> Any:
        return client.authorize_redirect("http://rp.bench/callback")

    return app, client


def _api_call(client: Any, token: dict[str, Any]) -> Callable[[], None]:
    def call() -> None:
        if client.get("user", token=token).status_code != 200:
            raise BenchFailed("the API call did not answer 200")

    return call


def _redirect(app: Flask, pushed: bool) -> Callable[[], None]:
    browser = app.test_client()

    def redirect() -> None:
        location = browser.get("/login").headers.get("Location", "")
        if ("request_uri=" in location) != pushed or "client_id=" not in location:
            raise BenchFailed("the redirect is not the one measured")

    return redirect


def measure(
    endpoints: Endpoints, repetitions: int, duration: float, progress: Callable[[str], None]
) -> dict[str, dict[str, list[Measurement]]]:
    """Both rows: ``ours`` is the sender-constrained side, ``floor`` the same call without it."""
    rows: dict[str, dict[str, list[Measurement]]] = {}
    progress(f"measuring {DPOP_ROW} ...")
    app, client = _app(endpoints, "api")
    key = DPoPKey.generate()
    dpop_token = {"access_token": ACCESS_TOKEN, "token_type": "DPoP", **token_binding(key)}
    bearer_token = {"access_token": ACCESS_TOKEN, "token_type": "Bearer"}
    with app.app_context():  # one context for the run: the loop measures the call, not pushing contexts
        rows[DPOP_ROW] = interleave({
            "ours": functools.partial(operations_per_second, _api_call(client, dpop_token)),
            "floor": functools.partial(operations_per_second, _api_call(client, bearer_token)),
        }, repetitions, duration)
    progress(f"measuring {PAR_ROW} ...")
    par_app, _ = _app(endpoints, "par", par=True)
    plain_app, _ = _app(endpoints, "plain")
    rows[PAR_ROW] = interleave({
        "ours": functools.partial(operations_per_second, _redirect(par_app, pushed=True)),
        "floor": functools.partial(operations_per_second, _redirect(plain_app, pushed=False)),
    }, repetitions, duration)
    return rows
