"""Helpers of the view tests: a counting token storage, the fake provider's app, and a browser that logs in."""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from flask import Flask
from flask.testing import FlaskClient

from flask_oauth_registry import OAuth
from flask_oauth_registry.storage import TokenStorage
from tests.fakes.oidc import CLIENT_ID, CLIENT_SECRET, DISCOVERY_URL, FakeOpenIDProvider

APP_SCOPE = "openid email profile"


class CountingStorage(TokenStorage):
    """Tokens in a dict, stored as JSON like a real backend; every write and delete is recorded."""

    def __init__(self) -> None:
        self.tokens: dict[tuple[str, str, str], str] = {}
        self.writes: list[tuple[str, str, dict[str, Any]]] = []
        self.deletes: list[tuple[str, str]] = []

    def get(self, name: str, user: str, account: str | None = None) -> dict[str, Any] | None:
        stored = self.tokens.get((name, user, account or ""))
        return None if stored is None else dict(json.loads(stored))

    def set(self, name: str, user: str, token: Mapping[str, Any], account: str | None = None) -> None:
        self.writes.append((name, user, dict(token)))
        self.tokens[(name, user, account or "")] = json.dumps(token)

    def delete(self, name: str, user: str, account: str | None = None) -> None:
        self.deletes.append((name, user))
        self.tokens.pop((name, user, account or ""), None)

    def only_token(self, name: str = "prov") -> dict[str, Any]:
        """The one token stored for ``name`` (whoever the user is)."""
        found = [json.loads(value) for (stored_name, _, _), value in self.tokens.items() if stored_name == name]
        assert len(found) == 1, found
        return dict(found[0])

    def users(self, name: str = "prov") -> list[str]:
        return [user for (stored_name, user, _) in self.tokens if stored_name == name]


def register_prov(oauth: OAuth, name: str = "prov", **settings: Any) -> Any:
    """``name`` on the fake OpenID provider (discovery, confidential client, ``openid email profile``)."""
    merged: dict[str, Any] = {
        "client_id": CLIENT_ID, "client_secret": CLIENT_SECRET, "server_metadata_url": DISCOVERY_URL,
        "client_kwargs": {"scope": APP_SCOPE},
    }
    merged.update(settings)
    return oauth.register(name, **merged)


@dataclass
class Browser:
    """A test client that plays the user's visit to the provider."""

    web: FlaskClient
    provider: FakeOpenIDProvider

    def consent(self, response: Any, name: str = "prov") -> Any:
        """Follow a redirect to the provider, consent, and return the callback's response."""
        assert response.status_code == 302, response.get_data(as_text=True)
        callback = self.provider.authorize(response.headers["Location"])
        return self.web.get(f"/oauth/callback/{name}", query_string=callback)

    def log_in(self, name: str = "prov", next_path: str | None = None) -> Any:
        """A whole login through the ready routes; the callback's response."""
        query = {"next": next_path} if next_path is not None else {}
        return self.consent(self.web.get(f"/oauth/login/{name}", query_string=query), name)


class GrantingProvider(FakeOpenIDProvider):
    """The fake OpenID provider, where the user may uncheck scopes and the answer may leave ``scope`` out."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        #: Scopes the user unchecks at the consent screen: the token does not get them.
        self.refused: set[str] = set()
        #: Leave ``scope`` out of token answers (RFC 6749 5.1: "as requested").
        self.omit_scope = False
        super().__init__(*args, **kwargs)

    def _token_endpoint(self, req: Any, context: Any) -> str:
        body = super()._token_endpoint(req, context)
        answer = json.loads(body)
        if "scope" in answer:
            answer["scope"] = " ".join(s for s in answer["scope"].split() if s not in self.refused)
            if self.omit_scope:
                del answer["scope"]
        return json.dumps(answer)


def make_app(**oauth_settings: Any) -> tuple[Flask, OAuth]:
    """A fresh Flask app (``client.test``) with a registry built with ``oauth_settings``."""
    app = Flask(__name__)
    app.config.update(SECRET_KEY="views-test-secret", TESTING=True, SERVER_NAME="client.test")
    return app, OAuth(app, **oauth_settings)
