"""Token data (tokens.py): ``OAuth2Token`` hiding its credentials, ``normalize_token``, ``is_expired`` and
``SingleFlight``."""

from __future__ import annotations

import json
import pickle
import time
from typing import Any

import pytest
import requests_mock as rm
from cachelib import SimpleCache
from flask import Flask, g, session

from flask_oauth_registry import BadResponseError, OAuth
from flask_oauth_registry.registry.tokens import OAuth2Token, is_expired, normalize_token
from tests.fakes.manual import API, TOKEN_URL, expired_token, fresh_response


def test_normalize_token_computes_expires_at_from_expires_in() -> None:
    token = normalize_token({"access_token": "a", "expires_in": "3600"}, now=1000)
    assert token["expires_at"] == 4600
    assert is_expired({"expires_at": 1050}, leeway=60, now=1000)
    assert not is_expired({"expires_at": 1061}, leeway=60, now=1000)
    assert not is_expired({"access_token": "a"}, leeway=60, now=1000)


@pytest.mark.parametrize("member", ["expires_in", "expires_at"])
@pytest.mark.parametrize("value", [float("nan"), float("inf"), float("-inf"), "NaN", "Infinity", "-Infinity", 1e999,
                                   "1e999", "soon", [], {}])
def test_normalize_token_refuses_a_lifetime_that_is_not_a_finite_number(member: str, value: Any) -> None:
    with pytest.raises(BadResponseError, match=f"{member} is not a number"):
        normalize_token({"access_token": "a", member: value})


@pytest.mark.parametrize("expires_at", [float("nan"), float("inf"), "Infinity", "NaN", "soon"])
def test_a_token_whose_expires_at_is_not_a_finite_number_counts_as_expired(expires_at: Any) -> None:
    assert is_expired({"access_token": "a", "expires_at": expires_at}, leeway=0)


# -- OAuth2Token: a dict whose repr() hides the credentials ----------------------------------------


SECRETS = ("at-SECRET", "rt-SECRET", "idt-SECRET")


def issued_token() -> dict[str, Any]:
    return {"access_token": "at-SECRET", "refresh_token": "rt-SECRET", "id_token": "idt-SECRET",
            "token_type": "Bearer", "expires_in": 3600, "scope": "read"}


def test_token_repr_masks_access_refresh_and_id_tokens(app: Flask, prov) -> None:
    with rm.Mocker() as m, app.test_request_context("/"):
        m.post(TOKEN_URL, json=issued_token())
        token = prov.fetch_access_token()
    assert isinstance(token, OAuth2Token)
    for shown in (repr(token), str(token), f"{token}", repr([token])):
        assert not any(secret in shown for secret in SECRETS)
        assert "'access_token': '***'" in shown and "'scope': 'read'" in shown


def test_masked_token_is_still_a_plain_dict_for_equality_json_pickle_and_the_session(app: Flask, prov) -> None:
    with rm.Mocker() as m, app.test_request_context("/"):
        m.post(TOKEN_URL, json=issued_token())
        token = prov.fetch_access_token()
        plain = dict(token)
        assert token == plain and plain == token
        assert json.loads(json.dumps(token)) == plain
        assert token["access_token"] == "at-SECRET"
        restored = pickle.loads(pickle.dumps(token))
        assert restored == plain and isinstance(restored, OAuth2Token)
        session["token"] = token
        serializer = app.session_interface.get_signing_serializer(app)  # type: ignore[attr-defined]
        assert serializer.loads(serializer.dumps(dict(session)))["token"] == plain


def test_refreshed_token_on_g_and_given_to_update_token_is_masked(app: Flask) -> None:
    received: list[Any] = []
    client = OAuth(app).register(
        "prov", client_id="cid", client_secret="csecret", access_token_url=TOKEN_URL,
        authorize_url="https://prov.test/authorize", api_base_url=API,
        update_token=lambda token, refresh_token=None, access_token=None: received.append(token),
    )
    expired = {"access_token": "old-at", "refresh_token": "rt-SECRET", "token_type": "Bearer",
               "expires_at": int(time.time()) - 10}
    with rm.Mocker() as m, app.test_request_context("/"):
        m.post(TOKEN_URL, json=issued_token())
        m.get(API + "u", text="ok")
        g._oauth_token_prov = expired
        client.get("u")
        on_g = client.token
        assert isinstance(on_g, OAuth2Token) and on_g["access_token"] == "at-SECRET"
        assert not any(secret in repr(on_g) for secret in SECRETS)
    [given] = received
    assert isinstance(given, OAuth2Token) and given["access_token"] == "at-SECRET"
    assert not any(secret in repr(given) for secret in SECRETS)


def test_token_from_fetch_token_is_kept_on_g_as_a_masked_token(app: Flask) -> None:
    client = OAuth(app).register("prov", api_base_url=API, fetch_token=lambda: {"access_token": "at-SECRET"})
    with app.test_request_context("/"):
        token = client.token
        assert isinstance(token, OAuth2Token) and token == {"access_token": "at-SECRET"}
        assert "at-SECRET" not in repr(token)


# -- SingleFlight: one refresh shared by every caller, in process and through a cache --------------


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


def test_a_just_issued_result_shorter_lived_than_the_leeway_is_still_shared() -> None:
    from flask_oauth_registry.registry.tokens import SingleFlight

    cache = SimpleCache()
    old = expired_token()
    short = normalize_token({"access_token": "short-lived", "token_type": "Bearer", "expires_in": 30})
    SingleFlight("prov", cache=cache, leeway=60).run(old, lambda: short)
    new, performed = SingleFlight("prov", cache=cache, leeway=60).run(old, lambda: fresh_response(2))
    assert not performed and new["access_token"] == "short-lived"  # a rotating provider would refuse a 2nd refresh
