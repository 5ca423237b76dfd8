"""Signed request objects (RFC 9101): the parameters as a JWT signed with the private_key_jwt key, also pushed."""

from __future__ import annotations

import time
from typing import Any
from urllib.parse import parse_qs, urlsplit

import jwt
import pytest
import requests_mock as rm
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec
from flask import Flask

from flask_oauth_registry import ConfigurationError, OAuth
from flask_oauth_registry.registry.request_object import SigningKey, request_object_claims
from tests.fakes.dpop import AUTHORIZE_URL, ORIGIN, PAR_URL, TOKEN_URL, DPoPServer

REDIRECT_URI = "https://client.test/cb"
KEY = ec.generate_private_key(ec.SECP256R1())
PEM = KEY.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                        serialization.NoEncryption()).decode()


def register(app: Flask, **client_kwargs: Any) -> Any:
    return OAuth(app).register(
        "prov", client_id="cid", issuer=ORIGIN, authorize_url=AUTHORIZE_URL, access_token_url=TOKEN_URL,
        pushed_authorization_request_endpoint=PAR_URL,
        client_kwargs={"request_object": True, "private_key": PEM, "token_endpoint_auth_method": "private_key_jwt",
                       "scope": "openid profile", **client_kwargs},
    )


def decoded(request_object: str) -> dict[str, Any]:
    assert jwt.get_unverified_header(request_object)["typ"] == "oauth-authz-req+jwt"
    return jwt.decode(request_object, KEY.public_key(), algorithms=["ES256"], audience=ORIGIN)


def test_the_parameters_travel_signed_and_the_url_keeps_client_id(app: Flask) -> None:
    client = register(app)
    with app.test_request_context("/"):
        query = parse_qs(urlsplit(client.authorize_redirect(REDIRECT_URI).location).query)
    assert set(query) == {"client_id", "request", "response_type", "scope"}
    claims = decoded(query["request"][0])
    assert claims["iss"] == claims["client_id"] == "cid" and claims["aud"] == ORIGIN
    assert claims["redirect_uri"] == REDIRECT_URI and claims["code_challenge_method"] == "S256"
    assert claims["state"] and claims["nonce"] and claims["jti"]
    assert claims["nbf"] == claims["iat"] and 0 < claims["exp"] - claims["iat"] <= 3600
    assert query["scope"] == [claims["scope"]] == ["openid profile"]


def test_with_par_the_request_object_is_pushed(app: Flask) -> None:
    client = register(app, par=True)
    with rm.Mocker() as m, app.test_request_context("/"):
        server = DPoPServer(m)
        query = parse_qs(urlsplit(client.authorize_redirect(REDIRECT_URI).location).query)
        assert set(query) == {"client_id", "request_uri"}
        pushed = server.pushed[0]
        assert decoded(pushed["request"][0])["redirect_uri"] == REDIRECT_URI
        assert "redirect_uri" not in pushed and pushed["client_assertion"]


def test_request_object_without_a_private_key_fails_at_register(app: Flask) -> None:
    with pytest.raises(ConfigurationError, match="private_key"):
        OAuth(app).register("prov", client_id="cid", authorize_url=AUTHORIZE_URL,
                            client_kwargs={"request_object": True})
        with app.app_context():
            OAuth(app).create_client("prov")


def test_max_age_is_a_number_and_the_lifetime_is_bounded() -> None:
    claims = request_object_claims([("max_age", "300")], "cid", ORIGIN, now=int(time.time()), jti="j")
    assert claims["max_age"] == 300
    with pytest.raises(ConfigurationError):
        request_object_claims([], "cid", ORIGIN, now=0, jti="j", lifetime=3601)
    assert SigningKey(KEY, "ES256").key is KEY and "key" not in repr(SigningKey(KEY, "ES256")).split("(")[1][:4]
