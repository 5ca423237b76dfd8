"""IdTokenVerifier: the ID-token checks of OpenID Connect Core 3.1.3.7, on plain values."""

from __future__ import annotations

import base64
import time
from collections.abc import Iterable
from typing import Any

import pytest
from jwt import PyJWK

from flask_oauth_registry import InvalidIdTokenError, InvalidTokenError
from flask_oauth_registry.registry.idtoken import IdTokenVerifier
from tests.fakes.keys import SigningKey, ec_key, hmac_signed_token, left_half_hash, rsa_key, unsigned_token
from tests.fakes.oidc import CLIENT_ID, CLIENT_SECRET, ISSUER, id_token_claims

RSA = rsa_key("rsa-1")
EC = ec_key("ec-1")


class KeyLookup:
    """The keys a provider publishes, recording which (kid, alg) the verifier asked for."""

    def __init__(self, *keys: SigningKey, **members: Any) -> None:
        self.keys = [PyJWK(key.public_jwk(**members)) for key in keys]
        self.calls: list[tuple[str | None, str]] = []

    def __call__(self, kid: str | None, alg: str) -> Iterable[PyJWK]:
        self.calls.append((kid, alg))
        return [k for k in self.keys if kid is None or k.key_id == kid]


def verified(checker: IdTokenVerifier, token: str, keys: KeyLookup, **kwargs: Any) -> dict[str, Any]:
    """Verify as the OpenID part does: read the header, ask ``keys`` for its kid and alg, hand those keys over."""
    header = checker.read_header(token)
    offered = keys(header.kid, header.alg) if header.uses_published_keys else []
    return checker.verify(token, offered, **kwargs)


def verifier(**overrides: Any) -> IdTokenVerifier:
    settings: dict[str, Any] = {"client_id": CLIENT_ID, "issuer": ISSUER, "algorithms": ["RS256", "ES256"]}
    settings.update(overrides)
    return IdTokenVerifier(**settings)


def rejected(token: str, keys: Any = None, verify: IdTokenVerifier | None = None, **kwargs: Any) -> str:
    """Verify a token that must fail; return the name of the failed check."""
    with pytest.raises(InvalidIdTokenError) as caught:
        verified(verify or verifier(), token, keys or KeyLookup(RSA, EC), **kwargs)
    assert isinstance(caught.value, InvalidTokenError)
    assert caught.value.error == "token_invalid"
    assert caught.value.check in str(caught.value)
    return caught.value.check


# -- accepted tokens -------------------------------------------------------------------


@pytest.mark.parametrize("key", [RSA, EC], ids=["RS256", "ES256"])
def test_valid_id_token_returns_its_claims(key: SigningKey) -> None:
    token = key.sign(id_token_claims(nonce="n-1", email="ada@example.test"))
    claims = verified(verifier(), token, KeyLookup(RSA, EC), nonce="n-1")
    assert claims["sub"] and claims["email"] == "ada@example.test"
    assert claims["iss"] == ISSUER and claims["aud"] == CLIENT_ID


def test_token_without_kid_is_tried_against_every_key_of_the_matching_type() -> None:
    signer = rsa_key(None, label="rsa-no-kid")
    decoy = rsa_key("rsa-decoy")
    keys = KeyLookup(decoy, EC, rsa_key("rsa-published-twin", label="rsa-no-kid"))
    claims = verified(verifier(), signer.sign(id_token_claims()), keys)
    assert claims["iss"] == ISSUER
    assert keys.calls == [(None, "RS256")]


# -- signature and algorithm -------------------------------------------------------------


def test_id_token_with_a_bad_signature_is_rejected() -> None:
    forger = rsa_key("rsa-1", label="attacker")
    assert rejected(forger.sign(id_token_claims())) == "signature"


def test_id_token_with_a_tampered_payload_is_rejected() -> None:
    header, _payload, signature = RSA.sign(id_token_claims()).split(".")
    other_payload = RSA.sign(id_token_claims(sub="admin")).split(".")[1]
    assert rejected(f"{header}.{other_payload}.{signature}") == "signature"


