"""DPoP at the dev provider (RFC 9449): proofs at the token endpoint and resources, bound tokens, nonces, switches."""

from __future__ import annotations

import secrets
import time
from collections.abc import Iterator

import jwt
import pytest
import requests

from flask_oauth_registry.devprovider import (
    DEMO_CLIENT_ID,
    DEMO_CLIENT_SECRET,
    ProviderSettings,
    RunningProvider,
    serve,
)
from flask_oauth_registry.devprovider.dpop_checks import DPoPNonces
from tests.devprovider.fapi_support import (
    CALLBACK,
    EcKey,
    consent,
    fapi_client,
    pkce_pair,
    query_of,
    token_request,
)

CONFIDENTIAL = (DEMO_CLIENT_ID, DEMO_CLIENT_SECRET)


@pytest.fixture(scope="module")
def client_key() -> EcKey:
    return EcKey()


@pytest.fixture(scope="module")
def provider(client_key: EcKey) -> Iterator[RunningProvider]:
    """DPoP optional (the default), no nonces."""
    with serve(ProviderSettings().with_clients(fapi_client(client_key))) as running:
        yield running


@pytest.fixture
def key() -> EcKey:
    return EcKey()


def client_credentials(provider: RunningProvider, proof: str | None = None) -> requests.Response:
    headers = {"DPoP": proof} if proof else {}
    return requests.post(provider.url_for("/token"), data={"grant_type": "client_credentials"},
                         auth=CONFIDENTIAL, headers=headers)


def dpop_token(provider: RunningProvider, key: EcKey) -> str:
    answer = client_credentials(provider, key.proof("POST", provider.url_for("/token")))
    assert answer.status_code == 200, answer.text
    assert answer.json()["token_type"] == "DPoP"
    return answer.json()["access_token"]


def call_api(provider: RunningProvider, token: str, proof: str | None, scheme: str = "DPoP",
             path: str = "/api/me") -> requests.Response:
    headers = {"Authorization": f"{scheme} {token}", **({"DPoP": proof} if proof else {})}
    return requests.get(provider.url_for(path), headers=headers)


def assert_refused_at_token(answer: requests.Response, error: str = "invalid_dpop_proof") -> None:
    assert answer.status_code == 400, answer.text
    assert answer.json()["error"] == error


def assert_challenge(answer: requests.Response, error: str) -> None:
    assert answer.status_code == 401, answer.text
    assert answer.json()["error"] == error
    assert answer.headers["WWW-Authenticate"].startswith(f'DPoP error="{error}"')


# -- discovery --------------------------------------------------------------------------------
def test_discovery_lists_the_proof_algorithms(provider):
    doc = requests.get(provider.metadata_url).json()
    assert "ES256" in doc["dpop_signing_alg_values_supported"]
    assert "none" not in doc["dpop_signing_alg_values_supported"]
    assert not any(alg.startswith("HS") for alg in doc["dpop_signing_alg_values_supported"])


# -- the token endpoint ------------------------------------------------------------------------
def test_a_good_proof_gets_a_dpop_token_bound_to_the_keys_thumbprint(provider, key):
    token = dpop_token(provider, key)

    record = provider.state.store.access_token(token)
    assert record is not None and record.jkt == key.jkt


def test_without_a_proof_the_token_stays_bearer_when_dpop_is_optional(provider):
    answer = client_credentials(provider)
    assert answer.json()["token_type"] == "Bearer"
    assert call_api(provider, answer.json()["access_token"], None, scheme="Bearer").status_code == 200


@pytest.mark.parametrize("broken", [
    {"method": "GET"},
    {"url": "http://127.0.0.1:1/token"},
    {"path": "/userinfo"},
    {"iat": time.time() - 600},
    {"iat": time.time() + 600},
    {"typ": "JWT"},
], ids=["wrong-htm", "wrong-htu-port", "wrong-htu-path", "stale-iat", "future-iat", "wrong-typ"])
def test_a_proof_that_does_not_fit_the_request_is_refused(provider, key, broken):
    method = broken.pop("method", "POST")
    url = broken.pop("url", None) or provider.url_for(broken.pop("path", "/token"))
    answer = client_credentials(provider, key.proof(method, url, **broken))
    assert_refused_at_token(answer)


def test_a_proof_signed_by_another_key_than_its_jwk_is_refused(provider, key):
    other = EcKey()
    proof = key.proof("POST", provider.url_for("/token"), jwk=other.public_jwk)
    assert_refused_at_token(client_credentials(provider, proof))


def test_a_proof_with_a_private_key_in_its_jwk_is_refused(provider, key):
    proof = key.proof("POST", provider.url_for("/token"), jwk=key.private_jwk)
    answer = client_credentials(provider, proof)
    assert_refused_at_token(answer)
    assert "private" in answer.json()["error_description"]


