"""``OAuth1App``: OAuth 1.0a remote apps against oauthlib's own server endpoints (``tests.fakes.oauth1``)."""

from __future__ import annotations

import json
import warnings
from collections.abc import Iterator
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest
import requests_mock
from cachelib import SimpleCache
from flask import Flask, jsonify, redirect, url_for
from flask.testing import FlaskClient

from flask_oauth_registry import (
    BadResponseError,
    ConfigurationError,
    ConfigurationWarning,
    FlaskOAuth1App,
    InvalidCallbackError,
    MismatchingStateError,
    MissingRequestTokenError,
    MissingTokenError,
    OAuth,
    OAuthError,
    ProviderError,
)
from flask_oauth_registry.registry import flowstate
from tests.fakes.base import query_of
from tests.fakes.keys import rsa_key_pair
from tests.fakes.manual import register_app
from tests.fakes.oauth1 import FakeOAuth1Provider

KEY, SECRET = "clientkey", "client-secret-value"
CALLBACK = "http://client.test/callback"


@pytest.fixture
def provider() -> Iterator[FakeOAuth1Provider]:
    fake = FakeOAuth1Provider()
    fake.add_client(KEY, SECRET)
    with requests_mock.Mocker() as mocker:
        fake.install(mocker)
        yield fake


def add_routes(app: Flask, oauth: OAuth, name: str = "dev") -> None:
    @app.route("/login")
    def login() -> Any:
        return oauth.create_client(name).authorize_redirect(url_for("callback", _external=True))

    @app.route("/callback")
    def callback() -> Any:
        client = oauth.create_client(name)
        token = client.authorize_access_token()
        return jsonify(token=token, api=client.get("me").json())


def register(oauth: OAuth, provider: FakeOAuth1Provider, name: str = "dev", **kwargs: Any) -> Any:
    settings = {
        "client_id": KEY, "client_secret": SECRET, "request_token_url": provider.request_token_url,
        "authorize_url": provider.authorize_url, "access_token_url": provider.access_token_url,
        "api_base_url": provider.api_base_url, **kwargs,
    }
    return oauth.register(name, **settings)


@pytest.fixture
def web(app: Flask, oauth: OAuth, provider: FakeOAuth1Provider) -> FlaskClient:
    add_routes(app, oauth)
    return app.test_client()


def start_login(web: FlaskClient) -> str:
    """GET /login; return the authorization URL the browser is sent to."""
    response = web.get("/login")
    assert response.status_code == 302
    return response.headers["Location"]


def login(web: FlaskClient, provider: FakeOAuth1Provider) -> dict[str, Any]:
    return web.get(provider.approve(start_login(web))).get_json()


# -- a whole login, every signature method and placement --------------------------------
SIGNATURE_METHODS = ["HMAC-SHA1", "HMAC-SHA256", "HMAC-SHA512", "RSA-SHA1", "RSA-SHA256", "RSA-SHA512", "PLAINTEXT"]


@pytest.mark.parametrize("method", SIGNATURE_METHODS)
def test_login_and_signed_api_call_with_each_signature_method(
    oauth: OAuth, web: FlaskClient, provider: FakeOAuth1Provider, method: str
) -> None:
    kwargs: dict[str, Any] = {"signature_method": method}
    if method.startswith("RSA"):
        private, public = rsa_key_pair()
        provider.add_client("rsaclient", rsa_public_key=public)
        kwargs["rsa_key"] = private
        register(oauth, provider, client_id="rsaclient", client_secret=None, client_kwargs=kwargs)
    else:
        register(oauth, provider, client_kwargs=kwargs)
    authorize_url = start_login(web)
    assert authorize_url.startswith(provider.authorize_url + "?oauth_token=")
    result = web.get(provider.approve(authorize_url, user="bob")).get_json()
    token = result["token"]
    assert token["oauth_token"] in provider.validator.tokens
    assert token["oauth_token_secret"] == provider.validator.tokens[token["oauth_token"]].secret
    assert result["api"] == {"user": "bob", "method": "GET", "path": "/api/me"}
    signed = provider.mocker.request_history[0].headers["Authorization"].decode()  # requests-oauthlib sends bytes
    assert f'oauth_signature_method="{method}"' in signed
    assert 'oauth_callback="http%3A%2F%2Fclient.test%2Fcallback"' in signed


def test_signature_in_the_query(oauth: OAuth, web: FlaskClient, provider: FakeOAuth1Provider) -> None:
    register(oauth, provider, client_kwargs={"signature_type": "QUERY"})
    assert login(web, provider)["api"]["user"] == "alice"
    for seen in provider.mocker.request_history:
        assert "Authorization" not in seen.headers
        assert "oauth_signature" in query_of(seen.url)


