"""``FlowStateStore``: what a login remembers between redirect and callback; expiry, single use, the pending cap
and cache binding, on plain dicts and then through an OpenID Connect login (login CSRF defence)."""

from __future__ import annotations

import json
import time
from typing import Any

import pytest
from cachelib import SimpleCache

from flask_oauth_registry import MismatchingStateError, StorageError
from flask_oauth_registry.registry.flowstate import FlowStateStore
from tests.fakes.base import query_of
from tests.fakes.clock import ShiftedClock
from tests.fakes.oidc import FakeOpenIDProvider
from tests.fakes.relying_party import RelyingParty, assert_login_token, make_relying_party, state_entries

CALLBACK_URL = "http://localhost/callback"


def test_saved_state_pops_once() -> None:
    session: dict = {}
    store = FlowStateStore("prov", session)
    store.save("s1", {"redirect_uri": "https://c/cb"})
    assert store.pop("s1")["redirect_uri"] == "https://c/cb"
    with pytest.raises(MismatchingStateError, match="unknown to this browser session"):
        store.pop("s1")


def test_missing_state_is_named() -> None:
    with pytest.raises(MismatchingStateError, match="no state"):
        FlowStateStore("prov", {}).pop(None)


def test_expired_state_is_named(monkeypatch: pytest.MonkeyPatch) -> None:
    session: dict = {}
    store = FlowStateStore("prov", session, ttl=10)
    store.save("s1", {})
    real = time.time
    monkeypatch.setattr(time, "time", lambda: real() + 11)
    with pytest.raises(MismatchingStateError, match="expired"):
        store.pop("s1")


def test_at_most_eight_pending_flows_per_app_oldest_dropped(monkeypatch: pytest.MonkeyPatch) -> None:
    session: dict = {"_state_other_x": {"data": {}, "exp": time.time() + 600}}
    store = FlowStateStore("prov", session)
    clock = [1000.0]
    monkeypatch.setattr(time, "time", lambda: clock[0])
    for n in range(12):
        clock[0] += 1
        store.save(f"s{n}", {})
    mine = sorted(k for k in session if k.startswith("_state_prov_"))
    assert len(mine) == 8
    assert "_state_prov_s0" not in session and "_state_prov_s11" in session
    assert "_state_other_x" in session  # other apps' flows are left alone


def test_cache_mode_keeps_only_a_marker_in_the_session() -> None:
    session: dict = {}
    cache = SimpleCache()
    store = FlowStateStore("prov", session, cache)
    store.save("s1", {"code_verifier": "v" * 43, "nonce": "n"})
    assert set(session["_state_prov_s1"]) == {"exp", "n"}
    assert store.pop("s1")["nonce"] == "n"
    assert cache.get("flask-oauth-registry:_state_prov_s1") is None


def test_cache_mode_state_from_another_browser_is_refused_and_kept_for_its_owner() -> None:
    cache = SimpleCache()
    FlowStateStore("prov", {}, cache).save("s1", {"nonce": "n"})
    owner_session: dict = {}
    owner = FlowStateStore("prov", owner_session, cache)
    owner.save("s2", {"nonce": "n2"})
    with pytest.raises(MismatchingStateError, match="another browser session"):
        FlowStateStore("prov", {}, cache).pop("s2")
    assert owner.pop("s2")["nonce"] == "n2"


class _BrokenCache:
    def get(self, key: str) -> None:
        raise ConnectionError("cache down")

    def set(self, key: str, value: object, timeout: int | None = None) -> bool:
        raise ConnectionError("cache down")

    def delete(self, key: str) -> bool:
        raise ConnectionError("cache down")


def test_cache_failure_is_a_storage_error_not_a_session_fallback() -> None:
    session: dict = {}
    store = FlowStateStore("prov", session, _BrokenCache())
    with pytest.raises(StorageError):
        store.save("s1", {"nonce": "n"})
    assert session == {}


