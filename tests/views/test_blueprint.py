"""The ready routes: ``oauth.login``, ``oauth.callback`` and ``oauth.logout``, and what a query string cannot change."""

from __future__ import annotations

from typing import Any

import pytest
from flask import Flask, url_for

from flask_oauth_registry import OAuth
from flask_oauth_registry.views import make_blueprint
from tests.fakes.base import form_of, query_of
from tests.fakes.oidc import AUTHORIZATION_ENDPOINT, CLIENT_ID, END_SESSION_ENDPOINT, TOKEN_ENDPOINT, FakeOpenIDProvider
from tests.views.support import APP_SCOPE, Browser, CountingStorage, register_prov

CALLBACK = "http://client.test/oauth/callback/prov"
# Values of the authorization URL that are fresh for each login.
_PER_LOGIN = ("state", "nonce", "code_challenge")


def stable_query(location: str) -> dict[str, str]:
    return {k: v for k, v in query_of(location).items() if k not in _PER_LOGIN}


def test_login_redirects_to_the_provider_with_the_callback_route_as_redirect_uri(browser: Browser) -> None:
    response = browser.web.get("/oauth/login/prov")
    assert response.status_code == 302
    assert response.headers["Location"].startswith(AUTHORIZATION_ENDPOINT + "?")
    assert stable_query(response.headers["Location"]) == {
        "response_type": "code", "client_id": CLIENT_ID, "redirect_uri": CALLBACK, "scope": APP_SCOPE,
        "code_challenge_method": "S256",
    }


def test_callback_stores_the_token_for_the_user_and_redirects_to_next(
    browser: Browser, storage: CountingStorage, provider: FakeOpenIDProvider
) -> None:
    response = browser.log_in(next_path="/account?tab=2")
    assert (response.status_code, response.headers["Location"]) == (302, "/account?tab=2")
    [(name, user, token)] = storage.writes
    assert name == "prov" and user.startswith("session:")
    assert token["access_token"] == provider.access_tokens[-1]
    assert token["userinfo"]["sub"] == "user-248289761001"
    assert token["scope"] == APP_SCOPE


def test_callback_without_next_goes_to_the_root(browser: Browser) -> None:
    assert browser.log_in().headers["Location"] == "/"


@pytest.mark.parametrize(
    "hostile_next", ["https://evil.example/", "//evil.example/", "/\\evil.example", "/%2f%2fevil.example"]
)
def test_next_that_leaves_the_site_ends_at_the_root(browser: Browser, hostile_next: str) -> None:
    assert browser.log_in(next_path=hostile_next).headers["Location"] == "/"


def test_next_travels_in_the_server_side_flow_state_not_in_the_url_or_a_cookie(browser: Browser) -> None:
    response = browser.web.get("/oauth/login/prov", query_string={"next": "/secret-place-4711"})
    assert "secret-place-4711" not in response.headers["Location"]
    assert [cookie.split("=")[0] for cookie in response.headers.getlist("Set-Cookie")] == ["session"]
    assert browser.consent(response).headers["Location"] == "/secret-place-4711"


@pytest.mark.parametrize(
    "param",
    ["redirect_uri", "client_id", "scope", "response_type", "auth_uri", "token_uri", "authorize_url",
     "access_token_url", "server_metadata_url", "code_challenge_method", "prompt", "state"],
)
def test_hostile_query_parameters_on_login_change_nothing(
    browser: Browser, provider: FakeOpenIDProvider, param: str
) -> None:
    baseline = stable_query(browser.web.get("/oauth/login/prov").headers["Location"])
    response = browser.web.get("/oauth/login/prov", query_string={param: "https://evil.example/x"})
    assert response.headers["Location"].startswith(AUTHORIZATION_ENDPOINT + "?")
    assert stable_query(response.headers["Location"]) == baseline
    assert query_of(response.headers["Location"])["state"] != "https://evil.example/x"
    assert browser.consent(response).status_code == 302
    [token_request] = provider.token_requests
    assert token_request.url == TOKEN_ENDPOINT
    assert form_of(token_request)["redirect_uri"] == CALLBACK


