"""OAuth 1.0a flows against the dev provider with requests-oauthlib, for each signature method."""

from __future__ import annotations

import html
import re
from urllib.parse import parse_qs, urlsplit

import pytest
import requests
from oauthlib.oauth1 import (
    SIGNATURE_HMAC_SHA1,
    SIGNATURE_HMAC_SHA256,
    SIGNATURE_PLAINTEXT,
    SIGNATURE_RSA_SHA1,
    SIGNATURE_RSA_SHA256,
    SIGNATURE_TYPE_AUTH_HEADER,
    SIGNATURE_TYPE_BODY,
    SIGNATURE_TYPE_QUERY,
)
from requests_oauthlib import OAuth1Session
from requests_oauthlib.oauth1_session import TokenRequestDenied

from flask_oauth_registry.devprovider import DEMO_OAUTH1_KEY, DEMO_OAUTH1_SECRET

CALLBACK = "http://127.0.0.1:8765/oauth1/callback"


def query_of(location: str) -> dict[str, str]:
    return {k: v[0] for k, v in parse_qs(urlsplit(location).query).items()}


def consent(provider, authorization_url: str, decision: str = "allow", username: str = "bob"):
    """Drive the OAuth 1 login + consent page like a browser; returns the redirect response."""
    with requests.Session() as browser:
        page = browser.get(authorization_url)
        assert page.status_code == 200, page.text
        assert "OAuth 1.0a" in page.text
        action = html.unescape(re.search(r'<form method="post" action="([^"]+)"', page.text)[1])
        return browser.post(provider.url_for(action), allow_redirects=False,
                            data={"username": username, "decision": decision})


def make_session(signature_method: str, signature_type: str, rsa_client) -> OAuth1Session:
    if signature_method.startswith("RSA"):
        return OAuth1Session(rsa_client.client_key, rsa_key=rsa_client.private_pem,
                             signature_method=signature_method, signature_type=signature_type,
                             callback_uri=CALLBACK)
    return OAuth1Session(DEMO_OAUTH1_KEY, client_secret=DEMO_OAUTH1_SECRET,
                         signature_method=signature_method, signature_type=signature_type,
                         callback_uri=CALLBACK)


@pytest.mark.parametrize(("signature_method", "signature_type"), [
    (SIGNATURE_HMAC_SHA1, SIGNATURE_TYPE_AUTH_HEADER),
    (SIGNATURE_HMAC_SHA256, SIGNATURE_TYPE_QUERY),
    (SIGNATURE_PLAINTEXT, SIGNATURE_TYPE_BODY),
    (SIGNATURE_RSA_SHA1, SIGNATURE_TYPE_AUTH_HEADER),
    (SIGNATURE_RSA_SHA256, SIGNATURE_TYPE_QUERY),
])
def test_full_flow(provider, rsa_client, signature_method, signature_type):
    before = provider.stats()["oauth1_access_tokens"]
    oauth = make_session(signature_method, signature_type, rsa_client)
    request_token = oauth.fetch_request_token(provider.url_for("/oauth1/request_token"))
    assert request_token["oauth_callback_confirmed"] == "true"

    redirect = consent(provider, oauth.authorization_url(provider.url_for("/oauth1/authorize")))
    assert redirect.status_code == 302
    location = redirect.headers["Location"]
    assert location.startswith(CALLBACK + "?")
    assert query_of(location)["oauth_token"] == request_token["oauth_token"]
    oauth.parse_authorization_response(location)

    access = oauth.fetch_access_token(provider.url_for("/oauth1/access_token"))
    assert access["oauth_token"] != request_token["oauth_token"]
    assert provider.stats()["oauth1_access_tokens"] == before + 1

    if signature_type == SIGNATURE_TYPE_BODY:
        me = oauth.post(provider.url_for("/oauth1/api/me"), data={"extra": "param"})
    else:
        me = oauth.get(provider.url_for("/oauth1/api/me"), params={"q": "a b+c"})
    assert me.status_code == 200, me.text
    body = me.json()
    assert body["sub"] == "bob" and body["user"]["email"] == "bob@example.test"
    assert body["signature_method"] == signature_method
    assert body["client_key"] == oauth.auth.client.client_key


def test_deny_redirects_with_denied(provider):
    oauth = make_session(SIGNATURE_HMAC_SHA1, SIGNATURE_TYPE_AUTH_HEADER, None)
    token = oauth.fetch_request_token(provider.url_for("/oauth1/request_token"))["oauth_token"]
    redirect = consent(provider, oauth.authorization_url(provider.url_for("/oauth1/authorize")),
                       decision="deny")
    assert redirect.status_code == 302
    assert redirect.headers["Location"] == f"{CALLBACK}?denied={token}"
    page = requests.get(provider.url_for("/oauth1/authorize"), params={"oauth_token": token})
    assert page.status_code == 400  # the request token is gone


