"""``OAuth2App``'s public flow through Flask's test client, against the fake OpenID provider.

The login from redirect to token, the callback's ``iss`` check (RFC 9207), and the
provider's refusals.  Flow-state rules seen through a login are in ``test_flowstate.py``,
the ID token's checks at login in ``test_openid.py``, renewal in ``test_renewal.py``.
"""

from __future__ import annotations

import base64
import hashlib
from typing import Any

import pytest

from flask_oauth_registry import BadResponseError, InvalidCallbackError, OAuthError, ProviderError, UserInfo
from tests.fakes.base import form_of, query_of
from tests.fakes.keys import b64url, ec_key, rsa_key
from tests.fakes.oidc import AUTHORIZATION_ENDPOINT, CLIENT_ID, CLIENT_SECRET, ISSUER, SUBJECT, FakeOpenIDProvider
from tests.fakes.relying_party import RelyingParty, assert_login_token, entropy_bits, make_relying_party

CALLBACK_URL = "http://localhost/callback"


# -- the successful login --------------------------------------------------------------------------


def test_login_redirects_to_the_provider_with_a_complete_authorization_request(
    provider: FakeOpenIDProvider, rp: RelyingParty
) -> None:
    client = rp.app.test_client()
    first, second = client.get("/login"), client.get("/login")
    assert first.status_code == 302
    location = first.headers["Location"]
    assert location.split("?")[0] == AUTHORIZATION_ENDPOINT
    query = query_of(location)
    assert query["response_type"] == "code"
    assert query["client_id"] == CLIENT_ID
    assert query["redirect_uri"] == CALLBACK_URL
    assert query["scope"].split() == ["openid", "email", "profile"]
    assert entropy_bits(query["state"]) >= 128
    assert entropy_bits(query["nonce"]) >= 128
    assert query["code_challenge_method"] == "S256"
    assert len(query["code_challenge"]) == 43
    assert query["state"] != query_of(second.headers["Location"])["state"]


@pytest.mark.parametrize("key", [rsa_key("rsa-1"), ec_key("ec-1")], ids=["RS256", "ES256"])
def test_confidential_client_login_returns_a_token_with_validated_userinfo(requests_mock: Any, key: Any) -> None:
    provider = FakeOpenIDProvider(requests_mock, key)
    rp = make_relying_party()
    client = rp.app.test_client()
    start = client.get("/login")
    authorization_request = query_of(start.headers["Location"])
    callback = provider.authorize(start.headers["Location"])

    response = client.get("/callback", query_string=callback)

    assert response.status_code == 200
    token = rp.tokens[-1]
    assert token["access_token"] == provider.access_tokens[-1] == response.get_json()["access_token"]
    assert isinstance(token["userinfo"], UserInfo)
    assert token["userinfo"].sub == SUBJECT
    assert token["userinfo"]["nonce"] == authorization_request["nonce"]
    assert token["expires_at"] > 0
    (token_request,) = provider.token_requests
    form = form_of(token_request)
    assert form["grant_type"] == "authorization_code"
    assert form["code"] == callback["code"]
    assert form["redirect_uri"] == CALLBACK_URL
    assert b64url(hashlib.sha256(form["code_verifier"].encode()).digest()) == authorization_request["code_challenge"]
    assert "client_secret" not in form
    expected_basic = base64.b64encode(f"{CLIENT_ID}:{CLIENT_SECRET}".encode()).decode()
    assert token_request.headers["Authorization"] == f"Basic {expected_basic}"


def test_public_client_login_uses_pkce_and_sends_its_client_id_without_credentials(requests_mock: Any) -> None:
    provider = FakeOpenIDProvider(requests_mock, rsa_key("rsa-1"), client_secret=None)
    rp = make_relying_party(
        client_secret=None, client_kwargs={"scope": "openid", "token_endpoint_auth_method": "none"}
    )
    client = rp.app.test_client()

    assert rp.log_in(client, provider).status_code == 200

    (token_request,) = provider.token_requests
    form = form_of(token_request)
    assert "Authorization" not in token_request.headers
    assert form["client_id"] == CLIENT_ID
    assert "client_secret" not in form
    assert form["code_verifier"]
    assert rp.tokens[-1]["userinfo"].sub == SUBJECT
    assert_login_token(rp.tokens[-1], provider)


def test_form_post_callback_is_read_from_the_form(requests_mock: Any) -> None:
    provider = FakeOpenIDProvider(requests_mock, rsa_key("rsa-1"))
    rp = make_relying_party(authorize_params={"response_mode": "form_post"})
    client = rp.app.test_client()
    start = client.get("/login")
    assert query_of(start.headers["Location"])["response_mode"] == "form_post"
    callback = provider.authorize(start.headers["Location"])

    response = client.post("/callback", data=callback)

    assert response.status_code == 200
    assert rp.tokens[-1]["userinfo"].sub == SUBJECT
    assert_login_token(rp.tokens[-1], provider)


def test_discovery_is_fetched_once_across_several_logins(provider: FakeOpenIDProvider, rp: RelyingParty) -> None:
    for _ in range(3):
        assert rp.log_in(rp.app.test_client(), provider).status_code == 200
    assert provider.discovery_requests == 1
    assert provider.jwks_requests == 1
    assert len(provider.token_requests) == 3
    assert [token["access_token"] for token in rp.tokens] == provider.access_tokens


