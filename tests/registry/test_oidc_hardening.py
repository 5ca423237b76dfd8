"""OpenID Connect edge cases: key rotation right after the first login, keys that cannot be refetched,
signed-userinfo claims, untrusted audiences, non-finite times, malformed ``sub`` and exact discovery issuers."""

from __future__ import annotations

import base64
from typing import Any

import pytest
from cachelib import SimpleCache

from flask_oauth_registry import (
    BadResponseError,
    ConfigurationError,
    InvalidIdTokenError,
    UnknownSigningKeyError,
)
from flask_oauth_registry.registry.idtoken import IdTokenVerifier
from flask_oauth_registry.registry.oidc import KeySet, validate_metadata
from flask_oauth_registry.registry.openid import verify_with_keys
from tests.registry.oidc_fixtures import (
    AUTHORIZATION_ENDPOINT,
    CLIENT_ID,
    DISCOVERY_URL,
    ISSUER,
    SUBJECT,
    TOKEN_ENDPOINT,
    FakeOpenIDProvider,
    RelyingParty,
    ShiftedClock,
    discovery_document,
    id_token_claims,
    jwks,
    make_relying_party,
    rsa_key,
)

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


def check_of(token: str, keys: Any = None, verify: IdTokenVerifier | None = None, **kwargs: Any) -> str:
    """Verify a token that must fail; return the name of the failed check."""
    keyset = keys or KeySet(Counting(jwks(RSA)))
    with pytest.raises(InvalidIdTokenError) as caught:
        verify_with_keys(verify or verifier(), keyset, token, **kwargs)
    return caught.value.check


# -- 1. key rotation right after the first login ---------------------------------------------------


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


def test_unknown_kid_in_keys_fetched_by_the_same_lookup_causes_no_second_fetch() -> None:
    fetch = Counting(jwks(RSA))
    keyset = KeySet(fetch)
    assert keyset.lookup("rsa-unknown").keys == []
    assert fetch.calls == 1


def test_unknown_kid_after_keys_taken_from_the_shared_cache_is_refetched() -> None:
    cache = SimpleCache()
    KeySet(Counting(jwks(RSA)), cache=cache, cache_key="prov").keys()
    fetch = Counting(jwks(RSA, ROTATED))
    keyset = KeySet(fetch, cache=cache, cache_key="prov")
    assert [key.key_id for key in keyset.lookup("rsa-2").keys] == ["rsa-2"]
    assert fetch.calls == 1


def test_forced_fetch_does_not_spend_the_unknown_kid_refetch_budget() -> None:
    fetch = Counting(jwks(RSA))
    keyset = KeySet(fetch)
    keyset.keys()
    keyset.keys(force=True)
    fetch.document = jwks(RSA, ROTATED)
    assert [key.key_id for key in keyset.lookup("rsa-2").keys] == ["rsa-2"]
    assert fetch.calls == 3


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


def test_kid_less_token_checked_against_keys_just_fetched_causes_no_second_fetch() -> None:
    fetch = Counting(jwks(rsa_key(None, label="published")))
    keyset = KeySet(fetch)
    forged = rsa_key(None, label="attacker-key")
    with pytest.raises(InvalidIdTokenError) as caught:
        verify_with_keys(verifier(), keyset, forged.sign(id_token_claims()))
    assert caught.value.check == "signature"
    assert fetch.calls == 1


# -- 2. an unknown kid with no jwks_uri to fetch more keys from ------------------------------------


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


# -- 3. and 6. signed userinfo: iss, aud and sub are required and checked ----------------------------