@pytest.mark.parametrize("algorithms", [["RS256"], ["none", "RS256"]])
def test_unsigned_id_token_with_alg_none_is_rejected(algorithms: list[str]) -> None:
    token = unsigned_token(id_token_claims(), kid="rsa-1")
    assert rejected(token, verify=verifier(algorithms=algorithms)) == "alg"


def test_id_token_signed_with_hs256_using_public_key_is_rejected() -> None:
    token = hmac_signed_token(id_token_claims(), RSA.public_pem(), kid="rsa-1")
    keys = KeyLookup(RSA)
    assert rejected(token, keys) == "alg"  # HS256 is not allowed for this client


def test_id_token_signed_with_hs256_using_public_key_is_rejected_when_hs256_is_allowed_without_a_secret() -> None:
    token = hmac_signed_token(id_token_claims(), RSA.public_pem(), kid="rsa-1")
    keys = KeyLookup(RSA)
    assert rejected(token, keys, verify=verifier(algorithms=["RS256", "HS256"])) == "alg"
    assert keys.calls == []  # the published keys are never offered as a MAC key


def test_id_token_signed_with_hs256_using_public_key_is_rejected_when_hs256_is_allowed_with_a_secret() -> None:
    token = hmac_signed_token(id_token_claims(), RSA.public_pem(), kid="rsa-1")
    keys = KeyLookup(RSA)
    check = rejected(token, keys, verify=verifier(algorithms=["HS256"], client_secret=CLIENT_SECRET))
    assert check == "signature"
    assert keys.calls == []


def test_id_token_signed_with_hs256_using_the_client_secret_is_accepted_when_hs256_is_allowed() -> None:
    token = hmac_signed_token(id_token_claims(nonce="n"), CLIENT_SECRET.encode())
    claims = verified(verifier(algorithms=["HS256"], client_secret=CLIENT_SECRET), token, KeyLookup(), nonce="n")
    assert claims["nonce"] == "n"


def test_id_token_whose_alg_is_not_in_the_allowed_list_is_rejected() -> None:
    assert rejected(EC.sign(id_token_claims()), verify=verifier(algorithms=["RS256"])) == "alg"


def test_id_token_with_an_unknown_kid_is_rejected() -> None:
    assert rejected(rsa_key("rsa-unknown").sign(id_token_claims())) == "kid"


def test_key_of_the_wrong_type_is_never_used() -> None:
    # An EC key published under the kid of an RS256 token must not be handed to the RSA verifier.
    ec_under_rsa_kid = ec_key("rsa-1", label="ec-under-rsa-kid")
    keys = KeyLookup(ec_under_rsa_kid)
    assert rejected(RSA.sign(id_token_claims()), keys) == "kid"


@pytest.mark.parametrize(
    "members", [{"use": "enc"}, {"alg": "RS512"}], ids=["encryption-key", "key-for-another-alg"]
)
def test_key_published_for_another_purpose_is_never_used(members: dict[str, str]) -> None:
    assert rejected(RSA.sign(id_token_claims()), KeyLookup(RSA, **members)) == "kid"


def test_ec_key_of_another_curve_is_never_used_for_es256() -> None:
    p384 = ec_key("ec-1", curve="P-384", label="p384")
    assert rejected(EC.sign(id_token_claims()), KeyLookup(p384)) == "kid"


# -- iss, aud, azp -----------------------------------------------------------------------------


@pytest.mark.parametrize("iss", ["https://evil.example.test", ISSUER + "/", None])
def test_id_token_from_another_issuer_is_rejected(iss: str | None) -> None:
    assert rejected(RSA.sign(id_token_claims(iss=iss))) == "iss"


@pytest.mark.parametrize("aud", ["someone-else", ["someone-else", "third"], None])
def test_id_token_whose_aud_does_not_contain_the_client_id_is_rejected(aud: Any) -> None:
    assert rejected(RSA.sign(id_token_claims(aud=aud))) == "aud"


