"""Authlib behaviours that existing code relies on, beyond the documented API.

init_app's callbacks on the registry, parse_id_token without an ID token,
``client_cls``, Authlib 0.x's request-token hooks, requests-oauthlib's compliance
fixes, token introspection and the ``_get_oauth_client()`` session flask-oidc uses.
"""

from __future__ import annotations

import json
import threading
import time
import warnings
from collections.abc import Iterator
from typing import Any
from urllib.parse import parse_qs

import pytest
import requests
import requests_mock
from cachelib import SimpleCache
from flask import Flask, jsonify, url_for
from requests_oauthlib.compliance_fixes import (
    ebay_compliance_fix,
    facebook_compliance_fix,
    fitbit_compliance_fix,
    mailchimp_compliance_fix,
    slack_compliance_fix,
    weibo_compliance_fix,
)

from flask_oauth_registry import (
    BadResponseError,
    ConfigurationError,
    ConfigurationWarning,
    FlaskOAuth1App,
    FlaskOAuth2App,
    MismatchingStateError,
    MissingRequestTokenError,
    MissingTokenError,
    OAuth,
    OAuthError,
    ProviderError,
    RemoteApp,
    UnsupportedTokenTypeError,
)
from flask_oauth_registry.registry.http import ProviderSession

from .oauth1_provider import FakeOAuth1Provider, query_of
from .oidc_fixtures import ISSUER, FakeOpenIDProvider, RelyingParty, make_relying_party, rsa_key

AUTHORIZE_URL = "https://provider.test/authorize"
TOKEN_URL = "https://provider.test/token"
INTROSPECTION_URL = "https://provider.test/introspect"
API = "https://api.provider.test/"


def form_of(request: Any) -> dict[str, str]:
    return {k: v[0] for k, v in parse_qs(request.text or "").items()}


def register_oauth2(oauth: OAuth, name: str = "prov", **kwargs: Any) -> Any:
    settings: dict[str, Any] = {
        "client_id": "cid", "client_secret": "csecret", "authorize_url": AUTHORIZE_URL,
        "access_token_url": TOKEN_URL, "api_base_url": API, **kwargs,
    }
    return oauth.register(name, **settings)


def add_login_routes(app: Flask, oauth: OAuth, name: str = "prov") -> None:
    @app.route("/login")
    def login() -> Any:
        return oauth.create_client(name).authorize_redirect(url_for("callback", _external=True))

    @app.route("/callback")
    def callback() -> Any:
        try:
            return jsonify(oauth.create_client(name).authorize_access_token())
        except OAuthError as exc:
            return jsonify(error=exc.error, type=type(exc).__name__), 400


def log_in(app: Flask) -> Any:
    web = app.test_client()
    location = web.get("/login").headers["Location"]
    return web.get("/callback", query_string={"code": "the-code", "state": query_of(location)["state"]})


def expired_token(**members: Any) -> dict[str, Any]:
    return {"access_token": "old-at", "token_type": "Bearer", "refresh_token": "rt-1",
            "expires_at": int(time.time()) - 10, **members}


# -- init_app ---------------------------------------------------------------------------------
def test_init_app_sets_cache_and_token_callbacks_on_the_registry() -> None:
    cache, fetch, update = SimpleCache(), (lambda name: None), (lambda name, token, **kw: None)
    oauth = OAuth()
    oauth.init_app(Flask("one"), cache=cache, fetch_token=fetch, update_token=update)
    assert (oauth.cache, oauth.fetch_token, oauth.update_token) == (cache, fetch, update)
    oauth.init_app(Flask("two"))
    assert (oauth.cache, oauth.fetch_token, oauth.update_token) == (cache, fetch, update)


def test_apps_initialised_with_different_callbacks_keep_their_own() -> None:
    oauth = OAuth()
    one, two = Flask("one"), Flask("two")
    oauth.init_app(one, fetch_token=lambda name: {"access_token": f"one-{name}"})
    oauth.init_app(two, fetch_token=lambda name: {"access_token": f"two-{name}"})
    oauth.register("api", api_base_url=API)
    with one.app_context():
        assert oauth.api.token == {"access_token": "one-api"}
    with two.app_context():
        assert oauth.api.token == {"access_token": "two-api"}


