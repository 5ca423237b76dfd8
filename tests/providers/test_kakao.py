"""The kakao preset: ``/v2/user/me`` with its nested ``kakao_account`` mapped to claims; OpenID Connect optional."""

from __future__ import annotations

from typing import Any
from urllib.parse import parse_qsl, urlsplit

from flask import Flask

from flask_oauth_registry import OAuth
from flask_oauth_registry.providers.kakao import DISCOVERY_URL, profile_to_claims
from tests.providers.recordings.kakao import ME


def test_the_nested_account_maps_to_claims() -> None:
    claims = profile_to_claims(ME)
    assert claims["sub"] == 123456789 and claims["name"] == "Kim Sample" and claims["nickname"] == "Sample"
    assert claims["email"] == "sample@example.kr" and claims["email_verified"] is True


def test_without_consent_only_the_id_and_properties_remain() -> None:
    claims = profile_to_claims({"id": 5, "properties": {"nickname": "P", "profile_image": "https://k/p.jpg"}})
    assert claims["sub"] == 5 and claims["name"] == "P" and claims["picture"] == "https://k/p.jpg"
    assert claims["email"] is None and claims["email_verified"] is None


def test_an_invalid_email_is_left_out() -> None:
    account = {**ME["kakao_account"], "is_email_valid": False}
    claims = profile_to_claims({"id": 1, "kakao_account": account})
    assert claims["email"] is None and claims["email_verified"] is None


def test_the_default_image_is_not_a_picture() -> None:
    account = {"profile": {"nickname": "n", "profile_image_url": "https://k/default.jpg", "is_default_image": True}}
    assert profile_to_claims({"id": 1, "kakao_account": account})["picture"] is None


def test_userinfo_reads_user_me_with_bearer(app: Flask, requests_mock: Any) -> None:
    requests_mock.get("https://kapi.kakao.com/v2/user/me", json=ME)
    client = OAuth(app).register("kakao", client_id="rest-api-key", client_secret="s")
    with app.app_context():
        assert client.userinfo(token={"access_token": "k", "token_type": "bearer"})["sub"] == "123456789"
    assert requests_mock.last_request.headers["Authorization"] == "Bearer k"


def test_openid_connect_is_turned_on_with_discovery(app: Flask, requests_mock: Any) -> None:
    requests_mock.get(DISCOVERY_URL, json={
        "issuer": "https://kauth.kakao.com", "authorization_endpoint": "https://kauth.kakao.com/oauth/authorize",
        "token_endpoint": "https://kauth.kakao.com/oauth/token", "jwks_uri": "https://kauth.kakao.com/.well-known/jwks.json",
        "response_types_supported": ["code"], "subject_types_supported": ["public"],
        "id_token_signing_alg_values_supported": ["RS256"]})
    client = OAuth(app).register("kakao", client_id="rest-api-key", client_secret="s",
                                 server_metadata_url=DISCOVERY_URL, scope="openid account_email")
    with app.test_request_context("/"):
        url = client.create_authorization_url("https://client.test/cb")["url"]
    params = dict(parse_qsl(urlsplit(url).query))
    assert url.startswith("https://kauth.kakao.com/oauth/authorize?") and params["nonce"]
