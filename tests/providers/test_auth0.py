"""The auth0 preset: ``domain=``, the declared issuer with its trailing slash, and ``audience=``."""

from __future__ import annotations

from typing import Any
from urllib.parse import parse_qsl, urlsplit

import pytest
from flask import Flask

from flask_oauth_registry import ConfigurationError, IssuerMismatchError, OAuth
from tests.providers.recordings.auth0 import DISCOVERY, DOMAIN

DISCOVERY_URL = f"https://{DOMAIN}/.well-known/openid-configuration"


def _authorize_params(app: Flask, client: Any) -> dict[str, str]:
    with app.test_request_context("/"):
        location = client.authorize_redirect("https://client.test/callback").headers["Location"]
    return dict(parse_qsl(urlsplit(location).query))


def test_a_missing_domain_is_a_configuration_error_naming_it(app: Flask) -> None:
    with pytest.raises(ConfigurationError, match="domain="):
        OAuth(app).register("auth0", client_id="id", client_secret="secret")


def test_audience_is_sent_as_an_authorization_parameter(app: Flask, requests_mock: Any) -> None:
    requests_mock.get(DISCOVERY_URL, json=DISCOVERY)
    client = OAuth(app).register("auth0", client_id="id", client_secret="s", domain=DOMAIN,
                                 audience="https://api.example.com/")
    assert _authorize_params(app, client)["audience"] == "https://api.example.com/"


def test_without_audience_none_is_sent(app: Flask, requests_mock: Any) -> None:
    requests_mock.get(DISCOVERY_URL, json=DISCOVERY)
    client = OAuth(app).register("auth0", client_id="id", client_secret="s", domain=DOMAIN)
    assert "audience" not in _authorize_params(app, client)


def test_an_empty_audience_is_refused(app: Flask) -> None:
    with pytest.raises(ConfigurationError, match="audience="):
        OAuth(app).register("auth0", client_id="id", client_secret="s", domain=DOMAIN, audience="")


def test_the_issuer_must_be_the_domain_with_its_trailing_slash(app: Flask, requests_mock: Any) -> None:
    requests_mock.get(DISCOVERY_URL, json={**DISCOVERY, "issuer": f"https://{DOMAIN}"})
    client = OAuth(app).register("auth0", client_id="id", client_secret="s", domain=DOMAIN)
    with app.test_request_context("/"), pytest.raises(IssuerMismatchError):
        client.load_server_metadata()