# -- parse_id_token ---------------------------------------------------------------------------
def test_parse_id_token_without_id_token_returns_none(rp: RelyingParty, provider: FakeOpenIDProvider) -> None:
    with rp.app.test_request_context():
        assert rp.oauth.prov.parse_id_token({"access_token": "at", "token_type": "Bearer"}, nonce="n") is None


def test_openid_login_whose_token_has_no_id_token_is_refused(
    rp: RelyingParty, provider: FakeOpenIDProvider
) -> None:
    provider.token_answer = (200, "application/json", json.dumps({"access_token": "at", "token_type": "Bearer"}))
    web = rp.app.test_client()
    answer = web.get("/callback-handled", query_string=rp.start_login(web, provider))
    assert answer.status_code == 400
    assert answer.get_json()["error"] == "token_invalid"
    assert rp.tokens == []


# -- client_cls -------------------------------------------------------------------------------
class ProfileApp(FlaskOAuth2App):
    OAUTH_APP_CONFIG = {"api_base_url": API, "client_kwargs": {"scope": "profile"}}

    def profile(self, **kwargs: Any) -> Any:
        return self.get("me", **kwargs).json()


def test_client_cls_builds_the_client_with_its_own_methods_and_defaults(
    app: Flask, oauth: OAuth, requests_mock: requests_mock.Mocker
) -> None:
    requests_mock.get(API + "me", json={"id": 7})
    with warnings.catch_warnings():
        warnings.simplefilter("error", ConfigurationWarning)
        client = oauth.register("prov", client_cls=ProfileApp, client_id="cid", access_token_url=TOKEN_URL)
    assert type(client) is ProfileApp
    assert (client.api_base_url, client.client_kwargs["scope"]) == (API, "profile")
    with app.test_request_context():
        assert client.profile(token={"access_token": "at", "token_type": "Bearer"}) == {"id": 7}
    assert requests_mock.last_request.headers["Authorization"] == "Bearer at"


@pytest.mark.parametrize("client_cls", [requests.Session, RemoteApp, "flask_oauth_registry.FlaskOAuth2App", len])
def test_client_cls_that_is_not_an_app_class_fails_naming_client_cls(oauth: OAuth, client_cls: Any) -> None:
    with pytest.raises(ConfigurationError, match="client_cls"):
        register_oauth2(oauth, client_cls=client_cls)


def test_client_cls_of_the_other_protocol_fails_naming_client_cls(oauth: OAuth) -> None:
    with pytest.raises(ConfigurationError, match="client_cls OAuth1App does not fit"):
        register_oauth2(oauth, client_cls=FlaskOAuth1App)
    with pytest.raises(ConfigurationError, match="client_cls ProfileApp does not fit"):
        register_oauth2(oauth, client_cls=ProfileApp, request_token_url="https://provider.test/request_token")


# -- OAuth 1.0a: fetch_request_token / save_request_token ---------------------------------------
KEY, SECRET = "clientkey", "client-secret-value"


@pytest.fixture
def oauth1_provider() -> Iterator[FakeOAuth1Provider]:
    fake = FakeOAuth1Provider()
    fake.add_client(KEY, SECRET)
    with requests_mock.Mocker() as mocker:
        fake.install(mocker)
        yield fake


class RequestTokenStore:
    """What an app keeps temporary credentials in with Authlib 0.x's hooks (a database row, say)."""

    def __init__(self) -> None:
        self.saved: list[dict[str, Any]] = []
        self.answer: Any = "the saved one"
        self.fetches = 0

    def save_request_token(self, token: dict[str, Any]) -> None:
        self.saved.append(token)

    def fetch_request_token(self) -> Any:
        self.fetches += 1
        return self.saved[-1] if self.answer == "the saved one" else self.answer


def register_oauth1(oauth: OAuth, provider: FakeOAuth1Provider, store: RequestTokenStore) -> Any:
    return oauth.register(
        "dev", client_id=KEY, client_secret=SECRET, request_token_url=provider.request_token_url,
        authorize_url=provider.authorize_url, access_token_url=provider.access_token_url,
        api_base_url=provider.api_base_url,
        fetch_request_token=store.fetch_request_token, save_request_token=store.save_request_token,
    )


