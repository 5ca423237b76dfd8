"""``TokenRenewal`` and ``place_token`` (renewal.py): an OAuth 2 token on an API call, renewed first when expired.

One refresh however many callers (threads, processes) hold the token; ``update_token``
and ``token_update`` told once; client-credentials tokens re-fetched; the login's
identity kept across refreshes (OIDC Core 12.2).
"""

from __future__ import annotations

import threading
import time
from typing import Any
from urllib.parse import parse_qs

import pytest
import requests_mock as rm
from cachelib import SimpleCache
from flask import Flask, g

from flask_oauth_registry import (
    InvalidIdTokenError,
    InvalidTokenError,
    OAuth,
    ProviderError,
    TokenExpiredError,
    UnsupportedTokenTypeError,
    UserInfo,
    token_update,
)
from tests.fakes.manual import API, TOKEN_URL, expired_token, fresh_response, unrotated_response
from tests.fakes.oidc import SUBJECT, FakeOpenIDProvider
from tests.fakes.relying_party import RelyingParty, logged_in_token, make_relying_party


@pytest.fixture
def signals(app: Flask):
    received: list[dict] = []

    def receiver(sender: Any, **kw: Any) -> None:
        received.append({"sender": sender, **kw})

    token_update.connect(receiver)
    yield received
    token_update.disconnect(receiver)


# -- an expired token is refreshed before the call -------------------------------------------------


def test_expired_token_is_refreshed_once_and_everyone_is_told(app: Flask, prov, updates, signals) -> None:
    caller_token = expired_token()
    with rm.Mocker() as m, app.test_request_context("/"):
        m.post(TOKEN_URL, json=fresh_response())
        m.get(API + "user", text="ok")
        g._oauth_token_prov = caller_token
        prov.get("user")
        prov.get("user")  # still fresh: no second refresh in the same request
        assert m.last_request.headers["Authorization"] == "Bearer new-at-1"
        refreshes = [r for r in m.request_history if r.url == TOKEN_URL]
        assert len(refreshes) == 1
        body = parse_qs(refreshes[0].text)
        assert body["grant_type"] == ["refresh_token"] and body["refresh_token"] == ["old-rt"]
        assert refreshes[0].headers["Authorization"].startswith("Basic ")
        assert caller_token["access_token"] == "new-at-1"  # the caller's dict is updated
        assert g._oauth_token_prov["access_token"] == "new-at-1"
    assert len(updates) == 1
    new, refresh_token, access_token = updates[0]
    assert new["access_token"] == "new-at-1" and refresh_token == "old-rt" and access_token is None
    assert len(signals) == 1
    assert signals[0]["sender"] is app and signals[0]["name"] == "prov"
    assert signals[0]["refresh_token"] == "old-rt"


def test_refresh_keeps_old_refresh_token_when_none_is_returned(app: Flask, prov, updates) -> None:
    with rm.Mocker() as m, app.test_request_context("/"):
        m.post(TOKEN_URL, json={"access_token": "n", "token_type": "Bearer", "expires_in": 60 * 60})
        m.get(API + "u", text="ok")
        token = expired_token()
        prov.get("u", token=token)
        assert token["refresh_token"] == "old-rt"


def test_refresh_failure_raises_provider_error_and_does_not_call_update_token(app: Flask, prov, updates) -> None:
    token = expired_token()
    with rm.Mocker() as m, app.test_request_context("/"):
        m.post(TOKEN_URL, status_code=400, json={"error": "invalid_grant", "error_description": "refresh revoked"})
        with pytest.raises(ProviderError) as info:
            prov.get("u", token=token)
    assert info.value.error == "invalid_grant"
    assert "old-rt" not in str(info.value) and "csecret" not in str(info.value)
    assert updates == []
    assert token["access_token"] == "old-at"  # nothing half-stored


def test_expired_token_without_refresh_token_is_token_expired_error(app: Flask, prov) -> None:
    token = expired_token()
    del token["refresh_token"]
    with app.test_request_context("/"), pytest.raises(TokenExpiredError):
        prov.get("u", token=token)


def test_token_expired_error_is_caught_by_authlib_style_invalid_token_handlers(app: Flask, prov) -> None:
    from flask_oauth_registry import InvalidTokenError

    token = expired_token()
    del token["refresh_token"]
    with app.test_request_context("/"), pytest.raises(InvalidTokenError) as caught:
        prov.get("u", token=token)
    assert caught.value.error == "token_expired"


