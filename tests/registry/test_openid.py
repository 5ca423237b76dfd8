"""``OpenIDConnect`` (openid.py): the provider's keys and the ID token at login, ``parse_id_token``,
``fetch_jwk_set`` and RP-initiated logout.

The verifier's checks on plain values are in ``test_idtoken.py``, discovery and the
key set's policy in ``test_oidc.py``, userinfo in ``test_userinfo.py``.
"""

from __future__ import annotations

import json
from typing import Any

import pytest

from flask_oauth_registry import (
    ConfigurationError,
    InvalidIdTokenError,
    MismatchingStateError,
    UnknownSigningKeyError,
    UserInfo,
)
from flask_oauth_registry.registry.idtoken import IdTokenVerifier
from flask_oauth_registry.registry.oidc import KeySet
from flask_oauth_registry.registry.openid import verify_with_keys
from tests.fakes.base import query_of
from tests.fakes.clock import ShiftedClock
from tests.fakes.keys import ec_key, jwks, rsa_key
from tests.fakes.oidc import (
    AUTHORIZATION_ENDPOINT,
    CLIENT_ID,
    DISCOVERY_URL,
    END_SESSION_ENDPOINT,
    ISSUER,
    JWKS_URI,
    SUBJECT,
    TOKEN_ENDPOINT,
    FakeOpenIDProvider,
    id_token_claims,
)
from tests.fakes.relying_party import RelyingParty, assert_login_token, entropy_bits, make_relying_party

RSA = rsa_key("rsa-1")
ROTATED = rsa_key("rsa-2")


class Counting:
    """A JWKS fetch that counts calls and returns whatever ``document`` currently is."""

    def __init__(self, document: dict[str, Any]) -> None:
        self.document = document
        self.calls = 0

    def __call__(self) -> dict[str, Any]:
        self.calls += 1
        return self.document


def verifier(**overrides: Any) -> IdTokenVerifier:
    return IdTokenVerifier(**{"client_id": CLIENT_ID, "issuer": ISSUER, **overrides})


# -- keys at login: rotation and forged kids -------------------------------------------------------


def test_unknown_kid_in_a_login_is_refetched_once_then_rate_limited(
    provider: FakeOpenIDProvider, rp: RelyingParty, monkeypatch: pytest.MonkeyPatch
) -> None:
    clock = ShiftedClock(monkeypatch)
    assert rp.log_in(rp.app.test_client(), provider).status_code == 200
    assert provider.jwks_requests == 1

    published = provider.signing_key
    provider.signing_key = rsa_key("rsa-not-published")
    clock.advance(31)
    for expected_jwks_requests in (2, 2, 2):
        with pytest.raises(InvalidIdTokenError) as caught:
            rp.log_in(rp.app.test_client(), provider)
        assert caught.value.check == "kid"
        assert provider.jwks_requests == expected_jwks_requests

    provider.published_keys = [published, provider.signing_key]  # the provider rotates its keys
    clock.advance(31)
    assert rp.log_in(rp.app.test_client(), provider).status_code == 200
    assert provider.jwks_requests == 3
    assert_login_token(rp.tokens[-1], provider)
    assert rp.log_in(rp.app.test_client(), provider).status_code == 200
    assert provider.jwks_requests == 3


def test_key_rotated_seconds_after_the_first_login_is_found_with_one_refetch(
    provider: FakeOpenIDProvider, rp: RelyingParty, monkeypatch: pytest.MonkeyPatch
) -> None:
    clock = ShiftedClock(monkeypatch)
    assert rp.log_in(rp.app.test_client(), provider).status_code == 200
    assert provider.jwks_requests == 1
    provider.signing_key = ROTATED
    provider.published_keys = [ROTATED]  # the provider rotates: the old key is gone
    clock.advance(1)
    assert rp.log_in(rp.app.test_client(), provider).status_code == 200
    assert provider.jwks_requests == 2
    assert_login_token(rp.tokens[-1], provider)


