"""The apple preset: the minted ES256 client secret, the form_post callback's first-login name, userinfo()."""

from __future__ import annotations

import json
import time
from typing import Any
from urllib.parse import parse_qsl

import jwt
import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from flask import Flask

from flask_oauth_registry import ConfigurationError, OAuth
from flask_oauth_registry.providers.apple import (
    AUDIENCE,
    AppleClientSecret,
    first_login_name,
    id_token_to_claims,
    load_signing_key,
)
from tests.providers.recordings.apple import DISCOVERY, PRIVATE_KEY, RECORDING
from tests.providers.test_preset_logins import PresetLogin

OPTIONS = {"team_id": "A1B2C3D4E5", "key_id": "KEY123ABCD", "private_key": PRIVATE_KEY}


def public_key() -> Any:
    return serialization.load_pem_private_key(PRIVATE_KEY.encode(), None).public_key()


def _form(request: Any) -> dict[str, str]:
    return dict(parse_qsl(request.text or ""))


def start(login: PresetLogin, web: Any) -> str:
    """Follow the login redirect; the state to post back (the provider's ID token will carry the nonce)."""
    params = dict(parse_qsl(web.get("/login").headers["Location"].split("?", 1)[1]))
    login.nonce = params["nonce"]
    return params["state"]


def test_token_request_carries_a_client_secret_minted_as_an_es256_jwt(requests_mock: Any) -> None:
    login = PresetLogin("apple", RECORDING, requests_mock)
    web = login.app.test_client()
    state = start(login, web)
    assert web.post("/callback", data={"code": "c", "state": state}).status_code == 200
    form = _form(login.token_requests()[-1])
    assert form["client_id"] == "test-client-id"
    secret = form["client_secret"]
    assert jwt.get_unverified_header(secret) == {"alg": "ES256", "kid": "KEY123ABCD", "typ": "JWT"}
    claims = jwt.decode(secret, public_key(), algorithms=["ES256"], audience=AUDIENCE)
    assert (claims["iss"], claims["sub"]) == ("A1B2C3D4E5", "test-client-id")
    assert claims["exp"] - claims["iat"] == 3600


def test_the_minted_secret_is_reused_until_near_expiry_then_renewed() -> None:
    now = [1_000_000.0]
    method = AppleClientSecret("TEAM", "KID", load_signing_key(PRIVATE_KEY, "test"), clock=lambda: now[0])
    first = method.secret("com.example.web")
    now[0] += 3000
    assert method.secret("com.example.web") == first
    now[0] += 400  # within five minutes of its expiry
    renewed = method.secret("com.example.web")
    assert renewed != first
    unchecked_times = {"verify_exp": False, "verify_iat": False}
    claims = jwt.decode(renewed, public_key(), algorithms=["ES256"], audience=AUDIENCE, options=unchecked_times)
    assert claims["iat"] == int(now[0])


def test_an_expired_token_is_refreshed_with_a_freshly_minted_secret(app: Flask, requests_mock: Any) -> None:
    client = OAuth(app).register("apple", client_id="com.example.web", **OPTIONS)
    requests_mock.post("https://appleid.apple.com/auth/token", json={"access_token": "new", "token_type": "Bearer",
                                                                     "expires_in": 3600})
    requests_mock.get("https://appleid.apple.com/auth/keys", json={"keys": []})
    requests_mock.get("https://appleid.apple.com/.well-known/openid-configuration", json=DISCOVERY)
    expired = {"access_token": "old", "refresh_token": "r1", "token_type": "Bearer",
               "expires_at": int(time.time()) - 60}
    with app.test_request_context("/"):
        client.get("https://appleid.apple.com/auth/keys", token=expired)
    refresh = _form(next(r for r in requests_mock.request_history if r.method == "POST"))
    assert (refresh["grant_type"], refresh["refresh_token"]) == ("refresh_token", "r1")
    assert jwt.decode(refresh["client_secret"], public_key(), algorithms=["ES256"], audience=AUDIENCE)["sub"] == (
        "com.example.web"
    )


def test_the_private_key_may_be_given_as_a_file_path(app: Flask, tmp_path: Any) -> None:
    path = tmp_path / "AuthKey_KEY123ABCD.p8"
    path.write_text(PRIVATE_KEY)
    client = OAuth(app).register("apple", client_id="com.example.web", **{**OPTIONS, "private_key": str(path)})
    assert client.config.token_endpoint_auth_method == "apple_client_secret"


