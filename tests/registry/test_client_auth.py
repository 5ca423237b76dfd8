"""Client authentication at the token endpoint: the five methods and custom ones."""

from __future__ import annotations

import base64
import json
from urllib.parse import parse_qs

import jwt
import pytest
import requests_mock as rm
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from flask import Flask

from flask_oauth_registry import ConfigurationError, OAuth
from flask_oauth_registry.registry.client_auth import ASSERTION_TYPE

TOKEN_URL = "https://prov.test/oauth/token"
TOKEN = {"access_token": "at", "token_type": "Bearer"}


def fetch(app: Flask, **register: object):
    client = OAuth(app).register("prov", client_id="my client", access_token_url=TOKEN_URL, **register)
    with rm.Mocker() as m:
        m.post(TOKEN_URL, json=TOKEN)
        client.fetch_access_token(code="the-code", redirect_uri="https://client.test/cb")
        return m.last_request, parse_qs(m.last_request.text)


def test_client_secret_basic_form_encodes_id_and_secret(app: Flask) -> None:
    sent, body = fetch(app, client_secret="s3cr:t/")
    scheme, value = sent.headers["Authorization"].split(" ")
    assert scheme == "Basic"
    assert base64.b64decode(value).decode() == "my%20client:s3cr%3At%2F"
    assert "client_secret" not in body and "client_id" not in body
    assert body["grant_type"] == ["authorization_code"] and body["code"] == ["the-code"]


def test_client_secret_post_sends_credentials_in_the_body(app: Flask) -> None:
    sent, body = fetch(app, client_secret="s", client_kwargs={"token_endpoint_auth_method": "client_secret_post"})
    assert "Authorization" not in sent.headers
    assert body["client_id"] == ["my client"] and body["client_secret"] == ["s"]


def test_public_client_sends_only_its_id(app: Flask) -> None:
    sent, body = fetch(app)
    assert "Authorization" not in sent.headers
    assert body["client_id"] == ["my client"] and "client_secret" not in body


def test_client_secret_jwt_signs_an_assertion_with_the_secret(app: Flask) -> None:
    _, body = fetch(app, client_secret="a-long-shared-secret-of-32-bytes!",
                    client_kwargs={"token_endpoint_auth_method": "client_secret_jwt"})
    assert body["client_assertion_type"] == [ASSERTION_TYPE]
    claims = jwt.decode(body["client_assertion"][0], "a-long-shared-secret-of-32-bytes!", algorithms=["HS256"],
                        audience=TOKEN_URL)
    assert claims["iss"] == claims["sub"] == "my client"
    assert claims["exp"] > claims["iat"] and claims["jti"]
    assert "client_secret" not in body


def test_private_key_jwt_with_a_pem_key(app: Flask) -> None:
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    pem = key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                            serialization.NoEncryption()).decode()
    _, body = fetch(app, client_kwargs={"token_endpoint_auth_method": "private_key_jwt", "private_key": pem})
    claims = jwt.decode(body["client_assertion"][0], key.public_key(), algorithms=["RS256"], audience=TOKEN_URL)
    assert claims["sub"] == "my client"


def test_private_key_jwt_with_a_jwk_uses_its_kid_and_alg(app: Flask) -> None:
    key = ec.generate_private_key(ec.SECP256R1())
    jwk = json.loads(jwt.algorithms.ECAlgorithm.to_jwk(key)) | {"kid": "k-1", "alg": "ES256"}
    _, body = fetch(app, client_kwargs={"token_endpoint_auth_method": "private_key_jwt", "private_key": jwk})
    assertion = body["client_assertion"][0]
    assert jwt.get_unverified_header(assertion)["kid"] == "k-1"
    jwt.decode(assertion, key.public_key(), algorithms=["ES256"], audience=TOKEN_URL)


def test_private_key_jwt_without_a_key_names_the_setting(app: Flask) -> None:
    client = OAuth(app).register("prov", client_id="c", access_token_url=TOKEN_URL,
                                 client_kwargs={"token_endpoint_auth_method": "private_key_jwt"})
    with pytest.raises(ConfigurationError, match=r"PROV_CLIENT_KWARGS\['private_key'\]"):
        client.fetch_access_token(code="c")


def test_client_secret_basic_without_secret_names_the_config_key(app: Flask) -> None:
    client = OAuth(app).register("prov", client_id="c", access_token_url=TOKEN_URL,
                                 client_kwargs={"token_endpoint_auth_method": "client_secret_basic"})
    with pytest.raises(ConfigurationError, match="PROV_CLIENT_SECRET"):
        client.fetch_access_token(code="c")


def test_authlib_style_custom_auth_method(app: Flask) -> None:
    class HeaderAuth:
        name = "header_key"

        def __call__(self, auth, method, uri, headers, body):
            headers = dict(headers, **{"X-Client": f"{auth.client_id}/{auth.client_secret}"})
            return uri, headers, body + "&extra=1"

    sent, body = fetch(app, client_secret="s", client_auth_methods=[HeaderAuth()],
                       client_kwargs={"token_endpoint_auth_method": "header_key"})
    assert sent.headers["X-Client"] == "my client/s"
    assert body["extra"] == ["1"] and body["code"] == ["the-code"]
