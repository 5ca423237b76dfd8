"""examples/quickstart: OIDC login, claims page, API call, refresh, RP-initiated logout, error page."""

from __future__ import annotations

import os
import time
from collections.abc import Iterator
from pathlib import Path

import jwt
import pytest
import redis
from flask import Flask
from flask.testing import FlaskClient

from examples.quickstart import create_app
from flask_oauth_registry.devprovider import RunningProvider
from tests.redis_server import running_redis


@pytest.fixture
def quickstart(provider: RunningProvider, tmp_path: Path) -> Flask:
    return create_app(DEVPROVIDER_URL=provider.url, TOKEN_CACHE_DIR=str(tmp_path / "cache"), TESTING=True)


@pytest.fixture
def client(quickstart: Flask) -> FlaskClient:
    return quickstart.test_client()


@pytest.fixture
def signed_in(client: FlaskClient, user) -> FlaskClient:
    callback = user.login(client)
    assert callback.status_code == 302 and callback.location == "/"
    return client


def stored_token(app: Flask, client: FlaskClient) -> dict | None:
    with client.session_transaction() as session:
        sid = session.get("sid")
    return app.extensions["quickstart_cache"].get(f"token:oidc:{sid}") if sid else None


def test_signed_out_home_page_offers_a_login_link(client):
    page = client.get("/")
    assert page.status_code == 200
    assert 'href="/login"' in page.get_data(as_text=True)


def test_login_shows_the_id_token_claims(signed_in, provider):
    page = signed_in.get("/")
    text = page.get_data(as_text=True)
    assert "Signed in as Alice Liddell" in text
    assert "alice@example.test" in text
    assert provider.url in text  # the iss claim
    assert page.headers["X-Served-By"] == str(os.getpid())


def test_bob_signs_in_as_bob(client, user):
    user.login(client, username="bob")
    assert "Signed in as Bob Builder" in client.get("/").get_data(as_text=True)


def test_tokens_stay_on_the_server(quickstart, signed_in):
    token = stored_token(quickstart, signed_in)
    assert token and token["access_token"] and token["refresh_token"] and token["id_token"]
    assert token["token_type"] == "Bearer" and token["expires_at"] > time.time()
    assert jwt.decode(token["id_token"], options={"verify_signature": False})["sub"] == "alice"
    with signed_in.session_transaction() as session:
        cookie_data = dict(session)
    assert set(cookie_data) == {"sid", "user"}
    assert token["access_token"] not in repr(cookie_data)


def test_api_call_carries_the_users_token(signed_in):
    page = signed_in.get("/api")
    text = page.get_data(as_text=True)
    assert page.status_code == 200
    assert "answered HTTP 200" in text
    assert "&#34;client_id&#34;: &#34;demo-client&#34;" in text
    assert "&#34;sub&#34;: &#34;alice&#34;" in text


def test_api_without_a_login_starts_one(client):
    answer = client.get("/api")
    assert answer.status_code == 302 and answer.location == "/login"


def test_refresh_asks_the_provider_once_and_keeps_the_new_token(quickstart, signed_in, provider):
    before = stored_token(quickstart, signed_in)
    refreshes = provider.stats()["refresh_requests"]

    page = signed_in.get("/refresh")

    assert page.status_code == 200
    assert "A new access token was issued; it expires at" in page.get_data(as_text=True)
    assert provider.stats()["refresh_requests"] == refreshes + 1
    after = stored_token(quickstart, signed_in)
    assert after["access_token"] != before["access_token"]
    assert after["refresh_token"] != before["refresh_token"]  # the dev provider rotates them
    assert after["expires_at"] >= before["expires_at"]
    assert signed_in.get("/api").status_code == 200  # the new token works, without another refresh
    assert provider.stats()["refresh_requests"] == refreshes + 1


def test_logout_ends_the_provider_session_and_comes_back(quickstart, signed_in, user, provider):
    token = stored_token(quickstart, signed_in)
    logouts = provider.stats()["logouts"]

    answer = signed_in.get("/logout")

    assert answer.status_code == 302 and answer.location.startswith(provider.url_for("/logout?"))
    assert "id_token_hint=" + token["id_token"] in answer.location
    back = user.follow(answer.location)
    assert back.startswith("http://localhost/logged-out?state=")
    page = signed_in.get(back)
    assert page.status_code == 200 and "You are signed out" in page.get_data(as_text=True)
    assert provider.stats()["logouts"] == logouts + 1
    assert stored_token(quickstart, signed_in) is None
    assert 'href="/login"' in signed_in.get("/").get_data(as_text=True)
    replay = signed_in.get(back)  # the logout state is single use
    assert replay.status_code == 400 and "mismatching_state" in replay.get_data(as_text=True)


def test_denied_consent_shows_the_friendly_error_page(client, user):
    page = user.login(client, decision="deny")
    text = page.get_data(as_text=True)
    assert page.status_code == 400
    assert "access_denied" in text and "The user denied the request." in text
    assert "Traceback" not in text
    assert 'href="/login"' in client.get("/").get_data(as_text=True)


def test_replayed_callback_is_refused(client, user):
    redirect = client.get("/login")
    callback = user.consent(redirect.location)
    assert client.get(callback).status_code == 302
    replay = client.get(callback)
    assert replay.status_code == 400 and "mismatching_state" in replay.get_data(as_text=True)
    assert replay.headers["X-Served-By"] == str(os.getpid())


def test_a_real_provider_needs_a_real_secret_key():
    with pytest.raises(RuntimeError, match="SECRET_KEY"):
        create_app(OIDC_ISSUER="https://accounts.example.com")


def test_a_login_may_finish_on_another_instance_sharing_the_cache(provider, tmp_path, user):
    shared = {"DEVPROVIDER_URL": provider.url, "TOKEN_CACHE_DIR": str(tmp_path / "shared"), "SECRET_KEY": "k" * 32}
    first, second = create_app(**shared).test_client(), create_app(**shared).test_client()
    redirect = first.get("/login")
    second.set_cookie("quickstart_session", first.get_cookie("quickstart_session").value)

    assert second.get(user.consent(redirect.location)).status_code == 302

    first.set_cookie("quickstart_session", second.get_cookie("quickstart_session").value)
    assert "Signed in as Alice Liddell" in first.get("/").get_data(as_text=True)  # the token is in the shared cache
    assert first.get("/api").status_code == 200


@pytest.fixture
def redis_url() -> Iterator[str]:
    """A throw-away redis-server on a free loopback port (skipped without the binary unless CI is set)."""
    for server in running_redis():
        yield server.url


def test_with_redis_url_tokens_and_login_state_live_in_redis(provider, redis_url, user):
    store = redis.Redis.from_url(redis_url)
    client = create_app(DEVPROVIDER_URL=provider.url, REDIS_URL=redis_url).test_client()
    redirect = client.get("/login")
    assert any(b"_state_oidc_" in key for key in store.keys("quickstart:*"))  # the library's login state

    assert client.get(user.consent(redirect.location)).status_code == 302
    assert len(store.keys("quickstart:token:oidc:*")) == 1
    assert client.get("/refresh").status_code == 200
    assert client.get("/api").status_code == 200
    store.close()
