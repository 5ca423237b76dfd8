"""Authorization code flow, PKCE, ID token, consent page decisions and prompt handling."""

from __future__ import annotations

import base64
import time
from urllib.parse import parse_qs, urlsplit

import jwt
import pytest
import requests

LOOPBACK_CALLBACK = "http://127.0.0.1:8765/callback"  # the authorize fixture's default


def query_of(location: str) -> dict[str, str]:
    return {k: v[0] for k, v in parse_qs(urlsplit(location).query).items()}


def verify_id_token(provider, id_token: str, audience: str) -> dict:
    """Check the ID token against the published JWKS, like a relying party would."""
    jwks = requests.get(provider.url_for("/jwks")).json()
    kid = jwt.get_unverified_header(id_token)["kid"]
    key = jwt.PyJWKSet.from_dict(jwks)[kid].key
    return jwt.decode(id_token, key, algorithms=["RS256"], audience=audience, issuer=provider.url)


def expected_at_hash(access_token: str) -> str:
    digest = jwt.get_algorithm_by_name("RS256").compute_hash_digest(access_token.encode())
    return base64.urlsafe_b64encode(digest[:16]).rstrip(b"=").decode()


def test_public_client_code_flow_with_pkce(provider, authorize, exchange):
    result = authorize(username="bob")
    assert result.response.status_code == 302
    assert result.location.startswith(LOOPBACK_CALLBACK + "?")
    query = result.query
    assert query["state"] == result.params["state"]
    assert query["iss"] == provider.url  # RFC 9207
    assert query["code"]

    response = exchange(result)
    assert response.status_code == 200, response.text
    assert response.headers["Cache-Control"] == "no-store"
    token = response.json()
    assert token["token_type"] == "Bearer"
    assert token["expires_in"] == 3600
    assert token["refresh_token"]
    assert set(token["scope"].split()) == {"openid", "profile", "email"}

    claims = verify_id_token(provider, token["id_token"], "demo-public")
    assert claims["iss"] == provider.url
    assert claims["sub"] == "bob"
    assert claims["aud"] == "demo-public" and claims["azp"] == "demo-public"
    assert claims["nonce"] == result.params["nonce"]
    assert claims["at_hash"] == expected_at_hash(token["access_token"])
    assert claims["exp"] > claims["iat"]
    assert abs(claims["auth_time"] - time.time()) < 60
    assert claims["email"] == "bob@example.test"


def test_id_token_with_wrong_audience_is_rejected(provider, authorize, exchange):
    token = exchange(authorize()).json()
    with pytest.raises(jwt.InvalidAudienceError):
        verify_id_token(provider, token["id_token"], "someone-else")


def test_code_is_single_use(authorize, exchange):
    result = authorize()
    assert exchange(result).status_code == 200
    again = exchange(result)
    assert again.status_code == 400 and again.json()["error"] == "invalid_grant"


def test_wrong_code_verifier_is_refused(authorize, exchange):
    response = exchange(authorize(), code_verifier="x" * 50)
    assert response.status_code == 400 and response.json()["error"] == "invalid_grant"


def test_redirect_uri_must_match_at_token_endpoint(authorize, exchange):
    response = exchange(authorize(), redirect_uri="http://127.0.0.1:1/other")
    assert response.status_code == 400
    assert response.json()["error"] in ("invalid_request", "invalid_grant")


def test_public_client_requires_pkce(provider, browser):
    response = browser.get(provider.url_for("/authorize"), allow_redirects=False, params={
        "response_type": "code", "client_id": "demo-public", "redirect_uri": LOOPBACK_CALLBACK,
        "scope": "openid", "state": "s1",
    })
    assert response.status_code == 302
    query = query_of(response.headers["Location"])
    assert query["error"] == "invalid_request" and query["state"] == "s1"
    assert query["iss"] == provider.url


def test_plain_pkce_method_is_refused(provider, browser):
    response = browser.get(provider.url_for("/authorize"), allow_redirects=False, params={
        "response_type": "code", "client_id": "demo-public", "redirect_uri": LOOPBACK_CALLBACK,
        "scope": "openid", "code_challenge": "a" * 43, "code_challenge_method": "plain",
    })
    assert response.status_code == 302
    assert query_of(response.headers["Location"])["error"] == "invalid_request"


def test_confidential_client_basic_and_post_auth(provider, authorize, exchange):
    basic = exchange(authorize(client_id="demo-client", pkce=False),
                     auth=("demo-client", "demo-secret"))
    assert basic.status_code == 200, basic.text
    assert verify_id_token(provider, basic.json()["id_token"], "demo-client")["sub"] == "alice"

    post = exchange(authorize(client_id="demo-client"), client_id="demo-client",
                    client_secret="demo-secret")
    assert post.status_code == 200, post.text

    wrong = exchange(authorize(client_id="demo-client"), auth=("demo-client", "wrong"))
    assert wrong.status_code == 401 and wrong.json()["error"] == "invalid_client"

    no_secret = exchange(authorize(client_id="demo-client"))
    assert no_secret.status_code == 401 and no_secret.json()["error"] == "invalid_client"


def test_without_openid_scope_there_is_no_id_token(authorize, exchange):
    token = exchange(authorize(scope="profile")).json()
    assert "id_token" not in token and token["scope"] == "profile"


def test_deny_redirects_with_access_denied(provider, authorize):
    result = authorize(decision="deny")
    assert result.response.status_code == 302
    assert result.query["error"] == "access_denied"
    assert result.query["state"] == result.params["state"]
    assert result.query["iss"] == provider.url
    assert "code" not in result.query