def test_signature_in_the_body(app: Flask, oauth: OAuth, provider: FakeOAuth1Provider) -> None:
    client = register(oauth, provider, client_kwargs={"signature_type": "BODY"})
    with app.test_request_context("/"):
        request_token = client.create_authorization_url(CALLBACK)["request_token"]
        verifier = query_of(provider.approve(provider.authorize_url + "?oauth_token=" + request_token["oauth_token"]))
        token = client.fetch_access_token(request_token, oauth_verifier=verifier["oauth_verifier"])
        posted = client.post("statuses", data={"status": "hello"}, token=token)
        fetched = client.get("me", token=token)  # no form body on a GET: signed in the query
    assert posted.json() == {"user": "alice", "method": "POST", "path": "/api/statuses"}
    assert fetched.json()["user"] == "alice"
    post_history = [r for r in provider.mocker.request_history if r.method == "POST"]
    assert all("oauth_signature=" in r.text and "Authorization" not in r.headers for r in post_history)
    assert "oauth_signature" in query_of(provider.mocker.request_history[-1].url)


# -- the provider really checks signatures ------------------------------------------------
def test_wrong_client_secret_is_refused_at_the_request_token_endpoint(
    oauth: OAuth, web: FlaskClient, provider: FakeOAuth1Provider
) -> None:
    register(oauth, provider, client_secret="not-the-secret")
    with pytest.raises(ProviderError) as caught:
        web.get("/login")
    assert caught.value.error == "fetch_token_denied"
    assert caught.value.status_code == 401
    assert "not-the-secret" not in str(caught.value)


def test_api_call_with_a_wrong_token_secret_is_refused(
    app: Flask, oauth: OAuth, web: FlaskClient, provider: FakeOAuth1Provider
) -> None:
    client = register(oauth, provider)
    token = login(web, provider)["token"]
    with app.test_request_context("/"):
        assert client.get("me", token=token).status_code == 200
        forged = {**token, "oauth_token_secret": "guessed"}
        assert client.get("me", token=forged).status_code == 401


# -- callbacks that must fail -------------------------------------------------------------
def test_callback_with_replayed_token_is_rejected(
    oauth: OAuth, web: FlaskClient, provider: FakeOAuth1Provider
) -> None:
    register(oauth, provider)
    callback = provider.approve(start_login(web))
    assert web.get(callback).status_code == 200
    with pytest.raises(MismatchingStateError) as caught:
        web.get(callback)
    assert caught.value.error == "mismatching_state"


def test_denied_callback_is_access_denied_and_forgets_the_flow(
    app: Flask, oauth: OAuth, web: FlaskClient, provider: FakeOAuth1Provider
) -> None:
    register(oauth, provider)
    raised: list[OAuthError] = []

    @app.errorhandler(OAuthError)
    def refused(error: OAuthError) -> Any:  # an error page: the session is still saved
        raised.append(error)
        return error.error, 400

    temporary = query_of(start_login(web))["oauth_token"]
    with web.session_transaction() as session:
        assert any(temporary in key for key in session)
    assert web.get(f"/callback?denied={temporary}").status_code == 400
    assert isinstance(raised[0], ProviderError) and raised[0].error == "access_denied"
    with web.session_transaction() as session:
        assert not any(temporary in key for key in session)


@pytest.mark.parametrize("query", ["oauth_token=unknown-token&oauth_verifier=v", "oauth_verifier=v"])
def test_callback_with_unknown_or_missing_token_is_rejected(
    oauth: OAuth, web: FlaskClient, provider: FakeOAuth1Provider, query: str
) -> None:
    register(oauth, provider)
    start_login(web)
    with pytest.raises(MismatchingStateError):
        web.get(f"/callback?{query}")


def test_callback_without_verifier_is_missing_verifier(
    oauth: OAuth, web: FlaskClient, provider: FakeOAuth1Provider
) -> None:
    register(oauth, provider)
    temporary = query_of(start_login(web))["oauth_token"]
    with pytest.raises(InvalidCallbackError) as caught:
        web.get(f"/callback?oauth_token={temporary}")
    assert caught.value.error == "missing_verifier"
    assert not any(r.url.startswith(provider.access_token_url) for r in provider.mocker.request_history)