def session_of(app: Flask, web: Any) -> dict[str, Any]:
    cookie = web.get_cookie(app.config["SESSION_COOKIE_NAME"], domain="client.test")
    return dict(app.session_interface.get_signing_serializer(app).loads(cookie.value))  # type: ignore[attr-defined]


def test_save_and_fetch_request_token_hold_the_temporary_credentials_instead_of_the_session(
    app: Flask, oauth: OAuth, oauth1_provider: FakeOAuth1Provider
) -> None:
    store = RequestTokenStore()
    with warnings.catch_warnings():
        warnings.simplefilter("error", ConfigurationWarning)
        register_oauth1(oauth, oauth1_provider, store)
    add_login_routes(app, oauth, "dev")
    web = app.test_client()
    authorize_url = web.get("/login").headers["Location"]
    temporary = query_of(authorize_url)["oauth_token"]
    secret = oauth1_provider.validator.temporary[temporary].secret
    assert [(t["oauth_token"], t["oauth_token_secret"]) for t in store.saved] == [(temporary, secret)]
    assert secret not in json.dumps(session_of(app, web))
    answer = web.get(oauth1_provider.approve(authorize_url))
    assert answer.status_code == 200, answer.get_json()
    assert answer.get_json()["oauth_token"] in oauth1_provider.validator.tokens
    assert store.fetches == 1


@pytest.mark.parametrize(("answer", "error"), [
    ({"oauth_token": "another-login", "oauth_token_secret": "s"}, MismatchingStateError),
    (None, MissingRequestTokenError),
])
def test_fetch_request_token_must_return_this_callbacks_credentials(
    app: Flask, oauth: OAuth, oauth1_provider: FakeOAuth1Provider, answer: Any, error: type[OAuthError]
) -> None:
    store = RequestTokenStore()
    register_oauth1(oauth, oauth1_provider, store)
    add_login_routes(app, oauth, "dev")
    web = app.test_client()
    callback = oauth1_provider.approve(web.get("/login").headers["Location"])
    store.saved.clear()
    store.answer = answer
    result = web.get(callback)
    assert (result.status_code, result.get_json()["type"]) == (400, error.__name__)


def test_request_token_hooks_go_together(oauth: OAuth, oauth1_provider: FakeOAuth1Provider) -> None:
    store = RequestTokenStore()
    with pytest.raises(ConfigurationError, match="fetch_request_token and save_request_token go together"):
        oauth.register("dev", request_token_url=oauth1_provider.request_token_url,
                       save_request_token=store.save_request_token)


def test_request_token_hooks_on_an_oauth2_app_fail_naming_them(oauth: OAuth) -> None:
    store = RequestTokenStore()
    with pytest.raises(ConfigurationError, match="fetch_request_token and save_request_token store OAuth 1.0a"):
        register_oauth2(oauth, fetch_request_token=store.fetch_request_token,
                        save_request_token=store.save_request_token)


# -- compliance_fix: requests-oauthlib's fixes --------------------------------------------------
def test_facebook_compliance_fix_reads_its_form_encoded_token_with_expires(
    app: Flask, oauth: OAuth, requests_mock: requests_mock.Mocker
) -> None:
    requests_mock.post(TOKEN_URL, text="access_token=fb-token&expires=5183999",
                       headers={"Content-Type": "text/plain; charset=UTF-8"})
    register_oauth2(oauth, compliance_fix=facebook_compliance_fix)
    add_login_routes(app, oauth)
    token = log_in(app).get_json()
    assert (token["access_token"], token["token_type"], token["expires_in"]) == ("fb-token", "Bearer", "5183999")
    assert abs(token["expires_at"] - (time.time() + 5183999)) < 60


def test_slack_compliance_fix_puts_the_calls_token_in_the_request_body(
    app: Flask, oauth: OAuth, requests_mock: requests_mock.Mocker
) -> None:
    requests_mock.post(API + "chat.postMessage", json={"ok": True})
    client = register_oauth2(oauth, compliance_fix=slack_compliance_fix)
    with app.test_request_context():
        client.post("chat.postMessage", data={"channel": "C1"}, token={"access_token": "xoxp-1"})
        assert form_of(requests_mock.last_request) == {"channel": "C1", "token": "xoxp-1"}
        client.post("chat.postMessage", token={"access_token": "xoxp-2"})
        assert form_of(requests_mock.last_request) == {"token": "xoxp-2"}
    assert isinstance(client.session, ProviderSession)
    assert client.session.access_token is None  # only while the call's hooks run


