"""Incremental authorization: remembered grants, ``include_granted_scopes``, refresh scope and ``/api/files``.

Each test drives its own provider app through Flask's test client, so the grants
remembered by one test never leak into another.
"""

from __future__ import annotations

import base64
import hashlib
import html
import re
import secrets
from dataclasses import dataclass
from urllib.parse import parse_qs, urlsplit

import pytest
from flask import Flask
from flask.testing import FlaskClient

from flask_oauth_registry.devprovider import create_app

CALLBACK = "http://127.0.0.1:8765/callback"
PUBLIC_CLIENT = "demo-public"


@dataclass(frozen=True)
class Code:
    """An authorization code fresh from the redirect, with the PKCE verifier to redeem it."""

    code: str
    verifier: str


@pytest.fixture
def dev_app() -> Flask:
    """A fresh provider (its own in-memory grants and tokens)."""
    return create_app()


@pytest.fixture
def agent(dev_app: Flask) -> FlaskClient:
    """The user's browser: keeps the provider's login cookie between requests."""
    return dev_app.test_client()


def query_of(location: str) -> dict[str, str]:
    return {k: v[0] for k, v in parse_qs(urlsplit(location).query).items()}


def authorization_params(scope: str, include_granted: bool = False, **extra: str) -> tuple[dict[str, str], str]:
    """Query of an authorization request by the public client (PKCE S256), and its code verifier."""
    verifier = secrets.token_urlsafe(48)
    challenge = base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest()).rstrip(b"=").decode()
    params = {
        "response_type": "code", "client_id": PUBLIC_CLIENT, "redirect_uri": CALLBACK, "scope": scope,
        "state": secrets.token_urlsafe(8), "code_challenge": challenge, "code_challenge_method": "S256",
    }
    if include_granted:
        params["include_granted_scopes"] = "true"
    params.update(extra)
    return params, verifier


def consent_page(agent: FlaskClient, params: dict[str, str]) -> str:
    page = agent.get("/authorize", query_string=params)
    assert page.status_code == 200, page.text
    return page.text


def consent(
    agent: FlaskClient, scope: str, include_granted: bool = False, username: str = "alice", **extra: str
) -> Code:
    """Show the consent page, allow as ``username`` and return the code from the redirect."""
    params, verifier = authorization_params(scope, include_granted, **extra)
    page = consent_page(agent, params)
    action = html.unescape(re.search(r'<form method="post" action="([^"]+)"', page).group(1))
    answer = agent.post(action, data={"username": username, "decision": "allow"})
    assert answer.status_code == 302
    return Code(query_of(answer.location)["code"], verifier)


def redeem(agent: FlaskClient, code: Code) -> dict:
    response = agent.post("/token", data={
        "grant_type": "authorization_code", "code": code.code, "redirect_uri": CALLBACK,
        "client_id": PUBLIC_CLIENT, "code_verifier": code.verifier,
    })
    assert response.status_code == 200, response.text
    return response.get_json()


def refresh(agent: FlaskClient, refresh_token: str, **extra: str):
    return agent.post("/token", data={
        "grant_type": "refresh_token", "refresh_token": refresh_token, "client_id": PUBLIC_CLIENT, **extra,
    })


def bearer(token: dict) -> dict[str, str]:
    return {"Authorization": f"Bearer {token['access_token']}"}


def scopes_of(token: dict) -> set[str]:
    return set(token["scope"].split())


def test_first_consent_grants_the_requested_scopes(agent):
    token = redeem(agent, consent(agent, "openid profile"))
    assert scopes_of(token) == {"openid", "profile"}

    page = consent_page(agent, authorization_params("openid profile files.read")[0])
    marked = set(re.findall(r"<code>([^<]+)</code> <span class=\"granted\">already granted</span>", page))
    assert marked == {"openid", "profile"}


def test_include_granted_scopes_adds_earlier_grants_to_the_new_token(dev_app, agent):
    redeem(agent, consent(agent, "openid profile"))

    token = redeem(agent, consent(agent, "files.read", include_granted=True))

    assert scopes_of(token) == {"openid", "profile", "files.read"}
    assert "id_token" in token  # openid is part of the grant, as with Google
    files = agent.get("/api/files", headers=bearer(token))
    assert files.status_code == 200
    assert files.get_json()["sub"] == "alice" and files.get_json()["files"]
    assert agent.get("/userinfo", headers=bearer(token)).get_json()["name"] == "Alice Liddell"
    assert dev_app.extensions["devprovider"].stats.snapshot()["incremental_authorizations"] == 1