def test_unknown_user_stays_on_the_page(authorize):
    result = authorize(username="mallory")
    assert result.response.status_code == 400
    assert "Unknown user name" in result.response.text


@pytest.mark.parametrize("params", [
    {"client_id": "no-such-client", "redirect_uri": LOOPBACK_CALLBACK},
    {"client_id": "demo-public", "redirect_uri": "https://evil.example/cb"},
    {"client_id": "web-client", "redirect_uri": LOOPBACK_CALLBACK},  # loopback not allowed
    {"client_id": "demo-public"},  # no redirect_uri and none registered
])
def test_invalid_client_or_redirect_shows_error_page(provider, browser, params):
    response = browser.get(provider.url_for("/authorize"), allow_redirects=False,
                           params={"response_type": "code", "scope": "openid", **params})
    assert response.status_code == 400
    assert "Location" not in response.headers
    assert "Invalid authorization request" in response.text


def test_registered_redirect_uri_and_default(provider, authorize, browser):
    result = authorize(client_id="web-client", redirect_uri="https://rp.example.test/callback")
    assert result.location.startswith("https://rp.example.test/callback?code=")
    page = browser.get(provider.url_for("/authorize"), params={
        "response_type": "code", "client_id": "web-client", "scope": "openid",
    })
    assert page.status_code == 200  # the single registered URI is the default


@pytest.mark.parametrize("redirect_uri", [
    "http://localhost:5000/auth", "http://[::1]:1234/cb", "http://127.0.0.1/x/y?z=1",
])
def test_any_loopback_redirect_is_accepted(authorize, redirect_uri):
    result = authorize(redirect_uri=redirect_uri)
    assert result.location.split("?")[0] == redirect_uri.split("?")[0]
    assert "code" in result.query


def test_prompt_none_uses_the_login_session(provider, browser, authorize):
    params = {
        "response_type": "code", "client_id": "demo-client", "redirect_uri": LOOPBACK_CALLBACK,
        "scope": "openid", "prompt": "none", "state": "silent",
    }
    before = browser.get(provider.url_for("/authorize"), params=params, allow_redirects=False)
    assert query_of(before.headers["Location"])["error"] == "login_required"

    authorize(client_id="demo-client", username="bob")  # signs in and consents
    silent = browser.get(provider.url_for("/authorize"), params=params, allow_redirects=False)
    query = query_of(silent.headers["Location"])
    assert "code" in query and query["state"] == "silent"
    token = requests.post(provider.url_for("/token"), auth=("demo-client", "demo-secret"), data={
        "grant_type": "authorization_code", "code": query["code"],
        "redirect_uri": LOOPBACK_CALLBACK,
    }).json()
    assert jwt.decode(token["id_token"], options={"verify_signature": False})["sub"] == "bob"

    other = dict(params, client_id="web-client", redirect_uri="https://rp.example.test/callback")
    response = browser.get(provider.url_for("/authorize"), params=other, allow_redirects=False)
    assert query_of(response.headers["Location"])["error"] == "consent_required"


def test_prompt_none_honours_max_age(provider, browser, authorize):
    authorize(client_id="demo-client")
    time.sleep(1.1)
    response = browser.get(provider.url_for("/authorize"), allow_redirects=False, params={
        "response_type": "code", "client_id": "demo-client", "redirect_uri": LOOPBACK_CALLBACK,
        "scope": "openid", "prompt": "none", "max_age": "0",
    })
    assert query_of(response.headers["Location"])["error"] == "login_required"


def test_auth_time_reflects_the_login(authorize, exchange, provider):
    before = int(time.time())
    token = exchange(authorize(max_age="300")).json()
    claims = verify_id_token(provider, token["id_token"], "demo-public")
    assert before <= claims["auth_time"] <= int(time.time())


@pytest.mark.parametrize("response_type", ["token", "id_token", "code id_token"])
def test_only_the_code_flow_is_enabled(provider, browser, response_type):
    response = browser.get(provider.url_for("/authorize"), allow_redirects=False, params={
        "response_type": response_type, "client_id": "demo-client", "nonce": "n",
        "redirect_uri": LOOPBACK_CALLBACK, "scope": "openid", "state": "rt",
    })
    assert response.status_code == 302
    location = response.headers["Location"]
    assert "access_token=" not in location and "id_token=" not in location
    query = query_of(location)
    assert query["error"] in ("unsupported_response_type", "unauthorized_client")
    assert query["state"] == "rt" and query["iss"] == provider.url


def test_id_token_hint_must_match_the_session_user(provider, browser, authorize, exchange):
    alice_token = exchange(authorize(client_id="demo-client", username="alice"),
                           auth=("demo-client", "demo-secret")).json()["id_token"]
    params = {
        "response_type": "code", "client_id": "demo-client", "redirect_uri": LOOPBACK_CALLBACK,
        "scope": "openid", "prompt": "none", "id_token_hint": alice_token,
    }
    same_user = browser.get(provider.url_for("/authorize"), params=params, allow_redirects=False)
    assert "code" in query_of(same_user.headers["Location"])

    authorize(client_id="demo-client", username="bob")  # the session now belongs to bob
    other_user = browser.get(provider.url_for("/authorize"), params=params, allow_redirects=False)
    assert query_of(other_user.headers["Location"])["error"] == "login_required"