def test_forged_kids_after_a_rotation_refetch_at_most_once_per_interval(
    provider: FakeOpenIDProvider, rp: RelyingParty, monkeypatch: pytest.MonkeyPatch
) -> None:
    clock = ShiftedClock(monkeypatch)
    assert rp.log_in(rp.app.test_client(), provider).status_code == 200
    provider.signing_key = provider.published_keys[0] = ROTATED
    clock.advance(1)
    assert rp.log_in(rp.app.test_client(), provider).status_code == 200
    assert provider.jwks_requests == 2
    for n in range(5):
        provider.signing_key = rsa_key(f"forged-{n}")
        clock.advance(5)
        with pytest.raises(InvalidIdTokenError) as caught:
            rp.log_in(rp.app.test_client(), provider)
        assert caught.value.check == "kid"
    assert provider.jwks_requests == 2  # 25 s after the rotation's refetch: no other
    clock.advance(5)
    for _ in range(3):
        with pytest.raises(InvalidIdTokenError):
            rp.log_in(rp.app.test_client(), provider)
    assert provider.jwks_requests == 3


def test_kid_less_token_from_a_key_rotated_seconds_after_the_first_login_is_verified(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    clock = ShiftedClock(monkeypatch)
    old, new = rsa_key(None, label="old-only-key"), rsa_key(None, label="new-only-key")
    fetch = Counting(jwks(old))
    keyset = KeySet(fetch)

    def verify(token: str) -> dict[str, Any]:
        return verify_with_keys(verifier(), keyset, token)

    assert verify(old.sign(id_token_claims()))["sub"] == SUBJECT
    fetch.document = jwks(new)
    clock.advance(1)
    assert verify(new.sign(id_token_claims()))["sub"] == SUBJECT
    assert fetch.calls == 2
    forged = rsa_key(None, label="attacker-key")
    for _ in range(3):
        clock.advance(5)
        with pytest.raises(InvalidIdTokenError):
            verify(forged.sign(id_token_claims()))
    assert fetch.calls == 2
    clock.advance(20)
    with pytest.raises(InvalidIdTokenError):
        verify(forged.sign(id_token_claims()))
    assert fetch.calls == 3


def test_kid_less_token_from_a_rotated_key_is_verified_after_one_rate_limited_refetch(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    clock = ShiftedClock(monkeypatch)
    old, new = rsa_key(None, label="old-only-key"), rsa_key(None, label="new-only-key")
    fetch = Counting(jwks(old))
    keyset = KeySet(fetch)
    verifier = IdTokenVerifier(client_id=CLIENT_ID, issuer=ISSUER)
    verify = lambda token: verify_with_keys(verifier, keyset, token)  # noqa: E731
    assert verify(old.sign(id_token_claims()))["sub"]
    fetch.document = jwks(new)  # the provider rotated its only key; tokens carry no kid
    clock.advance(31)
    assert verify(new.sign(id_token_claims()))["sub"]
    assert fetch.calls == 2
    forged = rsa_key(None, label="attacker-key")
    for _ in range(5):
        with pytest.raises(InvalidIdTokenError) as caught:
            verify(forged.sign(id_token_claims()))
        assert caught.value.check == "signature"
    assert fetch.calls == 2  # within the interval forged kid-less tokens cause no fetch


def test_kid_less_token_checked_against_keys_just_fetched_causes_no_second_fetch() -> None:
    fetch = Counting(jwks(rsa_key(None, label="published")))
    keyset = KeySet(fetch)
    forged = rsa_key(None, label="attacker-key")
    with pytest.raises(InvalidIdTokenError) as caught:
        verify_with_keys(verifier(), keyset, forged.sign(id_token_claims()))
    assert caught.value.check == "signature"
    assert fetch.calls == 1


# -- an unknown kid with no jwks_uri to fetch more keys from ---------------------------------------


def static_keys_party(**register: Any) -> RelyingParty:
    settings: dict[str, Any] = {
        "server_metadata_url": None, "issuer": ISSUER, "authorization_endpoint": AUTHORIZATION_ENDPOINT,
        "token_endpoint": TOKEN_ENDPOINT, "jwks": jwks(RSA),
    }
    return make_relying_party(**{**settings, **register})


@pytest.mark.parametrize(
    "register", [{}, {"server_metadata_url": DISCOVERY_URL}], ids=["static-jwks-only", "metadata-without-jwks-uri"]
)
def test_id_token_with_a_kid_missing_from_static_jwks_is_a_runtime_error_naming_jwks_uri(
    requests_mock: Any, register: dict[str, Any]
) -> None:
    provider = FakeOpenIDProvider(requests_mock, ROTATED, metadata={"jwks_uri": None})
    rp = static_keys_party(**register)
    with pytest.raises(UnknownSigningKeyError) as caught:
        rp.log_in(rp.app.test_client(), provider)
    assert isinstance(caught.value, InvalidIdTokenError) and isinstance(caught.value, RuntimeError)
    assert caught.value.check == "kid"
    assert "jwks_uri" in str(caught.value) and "server_metadata_url" in str(caught.value)
    assert provider.jwks_requests == 0


def test_id_token_when_the_metadata_has_no_jwks_uri_and_no_jwks_is_given_is_a_runtime_error(
    requests_mock: Any,
) -> None:
    provider = FakeOpenIDProvider(requests_mock, RSA, metadata={"jwks_uri": None})
    rp = make_relying_party()
    with pytest.raises(RuntimeError, match="jwks_uri") as caught:
        rp.log_in(rp.app.test_client(), provider)
    assert isinstance(caught.value, ConfigurationError)


def test_id_token_with_a_kid_in_static_jwks_is_accepted(requests_mock: Any) -> None:
    provider = FakeOpenIDProvider(requests_mock, RSA, metadata={"jwks_uri": None})
    rp = static_keys_party()
    assert rp.log_in(rp.app.test_client(), provider).status_code == 200
    assert_login_token(rp.tokens[-1], provider)
    assert provider.jwks_requests == 0


# -- the ID token at login -------------------------------------------------------------------------


def test_id_token_with_the_wrong_nonce_fails_the_login(provider: FakeOpenIDProvider, rp: RelyingParty) -> None:
    provider.extra_claims = {"nonce": "replayed-nonce"}
    with pytest.raises(InvalidIdTokenError) as caught:
        rp.log_in(rp.app.test_client(), provider)
    assert caught.value.check == "nonce"
    assert rp.tokens == []


def test_id_token_signed_with_an_algorithm_the_provider_does_not_list_fails_the_login(requests_mock: Any) -> None:
    provider = FakeOpenIDProvider(
        requests_mock, ec_key("ec-1"), metadata={"id_token_signing_alg_values_supported": ["RS256"]}
    )
    rp = make_relying_party()
    with pytest.raises(InvalidIdTokenError) as caught:
        rp.log_in(rp.app.test_client(), provider)
    assert caught.value.check == "alg"


def test_trusted_audiences_setting_admits_a_known_extra_audience_at_login(requests_mock: Any) -> None:
    provider = FakeOpenIDProvider(requests_mock, RSA)
    provider.extra_claims = {"aud": [CLIENT_ID, "https://api.example.test"], "azp": CLIENT_ID}
    untrusting = make_relying_party()
    with pytest.raises(InvalidIdTokenError) as caught:
        untrusting.log_in(untrusting.app.test_client(), provider)
    assert caught.value.check == "aud"
    trusting = make_relying_party(
        client_kwargs={"scope": "openid email profile", "trusted_audiences": ["https://api.example.test"]}
    )
    assert trusting.log_in(trusting.app.test_client(), provider).status_code == 200
    assert_login_token(trusting.tokens[-1], provider)
    assert trusting.tokens[-1]["userinfo"]["aud"] == [CLIENT_ID, "https://api.example.test"]


def test_openid_login_whose_token_has_no_id_token_is_refused(
    rp: RelyingParty, provider: FakeOpenIDProvider
) -> None:
    provider.token_answer = (200, "application/json", json.dumps({"access_token": "at", "token_type": "Bearer"}))
    web = rp.app.test_client()
    answer = web.get("/callback-handled", query_string=rp.start_login(web, provider))
    assert answer.status_code == 400
    assert answer.get_json()["error"] == "token_invalid"
    assert rp.tokens == []


# -- parse_id_token and fetch_jwk_set --------------------------------------------------------------


def test_fetch_jwk_set_returns_the_providers_keys_and_caches_them(
    provider: FakeOpenIDProvider, rp: RelyingParty
) -> None:
    document = rp.oauth.prov.fetch_jwk_set()
    assert [key["kid"] for key in document["keys"]] == ["rsa-1"]
    rp.oauth.prov.fetch_jwk_set()
    assert provider.jwks_requests == 1
    provider.published_keys = [provider.signing_key, rsa_key("rsa-2")]
    assert [key["kid"] for key in rp.oauth.prov.fetch_jwk_set(force=True)["keys"]] == ["rsa-1", "rsa-2"]
    assert provider.jwks_requests == 2


def test_parse_id_token_validates_and_returns_userinfo(provider: FakeOpenIDProvider, rp: RelyingParty) -> None:
    token = {"access_token": "at", "id_token": provider.sign_id_token(nonce="n-1", email="ada@example.test")}
    with rp.app.test_request_context():
        userinfo = rp.oauth.prov.parse_id_token(token, nonce="n-1")
        assert isinstance(userinfo, UserInfo)
        assert (userinfo.sub, userinfo.email) == (SUBJECT, "ada@example.test")
        with pytest.raises(InvalidIdTokenError) as caught:
            rp.oauth.prov.parse_id_token(token, nonce="another")
        assert caught.value.check == "nonce"
        assert rp.oauth.prov.parse_id_token({"access_token": "at"}, nonce="n-1") is None  # as Authlib


def test_parse_id_token_without_id_token_returns_none(rp: RelyingParty, provider: FakeOpenIDProvider) -> None:
    with rp.app.test_request_context():
        assert rp.oauth.prov.parse_id_token({"access_token": "at", "token_type": "Bearer"}, nonce="n") is None


# -- RP-initiated logout ---------------------------------------------------------------------------


def test_logout_redirect_carries_the_logout_request(provider: FakeOpenIDProvider, rp: RelyingParty) -> None:
    client = rp.app.test_client()
    response = client.get("/logout", query_string={"id_token_hint": "the-id-token"})
    assert response.status_code == 302
    location = response.headers["Location"]
    assert location.split("?")[0] == END_SESSION_ENDPOINT
    query = query_of(location)
    assert query["id_token_hint"] == "the-id-token"
    assert query["post_logout_redirect_uri"] == "http://localhost/logged-out"
    assert query["client_id"] == CLIENT_ID
    assert entropy_bits(query["state"]) >= 128


def test_create_logout_url_uses_the_given_state(provider: FakeOpenIDProvider, rp: RelyingParty) -> None:
    with rp.app.test_request_context():
        result = rp.oauth.prov.create_logout_url(
            post_logout_redirect_uri="https://rp.example.test/bye", id_token_hint="hint", state="given-state"
        )
    assert result["state"] == "given-state"
    assert query_of(result["url"]) == {
        "id_token_hint": "hint", "client_id": CLIENT_ID,
        "post_logout_redirect_uri": "https://rp.example.test/bye", "state": "given-state",
    }


def test_logout_response_state_is_accepted_once(provider: FakeOpenIDProvider, rp: RelyingParty) -> None:
    client = rp.app.test_client()
    state = query_of(client.get("/logout").headers["Location"])["state"]
    back = client.get("/logged-out", query_string={"state": state})
    assert back.status_code == 200
    assert back.get_json()["post_logout_redirect_uri"] == "http://localhost/logged-out"
    with pytest.raises(MismatchingStateError):
        client.get("/logged-out", query_string={"state": state})


def test_logout_response_with_unknown_or_foreign_state_is_rejected(
    provider: FakeOpenIDProvider, rp: RelyingParty
) -> None:
    client, other = rp.app.test_client(), rp.app.test_client()
    state = query_of(client.get("/logout").headers["Location"])["state"]
    with pytest.raises(MismatchingStateError):
        client.get("/logged-out", query_string={"state": "made-up"})
    with pytest.raises(MismatchingStateError):
        other.get("/logged-out", query_string={"state": state})
    with pytest.raises(MismatchingStateError):
        client.get("/logged-out")


def test_logout_without_an_end_session_endpoint_names_the_setting(requests_mock: Any) -> None:
    rp = make_relying_party(
        server_metadata_url=None, issuer=ISSUER, authorization_endpoint=AUTHORIZATION_ENDPOINT,
        token_endpoint=TOKEN_ENDPOINT, jwks_uri=JWKS_URI,
    )
    with rp.app.test_request_context(), pytest.raises(ConfigurationError) as caught:
        rp.oauth.prov.create_logout_url(post_logout_redirect_uri="https://rp.example.test/bye")
    assert isinstance(caught.value, RuntimeError)
    assert "end-session endpoint" in str(caught.value)
    assert "PROV_SERVER_METADATA_URL" in str(caught.value)
    assert requests_mock.request_history == []


def test_logout_with_discovery_lacking_an_end_session_endpoint_is_a_configuration_error(
    requests_mock: Any,
) -> None:
    FakeOpenIDProvider(requests_mock, rsa_key("rsa-1"), metadata={"end_session_endpoint": None})
    rp = make_relying_party()
    with rp.app.test_request_context(), pytest.raises(ConfigurationError, match="end-session endpoint") as caught:
        rp.oauth.prov.create_logout_url(post_logout_redirect_uri="https://rp.example.test/bye")
    assert "pass end_session_endpoint= to register()" in str(caught.value)
