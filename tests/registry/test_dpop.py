"""DPoP (RFC 9449): proofs on every token request and on API calls, the key kept with the token, server nonces.

The server side (``tests.fakes.dpop``) decodes and checks every proof: header,
signature with the embedded key, ``htm``/``htu``/``iat``/``jti``, ``nonce``, ``ath``,
and the binding of tokens and refresh tokens to the key that obtained them.
"""

from __future__ import annotations

import json
import time
from typing import Any
from urllib.parse import parse_qs, urlsplit

import jwt
import pytest
import requests_mock as rm
from cachelib import SimpleCache
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec, ed25519, rsa
from flask import Flask, g, jsonify

from flask_oauth_registry import ConfigurationError, InvalidTokenError, OAuth, ProviderError
from flask_oauth_registry.registry.dpop import DPoPKey, jwk_thumbprint, proof_claims
from flask_oauth_registry.registry.tokens import OAuth2Token
from tests.fakes.dpop import API, AUTHORIZE_URL, TOKEN_URL, DPoPServer, check_proof, thumbprint

REDIRECT_URI = "https://client.test/cb"


def register(app: Flask, oauth: OAuth | None = None, **client_kwargs: Any) -> Any:
    oauth = oauth or OAuth(app)
    return oauth.register(
        "prov", client_id="cid", client_secret="csecret", authorize_url=AUTHORIZE_URL, access_token_url=TOKEN_URL,
        api_base_url=API, client_kwargs={"dpop": True, **client_kwargs},
    )


def log_in(app: Flask, client: Any) -> tuple[dict[str, Any], dict[str, list[str]]]:
    """A whole login through Flask's test client: the token and the authorization request's query."""

    @app.get("/login")
    def login() -> Any:
        return client.authorize_redirect(REDIRECT_URI)

    @app.get("/cb")
    def callback() -> Any:
        return jsonify(client.authorize_access_token())

    browser = app.test_client()
    query = parse_qs(urlsplit(browser.get("/login").location).query)
    answer = browser.get(f"/cb?code=the-code&state={query['state'][0]}")
    assert answer.status_code == 200, answer.get_data(as_text=True)
    return answer.get_json(), query


# -- proofs -------------------------------------------------------------------------------------


def test_a_proof_is_a_dpop_jwt_signed_by_the_key_in_its_header() -> None:
    key = DPoPKey.generate()
    proof = key.proof("post", "https://as.test/token?x=1#frag", nonce="n-1")
    claims, jkt = check_proof(proof, "POST", "https://as.test/token", nonce="n-1")
    assert jkt == key.thumbprint
    assert claims["htu"] == "https://as.test/token" and "ath" not in claims
    assert jwt.get_unverified_header(proof)["alg"] == "ES256"


def test_a_resource_proof_carries_the_access_token_hash() -> None:
    proof = DPoPKey.generate().proof("GET", "https://rs.test/api/me?page=2", access_token="at-1")
    claims, _ = check_proof(proof, "GET", "https://rs.test/api/me", access_token="at-1")
    assert claims["ath"]


def test_every_proof_has_a_fresh_jti() -> None:
    key = DPoPKey.generate()
    jtis = {jwt.decode(key.proof("GET", API), options={"verify_signature": False})["jti"] for _ in range(20)}
    assert len(jtis) == 20


def test_proof_claims_leave_out_a_nonce_never_sent() -> None:
    assert "nonce" not in proof_claims("GET", API, iat=1, jti="j")


@pytest.mark.parametrize("private_key", [
    ec.generate_private_key(ec.SECP256R1()), rsa.generate_private_key(65537, 2048),
    ed25519.Ed25519PrivateKey.generate(),
], ids=["EC", "RSA", "OKP"])
def test_thumbprint_is_rfc_7638s(private_key: Any) -> None:
    pem = private_key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                    serialization.NoEncryption()).decode()
    key = DPoPKey.from_setting(pem, "client_kwargs['dpop_key']")
    assert key.thumbprint == thumbprint(key.public_jwk) == jwk_thumbprint({**key.public_jwk, "kid": "ignored"})
    check_proof(key.proof("GET", API), "GET", API)


def test_a_configured_jwk_is_used_and_a_public_one_refused() -> None:
    private = DPoPKey.generate().private_jwk()
    assert DPoPKey.from_setting(dict(private), "where").thumbprint == DPoPKey.from_jwk(private).thumbprint
    public = {k: v for k, v in private.items() if k != "d"}
    with pytest.raises(ConfigurationError, match="dpop_key"):
        DPoPKey.from_setting(public, "client_kwargs['dpop_key']")