def test_bad_signature_is_refused(provider):
    wrong_secret = OAuth1Session(DEMO_OAUTH1_KEY, client_secret="not-the-secret",
                                 callback_uri=CALLBACK)
    with pytest.raises(TokenRequestDenied) as info:
        wrong_secret.fetch_request_token(provider.url_for("/oauth1/request_token"))
    assert info.value.status_code == 401


def test_rsa_signature_with_another_key_is_refused(provider, rsa_client):
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric import rsa

    other = rsa.generate_private_key(public_exponent=65537, key_size=2048).private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    ).decode()
    oauth = OAuth1Session(rsa_client.client_key, rsa_key=other,
                          signature_method=SIGNATURE_RSA_SHA1, callback_uri=CALLBACK)
    with pytest.raises(TokenRequestDenied):
        oauth.fetch_request_token(provider.url_for("/oauth1/request_token"))


@pytest.fixture
def authorized(provider) -> OAuth1Session:
    """An OAuth1Session holding bob's access token."""
    oauth = make_session(SIGNATURE_HMAC_SHA1, SIGNATURE_TYPE_AUTH_HEADER, None)
    oauth.fetch_request_token(provider.url_for("/oauth1/request_token"))
    redirect = consent(provider, oauth.authorization_url(provider.url_for("/oauth1/authorize")))
    oauth.parse_authorization_response(redirect.headers["Location"])
    oauth.fetch_access_token(provider.url_for("/oauth1/access_token"))
    return oauth


def test_tampered_or_replayed_resource_requests_are_refused(provider, authorized):
    url = provider.url_for("/oauth1/api/me")
    signed = authorized.auth.client.sign(url, "GET")
    uri, headers, _ = signed
    assert requests.get(uri, headers=headers).status_code == 200
    replay = requests.get(uri, headers=headers)
    assert replay.status_code == 401  # same nonce + timestamp
    uri, headers, _ = authorized.auth.client.sign(url + "?a=1", "GET")
    tampered = requests.get(url + "?a=2", headers=headers)
    assert tampered.status_code == 401
    assert tampered.headers["WWW-Authenticate"].startswith("OAuth ")
    assert requests.get(url).status_code == 401


def test_verifier_and_request_token_are_single_use(provider):
    oauth = make_session(SIGNATURE_HMAC_SHA1, SIGNATURE_TYPE_AUTH_HEADER, None)
    oauth.fetch_request_token(provider.url_for("/oauth1/request_token"))
    redirect = consent(provider, oauth.authorization_url(provider.url_for("/oauth1/authorize")))
    params = query_of(redirect.headers["Location"])
    oauth.parse_authorization_response(redirect.headers["Location"])
    oauth.fetch_access_token(provider.url_for("/oauth1/access_token"))

    again = OAuth1Session(DEMO_OAUTH1_KEY, client_secret=DEMO_OAUTH1_SECRET,
                          resource_owner_key=params["oauth_token"],
                          resource_owner_secret="whatever", verifier=params["oauth_verifier"])
    with pytest.raises(TokenRequestDenied):
        again.fetch_access_token(provider.url_for("/oauth1/access_token"))


def test_unapproved_request_token_cannot_be_exchanged(provider):
    oauth = make_session(SIGNATURE_HMAC_SHA1, SIGNATURE_TYPE_AUTH_HEADER, None)
    token = oauth.fetch_request_token(provider.url_for("/oauth1/request_token"))
    guess = OAuth1Session(DEMO_OAUTH1_KEY, client_secret=DEMO_OAUTH1_SECRET,
                          resource_owner_key=token["oauth_token"],
                          resource_owner_secret=token["oauth_token_secret"],
                          verifier="guessedverifier0000000000")
    with pytest.raises(TokenRequestDenied):
        guess.fetch_access_token(provider.url_for("/oauth1/access_token"))


def test_callback_must_be_loopback_or_registered(provider):
    oauth = OAuth1Session(DEMO_OAUTH1_KEY, client_secret=DEMO_OAUTH1_SECRET,
                          callback_uri="https://evil.example/cb")
    with pytest.raises(TokenRequestDenied):
        oauth.fetch_request_token(provider.url_for("/oauth1/request_token"))


def test_out_of_band_shows_the_verifier(provider):
    oauth = OAuth1Session(DEMO_OAUTH1_KEY, client_secret=DEMO_OAUTH1_SECRET, callback_uri="oob")
    oauth.fetch_request_token(provider.url_for("/oauth1/request_token"))
    page = consent(provider, oauth.authorization_url(provider.url_for("/oauth1/authorize")))
    assert page.status_code == 200 and "Access granted" in page.text
    verifier = re.search(r'<p class="muted">([A-Za-z0-9]{20,})</p>', page.text)[1]
    oauth.auth.client.verifier = verifier
    assert "oauth_token" in oauth.fetch_access_token(provider.url_for("/oauth1/access_token"),
                                                     verifier=verifier)


def test_unknown_request_token_page_is_an_error(provider):
    page = requests.get(provider.url_for("/oauth1/authorize"),
                        params={"oauth_token": "x" * 30})
    assert page.status_code == 400 and "Invalid authorization request" in page.text