def test_ebay_compliance_fix_runs_on_the_refresh_answer(
    app: Flask, oauth: OAuth, requests_mock: requests_mock.Mocker
) -> None:
    requests_mock.post(TOKEN_URL, json={"access_token": "new-at", "token_type": "User Access Token",
                                        "expires_in": 7200})
    requests_mock.get(API + "me", json={"ok": True})
    plain, fixed = register_oauth2(oauth, "plain"), register_oauth2(oauth, "fixed", compliance_fix=ebay_compliance_fix)
    with app.test_request_context():
        with pytest.raises(UnsupportedTokenTypeError):
            plain.get("me", token=expired_token())
        fixed.get("me", token=expired_token())
    assert requests_mock.last_request.headers["Authorization"] == "Bearer new-at"


def test_mailchimp_compliance_fix_runs_on_the_client_credentials_answer(
    app: Flask, oauth: OAuth, requests_mock: requests_mock.Mocker
) -> None:
    requests_mock.post(TOKEN_URL, json={"access_token": "mc", "token_type": "Bearer", "expires_in": 0, "scope": None})
    client = oauth.register("mc", client_id="cid", client_secret="cs", access_token_url=TOKEN_URL,
                            compliance_fix=mailchimp_compliance_fix)
    with app.app_context():
        token = client.fetch_access_token()
    assert token["expires_in"] == 3600 and "scope" not in token
    assert form_of(requests_mock.last_request)["grant_type"] == "client_credentials"


def test_request_hooks_change_token_and_refresh_requests_with_requests_oauthlibs_arguments(
    app: Flask, oauth: OAuth, requests_mock: requests_mock.Mocker
) -> None:
    seen: dict[str, Any] = {}

    def access_token_request(url: str, headers: dict[str, str], request_kwargs: dict[str, Any]) -> Any:
        seen["access"] = dict(request_kwargs["data"])
        request_kwargs["data"]["extra"] = "a"
        return url, {**headers, "X-Fix": "access"}, request_kwargs

    def refresh_token_request(url: str, headers: dict[str, str], body: str) -> Any:
        seen["refresh"] = body
        return url + "?refresh=1", {**headers, "X-Fix": "refresh"}, body + "&extra=r"

    def fix(session: Any) -> Any:
        session.register_compliance_hook("access_token_request", access_token_request)
        session.register_compliance_hook("refresh_token_request", refresh_token_request)
        return session

    requests_mock.post(TOKEN_URL, json={"access_token": "at", "token_type": "Bearer", "expires_in": 60})
    requests_mock.get(API + "me", json={})
    register_oauth2(oauth, compliance_fix=fix)
    add_login_routes(app, oauth)
    log_in(app)
    exchange = requests_mock.request_history[-1]
    assert seen["access"]["code"] == "the-code" and form_of(exchange)["extra"] == "a"
    assert exchange.headers["X-Fix"] == "access"
    with app.test_request_context():
        oauth.prov.get("me", token=expired_token())
    refresh = requests_mock.request_history[-2]
    assert isinstance(seen["refresh"], str) and "grant_type=refresh_token" in seen["refresh"]
    assert (refresh.qs, refresh.headers["X-Fix"], form_of(refresh)["extra"]) == ({"refresh": ["1"]}, "refresh", "r")


def test_registering_an_unknown_hook_type_fails_naming_it(oauth: OAuth) -> None:
    def fix(session: Any) -> Any:
        session.register_compliance_hook("access_token_reply", lambda r: r)

    with pytest.raises(ConfigurationError, match="'access_token_reply'") as caught:
        register_oauth2(oauth, compliance_fix=fix)
    assert isinstance(caught.value, ValueError)  # what requests-oauthlib raises


def test_fix_that_needs_requests_oauthlibs_internals_fails_naming_them(oauth: OAuth) -> None:
    with pytest.raises(ConfigurationError, match="weibo_compliance_fix uses the attribute '_client'"):
        register_oauth2(oauth, compliance_fix=weibo_compliance_fix)


