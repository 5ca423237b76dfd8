"""``@oauth.<name>.required``: log the user in (with every scope the view needs) and bring them back."""

from __future__ import annotations

import time
from typing import Any

import pytest
from flask import Flask

from flask_oauth_registry import ConfigurationError, OAuth, token_update
from tests.fakes.base import query_of
from tests.fakes.oidc import CLIENT_ID, CLIENT_SECRET, DISCOVERY_URL, USERINFO_ENDPOINT
from tests.views.support import APP_SCOPE, Browser, CountingStorage, GrantingProvider, make_app, register_prov

DRIVE = "https://www.googleapis.com/auth/drive.readonly"
CALENDAR = "https://www.googleapis.com/auth/calendar"


def add_views(app: Flask, client: Any) -> None:
    """``/home`` needs a login, ``/drive`` the drive scope, ``/calendar`` the calendar scope."""

    @app.route("/home")
    @client.required
    def home() -> str:
        return "home for " + str(client.user_id)

    @app.route("/drive")
    @client.required(scopes=[DRIVE])
    def drive() -> str:
        return "drive"

    @app.route("/calendar")
    @client.required(scopes=[CALENDAR])
    def calendar() -> str:
        return "calendar"


@pytest.fixture
def google(app: Flask, oauth: OAuth) -> Any:
    """The ``google`` preset (incremental authorization), pointed at the fake provider."""
    client = oauth.register(
        "google", client_id=CLIENT_ID, client_secret=CLIENT_SECRET, server_metadata_url=DISCOVERY_URL
    )
    add_views(app, client)
    return client


def test_a_user_without_a_token_logs_in_and_comes_back_to_the_url_asked_for(
    app: Flask, oauth: OAuth, browser: Browser
) -> None:
    add_views(app, oauth.prov)
    start = browser.web.get("/home?tab=2&x=%2F")
    assert start.status_code == 302
    assert query_of(start.headers["Location"])["redirect_uri"] == "http://client.test/oauth/callback/prov"
    back = browser.consent(start)
    assert back.headers["Location"] == "/home?tab=2&x=%2F"
    assert browser.web.get(back.headers["Location"]).get_data(as_text=True) == "home for user-248289761001"


def test_a_user_with_a_stored_token_gets_the_view(provider: GrantingProvider, storage: CountingStorage) -> None:
    app, oauth = make_app(storage=storage, user_id=lambda: "u-1", routes=True)
    client = register_prov(oauth)
    add_views(app, client)
    storage.set("prov", "u-1", {"access_token": "a", "token_type": "Bearer", "scope": APP_SCOPE,
                                "userinfo": {"sub": "stored-sub"}})
    assert app.test_client().get("/home").get_data(as_text=True) == "home for stored-sub"


def test_with_the_session_storage_the_view_gets_the_token_the_check_saw(provider: GrantingProvider) -> None:
    app, oauth = make_app(routes=True)  # SessionStorage: required checks the session's token without copying it
    client = register_prov(oauth)
    add_views(app, client)

    @app.route("/change")
    @client.required
    def change() -> str:
        client.credentials["access_token"] = "changed in the view"
        client.credentials["userinfo"]["sub"] = "changed too"
        return f"{client.credentials['access_token']} for {client.user_id}"

    browser = Browser(app.test_client(), provider)
    assert browser.web.get("/home").status_code == 302
    browser.log_in()
    assert browser.web.get("/home").get_data(as_text=True) == "home for user-248289761001"
    assert browser.web.get("/change").get_data(as_text=True) == "changed in the view for changed too"
    # The view changed its copy, not the session's token.
    assert browser.web.get("/home").get_data(as_text=True) == "home for user-248289761001"
    assert browser.web.get("/drive").status_code == 302  # a scope the token lacks


def test_an_explicit_fetch_token_still_decides_for_required(provider: GrantingProvider) -> None:
    seen: list[str] = []

    def fetch_token(name: str) -> dict[str, Any]:
        seen.append(name)
        return {"access_token": "from-callback", "token_type": "Bearer", "scope": APP_SCOPE,
                "userinfo": {"sub": "callback-sub"}}

    app, oauth = make_app(routes=True, fetch_token=fetch_token)  # with the session storage
    add_views(app, register_prov(oauth))
    assert app.test_client().get("/home").get_data(as_text=True) == "home for callback-sub"
    assert seen == ["prov"]  # read once: the check's token is kept on g for the view


def test_more_scopes_are_asked_with_the_earlier_ones_and_incremental_authorization(
    google: Any, browser: Browser, storage: CountingStorage
) -> None:
    first = browser.web.get("/drive")
    first_query = query_of(first.headers["Location"])
    assert first_query["scope"] == f"{APP_SCOPE} {DRIVE}"
    assert first_query["include_granted_scopes"] == "true"
    browser.consent(first, "google")
    assert browser.web.get("/drive").get_data(as_text=True) == "drive"

    more = browser.web.get("/calendar")
    assert more.status_code == 302
    more_query = query_of(more.headers["Location"])
    assert more_query["scope"] == f"{APP_SCOPE} {DRIVE} {CALENDAR}"
    assert more_query["include_granted_scopes"] == "true"
    assert browser.consent(more, "google").headers["Location"] == "/calendar"
    assert set(storage.only_token("google")["scope"].split()) == {*APP_SCOPE.split(), DRIVE, CALENDAR}
    assert browser.web.get("/calendar").get_data(as_text=True) == "calendar"
    assert browser.web.get("/drive").get_data(as_text=True) == "drive"


