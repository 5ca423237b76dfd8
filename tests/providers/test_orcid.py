"""The orcid preset: OpenID Connect on orcid.org or its sandbox, and claims from userinfo or the token answer."""

from __future__ import annotations

from typing import Any
from urllib.parse import parse_qsl, urlsplit

import pytest
from flask import Flask

from flask_oauth_registry import ConfigurationError, OAuth
from flask_oauth_registry.providers.orcid import profile_to_claims
from tests.providers.recordings.orcid import DISCOVERY, ORCID_ID, USER

SANDBOX_DISCOVERY = {key: value.replace("https://orcid.org", "https://sandbox.orcid.org") if isinstance(value, str)
                     else value for key, value in DISCOVERY.items()}


def test_userinfo_answer_maps_to_claims_with_the_record_url() -> None:
    assert profile_to_claims(USER) == {
        "sub": ORCID_ID, "name": "Josiah Carberry", "given_name": "Josiah", "family_name": "Carberry",
        "profile": f"https://orcid.org/{ORCID_ID}",
    }


def test_a_record_without_names_keeps_only_the_id_and_record_url() -> None:
    claims = profile_to_claims({"sub": ORCID_ID}, record_base="https://sandbox.orcid.org")
    assert claims["sub"] == ORCID_ID and claims["profile"] == f"https://sandbox.orcid.org/{ORCID_ID}"
    assert claims["name"] is None and claims["given_name"] is None


def test_token_answer_fields_map_to_claims() -> None:
    assert profile_to_claims({"orcid": ORCID_ID, "name": "Josiah Carberry"})["sub"] == ORCID_ID


def test_sandbox_moves_discovery_and_the_public_api(app: Flask, requests_mock: Any) -> None:
    requests_mock.get("https://sandbox.orcid.org/.well-known/openid-configuration", json=SANDBOX_DISCOVERY)
    client = OAuth(app).register("orcid", client_id="APP-1", client_secret="s", sandbox=True)
    assert client.api_base_url == "https://pub.sandbox.orcid.org/v3.0/"
    with app.test_request_context("/"):
        url = client.create_authorization_url("https://client.test/cb")["url"]
    assert url.startswith("https://sandbox.orcid.org/oauth/authorize?")
    assert dict(parse_qsl(urlsplit(url).query))["scope"] == "openid"


def test_production_is_the_default(app: Flask) -> None:
    client = OAuth(app).register("orcid", client_id="APP-1", client_secret="s")
    assert client.config.server_metadata_url == "https://orcid.org/.well-known/openid-configuration"
    assert client.api_base_url == "https://pub.orcid.org/v3.0/"


def test_sandbox_must_be_a_boolean(app: Flask) -> None:
    with pytest.raises(ConfigurationError, match="sandbox"):
        OAuth(app).register("orcid", client_id="APP-1", client_secret="s", sandbox="yes")


def test_authenticate_scope_login_takes_claims_from_the_token_answer(app: Flask, requests_mock: Any) -> None:
    requests_mock.get("https://sandbox.orcid.org/.well-known/openid-configuration", json=SANDBOX_DISCOVERY)
    client = OAuth(app).register("orcid", client_id="APP-1", client_secret="s", sandbox=True, scope="/authenticate")
    token = {"access_token": "a", "token_type": "bearer", "scope": "/authenticate", "orcid": ORCID_ID,
             "name": "Josiah Carberry"}
    with app.test_request_context("/"):
        info = client.userinfo(token=token)
    assert info["sub"] == ORCID_ID and info["name"] == "Josiah Carberry"
    assert info["profile"] == f"https://sandbox.orcid.org/{ORCID_ID}"
    assert not [r for r in requests_mock.request_history if "userinfo" in r.url]


def test_openid_login_reads_the_userinfo_endpoint(app: Flask, requests_mock: Any) -> None:
    requests_mock.get("https://orcid.org/.well-known/openid-configuration", json=DISCOVERY)
    requests_mock.get("https://orcid.org/oauth/userinfo", json=USER)
    client = OAuth(app).register("orcid", client_id="APP-1", client_secret="s")
    with app.test_request_context("/"):
        info = client.userinfo(token={"access_token": "a", "token_type": "bearer", "scope": "openid",
                                      "orcid": ORCID_ID})
    assert info["family_name"] == "Carberry"
    assert requests_mock.last_request.headers["Authorization"] == "Bearer a"
