"""The stackexchange preset: ``key=`` and ``site=`` on every API call, ``expires`` read as ``expires_in``."""

from __future__ import annotations

from typing import Any

import pytest
from flask import Flask

from flask_oauth_registry import BadResponseError, ConfigurationError, OAuth
from flask_oauth_registry.providers.stackexchange import profile_to_claims
from tests.providers.recordings.stackexchange import ME

ME_URL = "https://api.stackexchange.com/2.3/me"
TOKEN_URL = "https://stackoverflow.com/oauth/access_token/json"
KEY = "sample-key(("


def test_a_me_user_maps_to_claims_with_the_network_account_as_sub() -> None:
    claims = profile_to_claims(ME["items"][0])
    assert claims["sub"] == 9876543 and claims["site_user_id"] == 1122334
    assert claims["profile"] == "https://stackoverflow.com/users/1122334/sample-asker"


def test_a_user_without_account_id_or_website_falls_back() -> None:
    claims = profile_to_claims({"user_id": 5, "display_name": "x", "website_url": ""})
    assert claims["sub"] == 5 and claims["website"] is None


def test_the_app_key_is_required(app: Flask) -> None:
    with pytest.raises(ConfigurationError, match="key="):
        OAuth(app).register("stackexchange", client_id="1234", client_secret="s")


def test_site_and_key_and_the_token_go_in_the_query_of_every_call(app: Flask, requests_mock: Any) -> None:
    requests_mock.get(ME_URL, json=ME)
    requests_mock.get("https://api.stackexchange.com/2.3/me/inbox", json={"items": []})
    client = OAuth(app).register("stackexchange", client_id="1234", client_secret="s", key=KEY)
    with app.app_context():
        assert client.userinfo(token={"access_token": "tok"})["sub"] == "9876543"
        client.get("me/inbox", token={"access_token": "tok"})
    for sent in requests_mock.request_history:
        assert sent.qs == {"site": ["stackoverflow"], "key": [KEY], "access_token": ["tok"]}
        assert "Authorization" not in sent.headers


def test_another_site_is_named_in_the_calls(app: Flask, requests_mock: Any) -> None:
    requests_mock.get(ME_URL, json=ME)
    client = OAuth(app).register("stackexchange", client_id="1234", client_secret="s", key=KEY, site="superuser")
    with app.app_context():
        client.userinfo(token={"access_token": "tok"})
    assert requests_mock.last_request.qs["site"] == ["superuser"]


def test_options_may_come_from_the_flask_config(app: Flask, requests_mock: Any) -> None:
    app.config.update(STACKEXCHANGE_KEY=KEY, STACKEXCHANGE_SITE="serverfault")
    requests_mock.get(ME_URL, json=ME)
    client = OAuth(app).register("stackexchange", client_id="1234", client_secret="s")
    with app.app_context():
        client.userinfo(token={"access_token": "tok"})
    assert requests_mock.last_request.qs["site"] == ["serverfault"]


def test_an_own_compliance_fix_still_runs(app: Flask, requests_mock: Any) -> None:
    def mine(session: Any) -> Any:
        session.register_compliance_hook("protected_request", lambda u, h, d: (u, {**(h or {}), "X-Mine": "1"}, d))
        return session

    requests_mock.get(ME_URL, json=ME)
    client = OAuth(app).register("stackexchange", client_id="1", client_secret="s", key=KEY, compliance_fix=mine)
    with app.app_context():
        client.userinfo(token={"access_token": "tok"})
    assert requests_mock.last_request.headers["X-Mine"] == "1" and requests_mock.last_request.qs["key"] == [KEY]


@pytest.mark.parametrize(
    ("body", "content_type"),
    [('{"access_token": "tok", "expires": 86400}', "application/json"),
     ("access_token=tok&expires=86400", "application/x-www-form-urlencoded")],
)
def test_expires_is_read_as_expires_in(app: Flask, requests_mock: Any, body: str, content_type: str) -> None:
    requests_mock.post(TOKEN_URL, text=body, headers={"Content-Type": content_type})
    client = OAuth(app).register("stackexchange", client_id="1234", client_secret="s", key=KEY)
    with app.app_context():
        token = client.fetch_access_token(redirect_uri="https://client.test/cb", code="x")
    assert int(token["expires_in"]) == 86400
    assert token["expires_at"] and "expires" not in token and token["token_type"] == "Bearer"
    assert "client_secret=s" in requests_mock.last_request.text


def test_a_user_with_no_account_on_the_site_is_a_bad_response(app: Flask, requests_mock: Any) -> None:
    requests_mock.get(ME_URL, json={"items": [], "has_more": False})
    client = OAuth(app).register("stackexchange", client_id="1234", client_secret="s", key=KEY)
    with app.app_context(), pytest.raises(BadResponseError):
        client.userinfo(token={"access_token": "tok"})