def test_response_hook_failing_on_the_answer_is_a_bad_response(
    app: Flask, oauth: OAuth, requests_mock: requests_mock.Mocker
) -> None:
    requests_mock.post(TOKEN_URL, status_code=502, text="<html>Bad gateway</html>",
                       headers={"Content-Type": "text/html"})
    register_oauth2(oauth, compliance_fix=fitbit_compliance_fix)
    add_login_routes(app, oauth)
    assert log_in(app).get_json()["type"] == BadResponseError.__name__


# -- token introspection (RFC 7662) ---------------------------------------------------------------
def test_introspect_token_asks_the_introspection_endpoint_with_client_authentication(
    app: Flask, oauth: OAuth, requests_mock: requests_mock.Mocker
) -> None:
    requests_mock.post(INTROSPECTION_URL, json={"active": True, "sub": "u-1", "scope": "read"})
    client = register_oauth2(oauth, introspection_endpoint=INTROSPECTION_URL)
    with app.app_context():
        answer = client.introspect_token({"access_token": "at-1", "refresh_token": "rt-1"}, "refresh_token")
    assert answer == {"active": True, "sub": "u-1", "scope": "read"}
    sent = requests_mock.last_request
    assert form_of(sent) == {"token": "rt-1", "token_type_hint": "refresh_token"}
    assert sent.headers["Authorization"].startswith("Basic ")


@pytest.mark.parametrize(("status", "body", "error"), [
    (401, {"error": "invalid_client"}, ProviderError),
    (500, "oops", ProviderError),
    (200, {"active": "yes"}, BadResponseError),
    (200, ["active"], BadResponseError),
])
def test_introspect_token_refusals_and_malformed_answers_are_oauth_errors(
    app: Flask, oauth: OAuth, requests_mock: requests_mock.Mocker, status: int, body: Any, error: type[OAuthError]
) -> None:
    requests_mock.post(INTROSPECTION_URL, status_code=status, text=json.dumps(body))
    client = register_oauth2(oauth, introspection_endpoint=INTROSPECTION_URL)
    with app.app_context(), pytest.raises(error) as caught:
        client.introspect_token("at-1")
    if isinstance(body, dict) and "error" in body:
        assert caught.value.error == "invalid_client"


def test_introspect_token_without_an_endpoint_names_what_to_set(app: Flask, oauth: OAuth) -> None:
    client = register_oauth2(oauth)
    with app.app_context(), pytest.raises(ConfigurationError, match="introspection_endpoint"):
        client.introspect_token("at-1")


# -- _get_oauth_client(): what flask-oidc calls ------------------------------------------------------
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
    assert form_of(oidc_provider.requests_mock.last_request) == {"token": "raw-access-token"}


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
    client = register_oauth2(oauth)
    token = {"access_token": "at", "token_type": "Bearer", "expires_at": int(time.time()) + 3600}
    with app.test_request_context(), client._get_oauth_client() as session:
        assert session.ensure_active_token(token) is True
    assert requests_mock.request_history == []


def test_ensure_active_token_is_none_for_an_expired_token_that_cannot_be_renewed(
    app: Flask, oauth: OAuth, requests_mock: requests_mock.Mocker
) -> None:
    client = register_oauth2(oauth)
    with app.test_request_context(), client._get_oauth_client() as session:
        assert session.ensure_active_token(expired_token(refresh_token=None)) is None  # flask-oidc tests `is None`


def test_ensure_active_token_refused_refresh_raises_the_providers_error(
    app: Flask, oauth: OAuth, requests_mock: requests_mock.Mocker
) -> None:
    requests_mock.post(TOKEN_URL, status_code=400, json={"error": "invalid_grant"})
    client = register_oauth2(oauth)
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
    client = register_oauth2(oauth)
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
    client = register_oauth2(oauth, introspection_endpoint=INTROSPECTION_URL)
    with app.app_context():
        session = client._get_oauth_client(extra="value")
        assert session.metadata["introspection_endpoint"] == INTROSPECTION_URL
        assert session.metadata["extra"] == "value"
        with pytest.raises(AttributeError, match="fetch_token"):
            session.fetch_token(TOKEN_URL)
        with pytest.raises(MissingTokenError):
            session.introspect_token(INTROSPECTION_URL)