def test_id_token_with_azp_of_another_client_is_rejected() -> None:
    assert rejected(RSA.sign(id_token_claims(azp="someone-else"))) == "azp"


def test_id_token_with_several_audiences_requires_azp() -> None:
    trusting = verifier(trusted_audiences=["api"])
    assert rejected(RSA.sign(id_token_claims(aud=[CLIENT_ID, "api"])), verify=trusting) == "azp"
    claims = verified(trusting, RSA.sign(id_token_claims(aud=[CLIENT_ID, "api"], azp=CLIENT_ID)), KeyLookup(RSA))
    assert claims["azp"] == CLIENT_ID


# -- time ----------------------------------------------------------------------------------------


def test_expired_id_token_is_rejected() -> None:
    now = int(time.time())
    assert rejected(RSA.sign(id_token_claims(iat=now - 600, exp=now - 61))) == "exp"


def test_id_token_expired_within_the_leeway_is_accepted() -> None:
    now = int(time.time())
    verified(verifier(leeway=60), RSA.sign(id_token_claims(iat=now - 600, exp=now - 30)), KeyLookup(RSA))


def test_id_token_is_checked_against_the_given_time() -> None:
    token = RSA.sign(id_token_claims())
    assert rejected(token, now=time.time() + 3600) == "exp"


@pytest.mark.parametrize("claim", ["exp", "iat", "sub"])
def test_id_token_without_a_required_claim_is_rejected(claim: str) -> None:
    assert rejected(RSA.sign(id_token_claims(**{claim: None}))) == claim


def test_id_token_issued_in_the_future_is_rejected() -> None:
    now = int(time.time())
    assert rejected(RSA.sign(id_token_claims(iat=now + 600, exp=now + 900))) == "iat"


@pytest.mark.parametrize("claim", ["exp", "iat"])
def test_id_token_with_a_non_numeric_time_claim_is_rejected(claim: str) -> None:
    assert rejected(RSA.sign(id_token_claims(**{claim: "tomorrow"}))) == claim


# -- nonce, at_hash, auth_time -------------------------------------------------------------------


@pytest.mark.parametrize("nonce", ["another-nonce", None])
def test_id_token_whose_nonce_is_not_the_one_sent_is_rejected(nonce: str | None) -> None:
    assert rejected(RSA.sign(id_token_claims(nonce=nonce)), nonce="sent-nonce") == "nonce"


def test_id_token_whose_at_hash_does_not_match_the_access_token_is_rejected() -> None:
    token = RSA.sign(id_token_claims(at_hash=left_half_hash("the-real-access-token")))
    assert rejected(token, access_token="a-swapped-access-token") == "at_hash"


@pytest.mark.parametrize("key", [RSA, EC], ids=["RS256", "ES256"])
def test_id_token_whose_at_hash_matches_the_access_token_is_accepted(key: SigningKey) -> None:
    token = key.sign(id_token_claims(at_hash=left_half_hash("the-real-access-token")))
    verified(verifier(), token, KeyLookup(RSA, EC), access_token="the-real-access-token")


def test_id_token_without_auth_time_is_rejected_when_max_age_was_sent() -> None:
    assert rejected(RSA.sign(id_token_claims()), max_age=300) == "auth_time"


def test_id_token_whose_auth_time_is_older_than_max_age_is_rejected() -> None:
    token = RSA.sign(id_token_claims(auth_time=int(time.time()) - 3600))
    assert rejected(token, max_age=300) == "auth_time"


def test_id_token_with_recent_auth_time_is_accepted_when_max_age_was_sent() -> None:
    token = RSA.sign(id_token_claims(auth_time=int(time.time()) - 100))
    assert verified(verifier(), token, KeyLookup(RSA), max_age=300)["auth_time"]