def test_a_mac_signed_proof_is_refused(provider, key):
    claims = {"jti": secrets.token_urlsafe(8), "htm": "POST", "htu": provider.url_for("/token"),
              "iat": int(time.time())}
    proof = jwt.encode(claims, "s" * 32, algorithm="HS256", headers={"typ": "dpop+jwt", "jwk": key.public_jwk})
    assert_refused_at_token(client_credentials(provider, proof))


def test_a_replayed_proof_is_refused(provider, key):
    proof = key.proof("POST", provider.url_for("/token"))
    assert client_credentials(provider, proof).status_code == 200
    replay = client_credentials(provider, proof)
    assert_refused_at_token(replay)
    assert "jti" in replay.json()["error_description"]


# -- resources ------------------------------------------------------------------------------------
def test_a_dpop_token_with_a_good_proof_and_ath_reaches_the_api(provider, key):
    token = dpop_token(provider, key)
    answer = call_api(provider, token, key.proof("GET", provider.url_for("/api/me"), access_token=token))
    assert answer.status_code == 200, answer.text
    assert answer.json()["client_id"] == DEMO_CLIENT_ID


def test_htu_is_compared_without_the_query(provider, key):
    token = dpop_token(provider, key)
    proof = key.proof("GET", provider.url_for("/api/me"), access_token=token)
    answer = requests.get(provider.url_for("/api/me?view=full"), headers={"Authorization": f"DPoP {token}",
                                                                          "DPoP": proof})
    assert answer.status_code == 200, answer.text


def test_a_dpop_bound_token_sent_as_bearer_is_refused(provider, key):
    token = dpop_token(provider, key)
    assert_challenge(call_api(provider, token, None, scheme="Bearer"), "invalid_token")


def test_a_dpop_token_without_a_proof_is_refused(provider, key):
    assert_challenge(call_api(provider, dpop_token(provider, key), None), "invalid_dpop_proof")


def test_a_proof_whose_ath_is_not_the_tokens_hash_is_refused(provider, key):
    token = dpop_token(provider, key)
    proof = key.proof("GET", provider.url_for("/api/me"), access_token="another-token")
    assert_challenge(call_api(provider, token, proof), "invalid_dpop_proof")


def test_a_proof_without_ath_is_refused_at_a_resource(provider, key):
    token = dpop_token(provider, key)
    assert_challenge(call_api(provider, token, key.proof("GET", provider.url_for("/api/me"))), "invalid_dpop_proof")


def test_a_proof_made_with_another_key_is_refused(provider, key):
    token = dpop_token(provider, key)
    thief = EcKey()
    proof = thief.proof("GET", provider.url_for("/api/me"), access_token=token)
    assert_challenge(call_api(provider, token, proof), "invalid_token")


def test_a_replayed_proof_is_refused_at_a_resource(provider, key):
    token = dpop_token(provider, key)
    proof = key.proof("GET", provider.url_for("/api/me"), access_token=token)
    assert call_api(provider, token, proof).status_code == 200
    assert_challenge(call_api(provider, token, proof), "invalid_dpop_proof")


# -- the authorization code grant, refresh and dpop_jkt (a public client) -------------------------
def dpop_login(provider: RunningProvider, key: EcKey, proof_key: EcKey | None = None,
               **authorize: str) -> requests.Response:
    """Log alice in with demo-public and exchange the code with a proof of ``proof_key`` (default ``key``)."""
    verifier, challenge = pkce_pair()
    params = {"response_type": "code", "client_id": "demo-public", "redirect_uri": CALLBACK,
              "scope": "openid profile offline_access", "state": "s", "code_challenge": challenge,
              "code_challenge_method": "S256", **authorize}
    with requests.Session() as browser:
        answer = consent(browser, requests.Request("GET", provider.url_for("/authorize"), params=params).prepare().url)
    code = query_of(answer.headers["Location"])["code"]
    proof = (proof_key or key).proof("POST", provider.url_for("/token"))
    return requests.post(provider.url_for("/token"), headers={"DPoP": proof}, data={
        "grant_type": "authorization_code", "code": code, "redirect_uri": CALLBACK, "client_id": "demo-public",
        "code_verifier": verifier})


def refresh(provider: RunningProvider, refresh_token: str, key: EcKey | None) -> requests.Response:
    headers = {"DPoP": key.proof("POST", provider.url_for("/token"))} if key else {}
    return requests.post(provider.url_for("/token"), headers=headers, data={
        "grant_type": "refresh_token", "refresh_token": refresh_token, "client_id": "demo-public"})


def test_a_code_exchanged_with_a_proof_gives_dpop_tokens_that_work_at_userinfo(provider, key):
    tokens = dpop_login(provider, key)
    assert tokens.status_code == 200, tokens.text
    body = tokens.json()
    assert body["token_type"] == "DPoP"
    proof = key.proof("GET", provider.url_for("/userinfo"), access_token=body["access_token"])
    info = call_api(provider, body["access_token"], proof, path="/userinfo")
    assert info.status_code == 200 and info.json()["sub"] == "alice"


