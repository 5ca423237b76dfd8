"""Refresh rotation, client credentials, userinfo, revocation, /api/me, expiry and logout."""

from __future__ import annotations

import threading
import time
from urllib.parse import parse_qs, urlsplit

import jwt
import pytest
import requests

from flask_oauth_registry.devprovider import ProviderSettings, serve

CONFIDENTIAL = ("demo-client", "demo-secret")


def query_of(location: str) -> dict[str, str]:
    return {k: v[0] for k, v in parse_qs(urlsplit(location).query).items()}


@pytest.fixture
def tokens(authorize, exchange):
    """A fresh token response for alice via the public client."""
    response = exchange(authorize(scope="openid profile email offline_access"))
    assert response.status_code == 200, response.text
    return response.json()


def refresh(provider, refresh_token: str, **extra: str) -> requests.Response:
    data = {"grant_type": "refresh_token", "refresh_token": refresh_token,
            "client_id": "demo-public", **extra}
    return requests.post(provider.url_for("/token"), data=data)


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def test_refresh_rotates_and_old_token_is_refused(provider, tokens):
    first = refresh(provider, tokens["refresh_token"])
    assert first.status_code == 200, first.text
    rotated = first.json()
    assert rotated["refresh_token"] != tokens["refresh_token"]
    assert rotated["access_token"] != tokens["access_token"]
    assert rotated["expires_in"] == 3600
    assert jwt.decode(rotated["id_token"], options={"verify_signature": False})["sub"] == "alice"

    reuse = refresh(provider, tokens["refresh_token"])
    assert reuse.status_code == 400 and reuse.json()["error"] == "invalid_grant"

    second = refresh(provider, rotated["refresh_token"])
    assert second.status_code == 200
    assert requests.get(provider.url_for("/api/me"),
                        headers=bearer(second.json()["access_token"])).json()["sub"] == "alice"


def test_refresh_counters(provider, tokens):
    before = provider.stats()
    refresh(provider, tokens["refresh_token"])
    refresh(provider, tokens["refresh_token"])
    after = provider.stats()
    assert after["refresh_requests"] - before["refresh_requests"] == 2
    assert after["refresh_refused"] - before["refresh_refused"] == 1
    by_grant = after["token_requests"]["refresh_token"]
    assert by_grant - before["token_requests"].get("refresh_token", 0) == 2


