"""Reading a provider's answer (answers.py): JSON nested too deeply and answers over the size cap are bad
responses, on every protocol path."""

from __future__ import annotations

from typing import Any

import pytest
from flask import Flask

from flask_oauth_registry import BadResponseError, OAuth

NESTED_ARRAYS = "[" * 50000 + "]" * 50000
NESTED_OBJECTS = '{"a":' * 50000 + "1" + "}" * 50000


@pytest.mark.parametrize("body", [NESTED_ARRAYS, NESTED_OBJECTS], ids=["arrays", "objects"])
def test_deeply_nested_token_response_is_a_bad_response(app: Flask, requests_mock: Any, body: str) -> None:
    requests_mock.post("https://op.test/token", text=body, headers={"Content-Type": "application/json"})
    client = OAuth(app).register("deep", client_id="c", client_secret="s", access_token_url="https://op.test/token")
    with pytest.raises(BadResponseError):
        client.fetch_access_token()


@pytest.mark.parametrize("body", [NESTED_ARRAYS, NESTED_OBJECTS], ids=["arrays", "objects"])
def test_deeply_nested_discovery_document_is_a_bad_response(app: Flask, requests_mock: Any, body: str) -> None:
    requests_mock.get("https://op.test/.well-known/openid-configuration", text=body)
    client = OAuth(app).register("deep", client_id="c",
                                 server_metadata_url="https://op.test/.well-known/openid-configuration")
    with pytest.raises(BadResponseError, match="nested too deeply"):
        client.load_server_metadata()


@pytest.mark.parametrize("body", [NESTED_ARRAYS, NESTED_OBJECTS], ids=["arrays", "objects"])
def test_deeply_nested_jwks_is_a_bad_response(app: Flask, requests_mock: Any, body: str) -> None:
    requests_mock.get("https://op.test/jwks", text=body)
    client = OAuth(app).register("deep", client_id="c", jwks_uri="https://op.test/jwks")
    with pytest.raises(BadResponseError, match="nested too deeply"):
        client.fetch_jwk_set()


@pytest.mark.parametrize("body", [NESTED_ARRAYS, NESTED_OBJECTS], ids=["arrays", "objects"])
def test_deeply_nested_userinfo_is_a_bad_response(app: Flask, requests_mock: Any, body: str) -> None:
    requests_mock.get("https://op.test/userinfo", text=body, headers={"Content-Type": "application/json"})
    client = OAuth(app).register("deep", client_id="c", userinfo_endpoint="https://op.test/userinfo")
    with app.app_context(), pytest.raises(BadResponseError, match="nested too deeply"):
        client.userinfo(token={"access_token": "at", "token_type": "Bearer"})


def test_requests_mock_answers_still_go_through_the_size_cap(app: Flask, requests_mock: Any) -> None:
    """requests-mock builds real streamed responses: they are read like the network's, cap included."""
    requests_mock.post("https://op.test/token", content=b'{"access_token": "' + b"a" * (2 * 1024 * 1024) + b'"}')
    client = OAuth(app).register("big", client_id="c", client_secret="s", access_token_url="https://op.test/token")
    with pytest.raises(BadResponseError, match="token request from op.test:443 is larger than"):
        client.fetch_access_token()