def test_a_provider_without_incremental_authorization_gets_no_include_granted_scopes(
    app: Flask, oauth: OAuth, browser: Browser
) -> None:
    add_views(app, oauth.prov)
    query = query_of(browser.web.get("/drive").headers["Location"])
    assert query["scope"] == f"{APP_SCOPE} {DRIVE}"
    assert "include_granted_scopes" not in query


def test_scopes_the_provider_did_not_grant_are_not_trusted(
    app: Flask, google: Any, browser: Browser, provider: GrantingProvider, storage: CountingStorage
) -> None:
    app.config["OAUTH_ERROR_PAGE"] = True
    provider.refused = {DRIVE}
    answer = browser.consent(browser.web.get("/drive"), "google")
    assert answer.status_code == 403
    assert "insufficient_scope" in answer.get_data(as_text=True)
    assert storage.only_token("google")["scope"] == APP_SCOPE
    assert browser.web.get("/drive").status_code == 302  # asks again, the user decides


def test_without_scope_in_the_answer_the_requested_scopes_are_recorded(
    google: Any, browser: Browser, provider: GrantingProvider, storage: CountingStorage
) -> None:
    provider.omit_scope = True
    browser.consent(browser.web.get("/drive"), "google")
    assert storage.only_token("google")["scope"] == f"{APP_SCOPE} {DRIVE}"
    assert browser.web.get("/drive").status_code == 200


def test_the_scopes_of_a_required_view_never_come_from_the_query(
    app: Flask, oauth: OAuth, browser: Browser
) -> None:
    add_views(app, oauth.prov)
    hostile = browser.web.get("/drive?scope=admin&scopes=admin&include_granted_scopes=false")
    query = query_of(hostile.headers["Location"])
    assert query["scope"] == f"{APP_SCOPE} {DRIVE}"
    assert "include_granted_scopes" not in query


def test_an_expired_token_without_refresh_token_logs_the_user_in_again(
    provider: GrantingProvider, storage: CountingStorage
) -> None:
    app, oauth = make_app(storage=storage, user_id=lambda: "u-1", routes=True)
    add_views(app, register_prov(oauth))
    storage.set("prov", "u-1", {"access_token": "a", "token_type": "Bearer", "expires_at": int(time.time()) - 5})
    assert app.test_client().get("/home").status_code == 302


def test_a_refresh_inside_a_required_view_is_written_through_the_storage_once(
    provider: GrantingProvider, storage: CountingStorage
) -> None:
    app, oauth = make_app(storage=storage, user_id=lambda: "u-1", routes=True)
    client = register_prov(oauth)
    provider.refresh_tokens.add("refresh-1")
    storage.set("prov", "u-1", {"access_token": "expired", "token_type": "Bearer", "refresh_token": "refresh-1",
                                "expires_at": int(time.time()) - 5, "scope": APP_SCOPE})
    storage.writes.clear()
    updates: list[Any] = []

    @app.route("/profile")
    @client.required
    def profile() -> str:
        statuses = [client.get(USERINFO_ENDPOINT).status_code, client.get(USERINFO_ENDPOINT).status_code]
        statuses.append(client.authorized_session().get(USERINFO_ENDPOINT).status_code)
        return ",".join(map(str, statuses))

    with token_update.connected_to(lambda sender, **kw: updates.append(sender)):
        assert app.test_client().get("/profile").get_data(as_text=True) == "200,200,200"
    assert updates == [app]
    [(name, user, token)] = storage.writes
    assert (name, user, token["access_token"]) == ("prov", "u-1", provider.access_tokens[-1])
    assert token["refresh_token"] == "refresh-1" and token["scope"] == APP_SCOPE
    assert len([r for r in provider.token_requests if "refresh_token" in r.text]) == 1


def test_required_without_the_ready_routes_is_a_configuration_error(
    provider: GrantingProvider, storage: CountingStorage
) -> None:
    app, oauth = make_app(storage=storage)
    add_views(app, register_prov(oauth))
    with pytest.raises(ConfigurationError, match="routes=True"):
        app.test_client().get("/home")


def test_views_declared_before_init_app_name_their_remote_app(
    provider: GrantingProvider, storage: CountingStorage
) -> None:
    oauth = OAuth()
    register_prov(oauth)

    def drive() -> str:
        return "drive"

    guarded = oauth.required("prov", scopes=[DRIVE])(drive)
    app = Flask(__name__)
    app.config.update(SECRET_KEY="k", SERVER_NAME="client.test")
    oauth.init_app(app, storage=storage, routes=True)
    app.add_url_rule("/drive", view_func=guarded)
    browser = Browser(app.test_client(), provider)
    start = browser.web.get("/drive")
    assert query_of(start.headers["Location"])["scope"] == f"{APP_SCOPE} {DRIVE}"
    assert browser.consent(start).headers["Location"] == "/drive"
    assert browser.web.get("/drive").get_data(as_text=True) == "drive"