# -- claims_options --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "options",
    [
        {"iss": {"essential": False}},
        {"iss": {"values": [ISSUER, "https://evil.example.test"]}},
        {"iss": {"validate": lambda claims, value: True}},
    ],
    ids=["not-essential", "widened-values", "always-valid"],
)
def test_claims_options_cannot_remove_the_issuer_check(options: dict[str, Any]) -> None:
    token = RSA.sign(id_token_claims(iss="https://evil.example.test"))
    assert rejected(token, claims_options=options) == "iss"


def test_claims_options_add_checks() -> None:
    unverified = RSA.sign(id_token_claims(email_verified=False))
    assert rejected(unverified, claims_options={"email_verified": {"value": True}}) == "email_verified"
    assert rejected(RSA.sign(id_token_claims()), claims_options={"acr": {"essential": True}}) == "acr"
    accepted = RSA.sign(id_token_claims(email_verified=True, acr="mfa"))
    claims = verified(
        verifier(), accepted, KeyLookup(RSA),
        claims_options={"email_verified": {"value": True}, "acr": {"essential": True, "values": ["mfa"]}},
    )
    assert claims["acr"] == "mfa"


def test_claims_options_validate_callable_can_reject() -> None:
    token = RSA.sign(id_token_claims(hd="other.example"))
    options = {"hd": {"validate": lambda claims, value: value == "example.test"}}
    assert rejected(token, claims_options=options) == "hd"


# -- malformed input -------------------------------------------------------------------------------


@pytest.mark.parametrize("token", ["", "not-a-jwt", "a.b", "a.b.c.d", "!!!.???.###"])
def test_malformed_id_token_is_rejected(token: str) -> None:
    assert rejected(token) in {"format", "alg"}


# -- audiences the client does not trust ---------------------------------------------------------


def test_id_token_with_an_untrusted_extra_audience_is_rejected_even_when_azp_names_the_client() -> None:
    token = RSA.sign(id_token_claims(aud=[CLIENT_ID, "untrusted-api"], azp=CLIENT_ID))
    assert rejected(token) == "aud"


def test_id_token_with_a_trusted_extra_audience_is_accepted() -> None:
    token = RSA.sign(id_token_claims(aud=[CLIENT_ID, "api"], azp=CLIENT_ID))
    claims = verified(verifier(trusted_audiences=frozenset({"api"})), token, KeyLookup(RSA))
    assert claims["aud"] == [CLIENT_ID, "api"]
    assert rejected(RSA.sign(id_token_claims(aud=[CLIENT_ID, "api", "other"], azp=CLIENT_ID)),
                    verify=verifier(trusted_audiences=frozenset({"api"}))) == "aud"


# -- NaN and Infinity in time claims, and sub ------------------------------------------------------


@pytest.mark.parametrize("value", [float("nan"), float("inf"), float("-inf")], ids=["NaN", "Infinity", "-Infinity"])
@pytest.mark.parametrize("claim", ["exp", "iat", "nbf", "auth_time"])
def test_id_token_with_a_non_finite_time_claim_is_rejected(claim: str, value: float) -> None:
    token = RSA.sign(id_token_claims(**{claim: value}))
    assert "NaN" in _payload_json(token) or "Infinity" in _payload_json(token)  # literals Python's json reads back
    assert rejected(token, max_age=300 if claim == "auth_time" else None) == claim


def test_id_token_with_an_integer_iat_too_large_for_a_float_is_rejected_not_crashed() -> None:
    assert rejected(RSA.sign(id_token_claims(iat=10**400))) == "iat"


def _payload_json(token: str) -> str:
    payload = token.split(".")[1]
    return base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)).decode()


@pytest.mark.parametrize("sub", ["", "s" * 256, 42, ["a"]], ids=["empty", "256-chars", "number", "list"])
def test_id_token_with_a_malformed_sub_is_rejected(sub: Any) -> None:
    assert rejected(RSA.sign(id_token_claims(sub=sub))) == "sub"


def test_id_token_with_a_sub_of_255_characters_is_accepted() -> None:
    sub = "s" * 255
    assert verified(verifier(), RSA.sign(id_token_claims(sub=sub)), KeyLookup(RSA))["sub"] == sub
