"""``AuthlibSessionShim`` (authlib_session.py): what ``_get_oauth_client()`` returns to code written against
Authlib's internals, as flask-oidc calls it: introspection and ``ensure_active_token``."""

from __future__ import annotations

import threading
import time
from typing import Any

import pytest
import requests_mock
from flask import Flask

from flask_oauth_registry import MissingTokenError, OAuth, ProviderError
from tests.fakes.base import form_of
from tests.fakes.keys import rsa_key
from tests.fakes.manual import TOKEN_URL, expired_token, register_app
from tests.fakes.oidc import ISSUER, FakeOpenIDProvider
from tests.fakes.relying_party import make_relying_party

INTROSPECTION_URL = "https://prov.test/introspect"


@pytest.fixture
def oidc_provider(requests_mock: requests_mock.Mocker) -> FakeOpenIDProvider:
    provider = FakeOpenIDProvider(requests_mock, rsa_key("rsa-1"),
                                  metadata={"introspection_endpoint": ISSUER + "/introspect"})
    requests_mock.post(ISSUER + "/introspect", json={"active": True, "username": "ada"})
    return provider


def test_get_oauth_client_introspects_as_flask_oidc_does(oidc_provider: FakeOpenIDProvider) -> None:
    rp = make_relying_party()
    with rp.app.test_request_context():
        metadata = rp.oauth.prov.load_server_metadata()
        with rp.oauth.prov._get_oauth_client(**metadata) as session:
            response = session.introspect_token(metadata["introspection_endpoint"], token="raw-access-token")
    assert response.json() == {"active": True, "username": "ada"}
    assert form_of(oidc_provider.mocker.last_request) == {"token": "raw-access-token"}


def test_get_oauth_client_ensure_active_token_refreshes_once_and_calls_update_token(
    oidc_provider: FakeOpenIDProvider,
) -> None:
    updates: list[tuple[dict[str, Any], str | None]] = []
    rp = make_relying_party(update_token=lambda token, refresh_token=None, access_token=None: updates.append(
        (dict(token), refresh_token)))
    web = rp.app.test_client()
    token = rp.log_in(web, oidc_provider).get_json()
    token["expires_at"] = int(time.time()) - 10
    old_access_token = token["access_token"]
    with rp.app.test_request_context():
        metadata = rp.oauth.prov.load_server_metadata()
        with rp.oauth.prov._get_oauth_client(**metadata) as session:
            assert session.ensure_active_token(token) is True
            assert session.token is token
    assert token["access_token"] != old_access_token and token["expires_at"] > time.time()
    assert token["access_token"] == oidc_provider.access_tokens[-1]
    assert [(t["access_token"], rt) for t, rt in updates] == [(token["access_token"], token["refresh_token"])]


def test_ensure_active_token_keeps_a_live_token_without_asking_the_provider(
    app: Flask, oauth: OAuth, requests_mock: requests_mock.Mocker
) -> None:
    client = register_app(oauth)
    token = {"access_token": "at", "token_type": "Bearer", "expires_at": int(time.time()) + 3600}
    with app.test_request_context(), client._get_oauth_client() as session:
        assert session.ensure_active_token(token) is True
    assert requests_mock.request_history == []


def test_ensure_active_token_is_none_for_an_expired_token_that_cannot_be_renewed(
    app: Flask, oauth: OAuth, requests_mock: requests_mock.Mocker
) -> None:
    client = register_app(oauth)
    with app.test_request_context(), client._get_oauth_client() as session:
        assert session.ensure_active_token(expired_token(refresh_token=None)) is None  # flask-oidc tests `is None`


def test_ensure_active_token_refused_refresh_raises_the_providers_error(
    app: Flask, oauth: OAuth, requests_mock: requests_mock.Mocker
) -> None:
    requests_mock.post(TOKEN_URL, status_code=400, json={"error": "invalid_grant"})
    client = register_app(oauth)
    with app.test_request_context(), client._get_oauth_client() as session, pytest.raises(ProviderError) as caught:
        session.ensure_active_token(expired_token())
    assert caught.value.error == "invalid_grant"


def test_concurrent_ensure_active_token_calls_share_one_refresh(
    app: Flask, oauth: OAuth, requests_mock: requests_mock.Mocker
) -> None:
    def slow_token_endpoint(request: Any, context: Any) -> dict[str, Any]:
        time.sleep(0.2)
        return {"access_token": "new-at", "token_type": "Bearer", "expires_in": 3600}

    requests_mock.post(TOKEN_URL, json=slow_token_endpoint)
    client = register_app(oauth)
    tokens = [expired_token() for _ in range(4)]
    results: list[Any] = []

    def check(token: dict[str, Any]) -> None:
        with app.app_context(), client._get_oauth_client() as session:
            results.append(session.ensure_active_token(token))

    threads = [threading.Thread(target=check, args=(token,)) for token in tokens]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(10)
    assert results == [True] * 4
    assert len(requests_mock.request_history) == 1
    assert {token["access_token"] for token in tokens} == {"new-at"}


def test_get_oauth_client_offers_only_what_it_delegates(app: Flask, oauth: OAuth) -> None:
    client = register_app(oauth, introspection_endpoint=INTROSPECTION_URL)
    with app.app_context():
        session = client._get_oauth_client(extra="value")
        assert session.metadata["introspection_endpoint"] == INTROSPECTION_URL
        assert session.metadata["extra"] == "value"
        with pytest.raises(AttributeError, match="fetch_token"):
            session.fetch_token(TOKEN_URL)
        with pytest.raises(MissingTokenError):
            session.introspect_token(INTROSPECTION_URL)
