"""``RelyingParty``: the Flask app on the other side of :class:`.FakeOpenIDProvider`, with the usual routes.

Routes: ``/login``, ``/login-with-state/<state>``, ``/callback`` (errors propagate),
``/callback-handled`` (errors answered 400, as real apps do), ``/logout`` and
``/logged-out``.  :func:`assert_login_token` says what a successful login's token holds.
"""

from __future__ import annotations

import base64
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from flask import Flask, jsonify, request, url_for

from flask_oauth_registry import OAuth, OAuthError

from .oidc import CLIENT_ID, CLIENT_SECRET, DISCOVERY_URL, SUBJECT, FakeOpenIDProvider


@dataclass
class RelyingParty:
    """A Flask app with the usual login/callback/logout routes and the tokens its callback returned."""

    app: Flask
    oauth: OAuth
    tokens: list[dict[str, Any]]

    def log_in(self, client: Any, provider: FakeOpenIDProvider, **authorize: Any) -> Any:
        """GET /login, let the provider authorize, GET /callback; return the callback response."""
        callback = self.start_login(client, provider, **authorize)
        return client.get("/callback", query_string=callback)

    def start_login(self, client: Any, provider: FakeOpenIDProvider, **authorize: Any) -> dict[str, str]:
        start = client.get("/login")
        assert start.status_code == 302
        return provider.authorize(start.headers["Location"], **authorize)

    def session_of(self, client: Any) -> dict[str, Any]:
        """The decoded Flask session cookie of a test client."""
        cookie = client.get_cookie("session")
        if cookie is None:
            return {}
        serializer = self.app.session_interface.get_signing_serializer(self.app)  # type: ignore[attr-defined]
        return dict(serializer.loads(cookie.value))


def make_relying_party(
    cache: Any = None, configure: Callable[[Flask], None] | None = None, **register: Any
) -> RelyingParty:
    """An app registering ``prov`` (confidential OIDC client using discovery unless ``register`` says otherwise)."""
    app = Flask(__name__)
    app.config.update(SECRET_KEY="relying-party-secret-key", TESTING=True)
    if configure is not None:
        configure(app)
    oauth = OAuth(app, cache=cache)
    settings: dict[str, Any] = {
        "client_id": CLIENT_ID,
        "client_secret": CLIENT_SECRET,
        "server_metadata_url": DISCOVERY_URL,
        "client_kwargs": {"scope": "openid email profile"},
    }
    settings.update(register)
    oauth.register("prov", **{k: v for k, v in settings.items() if v is not None})
    tokens: list[dict[str, Any]] = []

    @app.route("/login")
    def login() -> Any:
        return oauth.prov.authorize_redirect(url_for("callback", _external=True))

    @app.route("/login-with-state/<state>")
    def login_with_state(state: str) -> Any:
        return oauth.prov.authorize_redirect(url_for("callback", _external=True), state=state)

    @app.route("/callback", methods=["GET", "POST"])
    def callback() -> Any:
        token = oauth.prov.authorize_access_token()
        tokens.append(token)
        return jsonify(token)

    @app.route("/callback-handled", methods=["GET", "POST"])
    def callback_handled() -> Any:
        # What real apps do: catch the error and answer, so the session (state discarded) is saved.
        try:
            token = oauth.prov.authorize_access_token()
        except OAuthError as exc:
            return jsonify({"error": exc.error, "description": exc.description}), 400
        tokens.append(token)
        return jsonify(token)

    @app.route("/logout")
    def logout() -> Any:
        return oauth.prov.logout_redirect(
            url_for("logged_out", _external=True), id_token_hint=request.args.get("id_token_hint")
        )

    @app.route("/logged-out")
    def logged_out() -> Any:
        return jsonify(oauth.prov.validate_logout_response())

    return RelyingParty(app, oauth, tokens)


def logged_in_token(provider: FakeOpenIDProvider, rp: RelyingParty) -> dict[str, Any]:
    """Log in with a new browser; return the token the callback got."""
    assert rp.log_in(rp.app.test_client(), provider).status_code == 200
    return rp.tokens[-1]


def assert_login_token(token: dict[str, Any], provider: FakeOpenIDProvider, sub: str = SUBJECT) -> None:
    """``token`` is what ``provider`` issued last: its access and ID tokens, a lifetime, and the user's claims."""
    assert token["access_token"] == provider.access_tokens[-1]
    assert token["id_token"] == provider.id_tokens[-1]
    assert token["token_type"] == "Bearer"
    assert time.time() < token["expires_at"] <= time.time() + 3600
    assert token["userinfo"]["sub"] == sub
    assert token["userinfo"]["iss"] == provider.metadata["issuer"]


def entropy_bits(value: str) -> int:
    return 8 * len(base64.urlsafe_b64decode(value + "=" * (-len(value) % 4)))


def state_entries(rp: RelyingParty, client: Any) -> dict[str, Any]:
    return {k: v for k, v in rp.session_of(client).items() if k.startswith("_state_prov_")}