def test_only_the_newest_eight_logins_stay_pending(
    oauth: OAuth, web: FlaskClient, provider: FakeOAuth1Provider, monkeypatch: pytest.MonkeyPatch
) -> None:
    clock = iter(range(1_900_000_000, 1_900_001_000))  # one second between logins
    monkeypatch.setattr(flowstate, "time", SimpleNamespace(time=lambda: next(clock)))
    register(oauth, provider)
    authorize_urls = [start_login(web) for _ in range(9)]
    with pytest.raises(MismatchingStateError):
        web.get(provider.approve(authorize_urls[0]))
    assert web.get(provider.approve(authorize_urls[-1])).status_code == 200


# -- where temporary credentials live -----------------------------------------------------
def session_cookie(app: Flask, web: FlaskClient) -> dict[str, Any]:
    cookie = web.get_cookie(app.config["SESSION_COOKIE_NAME"], domain="client.test")
    assert cookie is not None
    return app.session_interface.get_signing_serializer(app).loads(cookie.value)  # type: ignore[attr-defined]


def test_with_a_cache_the_temporary_secret_stays_out_of_the_cookie(
    app: Flask, provider: FakeOAuth1Provider
) -> None:
    cache = SimpleCache()
    oauth = OAuth(app, cache=cache)
    register(oauth, provider)
    add_routes(app, oauth)
    web = app.test_client()
    temporary = query_of(start_login(web))["oauth_token"]
    secret = provider.validator.temporary[temporary].secret
    cookie = session_cookie(app, web)
    assert secret not in repr(cookie)
    assert cookie[f"_state_dev_{temporary}"].keys() == {"exp", "n"}
    assert cache.get(f"flask-oauth-registry:_state_dev_{temporary}")["request_token"]["oauth_token_secret"] == secret
    assert web.get(provider.approve(provider.authorize_url + "?oauth_token=" + temporary)).status_code == 200
    assert cache.get(f"flask-oauth-registry:_state_dev_{temporary}") is None


def test_without_a_cache_the_temporary_credentials_are_in_the_session(
    app: Flask, oauth: OAuth, web: FlaskClient, provider: FakeOAuth1Provider
) -> None:
    register(oauth, provider)
    temporary = query_of(start_login(web))["oauth_token"]
    stored = session_cookie(app, web)[f"_state_dev_{temporary}"]["data"]["request_token"]
    assert stored == {"oauth_token": temporary, "oauth_token_secret": provider.validator.temporary[temporary].secret}


# -- settings -----------------------------------------------------------------------------
def test_request_and_access_token_params_config_keys_are_request_keywords(
    app: Flask, oauth: OAuth, web: FlaskClient, provider: FakeOAuth1Provider
) -> None:
    app.config["DEV_REQUEST_TOKEN_PARAMS"] = {"params": {"x_auth_access_type": "read"}}
    app.config["DEV_ACCESS_TOKEN_PARAMS"] = {"headers": {"X-Trace": "on"}}
    register(oauth, provider)
    login(web, provider)
    request_token_call, access_token_call = provider.mocker.request_history[:2]
    assert query_of(request_token_call.url) == {"x_auth_access_type": "read"}  # signed with it, and accepted
    assert access_token_call.headers["X-Trace"] in ("on", b"on")  # requests-oauthlib may re-encode headers


def test_token_params_that_are_not_request_keywords_fail_naming_the_key(
    oauth: OAuth, provider: FakeOAuth1Provider
) -> None:
    with pytest.raises(ConfigurationError, match="DEV_REQUEST_TOKEN_PARAMS.*x_auth_access_type"):
        register(oauth, provider, request_token_params={"x_auth_access_type": "read"})


def test_rsa_signature_without_a_key_fails_at_register(oauth: OAuth, provider: FakeOAuth1Provider) -> None:
    with pytest.raises(ConfigurationError, match="rsa_key"):
        register(oauth, provider, client_kwargs={"signature_method": "RSA-SHA256"})


@pytest.mark.parametrize(
    ("missing", "message"),
    [
        ("client_id", r"'dev' has no client key: set DEV_CLIENT_ID \(or pass client_id= to register\(\)"),
        ("access_token_url",
         r"'dev' has no access-token endpoint: set DEV_ACCESS_TOKEN_URL \(or pass access_token_url= to register\(\)"),
    ],
)
def test_token_exchange_without_a_needed_setting_fails_naming_its_config_key(
    oauth: OAuth, provider: FakeOAuth1Provider, missing: str, message: str
) -> None:
    client = register(oauth, provider, **{missing: None})
    with pytest.raises(ConfigurationError, match=message):
        client.fetch_access_token({"oauth_token": "temporary", "oauth_token_secret": "s"}, oauth_verifier="v")
    assert not provider.mocker.request_history  # type: ignore[attr-defined]