def test_client_credentials_token_is_refetched_with_same_params(app: Flask, signals) -> None:
    seen: list[tuple] = []
    client = OAuth(app).register(
        "svc", client_id="c", client_secret="s", access_token_url=TOKEN_URL, api_base_url=API,
        access_token_params={"audience": "api"},
        update_token=lambda token, refresh_token=None, access_token=None: seen.append((refresh_token, access_token)),
    )
    with rm.Mocker() as m, app.test_request_context("/"):
        m.post(TOKEN_URL, json={"access_token": "cc-2", "token_type": "Bearer", "expires_in": 3600})
        m.get(API + "u", text="ok")
        first = client.fetch_access_token()
        assert parse_qs(m.request_history[0].text) == {"grant_type": ["client_credentials"], "audience": ["api"]}
        assert first["access_token"] == "cc-2" and first["expires_at"] > time.time() + 3500
        first["expires_at"] = int(time.time()) - 1
        first["access_token"] = "cc-1"
        client.get("u", token=first)
        assert parse_qs(m.request_history[1].text)["audience"] == ["api"]
        assert first["access_token"] == "cc-2"
    assert seen == [(None, "cc-1")]
    assert signals[0]["access_token"] == "cc-1"


@pytest.mark.parametrize("expires_at", [float("nan"), float("inf"), "Infinity"])
def test_a_user_token_with_a_non_finite_expires_at_is_refreshed_not_trusted_for_ever(
    app: Flask, prov, expires_at: Any
) -> None:
    token = expired_token(expires_at=expires_at)
    with rm.Mocker() as m, app.test_request_context("/"):
        m.post(TOKEN_URL, json=fresh_response())
        m.get(API + "u", text="ok")
        prov.get("u", token=token)
        assert m.last_request.headers["Authorization"] == "Bearer new-at-1"
    assert token["expires_at"] > time.time()


def test_signals_module_is_the_documented_home_of_token_update() -> None:
    from flask_oauth_registry.signals import token_update as from_module

    assert from_module is token_update


# -- one refresh however many callers hold the token -----------------------------------------------


def test_eight_threads_with_the_same_expired_token_cause_one_refresh(app: Flask, prov, updates) -> None:
    shared_token = expired_token()
    tokens = [dict(shared_token) for _ in range(8)]
    barrier = threading.Barrier(8)
    errors: list[BaseException] = []

    def slow_refresh(request, context):
        time.sleep(0.2)
        return fresh_response()

    with rm.Mocker() as m:
        m.post(TOKEN_URL, json=slow_refresh)
        m.get(API + "u", text="ok")

        def call(token: dict) -> None:
            try:
                barrier.wait()
                prov.get("u", token=token)
            except BaseException as exc:  # pragma: no cover - reported below
                errors.append(exc)

        threads = [threading.Thread(target=call, args=(t,)) for t in tokens]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        refreshes = [r for r in m.request_history if r.url == TOKEN_URL]
    assert errors == []
    assert len(refreshes) == 1
    assert all(t["access_token"] == "new-at-1" for t in tokens)
    assert len(updates) == 1


def test_two_processes_sharing_a_cache_refresh_once(updates) -> None:
    cache = SimpleCache()
    apps = []
    for n in range(2):  # two registries on two apps stand for two worker processes
        flask_app = Flask(f"worker{n}")
        oauth = OAuth(flask_app, cache=cache)
        apps.append(oauth.register(
            "prov", client_id="c", client_secret="s", access_token_url=TOKEN_URL, api_base_url=API,
            authorize_url="https://prov.test/a",
            update_token=lambda token, refresh_token=None, access_token=None: updates.append(token),
        ))
    with rm.Mocker() as m:
        m.post(TOKEN_URL, json=fresh_response())
        m.get(API + "u", text="ok")
        first, second = expired_token(), expired_token()
        apps[0].get("u", token=first)
        apps[1].get("u", token=second)
        assert len([r for r in m.request_history if r.url == TOKEN_URL]) == 1
    assert first["access_token"] == second["access_token"] == "new-at-1"
    assert len(updates) == 1


# -- providers that keep the refresh token ---------------------------------------------------------


def test_second_expiry_soon_after_a_refresh_without_rotation_refreshes_again(app: Flask, prov, updates) -> None:
    token = expired_token()
    with rm.Mocker() as m, app.test_request_context("/"):
        m.post(TOKEN_URL, [{"json": unrotated_response(1)}, {"json": unrotated_response(2)}])
        m.get(API + "u", text="ok")
        prov.get("u", token=token)
        assert token["refresh_token"] == "old-rt"
        token["expires_at"] = int(time.time()) - 10  # the new token expires (revoked early, short-lived...)
        prov.get("u", token=token)
        assert m.last_request.headers["Authorization"] == "Bearer new-at-2"
        assert len([r for r in m.request_history if r.url == TOKEN_URL]) == 2
    assert [new["access_token"] for new, _, _ in updates] == ["new-at-1", "new-at-2"]


def test_second_expiry_without_rotation_is_refreshed_again_across_processes_sharing_a_cache() -> None:
    cache = SimpleCache()
    apps = [
        OAuth(Flask(f"worker{n}"), cache=cache).register(
            "prov", client_id="c", client_secret="s", access_token_url=TOKEN_URL, api_base_url=API,
            authorize_url="https://prov.test/a",
        )
        for n in range(2)
    ]
    with rm.Mocker() as m:
        m.post(TOKEN_URL, [{"json": unrotated_response(1)}, {"json": unrotated_response(2)}])
        m.get(API + "u", text="ok")
        first = expired_token()
        apps[0].get("u", token=first)
        second = {**first, "expires_at": int(time.time()) - 10}  # worker 1 holds the refreshed token, now expired
        apps[1].get("u", token=second)
        assert m.last_request.headers["Authorization"] == "Bearer new-at-2"
    assert second["access_token"] == "new-at-2"


