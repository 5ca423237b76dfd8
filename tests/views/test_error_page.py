"""The default error page: an uncaught ``OAuthError`` is a small escaped HTML page with a fitting status, not a 500."""

from __future__ import annotations

import pytest
from flask import Flask

from flask_oauth_registry import (
    BadResponseError,
    ConfigurationError,
    ConnectionFailedError,
    InvalidCallbackError,
    InvalidIdTokenError,
    InvalidTokenError,
    IssuerMismatchError,
    MismatchingStateError,
    MissingTokenError,
    OAuth,
    OAuthError,
    ProviderError,
    RequestTimeoutError,
    StorageError,
)
from flask_oauth_registry.views import error_status
from tests.views.support import Browser

STATUSES = [
    ("mismatching-state", MismatchingStateError(description="replayed"), 400),
    ("invalid-callback", InvalidCallbackError(description="no code"), 400),
    ("access-denied", ProviderError(error="access_denied"), 400),
    ("invalid-grant", ProviderError(error="invalid_grant", status_code=400), 400),
    ("invalid-token", InvalidTokenError(description="bad"), 400),
    ("invalid-id-token", InvalidIdTokenError(description="bad", check="iss"), 400),
    ("missing-token", MissingTokenError(), 400),
    ("insufficient-scope", ProviderError(error="insufficient_scope"), 403),
    ("provider-server-error", ProviderError(error="server_error"), 502),
    ("provider-5xx", ProviderError(error="whatever", status_code=503), 502),
    ("timeout", RequestTimeoutError(), 502),
    ("connection", ConnectionFailedError(), 502),
    ("bad-response", BadResponseError(), 502),
    ("issuer-mismatch", IssuerMismatchError(), 502),
    ("storage", StorageError(), 503),
    ("configuration", ConfigurationError(description="set GOOGLE_CLIENT_ID"), 503),
]


@pytest.mark.parametrize(("error", "status"), [case[1:] for case in STATUSES], ids=[case[0] for case in STATUSES])
def test_each_error_gets_its_status(error: OAuthError, status: int) -> None:
    assert error_status(error) == status


def raising_app(app: Flask, error: OAuthError) -> Flask:
    @app.route("/fails")
    def fails() -> str:
        raise error

    return app


@pytest.fixture
def page_app(app: Flask) -> Flask:
    """The shared app, with the page shown although the app is in testing mode."""
    app.config["OAUTH_ERROR_PAGE"] = True
    return app


@pytest.mark.parametrize(("error", "status"), [case[1:] for case in STATUSES], ids=[case[0] for case in STATUSES])
def test_an_uncaught_error_in_a_view_is_a_page_not_a_500(
    page_app: Flask, oauth: OAuth, error: OAuthError, status: int
) -> None:
    response = raising_app(page_app, error).test_client().get("/fails")
    assert response.status_code == status
    assert response.mimetype == "text/html"
    assert response.headers["Cache-Control"] == "no-store"
    assert f"<code>{error.error}</code>" in response.get_data(as_text=True)
    assert "Traceback" not in response.get_data(as_text=True)


def test_the_code_and_description_are_html_escaped(page_app: Flask, oauth: OAuth) -> None:
    error = ProviderError(error="<b>bad</b>", description='<script>alert("x")</script> & more')
    body = raising_app(page_app, error).test_client().get("/fails").get_data(as_text=True)
    assert "<script>" not in body and "<b>" not in body
    assert "&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt; &amp; more" in body
    assert "&lt;b&gt;bad&lt;/b&gt;" in body


def test_a_replayed_callback_is_a_400_page_without_token_code_or_secret(page_app: Flask, browser: Browser) -> None:
    browser.log_in()
    token = browser.provider.access_tokens[-1]
    start = browser.web.get("/oauth/login/prov")
    callback = browser.provider.authorize(start.headers["Location"])
    browser.web.get("/oauth/callback/prov", query_string=callback)
    replayed = browser.web.get("/oauth/callback/prov", query_string=callback)
    assert replayed.status_code == 400
    body = replayed.get_data(as_text=True)
    assert "mismatching_state" in body
    assert token not in body and callback["code"] not in body and "rp-client-secret" not in body


def test_access_denied_at_the_callback_is_a_400_page(page_app: Flask, browser: Browser) -> None:
    state = browser.provider.authorize(browser.web.get("/oauth/login/prov").headers["Location"])["state"]
    denied = browser.web.get("/oauth/callback/prov", query_string={
        "error": "access_denied", "error_description": "The user said <no>", "state": state,
    })
    assert denied.status_code == 400
    assert "access_denied" in denied.get_data(as_text=True)
    assert "The user said &lt;no&gt;" in denied.get_data(as_text=True)


@pytest.mark.parametrize("when", ["before-init-app", "after-init-app", "for-a-subclass"])
def test_the_apps_own_handler_wins(app: Flask, when: str) -> None:
    app.config["OAUTH_ERROR_PAGE"] = True
    handled = MismatchingStateError if when == "for-a-subclass" else OAuthError

    def own(error: OAuthError) -> tuple[str, int]:
        return "own page", 418

    if when == "before-init-app":
        app.register_error_handler(handled, own)
    OAuth(app)
    if when != "before-init-app":
        app.register_error_handler(handled, own)
    response = raising_app(app, MismatchingStateError()).test_client().get("/fails")
    assert (response.status_code, response.get_data(as_text=True)) == (418, "own page")


def test_oauth_error_page_false_lets_the_error_propagate(app: Flask) -> None:
    app.config.update(OAUTH_ERROR_PAGE=False, PROPAGATE_EXCEPTIONS=False)
    OAuth(app)
    response = raising_app(app, MismatchingStateError()).test_client().get("/fails")
    assert response.status_code == 500


def test_oauth_error_page_false_set_after_init_app_still_propagates(app: Flask) -> None:
    OAuth(app)
    app.config["OAUTH_ERROR_PAGE"] = False
    with pytest.raises(MismatchingStateError):
        raising_app(app, MismatchingStateError()).test_client().get("/fails")


def test_where_flask_propagates_exceptions_the_error_propagates_unless_the_page_is_asked_for(app: Flask) -> None:
    OAuth(app)
    client = raising_app(app, MismatchingStateError()).test_client()
    with pytest.raises(MismatchingStateError):
        client.get("/fails")  # TESTING: as Flask does with any uncaught exception
    app.config["PROPAGATE_EXCEPTIONS"] = False
    assert client.get("/fails").status_code == 400


def test_ready_routes_answer_a_forged_callback_with_the_page_even_in_testing_mode(app: Flask, browser: Browser) -> None:
    assert app.testing
    response = browser.web.get("/oauth/callback/prov", query_string={"code": "c", "state": "forged"})
    assert response.status_code == 400
    assert response.mimetype == "text/html"
    assert b"mismatching_state" in response.data and b"Traceback" not in response.data


def test_ready_routes_raise_for_the_app_when_the_page_is_turned_off(app: Flask, browser: Browser) -> None:
    app.config["OAUTH_ERROR_PAGE"] = False
    with pytest.raises(MismatchingStateError):
        browser.web.get("/oauth/callback/prov", query_string={"code": "c", "state": "forged"})