def signed_userinfo(provider: FakeOpenIDProvider, rp: RelyingParty, **claims: Any) -> Any:
    """Log in, then call userinfo() with the provider answering a JWT of ``claims`` (``None`` removes one)."""
    assert rp.log_in(rp.app.test_client(), provider).status_code == 200
    base = {"sub": SUBJECT, "iss": ISSUER, "aud": CLIENT_ID, "email": "signed@example.test"}
    body = provider.signing_key.sign({k: v for k, v in {**base, **claims}.items() if v is not None})
    provider.userinfo_answer = ("application/jwt", body)
    with rp.app.test_request_context():
        return rp.oauth.prov.userinfo(token=rp.tokens[-1])


@pytest.mark.parametrize("claim", ["iss", "aud"])
def test_signed_userinfo_without_iss_or_aud_is_rejected(
    provider: FakeOpenIDProvider, rp: RelyingParty, claim: str
) -> None:
    with pytest.raises(InvalidIdTokenError) as caught:
        signed_userinfo(provider, rp, **{claim: None})
    assert caught.value.check == claim


@pytest.mark.parametrize(
    ("claim", "value"),
    [("iss", "https://evil.example.test"), ("aud", "another-client"), ("aud", ["another-client", "third"])],
)
def test_signed_userinfo_from_another_issuer_or_for_another_client_is_rejected(
    provider: FakeOpenIDProvider, rp: RelyingParty, claim: str, value: Any
) -> None:
    with pytest.raises(InvalidIdTokenError) as caught:
        signed_userinfo(provider, rp, **{claim: value})
    assert caught.value.check == claim


def test_signed_userinfo_with_iss_and_an_aud_including_the_client_is_accepted(
    provider: FakeOpenIDProvider, rp: RelyingParty
) -> None:
    assert signed_userinfo(provider, rp, aud=[CLIENT_ID, "api"]).email == "signed@example.test"


@pytest.mark.parametrize("sub", ["", "s" * 256, 42], ids=["empty", "256-chars", "number"])
def test_signed_userinfo_with_a_malformed_sub_is_rejected(
    provider: FakeOpenIDProvider, rp: RelyingParty, sub: Any
) -> None:
    with pytest.raises(InvalidIdTokenError) as caught:
        signed_userinfo(provider, rp, sub=sub)
    assert caught.value.check == "sub"


# -- 4. audiences the client does not trust --------------------------------------------------------


def test_id_token_with_an_untrusted_extra_audience_is_rejected_even_when_azp_names_the_client() -> None:
    token = RSA.sign(id_token_claims(aud=[CLIENT_ID, "untrusted-api"], azp=CLIENT_ID))
    assert check_of(token) == "aud"


def test_id_token_with_a_trusted_extra_audience_is_accepted() -> None:
    token = RSA.sign(id_token_claims(aud=[CLIENT_ID, "api"], azp=CLIENT_ID))
    claims = verify_with_keys(verifier(trusted_audiences=frozenset({"api"})), KeySet(Counting(jwks(RSA))), token)
    assert claims["aud"] == [CLIENT_ID, "api"]
    assert check_of(RSA.sign(id_token_claims(aud=[CLIENT_ID, "api", "other"], azp=CLIENT_ID)),
                    verify=verifier(trusted_audiences=frozenset({"api"}))) == "aud"


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


@pytest.mark.parametrize("value", ["https://api.example.test", [42], {"api": True}], ids=["string", "number", "dict"])
def test_trusted_audiences_that_is_not_a_list_of_strings_is_a_configuration_error(value: Any) -> None:
    with pytest.raises(ConfigurationError, match="trusted_audiences"):
        make_relying_party(client_kwargs={"scope": "openid", "trusted_audiences": value})


# -- 5. NaN and Infinity in time claims ---------------------------------------------------------------


@pytest.mark.parametrize("value", [float("nan"), float("inf"), float("-inf")], ids=["NaN", "Infinity", "-Infinity"])
@pytest.mark.parametrize("claim", ["exp", "iat", "nbf", "auth_time"])
def test_id_token_with_a_non_finite_time_claim_is_rejected(claim: str, value: float) -> None:
    token = RSA.sign(id_token_claims(**{claim: value}))
    assert "NaN" in _payload_json(token) or "Infinity" in _payload_json(token)  # literals Python's json reads back
    assert check_of(token, max_age=300 if claim == "auth_time" else None) == claim


