"""API calls with tokens: lookup, placement, expiry, refresh, update_token and token_update."""

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
    BadResponseError,
    MissingTokenError,
    OAuth,
    ProviderError,
    TokenExpiredError,
    UnsupportedTokenTypeError,
    token_update,
)
from flask_oauth_registry.registry.tokens import is_expired, normalize_token

TOKEN_URL = "https://prov.test/token"
API = "https://api.prov.test/v1/"


def expired_token(**extra: Any) -> dict[str, Any]:
    return {"access_token": "old-at", "refresh_token": "old-rt", "token_type": "Bearer",
            "expires_at": int(time.time()) - 10, **extra}


def fresh_response(n: int = 1) -> dict[str, Any]:
    return {"access_token": f"new-at-{n}", "refresh_token": f"new-rt-{n}", "token_type": "Bearer", "expires_in": 3600}


@pytest.fixture
def updates() -> list[tuple]:
    return []


@pytest.fixture
def prov(app: Flask, updates: list[tuple]):
    oauth = OAuth(app)

    def update_token(token: dict, refresh_token: str | None = None, access_token: str | None = None) -> None:
        updates.append((dict(token), refresh_token, access_token))

    return oauth.register(
        "prov", client_id="cid", client_secret="csecret", access_token_url=TOKEN_URL,
        authorize_url="https://prov.test/authorize", api_base_url=API, update_token=update_token,
    )


@pytest.fixture
def signals(app: Flask):
    received: list[dict] = []

    def receiver(sender: Any, **kw: Any) -> None:
        received.append({"sender": sender, **kw})

    token_update.connect(receiver)
    yield received
    token_update.disconnect(receiver)


def test_normalize_token_computes_expires_at_from_expires_in() -> None:
    token = normalize_token({"access_token": "a", "expires_in": "3600"}, now=1000)
    assert token["expires_at"] == 4600
    assert is_expired({"expires_at": 1050}, leeway=60, now=1000)
    assert not is_expired({"expires_at": 1061}, leeway=60, now=1000)
    assert not is_expired({"access_token": "a"}, leeway=60, now=1000)


def test_relative_url_joins_api_base_url_and_bearer_header_is_sent(app: Flask, prov) -> None:
    with rm.Mocker() as m, app.test_request_context("/"):
        m.get(API + "user", json={"id": 1})
        resp = prov.get("user", token={"access_token": "at", "token_type": "bearer"})
        assert resp.json() == {"id": 1}
        assert m.last_request.headers["Authorization"] == "Bearer at"


def test_absolute_url_is_not_joined(app: Flask, prov) -> None:
    with rm.Mocker() as m, app.test_request_context("/"):
        m.get("https://other.test/x", text="ok")
        assert prov.get("https://other.test/x", token={"access_token": "at"}).text == "ok"


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


def test_withhold_token_sends_no_token(app: Flask, prov) -> None:
    with rm.Mocker() as m, app.test_request_context("/"):
        m.get(API + "public", text="ok")
        prov.get("public", withhold_token=True)
        assert "Authorization" not in m.last_request.headers


def test_no_token_anywhere_is_missing_token_error(app: Flask, prov) -> None:
    with app.test_request_context("/"), pytest.raises(MissingTokenError):
        prov.get("user")


def test_token_comes_from_g_then_fetch_token(app: Flask) -> None:
    calls: list[str] = []

    def fetch_token(name: str) -> dict:
        calls.append(name)
        return {"access_token": "stored", "token_type": "Bearer"}

    client = OAuth(app, fetch_token=fetch_token).register("prov", api_base_url=API)
    with rm.Mocker() as m, app.test_request_context("/"):
        m.get(API + "u", text="ok")
        client.get("u")
        client.get("u")
        assert m.last_request.headers["Authorization"] == "Bearer stored"
        assert calls == ["prov"]  # cached on g for the rest of the request
        g._oauth_token_prov = {"access_token": "from-g"}
        client.get("u")
        assert m.last_request.headers["Authorization"] == "Bearer from-g"


