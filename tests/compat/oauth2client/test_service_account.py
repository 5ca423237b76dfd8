"""``ServiceAccountCredentials``: JSON and ``.p12`` keys, the JWT-bearer refresh, delegation, the JSON form."""

from __future__ import annotations

import base64
import io
import json
import time
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs

import jwt
import pytest
import requests_mock as rm

from flask_oauth_registry.compat.oauth2client import client
from flask_oauth_registry.compat.oauth2client.service_account import ServiceAccountCredentials
from tests.fakes.keys import rsa_key

from .support import API_URL, TOKEN_URI, FakeHttp, header, p12_bytes, private_pem

EMAIL = "robot@project.iam.gserviceaccount.com"
SCOPE = "https://www.googleapis.com/auth/drive.readonly"
KEY = rsa_key("sa-key-1")


def keyfile() -> dict[str, Any]:
    return {"type": "service_account", "project_id": "project", "private_key_id": "sa-key-1",
            "private_key": private_pem(KEY.private_key), "client_email": EMAIL, "client_id": "1234567890",
            "auth_uri": "https://accounts.google.com/o/oauth2/auth", "token_uri": TOKEN_URI}


def assertion_of(request: Any) -> dict[str, Any]:
    form = parse_qs(request.text)
    assert form["grant_type"] == ["urn:ietf:params:oauth:grant-type:jwt-bearer"]
    token = form["assertion"][0]
    assert jwt.get_unverified_header(token)["kid"] == "sa-key-1"
    return jwt.decode(token, KEY.public_key, algorithms=["RS256"], audience=TOKEN_URI)


@pytest.fixture
def token_endpoint(requests_mock: rm.Mocker) -> rm.Mocker:
    requests_mock.post(TOKEN_URI, json={"access_token": "ya29.robot", "expires_in": 3600, "token_type": "Bearer"})
    requests_mock.get(API_URL, json={"files": []})
    return requests_mock


def test_a_json_key_file_refreshes_with_a_signed_assertion(tmp_path: Path, token_endpoint: rm.Mocker) -> None:
    path = tmp_path / "key.json"
    path.write_text(json.dumps(keyfile()))

    credentials = ServiceAccountCredentials.from_json_keyfile_name(str(path), scopes=[SCOPE])
    token = credentials.get_access_token()

    claims = assertion_of(token_endpoint.last_request)
    assert claims["iss"] == EMAIL and claims["scope"] == SCOPE and "sub" not in claims
    assert claims["exp"] - claims["iat"] == 3600 and claims["iat"] <= time.time() + 1
    assert token.access_token == "ya29.robot" and credentials.service_account_email == EMAIL
    assert credentials.client_id == "1234567890" and "PRIVATE KEY" not in repr(credentials)


def test_create_delegated_acts_for_a_user_and_leaves_the_original_alone(token_endpoint: rm.Mocker) -> None:
    credentials = ServiceAccountCredentials.from_json_keyfile_dict(keyfile(), scopes=SCOPE)

    delegated = credentials.create_delegated("user@example.com")
    delegated.refresh(None)

    assert assertion_of(token_endpoint.last_request)["sub"] == "user@example.com"
    assert credentials._kwargs == {} and delegated._kwargs == {"sub": "user@example.com"}
    assert credentials.create_scoped_required() is False
    assert ServiceAccountCredentials.from_json_keyfile_dict(keyfile()).create_scoped_required() is True
    assert credentials.create_scoped(["a", "b"])._scopes == "a b"


def test_a_p12_key_is_read_with_cryptography(token_endpoint: rm.Mocker, tmp_path: Path) -> None:
    # oauth2client needed pyOpenSSL's load_pkcs12, which pyOpenSSL 24 removed.
    path = tmp_path / "key.p12"
    path.write_bytes(p12_bytes(KEY.private_key))

    credentials = ServiceAccountCredentials.from_p12_keyfile(EMAIL, str(path), scopes=SCOPE)
    from_buffer = ServiceAccountCredentials.from_p12_keyfile_buffer(EMAIL, io.BytesIO(path.read_bytes()),
                                                                    scopes=SCOPE)
    credentials._private_key_id = "sa-key-1"
    credentials.refresh(None)

    assert assertion_of(token_endpoint.last_request)["iss"] == EMAIL
    assert from_buffer.sign_blob(b"blob")[1] == credentials.sign_blob(b"blob")[1]


def test_the_json_is_oauth2client_s_and_never_holds_the_signer() -> None:
    credentials = ServiceAccountCredentials.from_json_keyfile_dict(keyfile(), scopes=SCOPE)

    data = json.loads(credentials.to_json())
    again = client.Credentials.new_from_json(credentials.to_json())

    assert data["_module"] == "oauth2client.service_account" and data["_class"] == "ServiceAccountCredentials"
    assert "_signer" not in data and data["_private_key_pkcs8_pem"].startswith("-----BEGIN PRIVATE KEY")
    assert data["_service_account_email"] == EMAIL and data["_scopes"] == SCOPE and data["_kwargs"] == {}
    assert isinstance(again, ServiceAccountCredentials) and again.sign_blob(b"x") == credentials.sign_blob(b"x")


def test_the_p12_json_form_is_base64_and_reads_back() -> None:
    credentials = ServiceAccountCredentials._from_p12_keyfile_contents(EMAIL, p12_bytes(KEY.private_key),
                                                                       scopes=SCOPE)

    data = json.loads(credentials.to_json())
    again = ServiceAccountCredentials.from_json(credentials.to_json())

    assert base64.b64decode(data["_private_key_pkcs12"]) == credentials._private_key_pkcs12
    assert data["_private_key_password"] == "notasecret"
    assert again.sign_blob(b"x")[1] == credentials.sign_blob(b"x")[1]


def test_a_key_file_of_another_type_is_refused() -> None:
    with pytest.raises(ValueError, match="Unexpected credentials type"):
        ServiceAccountCredentials.from_json_keyfile_dict({**keyfile(), "type": "authorized_user"})


def test_authorize_with_scopes_sends_the_token_from_the_endpoint(token_endpoint: rm.Mocker) -> None:
    http = ServiceAccountCredentials.from_json_keyfile_dict(keyfile(), scopes=SCOPE).authorize()

    response, _ = http.request(API_URL)

    assert response.status == 200 and token_endpoint.last_request.headers["Authorization"] == "Bearer ya29.robot"


def test_without_scopes_requests_carry_a_self_signed_jwt_for_the_api(requests_mock: rm.Mocker) -> None:
    http = FakeHttp(script=[(200, b""), (200, b"")])
    ServiceAccountCredentials.from_json_keyfile_dict(keyfile()).authorize(http)

    http.request(API_URL)
    http.request(API_URL + "?page=2")

    first = header(http.sent[0], "Authorization")
    assert first is not None and first == header(http.sent[1], "Authorization")
    claims = jwt.decode(first.split(" ", 1)[1], KEY.public_key, algorithms=["RS256"],
                        audience="https://www.googleapis.com/")
    assert claims["iss"] == claims["sub"] == EMAIL
    assert requests_mock.call_count == 0
