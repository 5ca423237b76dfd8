"""The fake provider refuses what a strict provider refuses: wrong client authentication, PKCE, request shape."""

from __future__ import annotations

import base64
import hashlib

import pytest

from flask_oauth_registry.registry.config import ClientConfig
from flask_oauth_registry.testing import AuthorizationRequestRejected, FakeOAuth2Provider
from flask_oauth_registry.testing.client_checks import client_auth_problem, pkce_problem
from flask_oauth_registry.testing.records import Sent

TOKEN_URL = "https://op.test/token"


def config(method: str) -> ClientConfig:
    return ClientConfig(name="op", client_id="cid", client_secret="s3cret", token_endpoint_auth_method=method,
                        authorize_url="https://op.test/authorize", access_token_url=TOKEN_URL)


def token_request(headers: dict[str, str] | None = None, **form: str) -> Sent:
    return Sent("token", "POST", TOKEN_URL, dict(form), headers or {})


def basic(client_id: str, secret: str) -> dict[str, str]:
    return {"Authorization": "Basic " + base64.b64encode(f"{client_id}:{secret}".encode()).decode()}


def test_client_secret_basic_with_the_apps_secret_passes() -> None:
    assert client_auth_problem(config("client_secret_basic"), token_request(basic("cid", "s3cret")), TOKEN_URL) is None


def test_client_secret_basic_with_another_secret_is_invalid_client() -> None:
    sent = token_request(basic("cid", "wrong"))
    assert client_auth_problem(config("client_secret_basic"), sent, TOKEN_URL) == "invalid_client"


def test_secret_in_the_body_of_a_basic_client_is_invalid_client() -> None:
    sent = token_request(basic("cid", "s3cret"), client_secret="s3cret")
    assert client_auth_problem(config("client_secret_basic"), sent, TOKEN_URL) == "invalid_client"


def test_client_secret_post_without_the_secret_is_invalid_client() -> None:
    assert client_auth_problem(config("client_secret_post"), token_request(client_id="cid"), TOKEN_URL) == (
        "invalid_client"
    )


def test_pkce_verifier_must_match_the_s256_challenge() -> None:
    verifier = "v" * 50
    challenge = base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest()).rstrip(b"=").decode()
    request = {"code_challenge": challenge, "code_challenge_method": "S256"}
    assert pkce_problem(request, {"code_verifier": verifier}) is None
    assert pkce_problem(request, {"code_verifier": "x" * 50}) == "invalid_grant"
    assert pkce_problem(request, {}) == "invalid_grant"


def test_a_code_is_single_use() -> None:
    provider = FakeOAuth2Provider(config("client_secret_basic"))
    callback = provider.authorize("https://op.test/authorize?response_type=code&client_id=cid&state=s"
                                  "&redirect_uri=http%3A%2F%2Fapp%2Fcb")
    form = {"grant_type": "authorization_code", "code": callback["code"], "redirect_uri": "http://app/cb"}
    assert provider.handle(token_request(basic("cid", "s3cret"), **form)).status == 200
    assert provider.handle(token_request(basic("cid", "s3cret"), **form)).status == 400


def test_authorization_request_without_state_is_rejected() -> None:
    provider = FakeOAuth2Provider(config("client_secret_basic"))
    with pytest.raises(AuthorizationRequestRejected, match="no state"):
        provider.authorize("https://op.test/authorize?response_type=code&client_id=cid&redirect_uri=http%3A%2F%2Fa")
