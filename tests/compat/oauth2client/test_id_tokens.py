"""ID tokens: ``id_token`` is decoded unverified (as before); ``verify_id_token`` and ``id_token_claims`` verify."""

from __future__ import annotations

import time
from typing import Any

import pytest
import requests_mock as rm

from flask_oauth_registry.compat.oauth2client import client, crypt
from tests.fakes.keys import jwks, rsa_key

from .support import certificate_pem, private_pem

CERTS_V1 = client.ID_TOKEN_VERIFICATION_CERTS
JWKS_URI = "https://www.googleapis.com/oauth2/v3/certs"


def claims(**changes: Any) -> dict[str, Any]:
    now = int(time.time())
    values = {"iss": "https://accounts.google.com", "aud": "cid", "sub": "42", "email": "u@example.com",
              "iat": now, "exp": now + 3600}
    values.update(changes)
    return values


@pytest.fixture
def google_keys(requests_mock: rm.Mocker) -> rm.Mocker:
    """Google's keys at both addresses: v1 as PEM certificates, v3 as a JWK set."""
    key = rsa_key("google-1")
    requests_mock.get(CERTS_V1, json={"google-1": certificate_pem(key.private_key)})
    requests_mock.get(JWKS_URI, json=jwks(key))
    return requests_mock


def test_verify_id_token_checks_signature_audience_issuer_and_expiry(google_keys: rm.Mocker) -> None:
    token = rsa_key("google-1").sign(claims())

    assert client.verify_id_token(token, "cid")["sub"] == "42"
    assert client.verify_id_token(token, "cid", cert_uri=JWKS_URI)["email"] == "u@example.com"


@pytest.mark.parametrize("change", [
    {"aud": "someone-else"}, {"iss": "https://evil.example"}, {"exp": int(time.time()) - 3600},
])
def test_a_token_for_another_audience_issuer_or_time_is_refused(google_keys: rm.Mocker, change: dict[str, Any]
                                                                ) -> None:
    # oauth2client's verify_id_token never checked iss: any Google-signed token of any issuer name passed.
    token = rsa_key("google-1").sign(claims(**change))

    with pytest.raises(crypt.AppIdentityError) as caught:
        client.verify_id_token(token, "cid")

    assert isinstance(caught.value, client.VerifyJwtTokenError) and token not in str(caught.value)


def test_a_token_signed_by_another_key_is_refused(google_keys: rm.Mocker) -> None:
    forged = rsa_key("google-1", label="attacker").sign(claims())

    with pytest.raises(client.VerifyJwtTokenError, match="signature"):
        client.verify_id_token(forged, "cid")


def test_keys_are_fetched_once_and_an_unreachable_document_is_an_error(google_keys: rm.Mocker) -> None:
    token = rsa_key("google-1").sign(claims())
    client.verify_id_token(token, "cid")
    client.verify_id_token(token, "cid")

    assert google_keys.call_count == 1
    google_keys.get("https://keys.example/certs", status_code=503)
    with pytest.raises(client.VerifyJwtTokenError, match="503"):
        client.verify_id_token(token, "cid", cert_uri="https://keys.example/certs")


def test_the_stored_id_token_is_not_trusted_until_verified(google_keys: rm.Mocker) -> None:
    # What an attacker puts in a cookie or a token file: a plausible decoded id_token and an unsigned JWT.
    forged_jwt = rsa_key("google-1", label="attacker").sign(claims(email="ceo@example.com"))
    credentials = client.OAuth2Credentials("ya29", "cid", "s", None, None, None, None,
                                           id_token={"email": "ceo@example.com"}, id_token_jwt=forged_jwt)

    assert credentials.id_token["email"] == "ceo@example.com"  # the attribute is kept, unverified
    with pytest.raises(client.VerifyJwtTokenError):
        client.id_token_claims(credentials)
    genuine = rsa_key("google-1").sign(claims())
    credentials.id_token_jwt = genuine
    assert client.id_token_claims(credentials)["email"] == "u@example.com"


def test_credentials_without_an_id_token_have_no_verified_claims() -> None:
    with pytest.raises(client.VerifyJwtTokenError, match="no ID token"):
        client.id_token_claims(client.AccessTokenCredentials("ya29", None))


def test_crypt_verifies_with_certificates_and_signs_with_pem() -> None:
    key = rsa_key("crypt-1")
    signer = crypt.Signer.from_string(private_pem(key.private_key))
    token = crypt.make_signed_jwt(signer, claims(aud="me"), key_id="crypt-1")

    payload = crypt.verify_signed_jwt_with_certs(token, {"crypt-1": certificate_pem(key.private_key)}, "me")

    assert isinstance(token, bytes) and payload["aud"] == "me"
    assert crypt.Verifier.from_string(certificate_pem(key.private_key), True).verify(b"m", signer.sign(b"m"))
    with pytest.raises(crypt.AppIdentityError):
        crypt.verify_signed_jwt_with_certs(token, {"crypt-1": certificate_pem(key.private_key)}, "someone")

