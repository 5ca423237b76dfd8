"""The linkedin preset: OpenID Connect by discovery, client_secret_post, and the locale object made a language tag."""

from __future__ import annotations

import pytest
from flask import Flask

from flask_oauth_registry import OAuth
from flask_oauth_registry.providers.linkedin import userinfo_to_claims


def test_linkedin_uses_its_discovery_document_and_posts_the_client_secret(app: Flask) -> None:
    client = OAuth(app).register("linkedin", client_id="id", client_secret="secret")
    assert client.config.server_metadata_url == "https://www.linkedin.com/oauth/.well-known/openid-configuration"
    assert client.config.token_endpoint_auth_method == "client_secret_post"
    assert client.config.scope == "openid profile email"


@pytest.mark.parametrize(
    ("locale", "expected"),
    [({"country": "US", "language": "en"}, "en-US"), ({"language": "fr"}, "fr"), ("de-DE", "de-DE"), ({}, None)],
)
def test_the_locale_object_becomes_a_language_tag(locale: object, expected: str | None) -> None:
    claims = userinfo_to_claims({"sub": "abc", "name": "A B", "locale": locale})
    assert claims["locale"] == expected and claims["sub"] == "abc" and claims["name"] == "A B"


def test_an_answer_without_locale_is_left_as_it_is() -> None:
    answer = {"sub": "abc", "email": "a@example.com", "email_verified": True}
    assert userinfo_to_claims(answer) == answer