# -- placing the token on the call -----------------------------------------------------------------


@pytest.mark.parametrize("placement", ["body", "uri"])
def test_token_placement_body_and_uri(app: Flask, placement: str) -> None:
    client = OAuth(app).register("p", api_base_url=API, client_kwargs={"token_placement": placement})
    with rm.Mocker() as m, app.test_request_context("/"):
        m.post(API + "x", text="ok")
        client.post("x", token={"access_token": "at"}, data={"a": "1"})
        sent = m.last_request
        assert "Authorization" not in sent.headers
        if placement == "body":
            assert parse_qs(sent.text)["access_token"] == ["at"]
        else:
            assert sent.qs["access_token"] == ["at"]


def test_non_bearer_token_type_is_refused(app: Flask, prov) -> None:
    with app.test_request_context("/"), pytest.raises(UnsupportedTokenTypeError):
        prov.get("u", token={"access_token": "a", "token_type": "MAC"})


# -- the login's identity stays bound (OIDC Core 12.2) ---------------------------------------------


def expired_login(provider: FakeOpenIDProvider, rp: RelyingParty) -> dict[str, Any]:
    """The token of a fresh login, made to look expired so that the next API call refreshes it."""
    token = logged_in_token(provider, rp)
    token["expires_at"] = int(time.time()) - 10
    return token


def relying_party_with_updates() -> tuple[RelyingParty, list[tuple[Any, ...]]]:
    updates: list[tuple[Any, ...]] = []
    rp = make_relying_party(
        update_token=lambda token, refresh_token=None, access_token=None: updates.append((token, refresh_token))
    )
    return rp, updates


def test_refresh_keeps_userinfo_binding(provider: FakeOpenIDProvider) -> None:
    rp, updates = relying_party_with_updates()
    token = expired_login(provider, rp)
    first_access_token = token["access_token"]
    provider.userinfo_claims = {"sub": "someone-else", "email": "mallory@example.test"}
    with rp.app.test_request_context(), pytest.raises(InvalidTokenError, match="sub"):
        rp.oauth.prov.userinfo(token=token)
    assert token["access_token"] != first_access_token  # it was refreshed...
    assert token["userinfo"]["sub"] == SUBJECT  # ...and still knows whose it is
    [(stored, _)] = updates
    assert stored["userinfo"]["sub"] == SUBJECT


def test_refresh_with_a_new_id_token_of_the_same_user_replaces_userinfo(provider: FakeOpenIDProvider) -> None:
    rp, updates = relying_party_with_updates()
    token = expired_login(provider, rp)
    provider.refresh_id_token_claims = {"email": "renamed@example.test"}
    with rp.app.test_request_context():
        assert rp.oauth.prov.userinfo(token=token).sub == SUBJECT
    assert (token["userinfo"]["sub"], token["userinfo"]["email"]) == (SUBJECT, "renamed@example.test")
    assert isinstance(token["userinfo"], UserInfo)
    assert updates[0][0]["userinfo"]["email"] == "renamed@example.test"


@pytest.mark.parametrize(
    ("claims", "check"),
    [({"sub": "someone-else"}, "sub"), ({"iss": "https://evil.example.test"}, "iss"), ({"aud": "another-rp"}, "aud")],
    ids=["wrong-sub", "wrong-iss", "wrong-aud"],
)
def test_refresh_with_an_id_token_of_another_identity_is_rejected_and_nothing_is_stored(
    provider: FakeOpenIDProvider, claims: dict[str, Any], check: str
) -> None:
    rp, updates = relying_party_with_updates()
    token = expired_login(provider, rp)
    before = dict(token)
    provider.refresh_id_token_claims = claims
    with rp.app.test_request_context():
        with pytest.raises(InvalidIdTokenError) as caught:
            rp.oauth.prov.get(provider.metadata["userinfo_endpoint"], token=token)
        assert rp.oauth.prov.token is None  # nothing put on g
    assert caught.value.check == check
    assert token == before
    assert updates == []


def test_refresh_id_token_of_a_stored_token_without_userinfo_is_checked_against_its_id_token(
    provider: FakeOpenIDProvider,
) -> None:
    rp, updates = relying_party_with_updates()
    token = expired_login(provider, rp)
    del token["userinfo"]  # stored by an app that kept only the provider's answer
    provider.refresh_id_token_claims = {"sub": "someone-else"}
    with rp.app.test_request_context(), pytest.raises(InvalidIdTokenError) as caught:
        rp.oauth.prov.get(provider.metadata["userinfo_endpoint"], token=token)
    assert caught.value.check == "sub"
    assert updates == []