def test_a_broken_dpop_key_setting_fails_at_register(app: Flask) -> None:
    with pytest.raises(ConfigurationError, match=r"CLIENT_KWARGS\['dpop_key'\]"):
        register(app, dpop_key="-----BEGIN PRIVATE KEY-----\nnot a key\n-----END PRIVATE KEY-----")


def test_the_private_key_never_shows_in_a_repr(app: Flask) -> None:
    key = DPoPKey.generate()
    secret = key.private_jwk()["d"]
    token = OAuth2Token({"access_token": "at", "dpop_jkt": key.thumbprint, "dpop_key": key.private_jwk()})
    client = register(app, dpop_key=dict(key.private_jwk()))
    for shown in (repr(key), repr(key.private_jwk()), str(key.private_jwk()), repr(token), repr(client.config)):
        assert secret not in shown


# -- a login, API calls and refresh --------------------------------------------------------------


def test_a_login_binds_the_token_to_the_key_its_authorization_request_named(app: Flask) -> None:
    with rm.Mocker() as m:
        server = DPoPServer(m)
        token, query = log_in(app, register(app))
    assert token["token_type"] == "DPoP"
    assert query["dpop_jkt"] == [token["dpop_jkt"]] == [server.bound[token["access_token"]]]
    assert DPoPKey.from_jwk(token["dpop_key"]).thumbprint == token["dpop_jkt"]


def test_an_api_call_sends_the_dpop_scheme_and_a_proof_with_ath(app: Flask) -> None:
    client = register(app)
    with rm.Mocker() as m, app.test_request_context("/"):
        server = DPoPServer(m)
        token = client.fetch_access_token()  # client credentials: signed with a key of its own
        answer = client.get("me?x=1", token=token)
        assert answer.status_code == 200 and answer.json()["jkt"] == token["dpop_jkt"]
        sent = m.last_request
        assert sent.headers["Authorization"] == f"DPoP {token['access_token']}"
        assert server.proofs[-1]["ath"] and server.proofs[-1]["htm"] == "GET"


def test_a_post_call_names_its_method(app: Flask) -> None:
    client = register(app)
    with rm.Mocker() as m, app.test_request_context("/"):
        server = DPoPServer(m)
        assert client.post("me", token=client.fetch_access_token(), json={"a": 1}).status_code == 200
        assert server.proofs[-1]["htm"] == "POST"


def test_authorized_session_sends_dpop_too(app: Flask) -> None:
    oauth = OAuth(app, fetch_token=lambda name: stored)
    client = register(app, oauth)
    with rm.Mocker() as m, app.test_request_context("/"):
        server = DPoPServer(m)
        stored = client.fetch_access_token()
        session = client.authorized_session()
        assert session.get(API + "me").status_code == 200
        assert server.proofs[-1]["ath"]


def test_a_stored_token_loaded_through_fetch_token_is_used_and_refreshed_with_its_key(app: Flask) -> None:
    with rm.Mocker() as m:
        server = DPoPServer(m)
        token, _ = log_in(app, register(app))
    saved = json.dumps(token)  # what a storage keeps
    updates: list[dict[str, Any]] = []
    other = Flask("other")
    other.config.update(SECRET_KEY="x")
    oauth = OAuth(other, fetch_token=lambda name: json.loads(saved),
                  update_token=lambda name, token, **kw: updates.append(dict(token)))
    client = register(other, oauth)
    with rm.Mocker() as m, other.test_request_context("/"):
        server = DPoPServer(m, first_serial=100)
        server.bound.update({token["access_token"]: token["dpop_jkt"], token["refresh_token"]: token["dpop_jkt"]})
        assert client.get("me").json()["jkt"] == token["dpop_jkt"]
        g._oauth_token_prov = {**json.loads(saved), "expires_at": int(time.time()) - 10}
        assert client.get("me").json()["jkt"] == token["dpop_jkt"]  # refreshed first, with the same key
    assert len(updates) == 1 and updates[0]["dpop_jkt"] == token["dpop_jkt"]
    assert updates[0]["dpop_key"] == token["dpop_key"] and updates[0]["access_token"] != token["access_token"]


def test_a_dpop_token_without_its_key_is_refused_never_sent_as_bearer(app: Flask) -> None:
    client = register(app)
    with rm.Mocker() as m, app.test_request_context("/"):
        with pytest.raises(InvalidTokenError, match="DPoP token needs its key"):
            client.get("me", token={"access_token": "at", "token_type": "DPoP"})
        assert m.call_count == 0


def test_a_bearer_token_gets_no_proof(app: Flask) -> None:
    client = register(app)
    with rm.Mocker() as m, app.test_request_context("/"):
        DPoPServer(m, token_type="Bearer")
        token = client.fetch_access_token()
        m.get(API + "plain", text="ok")
        client.get("plain", token=token)
        assert m.last_request.headers["Authorization"] == f"Bearer {token['access_token']}"
        assert "DPoP" not in m.last_request.headers


