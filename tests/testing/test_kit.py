"""The testing kit as a user meets it: plain test files that only install the package, run by ``pytester``.

Each test writes a user's app and a user's test file, runs pytest on them (the
``oauth_provider`` fixture comes from the package's ``pytest11`` entry point) and
asserts on the outcome, so a kit that stopped working for users fails here.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest

from .user_apps import AUTHLIB_STYLE_APP, OAUTH1_APP, READY_ROUTES_APP, STATELESS_CALLBACK_APP

DOCS_PAGE = Path(__file__).resolve().parents[2] / "docs" / "testing.rst"


def run_user_tests(pytester: pytest.Pytester, app_source: str, tests: str, *args: str) -> Any:
    """Write the user's app and tests to one file and run pytest on it in-process."""
    pytester.makepyfile(test_user=app_source + "\n" + tests)
    return pytester.runpytest("-p", "no:cacheprovider", *args)


def test_five_line_login_test_from_the_docs_passes_in_a_fresh_process(pytester: pytest.Pytester) -> None:
    page = DOCS_PAGE.read_text()
    five_lines = re.search(r"\.\. five-line-login-test\n\n.. code-block:: python\n\n((?:    .*\n|\n)+)", page)
    assert five_lines is not None
    test_code = "\n".join(line[4:] for line in five_lines.group(1).splitlines())
    assert len([line for line in test_code.splitlines() if line.strip()]) <= 5
    pytester.makepyfile(test_user=AUTHLIB_STYLE_APP + "\n" + test_code)
    result = pytester.runpytest_subprocess("-p", "no:cacheprovider")
    result.assert_outcomes(passed=1)


def test_login_with_own_views_and_token_callbacks(pytester: pytest.Pytester) -> None:
    result = run_user_tests(pytester, AUTHLIB_STYLE_APP, '''
def test_login(oauth_provider):
    client = make_app().test_client()
    token = oauth_provider.login(client, "example", claims={"email": "ada@example.com"}, login_url="/login")
    assert token["userinfo"]["sub"] == "user-1"
    assert token["userinfo"]["email"] == "ada@example.com"
    assert client.get("/me").json == {"sub": "user-1", "email": "ada@example.com"}
''')
    result.assert_outcomes(passed=1)


def test_login_through_ready_routes_with_storage_and_required(pytester: pytest.Pytester) -> None:
    result = run_user_tests(pytester, READY_ROUTES_APP, '''
def test_dashboard(oauth_provider):
    client = make_app().test_client()
    assert client.get("/dashboard").status_code == 302  # required: not logged in yet
    oauth_provider.login(client, "corp", claims={"name": "Ada"})
    assert client.get("/dashboard").json == {"name": "Ada"}
''')
    result.assert_outcomes(passed=1)


def test_two_providers_at_once(pytester: pytest.Pytester) -> None:
    result = run_user_tests(pytester, READY_ROUTES_APP, '''
def test_both(oauth_provider):
    client = make_app().test_client()
    oauth_provider.login(client, "corp", claims={"sub": "ada", "name": "Ada"})
    oauth_provider.login(client, "chat", claims={"sub": "ada-on-chat"}, scopes=["read"])
    assert client.get("/dashboard").json == {"name": "Ada"}
    assert client.get("/rooms").json == {"user": "ada-on-chat"}
    chat_token_request = oauth_provider.requests("chat", "token")[0]
    assert chat_token_request.params["client_secret"] == "chat-secret"  # client_secret_post, as configured
    assert "Authorization" not in chat_token_request.headers
    assert [s.endpoint for s in oauth_provider.requests("corp")].count("token") == 1
''')
    result.assert_outcomes(passed=1)


def test_deny_refuses_the_next_consent(pytester: pytest.Pytester) -> None:
    result = run_user_tests(pytester, READY_ROUTES_APP, '''
def test_denied(oauth_provider):
    client = make_app().test_client()
    oauth_provider.deny("corp")
    response = oauth_provider.attempt_login(client, "corp")
    assert response.status_code == 400 and b"access_denied" in response.data
    assert client.get("/dashboard").status_code == 302
    oauth_provider.login(client, "corp", claims={"name": "Ada"})  # the next consent is given again
''')
    result.assert_outcomes(passed=1)


def test_expire_refreshes_on_the_next_api_call(pytester: pytest.Pytester) -> None:
    result = run_user_tests(pytester, AUTHLIB_STYLE_APP, '''
def test_expire(oauth_provider):
    client = make_app().test_client()
    token = oauth_provider.login(client, "example", login_url="/login")
    oauth_provider.expire("example")
    assert client.get("/me").json["sub"] == "user-1"
    refresh = oauth_provider.requests("example", "token")[-1]
    assert refresh.params["grant_type"] == "refresh_token"
    assert refresh.params["refresh_token"] == token["refresh_token"]
    api_calls = oauth_provider.requests("example", "api")
    assert api_calls[-1].headers["Authorization"] != api_calls[-2].headers["Authorization"]
''')
    result.assert_outcomes(passed=1)