def test_hostile_query_parameters_on_the_callback_do_not_reach_the_token_request(
    browser: Browser, provider: FakeOpenIDProvider, requests_mock: Any
) -> None:
    evil = requests_mock.post("https://evil.example/token", json={"access_token": "stolen"})
    callback = provider.authorize(browser.web.get("/oauth/login/prov").headers["Location"])
    hostile = {"redirect_uri": "https://evil.example/cb", "token_uri": "https://evil.example/token",
               "client_id": "other", "next": "https://evil.example/"}
    response = browser.web.get("/oauth/callback/prov", query_string={**callback, **hostile})
    assert (response.status_code, response.headers["Location"]) == (302, "/")
    assert not evil.called
    assert form_of(provider.token_requests[0])["redirect_uri"] == CALLBACK


@pytest.mark.parametrize("route", ["login", "callback", "logout"])
def test_unknown_names_are_404(browser: Browser, route: str) -> None:
    assert browser.web.get(f"/oauth/{route}/nobody").status_code == 404


def test_form_post_callback_is_accepted(browser: Browser, storage: CountingStorage) -> None:
    start = browser.web.get("/oauth/login/prov", query_string={"next": "/posted"})
    callback = browser.provider.authorize(start.headers["Location"])
    response = browser.web.post("/oauth/callback/prov", data=callback)
    assert (response.status_code, response.headers["Location"]) == (302, "/posted")
    assert len(storage.writes) == 1


def test_logout_forgets_the_token_and_ends_the_provider_session(
    browser: Browser, storage: CountingStorage, provider: FakeOpenIDProvider
) -> None:
    browser.log_in()
    response = browser.web.get("/oauth/logout/prov", query_string={"next": "/bye"})
    assert storage.tokens == {} and len(storage.deletes) == 1
    assert response.headers["Location"].startswith(END_SESSION_ENDPOINT + "?")
    query = query_of(response.headers["Location"])
    assert query["post_logout_redirect_uri"] == "http://client.test/bye"
    assert query["id_token_hint"] == provider.id_tokens[-1]


def test_logout_without_an_end_session_endpoint_just_forgets_the_token(
    browser: Browser, storage: CountingStorage, provider: FakeOpenIDProvider
) -> None:
    provider.metadata.pop("end_session_endpoint")
    browser.log_in()
    response = browser.web.post("/oauth/logout/prov", data={"next": "https://evil.example/"})
    assert (response.status_code, response.headers["Location"]) == (302, "/")
    assert storage.tokens == {}


def test_the_blueprint_can_be_mounted_under_another_prefix(
    storage: CountingStorage, provider: FakeOpenIDProvider
) -> None:
    app = Flask(__name__)
    app.config.update(SECRET_KEY="k", SERVER_NAME="client.test")
    oauth = OAuth(app, storage=storage)
    register_prov(oauth)
    app.register_blueprint(oauth.blueprint(url_prefix="/auth"))
    web = app.test_client()
    response = web.get("/auth/login/prov")
    assert query_of(response.headers["Location"])["redirect_uri"] == "http://client.test/auth/callback/prov"
    callback = provider.authorize(response.headers["Location"])
    assert web.get("/auth/callback/prov", query_string=callback).status_code == 302
    with app.test_request_context():
        assert url_for("oauth.logout", name="prov") == "/auth/logout/prov"


def test_routes_may_name_their_prefix(storage: CountingStorage) -> None:
    app = Flask(__name__)
    OAuth(app, storage=storage, routes="/connect")
    with app.test_request_context():
        assert url_for("oauth.login", name="x", next="/a") == "/connect/login/x?next=/a"
        assert url_for("oauth.callback", name="x") == "/connect/callback/x"


def test_init_app_takes_the_same_keywords(storage: CountingStorage) -> None:
    oauth = OAuth()
    app = Flask(__name__)
    oauth.init_app(app, storage=storage, user_id=lambda: "7", routes=True)
    assert (oauth.storage, oauth.user_id()) == (storage, "7")
    assert {rule.endpoint for rule in app.url_map.iter_rules()} >= {"oauth.login", "oauth.callback", "oauth.logout"}


def test_make_blueprint_is_named_oauth() -> None:
    assert make_blueprint().name == "oauth"