def test_per_app_fetch_token_wins_over_registry_level(app: Flask) -> None:
    oauth = OAuth(app, fetch_token=lambda name: {"access_token": "registry"})
    client = oauth.register("prov", api_base_url=API, fetch_token=lambda: {"access_token": "per-app"})
    with rm.Mocker() as m, app.test_request_context("/"):
        m.get(API + "u", text="ok")
        client.get("u")
        assert m.last_request.headers["Authorization"] == "Bearer per-app"


def test_non_bearer_token_type_is_refused(app: Flask, prov) -> None:
    with app.test_request_context("/"), pytest.raises(UnsupportedTokenTypeError):
        prov.get("u", token={"access_token": "a", "token_type": "MAC"})


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


def test_registry_level_update_token_gets_the_name(app: Flask) -> None:
    seen: list[tuple] = []
    oauth = OAuth(app, update_token=lambda name, token, refresh_token=None, access_token=None: seen.append(
        (name, token["access_token"], refresh_token)))
    client = oauth.register("prov", client_id="c", client_secret="s", access_token_url=TOKEN_URL, api_base_url=API,
                            authorize_url="https://prov.test/a")
    with rm.Mocker() as m, app.test_request_context("/"):
        m.post(TOKEN_URL, json=fresh_response())
        m.get(API + "u", text="ok")
        client.get("u", token=expired_token())
    assert seen == [("prov", "new-at-1", "old-rt")]


def test_refresh_token_url_and_params_are_honoured(app: Flask) -> None:
    client = OAuth(app).register(
        "prov", client_id="c", client_secret="s", access_token_url=TOKEN_URL, api_base_url=API,
        refresh_token_url="https://prov.test/refresh", refresh_token_params={"audience": "api"},
        authorize_url="https://prov.test/a",
    )
    with rm.Mocker() as m, app.test_request_context("/"):
        m.post("https://prov.test/refresh", json=fresh_response())
        m.get(API + "u", text="ok")
        client.get("u", token=expired_token())
        refresh = m.request_history[0]
        assert refresh.url == "https://prov.test/refresh"
        assert parse_qs(refresh.text)["audience"] == ["api"]


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
        first["expires_at"] = int(time.time()) - 1
        first["access_token"] = "cc-1"
        client.get("u", token=first)
        assert parse_qs(m.request_history[1].text)["audience"] == ["api"]
        assert first["access_token"] == "cc-2"
    assert seen == [(None, "cc-1")]
    assert signals[0]["access_token"] == "cc-1"


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


def test_signals_module_is_the_documented_home_of_token_update() -> None:
    from flask_oauth_registry.signals import token_update as from_module

    assert from_module is token_update


def test_a_refresh_lock_left_by_a_dead_process_is_cleared_and_the_refresh_proceeds() -> None:
    from flask_oauth_registry.registry.tokens import SingleFlight, token_fingerprint

    cache = SimpleCache()
    flight = SingleFlight("prov", cache=cache, lock_ttl=1.0, poll_interval=0.01)
    old = expired_token()
    lock_key = f"flask-oauth-registry:refresh:prov:{token_fingerprint(old)}:lock"
    cache.set(lock_key, time.time() - 60, timeout=0)  # never expires: SETNX landed, EXPIRE did not
    new, performed = flight.run(old, lambda: fresh_response())
    assert performed and new["access_token"] == "new-at-1"
    assert cache.get(lock_key) is None


def test_a_live_refresh_lock_is_waited_for_not_stolen() -> None:
    from flask_oauth_registry import StorageError
    from flask_oauth_registry.registry.tokens import SingleFlight, token_fingerprint

    cache = SimpleCache()
    flight = SingleFlight("prov", cache=cache, lock_ttl=0.3, poll_interval=0.01)
    old = expired_token()
    lock_key = f"flask-oauth-registry:refresh:prov:{token_fingerprint(old)}:lock"
    cache.set(lock_key, time.time(), timeout=0)  # another process is refreshing right now
    calls: list[int] = []
    with pytest.raises(StorageError, match="timed out waiting"):
        flight.run(old, lambda: calls.append(1) or fresh_response())
    assert calls == []