def test_concurrent_refreshes_only_one_wins(provider, tokens):
    results: list[int] = []
    barrier = threading.Barrier(6)

    def attempt() -> None:
        barrier.wait()
        results.append(refresh(provider, tokens["refresh_token"]).status_code)

    threads = [threading.Thread(target=attempt) for _ in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(results) == [200] + [400] * 5


def test_refresh_token_is_bound_to_its_client(provider, tokens):
    stolen = requests.post(provider.url_for("/token"), auth=CONFIDENTIAL, data={
        "grant_type": "refresh_token", "refresh_token": tokens["refresh_token"],
    })
    assert stolen.status_code == 400 and stolen.json()["error"] == "invalid_grant"
    assert refresh(provider, tokens["refresh_token"]).status_code == 200  # still usable by owner


def test_refresh_can_narrow_but_not_widen_scope(provider, tokens):
    wider = refresh(provider, tokens["refresh_token"], scope="openid api")
    assert wider.status_code == 400 and wider.json()["error"] == "invalid_scope"


def test_client_credentials(provider):
    response = requests.post(provider.url_for("/token"), auth=CONFIDENTIAL,
                             data={"grant_type": "client_credentials"})
    assert response.status_code == 200, response.text
    token = response.json()
    assert token["scope"] == "api" and token["expires_in"] == 3600
    assert "refresh_token" not in token and "id_token" not in token
    me = requests.get(provider.url_for("/api/me"), headers=bearer(token["access_token"])).json()
    assert me == {"sub": None, "user": None, "client_id": "demo-client",
                  "scope": "api", "scopes": ["api"]}


def test_client_credentials_refused_for_public_client(provider):
    response = requests.post(provider.url_for("/token"),
                             data={"grant_type": "client_credentials", "client_id": "demo-public"})
    assert response.status_code == 401 and response.json()["error"] == "invalid_client"


def test_password_grant_is_disabled(provider):
    response = requests.post(provider.url_for("/token"), auth=CONFIDENTIAL, data={
        "grant_type": "password", "username": "alice", "password": "x",
    })
    assert response.status_code == 400
    assert response.json()["error"] == "unsupported_grant_type"


def test_userinfo_by_scope(provider, authorize, exchange, tokens):
    full = requests.get(provider.url_for("/userinfo"), headers=bearer(tokens["access_token"]))
    assert full.status_code == 200
    assert full.json() == {
        "sub": "alice", "name": "Alice Liddell", "preferred_username": "alice",
        "given_name": "Alice", "family_name": "Liddell",
        "email": "alice@example.test", "email_verified": True,
    }
    posted = requests.post(provider.url_for("/userinfo"), headers=bearer(tokens["access_token"]))
    assert posted.json()["sub"] == "alice"

    only_email = exchange(authorize(scope="openid email", username="bob")).json()
    claims = requests.get(provider.url_for("/userinfo"),
                          headers=bearer(only_email["access_token"])).json()
    assert claims == {"sub": "bob", "email": "bob@example.test", "email_verified": True}


def test_userinfo_errors(provider, authorize, exchange):
    bad = requests.get(provider.url_for("/userinfo"), headers=bearer("not-a-token"))
    assert bad.status_code == 401
    assert bad.headers["WWW-Authenticate"].startswith('Bearer error="invalid_token"')

    no_openid = exchange(authorize(scope="profile")).json()
    forbidden = requests.get(provider.url_for("/userinfo"),
                             headers=bearer(no_openid["access_token"]))
    assert forbidden.status_code == 403 and forbidden.json()["error"] == "insufficient_scope"


def test_api_me(provider, tokens):
    me = requests.get(provider.url_for("/api/me"), headers=bearer(tokens["access_token"]))
    assert me.status_code == 200
    body = me.json()
    assert body["sub"] == "alice" and body["client_id"] == "demo-public"
    assert body["user"]["email"] == "alice@example.test"
    assert set(body["scopes"]) == {"openid", "profile", "email", "offline_access"}
    missing = requests.get(provider.url_for("/api/me"))
    assert missing.status_code == 401
    as_id_token = requests.get(provider.url_for("/api/me"), headers=bearer(tokens["id_token"]))
    assert as_id_token.status_code == 401


def test_revoke_access_token(provider, tokens):
    revoke = requests.post(provider.url_for("/revoke"), data={
        "token": tokens["access_token"], "token_type_hint": "access_token",
        "client_id": "demo-public",
    })
    assert revoke.status_code == 200
    me = requests.get(provider.url_for("/api/me"), headers=bearer(tokens["access_token"]))
    assert me.status_code == 401
    assert refresh(provider, tokens["refresh_token"]).status_code == 200


def test_revoke_refresh_token_also_kills_its_access_token(provider, tokens):
    revoke = requests.post(provider.url_for("/revoke"),
                           data={"token": tokens["refresh_token"], "client_id": "demo-public"})
    assert revoke.status_code == 200
    assert refresh(provider, tokens["refresh_token"]).json()["error"] == "invalid_grant"
    me = requests.get(provider.url_for("/api/me"), headers=bearer(tokens["access_token"]))
    assert me.status_code == 401


def test_revoke_needs_client_auth_and_ownership(provider, tokens):
    unauthenticated = requests.post(provider.url_for("/revoke"), data={"token": "x"},
                                    auth=("demo-client", "wrong"))
    assert unauthenticated.status_code == 401
    other_client = requests.post(provider.url_for("/revoke"), auth=CONFIDENTIAL,
                                 data={"token": tokens["access_token"]})
    assert other_client.status_code == 200  # RFC 7009: no error, but nothing revoked
    me = requests.get(provider.url_for("/api/me"), headers=bearer(tokens["access_token"]))
    assert me.status_code == 200


def test_short_access_token_ttl_expires():
    with serve(ProviderSettings(access_token_ttl=1)) as running:
        token = requests.post(running.url_for("/token"), auth=CONFIDENTIAL,
                              data={"grant_type": "client_credentials"}).json()
        assert token["expires_in"] == 1
        headers = bearer(token["access_token"])
        assert requests.get(running.url_for("/api/me"), headers=headers).status_code == 200
        time.sleep(1.2)
        assert requests.get(running.url_for("/api/me"), headers=headers).status_code == 401


def test_logout_redirects_with_state_and_ends_session(provider, browser, authorize, exchange):
    tokens = exchange(authorize(client_id="demo-client"), auth=CONFIDENTIAL).json()
    silent = {"response_type": "code", "client_id": "demo-client", "scope": "openid",
              "redirect_uri": "http://127.0.0.1:8765/callback", "prompt": "none"}
    logged_in = browser.get(provider.url_for("/authorize"), params=silent, allow_redirects=False)
    assert "code" in query_of(logged_in.headers["Location"])

    response = browser.get(provider.url_for("/logout"), allow_redirects=False, params={
        "id_token_hint": tokens["id_token"],
        "post_logout_redirect_uri": "http://localhost:3000/bye",
        "state": "xyz",
    })
    assert response.status_code == 302
    assert response.headers["Location"] == "http://localhost:3000/bye?state=xyz"

    after = browser.get(provider.url_for("/authorize"), params=silent, allow_redirects=False)
    assert query_of(after.headers["Location"])["error"] == "login_required"


def test_logout_redirect_must_be_registered(provider, browser, authorize, exchange):
    web_tokens = exchange(
        authorize(client_id="web-client", redirect_uri="https://rp.example.test/callback"),
        auth=("web-client", "web-secret"),
    ).json()
    ok = browser.get(provider.url_for("/logout"), allow_redirects=False, params={
        "id_token_hint": web_tokens["id_token"],
        "post_logout_redirect_uri": "https://rp.example.test/logged-out",
    })
    assert ok.status_code == 302
    assert ok.headers["Location"] == "https://rp.example.test/logged-out"
    for params in (
        {"id_token_hint": web_tokens["id_token"], "post_logout_redirect_uri": "https://evil.test/"},
        {"id_token_hint": web_tokens["id_token"], "post_logout_redirect_uri": "http://127.0.0.1/"},
        {"post_logout_redirect_uri": "http://127.0.0.1:3000/"},  # no client identified
        {"id_token_hint": "not.a.jwt", "post_logout_redirect_uri": "http://127.0.0.1:3000/"},
    ):
        refused = browser.get(provider.url_for("/logout"), params=params, allow_redirects=False)
        assert refused.status_code == 400, params
        assert "Location" not in refused.headers


def test_logout_without_redirect_shows_a_page(provider, browser):
    response = browser.get(provider.url_for("/logout"))
    assert response.status_code == 200 and "signed out" in response.text
