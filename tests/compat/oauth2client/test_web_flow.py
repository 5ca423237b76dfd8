"""``OAuth2WebServerFlow`` and ``flow_from_clientsecrets``: the documented usage, against Google's token URI."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest
import requests_mock as rm

from flask_oauth_registry.compat.oauth2client import GOOGLE_AUTH_URI, GOOGLE_DEVICE_URI, client, clientsecrets
from flask_oauth_registry.registry.authorization import code_challenge
from tests.fakes.keys import rsa_key

from .support import TOKEN_URI

SECRETS = {
    "web": {
        "client_id": "123.apps.googleusercontent.com", "project_id": "example", "client_secret": "web-secret",
        "auth_uri": "https://accounts.google.com/o/oauth2/auth", "token_uri": TOKEN_URI,
        "auth_provider_x509_cert_url": "https://www.googleapis.com/oauth2/v1/certs",
        "redirect_uris": ["https://app.example/oauth2callback"], "revoke_uri": "https://oauth2.googleapis.com/revoke",
    }
}


def query_of(url: str) -> dict[str, str]:
    return {key: values[0] for key, values in parse_qs(urlsplit(url).query).items()}


def form_of(request: Any) -> dict[str, str]:
    return {key: values[0] for key, values in parse_qs(request.text).items()}


@pytest.fixture
def secrets_file(tmp_path: Path) -> Path:
    path = tmp_path / "client_secrets.json"
    path.write_text(json.dumps(SECRETS))
    return path


# -- step 1 ---------------------------------------------------------------------------------
def test_the_documented_constructor_builds_google_s_authorization_url() -> None:
    flow = client.OAuth2WebServerFlow(client_id="your_client_id", client_secret="your_client_secret",
                                      scope="https://www.googleapis.com/auth/calendar",
                                      redirect_uri="http://example.com/auth_return")

    auth_uri = flow.step1_get_authorize_url()

    assert auth_uri.startswith(GOOGLE_AUTH_URI + "?")
    assert query_of(auth_uri) == {
        "client_id": "your_client_id", "redirect_uri": "http://example.com/auth_return",
        "scope": "https://www.googleapis.com/auth/calendar", "access_type": "offline", "response_type": "code",
    }


def test_scope_is_required_and_at_most_four_arguments_are_positional() -> None:
    with pytest.raises(TypeError):
        client.OAuth2WebServerFlow("cid", "secret")
    with pytest.raises(ValueError, match="redirect_uri"):
        client.OAuth2WebServerFlow("cid", "secret", "email").step1_get_authorize_url()


def test_extra_parameters_state_pkce_and_booleans_reach_the_url() -> None:
    flow = client.OAuth2WebServerFlow("cid", scope=["email", "profile"], redirect_uri="http://localhost:8080/",
                                      pkce=True, login_hint="u@example.com", include_granted_scopes=True,
                                      approval_prompt="force")

    query = query_of(flow.step1_get_authorize_url(state="xyz"))

    assert query["scope"] == "email profile" and query["state"] == "xyz" and query["login_hint"] == "u@example.com"
    # oauth2client sent the Python string "True"; approval_prompt=force no longer works on v2 endpoints.
    assert query["include_granted_scopes"] == "true"
    assert query["prompt"] == "consent" and "approval_prompt" not in query
    assert query["code_challenge_method"] == "S256"
    assert query["code_challenge"] == code_challenge(flow.code_verifier, "S256")


# -- step 2 -------------------------------------------------------------------------------------
def test_step2_exchange_returns_credentials_with_the_granted_scopes(requests_mock: rm.Mocker) -> None:
    id_token = rsa_key().sign({"sub": "42", "email": "u@example.com", "aud": "cid", "iss": "https://accounts.google.com"})
    requests_mock.post(TOKEN_URI, json={"access_token": "ya29.a", "refresh_token": "1//r", "expires_in": 3599,
                                        "scope": "email", "id_token": id_token, "token_type": "Bearer"})
    flow = client.OAuth2WebServerFlow("cid", "secret", ["email", "drive"], redirect_uri="http://localhost:8080/")

    credentials = flow.step2_exchange("4/code")

    assert form_of(requests_mock.last_request) == {
        "client_id": "cid", "client_secret": "secret", "code": "4/code", "scope": "email drive",
        "grant_type": "authorization_code", "redirect_uri": "http://localhost:8080/",
    }
    assert credentials.access_token == "ya29.a" and credentials.refresh_token == "1//r"
    # oauth2client kept the requested scopes; the user unchecked "drive" on Google's consent screen.
    assert credentials.scopes == {"email"}
    assert credentials.id_token == {"sub": "42", "email": "u@example.com", "aud": "cid",
                                    "iss": "https://accounts.google.com"}
    assert credentials.id_token_jwt == id_token
    assert credentials.token_uri == TOKEN_URI and credentials.client_secret == "secret"


def test_step2_exchange_takes_the_redirect_query_and_sends_the_pkce_verifier(requests_mock: rm.Mocker) -> None:
    requests_mock.post(TOKEN_URI, json={"access_token": "ya29.a"})
    flow = client.OAuth2WebServerFlow("cid", None, "email", redirect_uri="http://localhost/", pkce=True)
    flow.step1_get_authorize_url()

    flow.step2_exchange({"code": "4/from-query", "state": "s"})

    form = form_of(requests_mock.last_request)
    assert form["code"] == "4/from-query" and form["code_verifier"] == flow.code_verifier
    assert "client_secret" not in form


def test_an_error_in_the_redirect_query_is_a_flow_exchange_error() -> None:
    flow = client.OAuth2WebServerFlow("cid", "secret", "email", redirect_uri="http://localhost/")

    with pytest.raises(client.FlowExchangeError, match="access_denied"):
        flow.step2_exchange({"error": "access_denied"})
    with pytest.raises(ValueError):
        flow.step2_exchange()


def test_a_refused_exchange_names_the_provider_error(requests_mock: rm.Mocker) -> None:
    requests_mock.post(TOKEN_URI, status_code=400, json={"error": "invalid_grant", "error_description": "Bad"})
    flow = client.OAuth2WebServerFlow("cid", "secret", "email", redirect_uri="http://localhost/")

    with pytest.raises(client.FlowExchangeError) as caught:
        flow.step2_exchange("4/code")

    assert str(caught.value) == "invalid_grantBad" and "secret" not in str(caught.value)


def test_an_authorization_header_replaces_the_secret_in_the_body(requests_mock: rm.Mocker) -> None:
    requests_mock.post(TOKEN_URI, text="access_token=ya29.form&expires=60")
    flow = client.OAuth2WebServerFlow("cid", "secret", "email", redirect_uri="http://localhost/",
                                      authorization_header="Basic abc")

    credentials = flow.step2_exchange("c")

    assert requests_mock.last_request.headers["Authorization"] == "Basic abc"
    assert "client_secret" not in form_of(requests_mock.last_request)
    assert credentials.access_token == "ya29.form" and credentials.token_expiry is not None


def test_a_malformed_id_token_is_refused_without_quoting_it(requests_mock: rm.Mocker) -> None:
    requests_mock.post(TOKEN_URI, json={"access_token": "ya29.a", "id_token": "not-a-jwt-but-secret"})
    flow = client.OAuth2WebServerFlow("cid", "secret", "email", redirect_uri="http://localhost/")

    with pytest.raises(client.VerifyJwtTokenError) as caught:
        flow.step2_exchange("c")

    assert "not-a-jwt" not in str(caught.value)


# -- the device flow -----------------------------------------------------------------------------
def test_the_device_flow_asks_for_codes_then_exchanges_with_the_rfc_8628_grant(requests_mock: rm.Mocker) -> None:
    requests_mock.post(GOOGLE_DEVICE_URI, json={"device_code": "dev-123", "user_code": "ABCD-EFGH",
                                                "verification_url": "https://www.google.com/device",
                                                "expires_in": 1800, "interval": 5})
    requests_mock.post(TOKEN_URI, json={"access_token": "ya29.tv", "refresh_token": "1//tv"})
    flow = client.OAuth2WebServerFlow("cid", "secret", "email")

    info = flow.step1_get_device_and_user_codes()
    credentials = flow.step2_exchange(device_flow_info=info)

    assert info.user_code == "ABCD-EFGH" and info.interval == 5 and info.user_code_expiry is not None
    assert "dev-123" not in repr(info)
    form = form_of(requests_mock.last_request)
    assert form["grant_type"] == "urn:ietf:params:oauth:grant-type:device_code" and form["device_code"] == "dev-123"
    assert credentials.access_token == "ya29.tv"


def test_a_refused_device_request_is_a_device_code_error(requests_mock: rm.Mocker) -> None:
    requests_mock.post(GOOGLE_DEVICE_URI, status_code=400, json={"error": "invalid_client"})

    with pytest.raises(client.OAuth2DeviceCodeError, match="invalid_client"):
        client.OAuth2WebServerFlow("cid", "secret", "email").step1_get_device_and_user_codes()


# -- client secrets files ----------------------------------------------------------------------------
def test_flow_from_clientsecrets_reads_the_file_s_endpoints(secrets_file: Path) -> None:
    flow = client.flow_from_clientsecrets(str(secrets_file), scope="https://www.googleapis.com/auth/calendar",
                                          redirect_uri="http://example.com/auth_return", prompt="consent")

    assert flow.client_id == "123.apps.googleusercontent.com" and flow.client_secret == "web-secret"
    assert flow.auth_uri == "https://accounts.google.com/o/oauth2/auth" and flow.token_uri == TOKEN_URI
    assert flow.revoke_uri == "https://oauth2.googleapis.com/revoke" and flow.params["prompt"] == "consent"


def test_an_invalid_secrets_file_raises_or_exits_with_the_message(tmp_path: Path) -> None:
    broken = tmp_path / "broken.json"
    broken.write_text('{"web": {"client_id": "[[INSERT CLIENT ID HERE]]"}}')

    with pytest.raises(clientsecrets.InvalidClientSecretsError) as caught:
        client.flow_from_clientsecrets(str(broken), "email")
    with pytest.raises(SystemExit) as exited:
        client.flow_from_clientsecrets(str(broken), "email", message="Download the file from the console.")

    assert isinstance(caught.value, ValueError)
    assert "Download the file from the console." in str(exited.value.code)
    with pytest.raises(clientsecrets.InvalidClientSecretsError, match="Error opening file"):
        client.flow_from_clientsecrets(str(tmp_path / "missing.json"), "email")


def test_the_cache_is_used_and_its_entry_still_checked(secrets_file: Path) -> None:
    class Memcache:
        def __init__(self) -> None:
            self.data: dict[tuple[str, str], Any] = {}

        def get(self, key: str, namespace: str = "") -> Any:
            return self.data.get((namespace, key))

        def set(self, key: str, value: Any, namespace: str = "") -> None:
            self.data[(namespace, key)] = value

    cache = Memcache()
    assert clientsecrets.loadfile(str(secrets_file), cache=cache)[0] == "web"
    secrets_file.unlink()
    assert clientsecrets.loadfile(str(secrets_file), cache=cache)[1]["client_secret"] == "web-secret"
    cache.data[next(iter(cache.data))] = {"other": {}}
    with pytest.raises(clientsecrets.InvalidClientSecretsError):
        clientsecrets.loadfile(str(secrets_file), cache=cache)


def test_credentials_from_clientsecrets_and_code_uses_postmessage(secrets_file: Path, requests_mock: rm.Mocker
                                                                  ) -> None:
    requests_mock.post(TOKEN_URI, json={"access_token": "ya29.signin"})

    credentials = client.credentials_from_clientsecrets_and_code(str(secrets_file), "email", "4/signin")

    assert form_of(requests_mock.last_request)["redirect_uri"] == "postmessage"
    assert credentials.client_id == "123.apps.googleusercontent.com"
    assert client.credentials_from_code("cid", "s", "email", "4/x").access_token == "ya29.signin"