def test_token_expired_error_is_caught_by_authlib_style_invalid_token_handlers(app: Flask, prov) -> None:
    from flask_oauth_registry import InvalidTokenError

    token = expired_token()
    del token["refresh_token"]
    with app.test_request_context("/"), pytest.raises(InvalidTokenError) as caught:
        prov.get("u", token=token)
    assert caught.value.error == "token_expired"


# -- providers that keep the refresh token; results that have expired themselves -----------------


def unrotated_response(n: int, expires_in: int = 3600) -> dict[str, Any]:
    """A refresh answer of a provider that does not rotate refresh tokens (none returned)."""
    return {"access_token": f"new-at-{n}", "token_type": "Bearer", "expires_in": expires_in}


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


def test_a_shared_refresh_result_that_has_expired_itself_is_not_handed_out() -> None:
    from flask_oauth_registry.registry.tokens import SingleFlight

    cache = SimpleCache()
    old = expired_token()
    soon = {"access_token": "short-lived", "token_type": "Bearer", "expires_at": int(time.time()) + 30}
    first, performed = SingleFlight("prov", cache=cache, leeway=60).run(old, lambda: soon)
    assert performed and first["access_token"] == "short-lived"
    for flight in (SingleFlight("prov", cache=cache, leeway=60), SingleFlight("prov", leeway=60)):
        flight.run(old, lambda: soon)  # remembers the short-lived result in process, too
        new, performed = flight.run(old, lambda: fresh_response(2))
        assert performed and new["access_token"] == "new-at-2"


def test_a_shared_refresh_result_still_valid_is_handed_to_a_late_caller() -> None:
    from flask_oauth_registry.registry.tokens import SingleFlight

    cache = SimpleCache()
    old = expired_token()
    SingleFlight("prov", cache=cache, leeway=60).run(old, lambda: normalize_token(fresh_response(1)))
    new, performed = SingleFlight("prov", cache=cache, leeway=60).run(old, lambda: fresh_response(2))
    assert not performed and new["access_token"] == "new-at-1"


# -- lifetimes that are not finite numbers --------------------------------------------------------


@pytest.mark.parametrize("member", ["expires_in", "expires_at"])
@pytest.mark.parametrize("value", [float("nan"), float("inf"), float("-inf"), "NaN", "Infinity", "-Infinity", 1e999,
                                   "1e999", "soon", [], {}])
def test_normalize_token_refuses_a_lifetime_that_is_not_a_finite_number(member: str, value: Any) -> None:
    with pytest.raises(BadResponseError, match=f"{member} is not a number"):
        normalize_token({"access_token": "a", member: value})


@pytest.mark.parametrize("expires_at", [float("nan"), float("inf"), "Infinity", "NaN", "soon"])
def test_a_token_whose_expires_at_is_not_a_finite_number_counts_as_expired(expires_at: Any) -> None:
    assert is_expired({"access_token": "a", "expires_at": expires_at}, leeway=0)


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


def test_a_just_issued_result_shorter_lived_than_the_leeway_is_still_shared() -> None:
    from flask_oauth_registry.registry.tokens import SingleFlight

    cache = SimpleCache()
    old = expired_token()
    short = normalize_token({"access_token": "short-lived", "token_type": "Bearer", "expires_in": 30})
    SingleFlight("prov", cache=cache, leeway=60).run(old, lambda: short)
    new, performed = SingleFlight("prov", cache=cache, leeway=60).run(old, lambda: fresh_response(2))
    assert not performed and new["access_token"] == "short-lived"  # a rotating provider would refuse a 2nd refresh