def test_a_public_clients_refresh_needs_the_same_key(provider, key):
    refresh_token = dpop_login(provider, key).json()["refresh_token"]

    other_key = refresh(provider, refresh_token, EcKey())
    assert other_key.status_code == 400 and other_key.json()["error"] == "invalid_grant"

    again = dpop_login(provider, key).json()["refresh_token"]
    no_proof = refresh(provider, again, None)
    assert no_proof.status_code == 400 and no_proof.json()["error"] == "invalid_grant"

    third = dpop_login(provider, key).json()["refresh_token"]
    same_key = refresh(provider, third, key)
    assert same_key.status_code == 200 and same_key.json()["token_type"] == "DPoP"
    assert provider.state.store.access_token(same_key.json()["access_token"]).jkt == key.jkt


def test_dpop_jkt_binds_the_code_to_that_key(provider, key):
    refused = dpop_login(provider, key, proof_key=EcKey(), dpop_jkt=key.jkt)
    assert refused.status_code == 400 and refused.json()["error"] == "invalid_grant"

    accepted = dpop_login(provider, key, dpop_jkt=key.jkt)
    assert accepted.status_code == 200 and accepted.json()["token_type"] == "DPoP"


# -- nonces --------------------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def nonce_provider() -> Iterator[RunningProvider]:
    with serve(ProviderSettings(dpop_nonce=True)) as running:
        yield running


def test_the_token_endpoint_asks_for_a_nonce_then_accepts_it(nonce_provider, key):
    url = nonce_provider.url_for("/token")
    challenge = client_credentials(nonce_provider, key.proof("POST", url))
    assert_refused_at_token(challenge, "use_dpop_nonce")
    nonce = challenge.headers["DPoP-Nonce"]

    answer = client_credentials(nonce_provider, key.proof("POST", url, nonce=nonce))
    assert answer.status_code == 200, answer.text
    assert answer.json()["token_type"] == "DPoP"
    assert answer.headers["DPoP-Nonce"]  # sent on successes too


def test_a_made_up_nonce_is_answered_with_a_real_one(nonce_provider, key):
    answer = client_credentials(nonce_provider, key.proof("POST", nonce_provider.url_for("/token"), nonce="guess"))
    assert_refused_at_token(answer, "use_dpop_nonce")
    assert answer.headers["DPoP-Nonce"] != "guess"


def test_a_resource_asks_for_a_nonce_with_a_401_dpop_challenge(nonce_provider, key):
    url = nonce_provider.url_for("/token")
    nonce = client_credentials(nonce_provider, key.proof("POST", url)).headers["DPoP-Nonce"]
    token = client_credentials(nonce_provider, key.proof("POST", url, nonce=nonce)).json()["access_token"]
    api = nonce_provider.url_for("/api/me")

    challenge = call_api(nonce_provider, token, key.proof("GET", api, access_token=token))
    assert_challenge(challenge, "use_dpop_nonce")
    fresh = challenge.headers["DPoP-Nonce"]

    answer = call_api(nonce_provider, token, key.proof("GET", api, access_token=token, nonce=fresh))
    assert answer.status_code == 200, answer.text
    assert answer.headers["DPoP-Nonce"]


def test_nonces_rotate_and_the_previous_one_stays_good_for_one_period():
    now = [1000.0]
    nonces = DPoPNonces(ttl=60, clock=lambda: now[0])
    first = nonces.current()
    now[0] += 61
    second = nonces.current()
    assert second != first
    assert nonces.accepts(first) and nonces.accepts(second)
    now[0] += 61
    assert nonces.current() != second
    assert not nonces.accepts(first) and nonces.accepts(second)
    assert not nonces.accepts(None)


# -- switches: required, per client, off --------------------------------------------------------------
def test_required_refuses_a_token_request_without_a_proof(key):
    with serve(ProviderSettings(dpop="required")) as required:
        assert_refused_at_token(client_credentials(required))
        assert client_credentials(required, key.proof("POST", required.url_for("/token"))).status_code == 200


def test_a_client_registered_with_dpop_bound_access_tokens_must_send_a_proof(client_key, key):
    settings = ProviderSettings().with_clients(fapi_client(client_key, dpop_bound_access_tokens=True))
    with serve(settings) as running:
        data = {"grant_type": "client_credentials"}
        assert_refused_at_token(token_request(running, client_key, data))
        answer = token_request(running, client_key, data, key.proof("POST", running.url_for("/token")))
        assert answer.status_code == 200 and answer.json()["token_type"] == "DPoP"
        assert client_credentials(running).json()["token_type"] == "Bearer"  # other clients are not affected


def test_off_ignores_proofs_and_is_not_advertised(key):
    with serve(ProviderSettings(dpop="off")) as off:
        assert "dpop_signing_alg_values_supported" not in requests.get(off.metadata_url).json()
        answer = client_credentials(off, key.proof("POST", off.url_for("/token")))
        assert answer.status_code == 200 and answer.json()["token_type"] == "Bearer"