def test_discovery_document_cannot_turn_off_tls_verification(requests_mock: Any) -> None:
    provider = FakeOpenIDProvider(requests_mock, rsa_key("rsa-1"), metadata={"verify": False, "proxies": {}})
    rp = make_relying_party()
    assert rp.log_in(rp.app.test_client(), provider).status_code == 200
    assert len(requests_mock.request_history) == 3
    assert all(r.verify not in (False, None) for r in requests_mock.request_history)
    assert_login_token(rp.tokens[-1], provider)


# -- RFC 9207: the iss callback parameter ----------------------------------------------------------


def test_callback_with_the_providers_iss_is_accepted(provider: FakeOpenIDProvider, rp: RelyingParty) -> None:
    client = rp.app.test_client()
    callback = rp.start_login(client, provider, iss=ISSUER)
    assert client.get("/callback", query_string=callback).status_code == 200
    assert_login_token(rp.tokens[-1], provider)


def test_callback_with_another_issuers_iss_is_rejected_before_the_token_request(
    provider: FakeOpenIDProvider, rp: RelyingParty
) -> None:
    client = rp.app.test_client()
    callback = rp.start_login(client, provider, iss="https://other-provider.example.test")
    with pytest.raises(InvalidCallbackError, match="iss"):
        client.get("/callback", query_string=callback)
    assert provider.token_requests == []


def test_callback_without_iss_is_rejected_when_the_provider_promises_it(requests_mock: Any) -> None:
    provider = FakeOpenIDProvider(
        requests_mock, rsa_key("rsa-1"), metadata={"authorization_response_iss_parameter_supported": True}
    )
    rp = make_relying_party()
    client = rp.app.test_client()
    callback = rp.start_login(client, provider)
    with pytest.raises(InvalidCallbackError, match="iss"):
        client.get("/callback", query_string=callback)
    assert provider.token_requests == []


# -- the provider refuses --------------------------------------------------------------------------


def test_provider_error_in_the_callback_raises_its_code_and_description(
    provider: FakeOpenIDProvider, rp: RelyingParty
) -> None:
    client = rp.app.test_client()
    state = rp.start_login(client, provider)["state"]
    denied = {"error": "access_denied", "error_description": "The user declined", "state": state}
    with pytest.raises(ProviderError) as caught:
        client.get("/callback", query_string=denied)
    assert caught.value.error == "access_denied"
    assert caught.value.description == "The user declined"
    assert str(caught.value) == "access_denied: The user declined"
    assert provider.token_requests == []


TOKEN_ENDPOINT_FAILURES = [
    pytest.param(
        (400, "application/json", '{"error": "invalid_grant", "error_description": "The code has expired"}'),
        ProviderError, "invalid_grant", id="400-invalid_grant",
    ),
    pytest.param(
        (500, "text/html", "<html><body><h1>Internal Server Error</h1></body></html>"),
        BadResponseError, "bad_response", id="500-html",
    ),
    pytest.param((200, "text/html", "<html>Welcome!</html>"), BadResponseError, "bad_response", id="200-not-json"),
    pytest.param(
        (200, "application/json", '{"token_type": "Bearer", "refresh_token": "rt-8f1e2d3c4b5a", "id_token": "x.y.z"}'),
        BadResponseError, "bad_response", id="200-without-access_token",
    ),
]


@pytest.mark.parametrize(("answer", "error_class", "code"), TOKEN_ENDPOINT_FAILURES)
def test_token_endpoint_failure_raises_a_documented_error_without_secrets(
    provider: FakeOpenIDProvider, rp: RelyingParty, answer: tuple[int, str, str], error_class: type, code: str
) -> None:
    provider.token_answer = answer
    client = rp.app.test_client()
    callback = rp.start_login(client, provider)
    with pytest.raises(OAuthError) as caught:
        client.get("/callback", query_string=callback)
    assert type(caught.value) is error_class
    assert caught.value.error == code
    sent = form_of(provider.token_requests[-1])
    for text in (str(caught.value), repr(caught.value)):
        for secret in (CLIENT_SECRET, callback["code"], sent["code_verifier"], "rt-8f1e2d3c4b5a", "x.y.z"):
            assert secret not in text
    assert rp.tokens == []


def test_token_endpoint_error_keeps_the_providers_description_and_status(
    provider: FakeOpenIDProvider, rp: RelyingParty
) -> None:
    provider.token_answer = (400, "application/json", '{"error": "invalid_grant", "error_description": "Code reused"}')
    client = rp.app.test_client()
    with pytest.raises(ProviderError) as caught:
        rp.log_in(client, provider)
    assert (caught.value.error, caught.value.description, caught.value.status_code) == (
        "invalid_grant", "Code reused", 400,
    )


def test_a_refused_token_request_fails_that_login_and_the_next_login_succeeds(
    provider: FakeOpenIDProvider, rp: RelyingParty
) -> None:
    provider.fail_next("token", "invalid_grant", "The code has expired")
    client = rp.app.test_client()
    with pytest.raises(ProviderError) as caught:
        rp.log_in(client, provider)
    assert (caught.value.error, caught.value.description, caught.value.status_code) == (
        "invalid_grant", "The code has expired", 400,
    )
    assert rp.tokens == []
    assert rp.log_in(client, provider).status_code == 200
    assert_login_token(rp.tokens[-1], provider)
    assert len(provider.sent("token")) == 2