def test_id_token_with_an_integer_iat_too_large_for_a_float_is_rejected_not_crashed() -> None:
    assert check_of(RSA.sign(id_token_claims(iat=10**400))) == "iat"


def _payload_json(token: str) -> str:
    payload = token.split(".")[1]
    return base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)).decode()


# -- 6. sub ----------------------------------------------------------------------------------------------


@pytest.mark.parametrize("sub", ["", "s" * 256, 42, ["a"]], ids=["empty", "256-chars", "number", "list"])
def test_id_token_with_a_malformed_sub_is_rejected(sub: Any) -> None:
    assert check_of(RSA.sign(id_token_claims(sub=sub))) == "sub"


def test_id_token_with_a_sub_of_255_characters_is_accepted() -> None:
    sub = "s" * 255
    assert verify_with_keys(verifier(), KeySet(Counting(jwks(RSA))), RSA.sign(id_token_claims(sub=sub)))["sub"] == sub


# -- 7. the discovery document's issuer is exactly the one its URL names ------------------------------


@pytest.mark.parametrize(
    ("url", "issuer"),
    [
        (DISCOVERY_URL, ISSUER + "//"),
        ("https://op.example.test/tenant//.well-known/openid-configuration", "https://op.example.test/tenant"),
        ("https://op.example.test/tenant/.well-known/openid-configuration", "https://op.example.test/tenant//"),
        ("https://op.example.test/.well-known/oauth-authorization-server/tenant", "https://op.example.test/tenant//"),
        ("https://op.example.test/.well-known/oauth-authorization-server/tenant", "https://op.example.test/tenan"),
        ("https://op.example.test/tenant/.well-known/openid-configuration", "https://op.example.test/tenant/"),
        ("https://op.example.test/.well-known/oauth-authorization-server/tenant", "https://op.example.test/tenant/"),
    ],
    ids=["extra-slashes", "url-slash-issuer-none", "oidc-path-extra-slashes", "rfc8414-extra-slashes", "prefix",
         "oidc-trailing-slash", "rfc8414-trailing-slash"],
)
def test_discovery_issuer_that_is_not_exactly_the_one_its_url_names_is_rejected(url: str, issuer: str) -> None:
    with pytest.raises(BadResponseError) as caught:
        validate_metadata(discovery_document(issuer=issuer), url)
    assert caught.value.error == "issuer_mismatch"


@pytest.mark.parametrize(
    ("url", "issuer"),
    [
        ("https://op.example.test/tenant/.well-known/openid-configuration", "https://op.example.test/tenant"),
        ("https://op.example.test/.well-known/oauth-authorization-server/tenant", "https://op.example.test/tenant"),
    ],
    ids=["oidc", "rfc8414"],
)
def test_discovery_issuer_identical_to_the_url_prefix_is_accepted(url: str, issuer: str) -> None:
    assert validate_metadata(discovery_document(issuer=issuer), url)["issuer"] == issuer


@pytest.mark.parametrize(
    "url",
    [
        "https://op.example.test/tenant/.well-known/openid-configuration",
        "https://op.example.test/.well-known/oauth-authorization-server/tenant",
    ],
    ids=["oidc", "rfc8414"],
)
def test_declared_issuer_with_a_terminating_slash_is_accepted_at_the_url_built_from_it(url: str) -> None:
    # OIDC Discovery 4.1, RFC 8414 section 3: "any terminating / MUST be removed" before adding the
    # well-known part; a provider whose issuer ends in "/" (Auth0) is used by declaring issuer=.
    issuer = "https://op.example.test/tenant/"
    assert validate_metadata(discovery_document(issuer=issuer), url, issuer)["issuer"] == issuer
