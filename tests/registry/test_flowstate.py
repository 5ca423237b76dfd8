"""FlowStateStore on plain dicts: expiry, single use, the pending cap and cache binding."""

from __future__ import annotations

import time

import pytest
from cachelib import SimpleCache

from flask_oauth_registry import MismatchingStateError, StorageError
from flask_oauth_registry.registry.flowstate import FlowStateStore


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