# -- nonces ---------------------------------------------------------------------------------------


def test_a_token_endpoint_nonce_challenge_is_retried_once(app: Flask) -> None:
    client = register(app)
    with rm.Mocker() as m, app.test_request_context("/"):
        server = DPoPServer(m, nonce="n-1")
        token = client.fetch_access_token()
        assert token["access_token"] and server.challenges == 1
        assert [p.get("nonce") for p in server.proofs] == [None, "n-1"]


def test_a_second_nonce_challenge_is_an_error_not_a_loop(app: Flask) -> None:
    client = register(app)
    with rm.Mocker() as m, app.test_request_context("/"):
        server = DPoPServer(m, nonce="n-1")
        server.always_challenge = True
        with pytest.raises(ProviderError) as raised:
            client.fetch_access_token()
        assert raised.value.error == "use_dpop_nonce" and m.call_count == 2


def test_a_resource_nonce_challenge_is_retried_once_and_only_once(app: Flask) -> None:
    client = register(app)
    with rm.Mocker() as m, app.test_request_context("/"):
        server = DPoPServer(m, nonce="n-1")
        token = client.fetch_access_token()
        server.rotate_nonce()
        calls = m.call_count
        assert client.get("me", token=token).status_code == 200
        assert m.call_count - calls == 2 and server.proofs[-1]["nonce"] == server.nonce
        server.always_challenge = True
        calls = m.call_count
        assert client.get("me", token=token).status_code == 401
        assert m.call_count - calls == 2


def test_the_nonce_of_a_successful_answer_is_used_next_and_shared_through_the_cache(app: Flask) -> None:
    cache = SimpleCache()
    first, second = register(app, OAuth(app, cache=cache)), None
    other = Flask("other")
    second = register(other, OAuth(other, cache=cache))
    with rm.Mocker() as m, app.test_request_context("/"):
        server = DPoPServer(m, nonce="n-1")
        first.fetch_access_token()
        assert server.challenges == 1
        with other.test_request_context("/"):
            second.fetch_access_token()  # another process: the nonce comes from the cache
        assert server.challenges == 1 and server.proofs[-1]["nonce"] == "n-1"


def test_refresh_keeps_the_binding_through_the_single_flight(app: Flask) -> None:
    client = register(app)
    with rm.Mocker() as m, app.test_request_context("/"):
        server = DPoPServer(m)
        token = client.fetch_access_token()
        expired = {**token, "expires_at": int(time.time()) - 10}
        client.get("me", token=expired)
        assert expired["access_token"] != token["access_token"]
        assert expired["dpop_jkt"] == token["dpop_jkt"] == server.bound[expired["access_token"]]


# -- grants without a browser ------------------------------------------------------------------------


def test_every_device_poll_is_signed_with_the_flows_one_key(app: Flask) -> None:
    client = OAuth(app).register(
        "prov", client_id="cid", access_token_url=TOKEN_URL, device_authorization_endpoint=API + "device",
        client_kwargs={"dpop": True},
    )
    with rm.Mocker() as m, app.test_request_context("/"):
        server = DPoPServer(m)
        m.post(API + "device", json={"device_code": "dc", "user_code": "U", "verification_uri": "https://as.test/d",
                                     "expires_in": 600, "interval": 1})
        pending = iter([{"error": "authorization_pending"}])
        m.post(TOKEN_URL, json=lambda req, ctx: next(pending, None) or server._token(req, ctx))
        flow = client.start_device_authorization()
        token = client.poll_device_token(flow, sleep=lambda seconds: None)
        assert "dpop_key" not in repr(flow) and token["token_type"] == "DPoP"
    polls = [r for r in m.request_history if r.url == TOKEN_URL]
    keys = {check_proof(r.headers["DPoP"], "POST", TOKEN_URL)[1] for r in polls}
    assert len(polls) == 2 and keys == {token["dpop_jkt"]}


def test_a_jwt_bearer_token_request_is_signed(app: Flask) -> None:
    assertion_key = ec.generate_private_key(ec.SECP256R1()).private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()).decode()
    client = OAuth(app).register(
        "svc", client_id="svc", access_token_url=TOKEN_URL, api_base_url=API,
        grant_type="urn:ietf:params:oauth:grant-type:jwt-bearer", assertion_key=assertion_key,
        client_kwargs={"dpop": True},
    )
    with rm.Mocker() as m, app.test_request_context("/"):
        server = DPoPServer(m)
        assert client.get("me").json()["jkt"] == server.bound["at-1"]
        assert [p["htu"] for p in server.proofs] == [TOKEN_URL, API + "me"]