def test_consent_page_lists_the_scopes_include_granted_scopes_keeps(agent):
    redeem(agent, consent(agent, "openid profile"))

    page = consent_page(agent, authorization_params("files.read", include_granted=True)[0])

    assert "It keeps the access you granted before:" in page
    assert "<code>openid</code>, <code>profile</code>." in page


def test_without_include_granted_scopes_the_token_has_only_the_requested_scopes(agent):
    redeem(agent, consent(agent, "openid profile"))

    token = redeem(agent, consent(agent, "files.read"))

    assert token["scope"] == "files.read"
    assert "id_token" not in token
    assert agent.get("/api/me", headers=bearer(token)).get_json()["scopes"] == ["files.read"]
    assert agent.get("/userinfo", headers=bearer(token)).status_code == 403


def test_grants_accumulate_across_consents(agent):
    redeem(agent, consent(agent, "openid"))
    redeem(agent, consent(agent, "files.read"))  # without the flag: still remembered as granted

    token = redeem(agent, consent(agent, "email", include_granted=True))

    assert scopes_of(token) == {"openid", "files.read", "email"}


def test_granted_scopes_are_per_user_and_client(agent):
    redeem(agent, consent(agent, "openid files.read", username="bob"))
    consent(agent, "email", username="alice", client_id="demo-client")

    token = redeem(agent, consent(agent, "profile", include_granted=True, username="alice"))

    assert token["scope"] == "profile"


def test_refresh_keeps_the_scope_of_the_grant(agent):
    redeem(agent, consent(agent, "openid offline_access"))
    token = redeem(agent, consent(agent, "files.read", include_granted=True))

    first = refresh(agent, token["refresh_token"])
    second = refresh(agent, first.get_json()["refresh_token"])

    assert first.status_code == second.status_code == 200
    assert scopes_of(first.get_json()) == scopes_of(second.get_json()) == {"openid", "offline_access", "files.read"}
    assert agent.get("/api/files", headers=bearer(second.get_json())).status_code == 200


def test_refresh_with_a_narrower_scope_narrows_only_the_access_token(agent):
    token = redeem(agent, consent(agent, "openid offline_access files.read"))

    narrow = refresh(agent, token["refresh_token"], scope="openid").get_json()
    assert narrow["scope"] == "openid"
    assert agent.get("/api/files", headers=bearer(narrow)).status_code == 403

    full = refresh(agent, narrow["refresh_token"]).get_json()
    assert scopes_of(full) == {"openid", "offline_access", "files.read"}


def test_api_files_without_files_read_answers_insufficient_scope(agent):
    token = redeem(agent, consent(agent, "openid profile"))

    response = agent.get("/api/files", headers=bearer(token))

    assert response.status_code == 403
    assert response.headers["WWW-Authenticate"] == 'Bearer error="insufficient_scope", scope="files.read"'
    assert response.get_json()["error"] == "insufficient_scope"
    assert token["access_token"] not in response.text


def test_api_files_without_a_valid_token_answers_invalid_token(agent):
    response = agent.get("/api/files", headers={"Authorization": "Bearer not-a-token"})

    assert response.status_code == 401
    assert response.headers["WWW-Authenticate"].startswith('Bearer error="invalid_token"')


@pytest.mark.parametrize("scope", ["openid files.read", "files.read"])
def test_prompt_none_asks_for_consent_to_a_scope_not_granted_yet(agent, scope):
    redeem(agent, consent(agent, "openid profile"))

    params, _ = authorization_params(scope, prompt="none")
    response = agent.get("/authorize", query_string=params)

    assert response.status_code == 302
    assert query_of(response.location)["error"] == "consent_required"


def test_prompt_none_with_include_granted_scopes_returns_the_whole_grant(agent):
    redeem(agent, consent(agent, "openid profile files.read"))

    params, verifier = authorization_params("openid", include_granted=True, prompt="none")
    response = agent.get("/authorize", query_string=params)
    token = redeem(agent, Code(query_of(response.location)["code"], verifier))

    assert scopes_of(token) == {"openid", "profile", "files.read"}


def test_discovery_advertises_files_read(agent):
    assert "files.read" in agent.get("/.well-known/openid-configuration").get_json()["scopes_supported"]
