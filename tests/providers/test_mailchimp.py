"""The mailchimp preset: the API base from the data centre, tokens that never expire, the metadata's OAuth scheme."""

from __future__ import annotations

from typing import Any

import pytest
from flask import Flask

from flask_oauth_registry import BadResponseError, OAuth
from flask_oauth_registry.providers.mailchimp import METADATA_URL, api_base_url_of, profile_to_claims, read_metadata
from tests.providers.recordings.mailchimp import ACCOUNT, METADATA

TOKEN_URL = "https://login.mailchimp.com/oauth2/token"


def test_the_api_base_is_built_from_the_data_centre() -> None:
    assert api_base_url_of(METADATA) == "https://us6.api.mailchimp.com/3.0/"


@pytest.mark.parametrize("dc", [None, "", "us6.evil.example", "evil.example/x", 6])
def test_a_missing_or_strange_data_centre_is_refused(dc: Any) -> None:
    with pytest.raises(BadResponseError, match="data centre"):
        api_base_url_of({"dc": dc, "api_endpoint": "https://evil.example"})


def test_the_api_endpoint_host_is_not_trusted_as_given() -> None:
    assert api_base_url_of({"dc": "us6", "api_endpoint": "https://evil.example"}).startswith("https://us6.api.")


def test_the_account_and_login_map_to_claims() -> None:
    claims = profile_to_claims({**ACCOUNT, "login": METADATA["login"]})
    assert claims["sub"] == "35792468" and claims["name"] == "Robin Baker"
    assert claims["email"] == "baker@example.com" and claims["picture"] == ACCOUNT["avatar_url"]


def test_the_login_alone_is_enough_for_claims() -> None:
    claims = profile_to_claims({"login": METADATA["login"]})
    assert claims["sub"] == 35792468 and claims["preferred_username"] == "samplebaker"
    assert claims["name"] == "samplebaker" and claims["picture"] is None


def test_a_token_that_never_expires_is_not_taken_as_expired(app: Flask, requests_mock: Any) -> None:
    requests_mock.post(TOKEN_URL, json={"access_token": "mc", "expires_in": 0, "scope": None})
    requests_mock.get(METADATA_URL, json=METADATA)
    requests_mock.get("https://us6.api.mailchimp.com/3.0/", json=ACCOUNT)
    client = OAuth(app).register("mailchimp", client_id="c", client_secret="s")
    with app.app_context():
        token = client.fetch_access_token(redirect_uri="https://client.test/cb", code="x")
        assert "expires_at" not in token and "expires_in" not in token and "scope" not in token
        assert client.userinfo(token=token)["sub"] == "35792468"
    assert [r.method for r in requests_mock.request_history] == ["POST", "GET", "GET"]


def test_the_metadata_call_uses_the_oauth_scheme_and_the_api_bearer(app: Flask, requests_mock: Any) -> None:
    requests_mock.get(METADATA_URL, json=METADATA)
    requests_mock.get("https://us6.api.mailchimp.com/3.0/", json=ACCOUNT)
    client = OAuth(app).register("mailchimp", client_id="c", client_secret="s")
    with app.app_context():
        client.userinfo(token={"access_token": "mc", "token_type": "Bearer"})
    metadata_call, account_call = requests_mock.request_history
    assert metadata_call.headers["Authorization"] == "OAuth mc"
    assert account_call.headers["Authorization"] == "Bearer mc"


def test_read_metadata_gives_the_document_for_own_api_calls(app: Flask, requests_mock: Any) -> None:
    requests_mock.get(METADATA_URL, json=METADATA)
    client = OAuth(app).register("mailchimp", client_id="c", client_secret="s")
    with app.app_context():
        assert api_base_url_of(read_metadata(client, token={"access_token": "mc"})).endswith("/3.0/")
