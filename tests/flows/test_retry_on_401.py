"""Refresh and retry once (DESIGN 13): an API call answered 401 ``Bearer error="invalid_token"`` is renewed and resent.

Once, through the same single-flight refresh as on expiry, ``update_token``
notified once; never for other 401s or a 403, never without a way to renew, never
with a body that cannot be sent twice, never with ``retry_on_401`` off.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from typing import Any
from urllib.parse import parse_qs

import pytest
import requests_mock as rm
from flask import Flask

from flask_oauth_registry import OAuth, ProviderError
from flask_oauth_registry.registry.retry import Challenge, parse_www_authenticate
from tests.fakes.manual import API, TOKEN_URL, fresh_response, register_app

INVALID = {"WWW-Authenticate": 'Bearer realm="api", error="invalid_token", error_description="The token was revoked"'}


def live_token(**extra: Any) -> dict[str, Any]:
    """A token that has not expired (the provider refuses it all the same): ``old-at`` / ``old-rt``."""
    return {"access_token": "old-at", "refresh_token": "old-rt", "token_type": "Bearer",
            "expires_at": int(time.time()) + 3000, **extra}


def refuse_old_token(request: Any, context: Any) -> dict[str, Any]:
    """The API: 401 ``invalid_token`` for ``old-at``, 200 for anything else."""
    if request.headers.get("Authorization") == "Bearer old-at":
        context.status_code = 401
        context.headers.update(INVALID)
        return {"error": "invalid_token"}
    return {"ok": True}


@pytest.fixture
def updates() -> list[tuple[Any, ...]]:
    return []


@pytest.fixture
def prov(app: Flask, updates: list[tuple[Any, ...]]) -> Any:
    def update_token(token: dict, refresh_token: str | None = None, access_token: str | None = None) -> None:
        updates.append((dict(token), refresh_token, access_token))

    return register_app(OAuth(app), update_token=update_token)


@pytest.fixture
def mock() -> Iterator[rm.Mocker]:
    with rm.Mocker() as m:
        yield m


def token_requests(m: rm.Mocker) -> list[Any]:
    return [r for r in m.request_history if r.url == TOKEN_URL]


def api_calls(m: rm.Mocker) -> list[Any]:
    return [r for r in m.request_history if r.url != TOKEN_URL]


# -- reading WWW-Authenticate --------------------------------------------------------------------
def test_a_lower_case_bearer_challenge_with_quoted_parameters_is_read() -> None:
    challenges = parse_www_authenticate('bearer realm="api", error="invalid_token", error_description="a, \\"b\\""')
    assert challenges == [
        Challenge("bearer", {"realm": "api", "error": "invalid_token", "error_description": 'a, "b"'})
    ]


def test_several_challenges_and_a_token68_are_read() -> None:
    value = 'Newauth realm="apps", type=1, title="Login to \\"apps\\"", Negotiate abc==, BEARER error=invalid_token'
    assert parse_www_authenticate(value) == [
        Challenge("newauth", {"realm": "apps", "type": "1", "title": 'Login to "apps"'}),
        Challenge("negotiate", {}, "abc=="),
        Challenge("bearer", {"error": "invalid_token"}),
    ]


@pytest.mark.parametrize("value", ["", "=", '"', "Bearer error=", ", ,", 'Bearer error="unterminated'])
def test_a_malformed_header_never_raises(value: str) -> None:
    assert isinstance(parse_www_authenticate(value), list)


# -- retrying -------------------------------------------------------------------------------------
def test_invalid_token_is_refreshed_once_and_the_call_sent_again(
    app: Flask, prov: Any, mock: rm.Mocker, updates: list[tuple[Any, ...]]
) -> None:
    mock.post(TOKEN_URL, json=fresh_response(1))
    mock.get(API + "me", json=refuse_old_token)
    token = live_token()
    with app.test_request_context("/"):
        response = prov.get("me", token=token, headers={"X-Trace": "1"})
    assert response.status_code == 200 and response.json() == {"ok": True}
    assert [r.headers["Authorization"] for r in api_calls(mock)] == ["Bearer old-at", "Bearer new-at-1"]
    assert all(r.headers["X-Trace"] == "1" for r in api_calls(mock))
    assert [parse_qs(r.text)["grant_type"] for r in token_requests(mock)] == [["refresh_token"]]
    assert token["access_token"] == "new-at-1"  # the caller's dict holds the renewed token
    assert [(u[0]["access_token"], u[1]) for u in updates] == [("new-at-1", "old-rt")]


def test_a_second_401_after_the_retry_is_returned_as_is(app: Flask, prov: Any, mock: rm.Mocker) -> None:
    mock.post(TOKEN_URL, json=fresh_response(1))
    mock.get(API + "me", status_code=401, headers=INVALID, json={"error": "invalid_token"})
    with app.test_request_context("/"):
        response = prov.get("me", token=live_token())
    assert response.status_code == 401
    assert len(api_calls(mock)) == 2 and len(token_requests(mock)) == 1


@pytest.mark.parametrize(
    ("status", "headers"),
    [
        (401, {"WWW-Authenticate": 'Bearer error="insufficient_scope", scope="files.read"'}),
        (403, {"WWW-Authenticate": 'Bearer error="insufficient_scope", scope="files.read"'}),
        (403, INVALID),
        (401, {}),
        (401, {"WWW-Authenticate": 'Basic realm="api"'}),
        (401, {"WWW-Authenticate": 'Bearer realm="api", error="invalid_request"'}),
    ],
    ids=["insufficient-scope-401", "insufficient-scope-403", "invalid-token-403", "no-challenge", "basic",
         "invalid-request"],
)
def test_other_refusals_are_returned_without_a_retry(
    app: Flask, prov: Any, mock: rm.Mocker, status: int, headers: dict[str, str]
) -> None:
    mock.post(TOKEN_URL, json=fresh_response(1))
    mock.get(API + "me", status_code=status, headers=headers, json={})
    with app.test_request_context("/"):
        assert prov.get("me", token=live_token()).status_code == status
    assert len(api_calls(mock)) == 1 and token_requests(mock) == []


def test_a_token_without_a_refresh_token_is_not_retried(app: Flask, prov: Any, mock: rm.Mocker) -> None:
    mock.get(API + "me", json=refuse_old_token)
    token = live_token()
    del token["refresh_token"]
    with app.test_request_context("/"):
        assert prov.get("me", token=token).status_code == 401
    assert len(api_calls(mock)) == 1 and token_requests(mock) == []


def test_retry_on_401_false_turns_it_off(app: Flask, mock: rm.Mocker) -> None:
    prov = register_app(OAuth(app), client_kwargs={"retry_on_401": False})
    mock.get(API + "me", json=refuse_old_token)
    with app.test_request_context("/"):
        assert prov.get("me", token=live_token()).status_code == 401
    assert len(api_calls(mock)) == 1 and token_requests(mock) == []


def test_retry_on_401_must_be_a_boolean(app: Flask) -> None:
    from flask_oauth_registry import ConfigurationError

    with pytest.raises(ConfigurationError, match="retry_on_401"):
        register_app(OAuth(app), client_kwargs={"retry_on_401": "no"})


def test_a_form_body_is_sent_again_but_a_generator_or_a_file_upload_is_not(
    app: Flask, prov: Any, mock: rm.Mocker
) -> None:
    mock.post(TOKEN_URL, json=fresh_response(1))
    mock.post(API + "items", json=refuse_old_token)
    with app.test_request_context("/"):
        assert prov.post("items", token=live_token(), data={"name": "x"}).status_code == 200
        assert [r.text for r in api_calls(mock)] == ["name=x", "name=x"]
        streamed = prov.post("items", token=live_token(), data=(chunk for chunk in [b"a", b"b"]))
        uploaded = prov.post("items", token=live_token(), files={"f": ("f.txt", b"data")})
    assert streamed.status_code == 401 and uploaded.status_code == 401
    assert len(token_requests(mock)) == 1


def test_a_failed_refresh_raises_the_providers_error_and_notifies_nobody(
    app: Flask, prov: Any, mock: rm.Mocker, updates: list[tuple[Any, ...]]
) -> None:
    mock.post(TOKEN_URL, status_code=400, json={"error": "invalid_grant"})
    mock.get(API + "me", json=refuse_old_token)
    with app.test_request_context("/"), pytest.raises(ProviderError) as failed:
        prov.get("me", token=live_token())
    assert failed.value.error == "invalid_grant" and updates == []


def test_concurrent_callers_refused_with_one_token_cause_one_refresh(
    app: Flask, prov: Any, mock: rm.Mocker, updates: list[tuple[Any, ...]]
) -> None:
    def slow_refresh(request: Any, context: Any) -> dict[str, Any]:
        time.sleep(0.2)
        return fresh_response(1)

    mock.post(TOKEN_URL, json=slow_refresh)
    mock.get(API + "me", json=refuse_old_token)
    statuses: list[int] = []

    def call() -> None:
        with app.test_request_context("/"):
            statuses.append(prov.get("me", token=live_token()).status_code)

    threads = [threading.Thread(target=call) for _ in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(10)
    assert statuses == [200] * 6
    assert len(token_requests(mock)) == 1 and len(updates) == 1


def test_the_apps_own_token_is_fetched_again_once_and_the_call_retried(app: Flask, mock: rm.Mocker) -> None:
    updates: list[Any] = []
    svc = OAuth(app).register(
        "svc", client_id="c", client_secret="s", access_token_url=TOKEN_URL, api_base_url=API,
        update_token=lambda *args, **kwargs: updates.append(args),
    )
    mock.post(TOKEN_URL, [{"json": {"access_token": "old-at", "token_type": "Bearer", "expires_in": 3600}},
                          {"json": {"access_token": "cc-2", "token_type": "Bearer", "expires_in": 3600}}])
    mock.get(API + "me", json=refuse_old_token)
    with app.app_context():
        assert svc.get("me").status_code == 200
        assert svc.get("me").status_code == 200  # the renewed token is the one kept
    assert [r.headers["Authorization"] for r in api_calls(mock)] == ["Bearer old-at", "Bearer cc-2", "Bearer cc-2"]
    assert len(token_requests(mock)) == 2 and updates == []  # no application holds the app's own token