def test_revoke_makes_api_calls_and_refreshes_fail(pytester: pytest.Pytester) -> None:
    result = run_user_tests(pytester, AUTHLIB_STYLE_APP, '''
import pytest
from flask_oauth_registry import OAuthError

def test_revoked(oauth_provider):
    client = make_app().test_client()
    oauth_provider.login(client, "example", login_url="/login")
    oauth_provider.revoke("example")
    with pytest.raises(OAuthError) as refused:
        client.get("/me")
    assert refused.value.error == "invalid_grant"
''')
    result.assert_outcomes(passed=1)


def test_rotate_keys_next_login_still_verifies(pytester: pytest.Pytester) -> None:
    result = run_user_tests(pytester, AUTHLIB_STYLE_APP, '''
def test_rotation(oauth_provider):
    client = make_app().test_client()
    oauth_provider.login(client, "example", login_url="/login")
    oauth_provider.rotate_keys("example")
    token = oauth_provider.login(client, "example", claims={"sub": "user-2"}, login_url="/login")
    assert token["userinfo"]["sub"] == "user-2"
    assert len(oauth_provider.requests("example", "jwks")) == 2  # the new kid made the app fetch the keys again
''')
    result.assert_outcomes(passed=1)


def test_fail_next_answers_one_error_then_recovers(pytester: pytest.Pytester) -> None:
    result = run_user_tests(pytester, AUTHLIB_STYLE_APP, '''
import pytest
from flask_oauth_registry import OAuthError

def test_token_endpoint_down_once(oauth_provider):
    client = make_app().test_client()
    oauth_provider.fail_next("example", "token", "temporarily_unavailable", status=503)
    with pytest.raises(OAuthError) as failed:
        oauth_provider.login(client, "example", login_url="/login")
    assert failed.value.error == "temporarily_unavailable"
    assert oauth_provider.login(client, "example", login_url="/login")["access_token"]
''')
    result.assert_outcomes(passed=1)


def test_requests_show_what_the_app_sent(pytester: pytest.Pytester) -> None:
    result = run_user_tests(pytester, AUTHLIB_STYLE_APP, '''
def test_sent(oauth_provider):
    client = make_app().test_client()
    oauth_provider.login(client, "example", login_url="/login")
    client.get("/me")
    [authorization] = oauth_provider.requests("example", "authorization")
    assert authorization.params["scope"] == "openid email"
    assert authorization.params["code_challenge_method"] == "S256"
    assert authorization.params["redirect_uri"] == "http://localhost/auth"
    [token_request] = oauth_provider.requests("example", "token")
    assert token_request.params["grant_type"] == "authorization_code" and token_request.params["code_verifier"]
    assert token_request.headers["Authorization"].startswith("Basic ")
    [api_call] = oauth_provider.requests("example", "api")
    assert (api_call.method, api_call.path) == ("GET", "/v1/me")
''')
    result.assert_outcomes(passed=1)


def test_app_that_does_not_check_state_fails_the_kit_login(pytester: pytest.Pytester) -> None:
    result = run_user_tests(pytester, STATELESS_CALLBACK_APP, '''
def test_login(oauth_provider):
    client = make_app().test_client()
    oauth_provider.login(client, "example", login_url="/login")
''')
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines(["*StateNotChecked*does not check state*"])


def test_oauth1_app_logs_in_through_the_fake_oauth1_provider(pytester: pytest.Pytester) -> None:
    result = run_user_tests(pytester, OAUTH1_APP, '''
def test_login(oauth_provider):
    client = make_app().test_client()
    token = oauth_provider.login(client, "tweets", claims={"screen_name": "ada"}, login_url="/login")
    assert token["oauth_token"] and token["oauth_token_secret"]
    assert client.get("/me").json == {"sub": "user-1", "screen_name": "ada"}
    assert [s.endpoint for s in oauth_provider.requests("tweets")] == [
        "request_token", "authorization", "access_token", "api"]
''')
    result.assert_outcomes(passed=1)


def test_the_fake_is_removed_after_the_test(pytester: pytest.Pytester) -> None:
    result = run_user_tests(pytester, AUTHLIB_STYLE_APP, '''
import pytest
from flask_oauth_registry.testing import FakeProviders

APP = make_app()

def test_login(oauth_provider):
    oauth_provider.login(APP.test_client(), "example", login_url="/login")

def test_afterwards_the_session_is_the_apps_own():
    with APP.app_context():
        session = APP.extensions["oauth_registry"].clients["example"][1].session
    assert sorted(type(a).__name__ for a in session.adapters.values()) == ["HTTPAdapter", "HTTPAdapter"]
''')
    result.assert_outcomes(passed=2)
