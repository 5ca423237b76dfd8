"""Token introspection (RFC 7662) through ``introspect_token``: what is sent, with client authentication,
and answers that are refusals or malformed."""

from __future__ import annotations

import json
from typing import Any

import pytest
import requests_mock
from flask import Flask

from flask_oauth_registry import BadResponseError, ConfigurationError, OAuth, OAuthError, ProviderError
from tests.fakes.base import form_of
from tests.fakes.manual import register_app

INTROSPECTION_URL = "https://prov.test/introspect"


def test_introspect_token_asks_the_introspection_endpoint_with_client_authentication(
    app: Flask, oauth: OAuth, requests_mock: requests_mock.Mocker
) -> None:
    requests_mock.post(INTROSPECTION_URL, json={"active": True, "sub": "u-1", "scope": "read"})
    client = register_app(oauth, introspection_endpoint=INTROSPECTION_URL)
    with app.app_context():
        answer = client.introspect_token({"access_token": "at-1", "refresh_token": "rt-1"}, "refresh_token")
    assert answer == {"active": True, "sub": "u-1", "scope": "read"}
    sent = requests_mock.last_request
    assert form_of(sent) == {"token": "rt-1", "token_type_hint": "refresh_token"}
    assert sent.headers["Authorization"].startswith("Basic ")


@pytest.mark.parametrize(("status", "body", "error"), [
    (401, {"error": "invalid_client"}, ProviderError),
    (500, "oops", ProviderError),
    (200, {"active": "yes"}, BadResponseError),
    (200, ["active"], BadResponseError),
])
def test_introspect_token_refusals_and_malformed_answers_are_oauth_errors(
    app: Flask, oauth: OAuth, requests_mock: requests_mock.Mocker, status: int, body: Any, error: type[OAuthError]
) -> None:
    requests_mock.post(INTROSPECTION_URL, status_code=status, text=json.dumps(body))
    client = register_app(oauth, introspection_endpoint=INTROSPECTION_URL)
    with app.app_context(), pytest.raises(error) as caught:
        client.introspect_token("at-1")
    if isinstance(body, dict) and "error" in body:
        assert caught.value.error == "invalid_client"


def test_introspect_token_without_an_endpoint_names_what_to_set(app: Flask, oauth: OAuth) -> None:
    client = register_app(oauth)
    with app.app_context(), pytest.raises(ConfigurationError, match="introspection_endpoint"):
        client.introspect_token("at-1")
