"""The salesforce preset: the login host (``sandbox=``, ``domain=``) and API calls sent to the token's instance_url."""

from __future__ import annotations

from typing import Any

import pytest
from flask import Flask

from flask_oauth_registry import ConfigurationError, OAuth, UnsafeRequestUrlError

INSTANCE = "https://acme.my.salesforce.com"
TOKEN = {"access_token": "00D!x", "token_type": "Bearer", "instance_url": INSTANCE}


@pytest.mark.parametrize(
    ("options", "host"),
    [({}, "login.salesforce.com"), ({"sandbox": True}, "test.salesforce.com"),
     ({"domain": "acme.my.salesforce.com"}, "acme.my.salesforce.com")],
)
def test_the_login_host_follows_sandbox_and_domain(app: Flask, options: dict[str, Any], host: str) -> None:
    client = OAuth(app).register("salesforce", client_id="id", client_secret="s", **options)
    assert client.config.server_metadata_url == f"https://{host}/.well-known/openid-configuration"


def test_sandbox_must_be_a_boolean(app: Flask) -> None:
    with pytest.raises(ConfigurationError, match="sandbox="):
        OAuth(app).register("salesforce", client_id="id", client_secret="s", sandbox="yes")


def test_a_relative_api_url_goes_to_the_tokens_instance_url(app: Flask, requests_mock: Any) -> None:
    client = OAuth(app).register("salesforce", client_id="id", client_secret="s")
    requests_mock.get(f"{INSTANCE}/services/data/v62.0/sobjects/", json={"sobjects": []})
    with app.test_request_context("/"):
        answer = client.get("services/data/v62.0/sobjects/", token=TOKEN)
    assert answer.json() == {"sobjects": []}
    assert requests_mock.last_request.headers["Authorization"] == "Bearer 00D!x"


def test_an_absolute_api_url_is_left_alone(app: Flask, requests_mock: Any) -> None:
    client = OAuth(app).register("salesforce", client_id="id", client_secret="s")
    requests_mock.get("https://other.example.com/x", json={})
    with app.test_request_context("/"):
        client.get("https://other.example.com/x", token=TOKEN)
    assert requests_mock.last_request.url == "https://other.example.com/x"


@pytest.mark.parametrize("instance_url", [None, "http://acme.my.salesforce.com"])
def test_a_relative_url_without_an_https_instance_url_is_refused(app: Flask, instance_url: str | None) -> None:
    client = OAuth(app).register("salesforce", client_id="id", client_secret="s")
    with app.test_request_context("/"), pytest.raises(ConfigurationError, match="instance_url"):
        client.get("services/data/", token={**TOKEN, "instance_url": instance_url})


def test_a_relative_url_cannot_leave_the_instance(app: Flask) -> None:
    client = OAuth(app).register("salesforce", client_id="id", client_secret="s")
    with app.test_request_context("/"), pytest.raises(UnsafeRequestUrlError):
        client.get("//evil.example.com/steal", token=TOKEN)