def test_login_without_an_authorization_endpoint_fails_naming_its_config_key(
    oauth: OAuth, provider: FakeOAuth1Provider
) -> None:
    client = register(oauth, provider, authorize_url=None)
    with pytest.raises(ConfigurationError, match=r"'dev' has no authorization endpoint: set DEV_AUTHORIZE_URL"):
        client.create_authorization_url(CALLBACK)


def test_rsa_key_may_be_a_file_path(
    oauth: OAuth, web: FlaskClient, provider: FakeOAuth1Provider, tmp_path: Path
) -> None:
    private, public = rsa_key_pair()
    (tmp_path / "key.pem").write_text(private)
    provider.add_client("rsaclient", rsa_public_key=public)
    register(oauth, provider, client_id="rsaclient",
             client_kwargs={"signature_method": "RSA-SHA1", "rsa_key": str(tmp_path / "key.pem")})
    assert login(web, provider)["api"]["user"] == "alice"


def test_every_call_uses_the_configured_timeout(
    app: Flask, oauth: OAuth, web: FlaskClient, provider: FakeOAuth1Provider
) -> None:
    client = register(oauth, provider, client_kwargs={"timeout": (2, 7)})
    token = login(web, provider)["token"]
    assert [r.timeout for r in provider.mocker.request_history] == [(2, 7)] * 3
    with app.test_request_context("/"):
        client.get("me", token=token, timeout=1)
    assert provider.mocker.request_history[-1].timeout == 1


# -- provider answers that are not credentials --------------------------------------------
@pytest.mark.parametrize(
    ("status", "body", "error"),
    [
        (500, "oops", BadResponseError),
        (200, "<html>maintenance</html>", BadResponseError),
        (200, "oauth_token=only-the-token", BadResponseError),
        (401, "error=invalid_client&error_description=unknown+client", ProviderError),
        (401, '{"errors": [{"code": 32, "message": "Could not authenticate you."}]}', ProviderError),
    ],
)
def test_broken_access_token_answers_are_oauth_errors(
    oauth: OAuth, web: FlaskClient, provider: FakeOAuth1Provider, status: int, body: str, error: type
) -> None:
    register(oauth, provider)
    callback = provider.approve(start_login(web))
    provider.mocker.post(provider.access_token_url, status_code=status, text=body)
    with pytest.raises(error) as caught:
        web.get(callback)
    assert isinstance(caught.value, OAuthError)
    assert SECRET not in str(caught.value) and "only-the-token" not in str(caught.value)


@pytest.mark.parametrize(
    ("status", "body"),
    [(503, "down"), (200, "not a form at all"), (200, "oauth_token=t&oauth_token_secret=s")],  # last: 1.0, not 1.0a
)
def test_broken_request_token_answers_are_bad_responses(
    oauth: OAuth, web: FlaskClient, provider: FakeOAuth1Provider, status: int, body: str
) -> None:
    register(oauth, provider)
    provider.mocker.post(provider.request_token_url, status_code=status, text=body)
    with pytest.raises(BadResponseError):
        web.get("/login")


def test_access_token_refusal_is_the_providers_error_with_its_code_and_description(
    oauth: OAuth, web: FlaskClient, provider: FakeOAuth1Provider
) -> None:
    register(oauth, provider)
    callback = provider.approve(start_login(web))
    provider.fail_next("access_token", "invalid_verifier", "The verifier has expired", status=401)
    with pytest.raises(ProviderError) as caught:
        web.get(callback)
    assert (caught.value.error, caught.value.description, caught.value.status_code) == (
        "invalid_verifier", "The verifier has expired", 401,
    )
    assert len(provider.sent("access_token")) == 1


# -- API calls ----------------------------------------------------------------------------
def test_api_calls_use_the_token_on_g_fetch_token_or_none(
    app: Flask, oauth: OAuth, web: FlaskClient, provider: FakeOAuth1Provider
) -> None:
    register(oauth, provider)
    token = login(web, provider)["token"]
    register(oauth, provider, name="stored", fetch_token=lambda: token)
    with app.test_request_context("/"):
        assert oauth.stored.put("me").json()["method"] == "PUT"
        with pytest.raises(MissingTokenError):
            oauth.dev.get("me")
        assert oauth.dev.delete("me", withhold_token=True).status_code == 401
        with pytest.raises(ConfigurationError, match="userinfo"):
            oauth.dev.userinfo()  # OAuth 1.0a has no userinfo endpoint; presets bring a mapping
    assert "Authorization" not in provider.mocker.request_history[-1].headers


