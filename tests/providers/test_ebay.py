"""The ebay preset: sandbox hosts, the "User Access Token" type, the scope on refresh, and the Identity API."""

from __future__ import annotations

import time
from typing import Any
from urllib.parse import parse_qsl, urlsplit

import pytest
from flask import Flask

from flask_oauth_registry import ConfigurationError, OAuth
from flask_oauth_registry.providers.ebay import SCOPE, profile_to_claims
from tests.providers.recordings.ebay import USER

RU_NAME = "Sample_Co-SampleAp-PRD-a1b2c3d4e-5f6a7b8c"
ANSWER = {"access_token": "v^1.1#t", "expires_in": 7200, "refresh_token": "v^1.1#r",
          "token_type": "User Access Token"}


def test_an_individual_account_maps_to_claims() -> None:
    claims = profile_to_claims(USER)
    assert claims == {"sub": "nY8sAmpLe9x", "name": "Pat Sampleton", "given_name": "Pat", "family_name": "Sampleton",
                      "preferred_username": "sample_seller", "email": "pat@example.com",
                      "profile": "https://www.ebay.com/usr/sample_seller"}


def test_a_business_account_gives_its_name_and_email() -> None:
    claims = profile_to_claims({"userId": "b1", "username": "shop", "accountType": "BUSINESS",
                                "businessAccount": {"name": "Sample Shop Ltd", "email": "shop@example.com"}})
    assert claims["name"] == "Sample Shop Ltd" and claims["email"] == "shop@example.com"
    assert claims["given_name"] is None


def test_without_the_name_and_email_scopes_only_the_ids_remain() -> None:
    claims = profile_to_claims({"userId": "u1", "username": "x", "individualAccount": None})
    assert claims["sub"] == "u1" and claims["name"] is None and claims["email"] is None


def test_sandbox_moves_every_endpoint(app: Flask, requests_mock: Any) -> None:
    client = OAuth(app).register("ebay", client_id="c", client_secret="s", sandbox=True)
    assert client.authorize_url == "https://auth.sandbox.ebay.com/oauth2/authorize"
    assert client.access_token_url == "https://api.sandbox.ebay.com/identity/v1/oauth2/token"
    assert client.api_base_url == "https://api.sandbox.ebay.com/"
    requests_mock.get("https://apiz.sandbox.ebay.com/commerce/identity/v1/user/", json=USER)
    with app.app_context():
        assert client.userinfo(token={"access_token": "t", "token_type": "Bearer"})["sub"] == "nY8sAmpLe9x"


def test_production_is_the_default_and_sandbox_must_be_a_boolean(app: Flask) -> None:
    assert OAuth(app).register("ebay", client_id="c", client_secret="s").api_base_url == "https://api.ebay.com/"
    with pytest.raises(ConfigurationError, match="sandbox"):
        OAuth(app).register("ebay", client_id="c", client_secret="s", sandbox="on")


def test_the_runame_is_the_redirect_uri_of_both_requests(app: Flask, requests_mock: Any) -> None:
    requests_mock.post("https://api.ebay.com/identity/v1/oauth2/token", json=ANSWER)
    client = OAuth(app).register("ebay", client_id="c", client_secret="s")
    with app.test_request_context("/"):
        url = client.create_authorization_url(RU_NAME)["url"]
        client.fetch_access_token(redirect_uri=RU_NAME, code="x")
    assert dict(parse_qsl(urlsplit(url).query))["redirect_uri"] == RU_NAME
    assert dict(parse_qsl(requests_mock.last_request.text))["redirect_uri"] == RU_NAME


def test_a_user_access_token_is_sent_as_bearer(app: Flask, requests_mock: Any) -> None:
    requests_mock.post("https://api.ebay.com/identity/v1/oauth2/token", json=ANSWER)
    requests_mock.get("https://apiz.ebay.com/commerce/identity/v1/user/", json=USER)
    client = OAuth(app).register("ebay", client_id="c", client_secret="s")
    with app.app_context():
        token = client.fetch_access_token(redirect_uri=RU_NAME, code="x")
        assert token["token_type"] == "Bearer"
        client.userinfo(token=token)
    assert requests_mock.last_request.headers["Authorization"] == "Bearer v^1.1#t"


def test_a_refresh_names_the_apps_scope(app: Flask, requests_mock: Any) -> None:
    requests_mock.post("https://api.ebay.com/identity/v1/oauth2/token", json={**ANSWER, "access_token": "new"})
    requests_mock.get("https://api.ebay.com/sell/account/v1/privilege", json={})
    client = OAuth(app).register("ebay", client_id="c", client_secret="s")
    expired = {**ANSWER, "token_type": "Bearer", "expires_at": int(time.time()) - 60}
    with app.app_context():
        client.get("sell/account/v1/privilege", token=expired)
    refresh = [r for r in requests_mock.request_history if r.method == "POST"][0]
    form = dict(parse_qsl(refresh.text))
    assert form["grant_type"] == "refresh_token" and form["scope"] == SCOPE


def test_an_own_scope_is_the_one_sent_on_refresh(app: Flask) -> None:
    mine = "https://api.ebay.com/oauth/api_scope/commerce.identity.readonly"
    client = OAuth(app).register("ebay", client_id="c", client_secret="s", client_kwargs={"scope": mine})
    assert client.config.refresh_token_params["scope"] == mine