@pytest.mark.parametrize("missing", ["team_id", "key_id", "private_key"])
def test_a_missing_signing_setting_is_a_configuration_error_naming_it(app: Flask, missing: str) -> None:
    options = {key: value for key, value in OPTIONS.items() if key != missing}
    with pytest.raises(ConfigurationError, match=missing):
        OAuth(app).register("apple", client_id="com.example.web", **options)


def _pem(key: Any) -> str:
    return key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    ).decode()


def test_a_key_that_cannot_sign_es256_is_refused_at_register(app: Flask) -> None:
    rsa_pem = _pem(rsa.generate_private_key(public_exponent=65537, key_size=2048))
    with pytest.raises(ConfigurationError, match="P-256 EC private key"):
        OAuth(app).register("apple", client_id="com.example.web", **{**OPTIONS, "private_key": rsa_pem})
    p384_pem = _pem(ec.generate_private_key(ec.SECP384R1()))
    with pytest.raises(ConfigurationError, match="P-256"):
        OAuth(app).register("apple", client_id="com.example.web", **{**OPTIONS, "private_key": p384_pem})
    with pytest.raises(ConfigurationError, match="private_key= is not"):
        OAuth(app).register("apple", client_id="com.example.web", **{**OPTIONS, "private_key": "-----BEGIN junk"})


def test_the_signing_key_never_shows_in_a_repr(app: Flask) -> None:
    client = OAuth(app).register("apple", client_id="com.example.web", **OPTIONS)
    shown = repr(client.config)
    assert "PRIVATE KEY" not in shown and "KEY123ABCD" in shown


def test_the_first_login_user_field_keeps_the_name_in_the_token(requests_mock: Any) -> None:
    login = PresetLogin("apple", RECORDING, requests_mock)
    web = login.app.test_client()
    state = start(login, web)
    user = json.dumps({"name": {"firstName": "Ada", "lastName": "Lovelace"}, "email": "forged@example.com"})
    claims = web.post("/callback", data={"code": "c", "state": state, "user": user}).get_json()
    assert login.tokens[-1]["first_login_name"] == {"given_name": "Ada", "family_name": "Lovelace"}
    assert claims["name"] == "Ada Lovelace"
    assert claims["email"] == RECORDING.id_token_claims["email"]  # the ID token's, never the posted field's


def test_a_later_login_without_the_user_field_has_no_name(requests_mock: Any) -> None:
    login = PresetLogin("apple", RECORDING, requests_mock)
    web = login.app.test_client()
    state = start(login, web)
    claims = web.post("/callback", data={"code": "c", "state": state}).get_json()
    assert "first_login_name" not in login.tokens[-1]
    assert "name" not in claims and claims["sub"] == RECORDING.id_token_claims["sub"]


@pytest.mark.parametrize(
    ("field", "expected"),
    [
        ('{"name": {"firstName": " Ada ", "lastName": "Lovelace"}}', {"given_name": "Ada", "family_name": "Lovelace"}),
        ('{"name": {"firstName": "Ada"}}', {"given_name": "Ada"}),
        ('{"email": "a@example.com"}', {}),
        ('{"name": "Ada Lovelace"}', {}),
        ("not json", {}),
        ("[1, 2]", {}),
        (None, {}),
    ],
)
def test_first_login_name_reads_only_a_well_formed_name(field: str | None, expected: dict[str, str]) -> None:
    assert first_login_name(field) == expected


def test_id_token_claims_map_apple_string_booleans_and_the_name() -> None:
    claims = id_token_to_claims(
        {"sub": "001.abc.1", "email": "a@privaterelay.appleid.com", "email_verified": "true",
         "is_private_email": "false"},
        {"given_name": "Ada", "family_name": "Lovelace"},
    )
    assert claims == {"sub": "001.abc.1", "email": "a@privaterelay.appleid.com", "email_verified": True,
                      "is_private_email": False, "given_name": "Ada", "family_name": "Lovelace",
                      "name": "Ada Lovelace"}
    bare = id_token_to_claims({"sub": "001.abc.1", "email_verified": True})
    assert bare["email_verified"] is True and bare["name"] is None and bare["email"] is None
