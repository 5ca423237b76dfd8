"""Pushed authorization requests (RFC 9126): the push, the short redirect, the provider's refusals."""

from __future__ import annotations

import base64
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest
import requests_mock as rm
from flask import Flask, jsonify

from flask_oauth_registry import ConfigurationError, OAuth, ProviderError
from tests.fakes.dpop import AUTHORIZE_URL, ORIGIN, PAR_URL, TOKEN_URL, DPoPServer

REDIRECT_URI = "https://client.test/cb"


def register(app: Flask, client_kwargs: dict[str, Any] | None = None, **settings: Any) -> Any:
    defaults: dict[str, Any] = {
        "client_id": "cid", "client_secret": "csecret", "authorize_url": AUTHORIZE_URL, "access_token_url": TOKEN_URL,
        "pushed_authorization_request_endpoint": PAR_URL, "client_kwargs": {"par": True, **(client_kwargs or {})},
    }
    return OAuth(app).register("prov", **{**defaults, **settings})


def query_of(url: str) -> dict[str, list[str]]:
    return parse_qs(urlsplit(url).query)


def test_the_redirect_carries_only_client_id_and_request_uri(app: Flask) -> None:
    client = register(app, scope="openid email")
    with rm.Mocker() as m, app.test_request_context("/"):
        server = DPoPServer(m)
        response = client.authorize_redirect(REDIRECT_URI)
        query = query_of(response.location)
        assert response.location.startswith(AUTHORIZE_URL + "?")
        assert set(query) == {"client_id", "request_uri"} and query["client_id"] == ["cid"]
        assert query["request_uri"][0].startswith("urn:ietf:params:oauth:request_uri:")
        pushed = server.pushed[0]
        assert pushed["redirect_uri"] == [REDIRECT_URI] and pushed["code_challenge_method"] == ["S256"]
        assert pushed["scope"] == ["openid email"] and pushed["nonce"] and pushed["state"]
        # the push is authenticated as a token request is
        assert base64.b64decode(m.last_request.headers["Authorization"].split()[1]) == b"cid:csecret"


def test_the_flow_state_is_saved_as_for_a_plain_redirect_and_the_login_completes(app: Flask) -> None:
    client = register(app)

    @app.get("/login")
    def login() -> Any:
        return client.authorize_redirect(REDIRECT_URI)

    @app.get("/cb")
    def callback() -> Any:
        return jsonify(client.authorize_access_token())

    browser = app.test_client()
    with rm.Mocker() as m:
        server = DPoPServer(m, token_type="Bearer")
        browser.get("/login")
        state = server.pushed[0]["state"][0]
        m.post(TOKEN_URL, json={"access_token": "at", "token_type": "Bearer"})
        token = browser.get(f"/cb?code=the-code&state={state}").get_json()
        sent = parse_qs(m.last_request.text)
    assert token["access_token"] == "at"
    assert sent["code_verifier"] and sent["redirect_uri"] == [REDIRECT_URI]


def test_create_authorization_url_pushes_and_save_authorize_data_keeps_the_state(app: Flask) -> None:
    client = register(app)
    with rm.Mocker() as m, app.test_request_context("/") as ctx:
        DPoPServer(m)
        result = client.create_authorization_url(REDIRECT_URI)
        assert set(query_of(result["url"])) == {"client_id", "request_uri"}
        client.save_authorize_data(redirect_uri=REDIRECT_URI, **result)
        assert any(result["state"] in key for key in ctx.session)


def test_a_provider_requiring_pushes_gets_them_without_the_setting(app: Flask) -> None:
    client = register(app, client_kwargs={"par": False}, require_pushed_authorization_requests=True)
    with rm.Mocker() as m, app.test_request_context("/"):
        server = DPoPServer(m)
        assert set(query_of(client.authorize_redirect(REDIRECT_URI).location)) == {"client_id", "request_uri"}
        assert len(server.pushed) == 1


def test_discovery_saying_pushes_are_required_is_obeyed(app: Flask) -> None:
    client = OAuth(app).register("prov", client_id="cid", client_secret="s",
                                 server_metadata_url=ORIGIN + "/.well-known/openid-configuration")
    with rm.Mocker() as m, app.test_request_context("/"):
        m.get(ORIGIN + "/.well-known/openid-configuration", json={
            "issuer": ORIGIN, "authorization_endpoint": AUTHORIZE_URL, "token_endpoint": TOKEN_URL,
            "pushed_authorization_request_endpoint": PAR_URL, "require_pushed_authorization_requests": True,
        })
        server = DPoPServer(m)
        assert set(query_of(client.authorize_redirect(REDIRECT_URI).location)) == {"client_id", "request_uri"}
        assert len(server.pushed) == 1


def test_without_par_the_redirect_is_the_plain_one(app: Flask) -> None:
    client = register(app, client_kwargs={"par": False})
    with rm.Mocker() as m, app.test_request_context("/"):
        query = query_of(client.authorize_redirect(REDIRECT_URI).location)
        assert "state" in query and "request_uri" not in query and m.call_count == 0


def test_a_refused_push_keeps_the_providers_code_and_saves_nothing(app: Flask) -> None:
    client = register(app)
    with rm.Mocker() as m, app.test_request_context("/") as ctx:
        m.post(PAR_URL, status_code=400, json={"error": "invalid_request", "error_description": "bad scope"})
        with pytest.raises(ProviderError) as raised:
            client.authorize_redirect(REDIRECT_URI)
        assert raised.value.error == "invalid_request" and raised.value.description == "bad scope"
        assert not [key for key in ctx.session if key.startswith("_state")]


def test_a_push_answer_without_request_uri_is_a_bad_response(app: Flask) -> None:
    client = register(app)
    with rm.Mocker() as m, app.test_request_context("/"):
        m.post(PAR_URL, status_code=201, json={"expires_in": 60})
        with pytest.raises(Exception, match="request_uri"):
            client.authorize_redirect(REDIRECT_URI)


def test_par_without_an_endpoint_names_the_missing_setting(app: Flask) -> None:
    client = register(app, pushed_authorization_request_endpoint=None)
    with app.test_request_context("/"), pytest.raises(ConfigurationError,
                                                        match="pushed_authorization_request_endpoint"):
        client.authorize_redirect(REDIRECT_URI)


def test_with_dpop_the_push_names_the_logins_key(app: Flask) -> None:
    client = register(app, client_kwargs={"dpop": True})
    with rm.Mocker() as m, app.test_request_context("/"):
        server = DPoPServer(m)
        client.authorize_redirect(REDIRECT_URI)
        assert len(server.pushed[0]["dpop_jkt"][0]) == 43  # a base64url SHA-256 thumbprint
