"""examples/quickstart tested the way its users would test it: with the ``oauth_provider`` fixture, no server.

The devprovider-backed tests beside this file keep covering the example against a
real HTTP provider; these show the same behaviours in a few lines each.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from flask.testing import FlaskClient

from examples.quickstart import create_app

ISSUER = "https://op.quickstart.test"


@pytest.fixture
def client(tmp_path: Path) -> FlaskClient:
    app = create_app(OIDC_ISSUER=ISSUER, SECRET_KEY="test-secret", TOKEN_CACHE_DIR=str(tmp_path), TESTING=True)
    return app.test_client()


def test_login_shows_the_users_claims(client, oauth_provider):
    oauth_provider.login(client, "oidc", claims={"name": "Ada Lovelace"}, login_url="/login")
    assert "Ada Lovelace" in client.get("/").get_data(as_text=True)


def test_api_call_after_the_token_expired_refreshes_it(client, oauth_provider):
    oauth_provider.login(client, "oidc", claims={"email": "ada@example.com"}, login_url="/login")
    oauth_provider.expire("oidc")
    assert "ada@example.com" in client.get("/api").get_data(as_text=True)
    assert oauth_provider.requests("oidc", "token")[-1].params["grant_type"] == "refresh_token"


def test_refused_consent_ends_at_the_error_page(client, oauth_provider):
    oauth_provider.deny("oidc")
    response = oauth_provider.attempt_login(client, "oidc", login_url="/login")
    assert response.status_code == 400 and "access_denied" in response.get_data(as_text=True)


def test_logout_ends_the_provider_session(client, oauth_provider):
    token = oauth_provider.login(client, "oidc", login_url="/login")
    response = client.get("/logout")
    assert response.location.startswith(ISSUER + "/logout?")
    assert token["id_token"] in response.location  # id_token_hint