@pytest.mark.parametrize("cache", [None, SimpleCache()], ids=["session", "cache"])
def test_state_of_an_app_whose_name_extends_another_cannot_be_popped_through_it(cache: SimpleCache | None) -> None:
    session: dict = {}
    corp, corp_eu = FlowStateStore("corp", session, cache), FlowStateStore("corp_eu", session, cache)
    corp_eu.save("x", {"nonce": "corp-eu-nonce"})
    with pytest.raises(MismatchingStateError):
        corp.pop("eu_x")  # "_state_corp_" + "eu_x" must not name corp_eu's flow "x"
    assert corp_eu.pop("x")["nonce"] == "corp-eu-nonce"


def test_pruning_pending_flows_leaves_an_app_whose_name_extends_this_one_alone(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    session: dict = {}
    clock = [1000.0]
    monkeypatch.setattr(time, "time", lambda: clock[0])
    corp, corp_eu = FlowStateStore("corp", session), FlowStateStore("corp_eu", session)
    for n in range(3):
        clock[0] += 1
        corp_eu.save(f"eu{n}", {"nonce": f"n{n}"})
    for n in range(12):
        clock[0] += 1
        corp.save(f"s{n}", {})
    assert [corp_eu.pop(f"eu{n}")["nonce"] for n in range(3)] == ["n0", "n1", "n2"]
    assert corp.pop("s11") == {"created_at": int(clock[0])}
    with pytest.raises(MismatchingStateError):
        corp.pop("s0")  # corp's own oldest flows are still dropped


# -- through a login: the state a callback brings back ---------------------------------------------


def rejected_state(client: Any, callback: dict[str, str]) -> MismatchingStateError:
    with pytest.raises(MismatchingStateError) as caught:
        client.get("/callback", query_string=callback)
    assert caught.value.error == "mismatching_state"
    return caught.value


def test_callback_without_state_is_rejected(provider: FakeOpenIDProvider, rp: RelyingParty) -> None:
    client = rp.app.test_client()
    callback = rp.start_login(client, provider)
    del callback["state"]
    assert "no state" in rejected_state(client, callback).description
    assert provider.token_requests == []


def test_callback_with_unknown_state_is_rejected(provider: FakeOpenIDProvider, rp: RelyingParty) -> None:
    client = rp.app.test_client()
    callback = {**rp.start_login(client, provider), "state": "made-up-state-value"}
    assert "unknown" in rejected_state(client, callback).description
    assert provider.token_requests == []


def test_callback_with_replayed_state_is_rejected(provider: FakeOpenIDProvider, rp: RelyingParty) -> None:
    client = rp.app.test_client()
    callback = rp.start_login(client, provider)
    assert client.get("/callback", query_string=callback).status_code == 200
    assert_login_token(rp.tokens[-1], provider)
    assert "already used" in rejected_state(client, callback).description
    assert len(provider.token_requests) == 1


@pytest.mark.parametrize(("ttl", "wait"), [(None, 601), (60, 61)], ids=["default-10-minutes", "OAUTH_STATE_TTL"])
def test_callback_with_expired_state_is_rejected(
    provider: FakeOpenIDProvider, monkeypatch: pytest.MonkeyPatch, ttl: int | None, wait: int
) -> None:
    clock = ShiftedClock(monkeypatch)
    rp = make_relying_party(configure=lambda app: app.config.update(OAUTH_STATE_TTL=ttl) if ttl else None)
    client = rp.app.test_client()
    callback = rp.start_login(client, provider)
    clock.advance(wait)
    assert "expired" in rejected_state(client, callback).description
    assert provider.token_requests == []


def test_callback_within_the_state_ttl_is_accepted(
    provider: FakeOpenIDProvider, monkeypatch: pytest.MonkeyPatch
) -> None:
    clock = ShiftedClock(monkeypatch)
    rp = make_relying_party(configure=lambda app: app.config.update(OAUTH_STATE_TTL=60))
    client = rp.app.test_client()
    callback = rp.start_login(client, provider)
    clock.advance(50)
    assert client.get("/callback", query_string=callback).status_code == 200
    assert_login_token(rp.tokens[-1], provider)


def test_callback_in_another_browser_session_is_rejected(provider: FakeOpenIDProvider, rp: RelyingParty) -> None:
    victim, attacker = rp.app.test_client(), rp.app.test_client()
    callback = rp.start_login(victim, provider)
    assert "another browser" in rejected_state(attacker, callback).description
    assert provider.token_requests == []


def test_provider_error_in_the_callback_discards_the_flow_state(
    provider: FakeOpenIDProvider, rp: RelyingParty
) -> None:
    client = rp.app.test_client()
    callback = rp.start_login(client, provider)
    denied = client.get("/callback-handled", query_string={"error": "access_denied", "state": callback["state"]})
    assert denied.status_code == 400 and denied.get_json()["error"] == "access_denied"
    assert state_entries(rp, client) == {}
    assert "unknown" in rejected_state(client, callback).description


# -- through a login: where the flow state is kept -------------------------------------------------


def test_session_mode_keeps_the_flow_state_in_the_signed_session(
    provider: FakeOpenIDProvider, rp: RelyingParty
) -> None:
    client = rp.app.test_client()
    callback = rp.start_login(client, provider)
    (entry,) = state_entries(rp, client).values()
    assert entry["data"]["code_verifier"] and entry["data"]["nonce"]
    assert entry["data"]["redirect_uri"] == CALLBACK_URL
    assert f"_state_prov_{callback['state']}" in rp.session_of(client)


def test_cache_mode_login_keeps_only_a_marker_in_the_session_cookie(provider: FakeOpenIDProvider) -> None:
    rp = make_relying_party(cache=SimpleCache())
    client = rp.app.test_client()
    start = client.get("/login")
    nonce = query_of(start.headers["Location"])["nonce"]
    callback = provider.authorize(start.headers["Location"])

    session, raw_cookie = rp.session_of(client), client.get_cookie("session").value
    assert session[f"_state_prov_{callback['state']}"].keys() == {"exp", "n"}
    dumped = json.dumps(session)
    assert "code_verifier" not in dumped and "nonce" not in dumped and nonce not in dumped
    assert client.get("/callback", query_string=callback).status_code == 200
    assert rp.tokens[-1]["userinfo"]["nonce"] == nonce  # the nonce kept in the cache was the one checked
    assert_login_token(rp.tokens[-1], provider)
    (verifier,) = provider.code_verifiers
    assert verifier not in raw_cookie and verifier not in dumped


def test_cache_mode_rejects_a_callback_from_another_browser_session_and_keeps_the_victims_login(
    provider: FakeOpenIDProvider,
) -> None:
    rp = make_relying_party(cache=SimpleCache())
    victim, attacker = rp.app.test_client(), rp.app.test_client()
    callback = rp.start_login(victim, provider)
    assert "another browser session" in rejected_state(attacker, callback).description
    assert victim.get("/callback", query_string=callback).status_code == 200
    assert_login_token(rp.tokens[-1], provider)
    assert "already used" in rejected_state(victim, callback).description


def test_at_most_eight_pending_flows_are_kept_in_the_session_oldest_dropped(
    provider: FakeOpenIDProvider, rp: RelyingParty, monkeypatch: pytest.MonkeyPatch
) -> None:
    clock = ShiftedClock(monkeypatch)
    client = rp.app.test_client()
    callbacks = []
    for _ in range(9):
        callbacks.append(rp.start_login(client, provider))
        clock.advance(1)
    assert len(state_entries(rp, client)) == 8
    assert "unknown" in rejected_state(client, callbacks[0]).description
    assert client.get("/callback", query_string=callbacks[1]).status_code == 200
    assert client.get("/callback", query_string=callbacks[8]).status_code == 200
    assert [token["access_token"] for token in rp.tokens] == provider.access_tokens[-2:]
    assert_login_token(rp.tokens[-1], provider)


def test_oldest_pending_flow_is_dropped_even_within_the_same_second(
    provider: FakeOpenIDProvider, rp: RelyingParty, monkeypatch: pytest.MonkeyPatch
) -> None:
    ShiftedClock(monkeypatch, frozen=True)
    client = rp.app.test_client()
    states = ["zz-oldest"] + [f"aa-{n}" for n in range(2, 10)]
    for state in states:
        assert client.get(f"/login-with-state/{state}").status_code == 302
    kept = {key.removeprefix("_state_prov_") for key in state_entries(rp, client)}
    assert kept == set(states[1:])
