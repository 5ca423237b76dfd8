"""The github preset: endpoints, scopes and userinfo() normalized to OIDC claims."""

from __future__ import annotations

from typing import Any

import pytest
import requests_mock as rm
from flask import Flask

from flask_oauth_registry import BadResponseError, OAuth, UserInfo

PROFILE = {
    "id": 583231, "login": "octocat", "name": "The Octocat", "email": None,
    "avatar_url": "https://avatars.githubusercontent.com/u/583231", "html_url": "https://github.com/octocat",
    "blog": "https://github.blog", "updated_at": "2026-01-01T00:00:00Z",
}


def test_github_preset_userinfo_maps_profile_and_verified_primary_email(app: Flask) -> None:
    client = OAuth(app).register("github", client_id="id", client_secret="secret")
    token = {"access_token": "gho_x", "token_type": "bearer"}
    with rm.Mocker() as m, app.test_request_context("/"):
        m.get("https://api.github.com/user", json=PROFILE)
        m.get("https://api.github.com/user/emails", json=[
            {"email": "old@example.com", "primary": False, "verified": True},
            {"email": "octo@example.com", "primary": True, "verified": True},
        ])
        info = client.userinfo(token=token)
    assert isinstance(info, UserInfo)
    assert info["sub"] == "583231"
    assert info.preferred_username == "octocat"
    assert info.name == "The Octocat" and info.given_name == "The" and info.family_name == "Octocat"
    assert info.email == "octo@example.com" and info.email_verified is True
    assert info.picture == PROFILE["avatar_url"] and info.profile == PROFILE["html_url"]
    assert info.locale is None  # an absent standard claim reads as None


def test_github_userinfo_without_email_scope_keeps_public_email_unverified(app: Flask) -> None:
    client = OAuth(app).register("github", client_id="id", client_secret="secret")
    with rm.Mocker() as m, app.test_request_context("/"):
        m.get("https://api.github.com/user", json={**PROFILE, "email": "public@example.com"})
        m.get("https://api.github.com/user/emails", status_code=404, json={"message": "Not Found"})
        info = client.userinfo(token={"access_token": "x"})
    assert info.email == "public@example.com"
    assert info.email_verified is False


def test_github_token_endpoint_error_in_a_200_answer_is_a_provider_error(app: Flask) -> None:
    import pytest

    from flask_oauth_registry import ProviderError

    client = OAuth(app).register("github", client_id="id", client_secret="secret")
    with rm.Mocker() as m, app.test_request_context("/"):
        m.post("https://github.com/login/oauth/access_token",
               json={"error": "bad_verification_code", "error_description": "The code passed is incorrect"})
        with pytest.raises(ProviderError, match="bad_verification_code"):
            client.fetch_access_token(code="wrong")
        sent = m.last_request
        assert "client_secret=secret" in sent.text  # client_secret_post, as GitHub expects
        assert sent.headers["Accept"] == "application/json"


@pytest.mark.parametrize(
    ("body", "reason"),
    [("[" * 50000 + "]" * 50000, "nested too deeply"), ("<html>", "not JSON"), ('{"login": "x"}', "no id")],
)
def test_github_profile_that_is_not_a_usable_answer_is_a_bad_response(
    requests_mock: Any, body: str, reason: str
) -> None:
    app = Flask(__name__)
    github = OAuth(app).register("github", client_id="c", client_secret="s")
    requests_mock.get("https://api.github.com/user", text=body)
    with app.app_context(), pytest.raises(BadResponseError, match=reason):
        github.userinfo(token={"access_token": "t", "token_type": "bearer"})