def test_authlib_style_manual_flow(app: Flask, oauth: OAuth, web: FlaskClient, provider: FakeOAuth1Provider) -> None:
    client = register(oauth, provider)
    assert isinstance(client, FlaskOAuth1App) and client.request_token_url == provider.request_token_url

    @app.route("/manual-login")
    def manual_login() -> Any:
        result = client.create_authorization_url(CALLBACK)
        assert set(result) == {"url", "state", "request_token"}
        client.save_authorize_data(redirect_uri=CALLBACK, **result)
        return redirect(result["url"])

    callback = provider.approve(web.get("/manual-login").headers["Location"])
    token = web.get(callback).get_json()["token"]
    assert set(token) >= {"oauth_token", "oauth_token_secret"}
    issued = provider.validator.tokens[token["oauth_token"]]
    assert (issued.secret, issued.user) == (token["oauth_token_secret"], "alice")
    with app.test_request_context("/"), pytest.raises(MissingRequestTokenError):
        client.fetch_access_token()


# -- Authlib 0.x's request-token hooks: fetch_request_token / save_request_token -------------------


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


def register_with_hooks(oauth: OAuth, provider: FakeOAuth1Provider, store: RequestTokenStore) -> Any:
    """``dev`` keeping its temporary credentials in ``store`` through the hooks, not in the session."""
    return register(oauth, provider, fetch_request_token=store.fetch_request_token,
                    save_request_token=store.save_request_token)


def add_answering_routes(app: Flask, oauth: OAuth, name: str = "prov") -> None:
    @app.route("/login")
    def login() -> Any:
        return oauth.create_client(name).authorize_redirect(url_for("callback", _external=True))

    @app.route("/callback")
    def callback() -> Any:
        try:
            return jsonify(oauth.create_client(name).authorize_access_token())
        except OAuthError as exc:
            return jsonify(error=exc.error, type=type(exc).__name__), 400


def test_save_and_fetch_request_token_hold_the_temporary_credentials_instead_of_the_session(
    app: Flask, oauth: OAuth, provider: FakeOAuth1Provider
) -> None:
    store = RequestTokenStore()
    with warnings.catch_warnings():
        warnings.simplefilter("error", ConfigurationWarning)
        register_with_hooks(oauth, provider, store)
    add_answering_routes(app, oauth, "dev")
    web = app.test_client()
    authorize_url = web.get("/login").headers["Location"]
    temporary = query_of(authorize_url)["oauth_token"]
    secret = provider.validator.temporary[temporary].secret
    assert [(t["oauth_token"], t["oauth_token_secret"]) for t in store.saved] == [(temporary, secret)]
    assert secret not in json.dumps(session_cookie(app, web))
    answer = web.get(provider.approve(authorize_url))
    assert answer.status_code == 200, answer.get_json()
    assert answer.get_json()["oauth_token"] in provider.validator.tokens
    assert store.fetches == 1


@pytest.mark.parametrize(("answer", "error"), [
    ({"oauth_token": "another-login", "oauth_token_secret": "s"}, MismatchingStateError),
    (None, MissingRequestTokenError),
])
def test_fetch_request_token_must_return_this_callbacks_credentials(
    app: Flask, oauth: OAuth, provider: FakeOAuth1Provider, answer: Any, error: type[OAuthError]
) -> None:
    store = RequestTokenStore()
    register_with_hooks(oauth, provider, store)
    add_answering_routes(app, oauth, "dev")
    web = app.test_client()
    callback = provider.approve(web.get("/login").headers["Location"])
    store.saved.clear()
    store.answer = answer
    result = web.get(callback)
    assert (result.status_code, result.get_json()["type"]) == (400, error.__name__)


def test_request_token_hooks_go_together(oauth: OAuth, provider: FakeOAuth1Provider) -> None:
    store = RequestTokenStore()
    with pytest.raises(ConfigurationError, match="fetch_request_token and save_request_token go together"):
        oauth.register("dev", request_token_url=provider.request_token_url,
                       save_request_token=store.save_request_token)


def test_request_token_hooks_on_an_oauth2_app_fail_naming_them(oauth: OAuth) -> None:
    store = RequestTokenStore()
    with pytest.raises(ConfigurationError, match="fetch_request_token and save_request_token store OAuth 1.0a"):
        register_app(oauth, fetch_request_token=store.fetch_request_token,
                        save_request_token=store.save_request_token)
