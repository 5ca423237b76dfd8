"""The ``fapi2`` profile: what it turns on, and each setting FAPI 2.0 forbids refused at register, by name."""

from __future__ import annotations

import time
from typing import Any
from urllib.parse import parse_qs

import jwt
import pytest
import requests_mock as rm
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec
from flask import Flask

from flask_oauth_registry import ConfigurationError, InvalidCallbackError, InvalidIdTokenError, OAuth
from flask_oauth_registry.registry.dpop import DPoPKey
from tests.fakes.dpop import AUTHORIZE_URL, ORIGIN, PAR_URL, TOKEN_URL, DPoPServer
from tests.fakes.keys import ec_key, jwks, rsa_key

REDIRECT_URI = "https://client.test/cb"
CLIENT_KEY = ec.generate_private_key(ec.SECP256R1())
PEM = CLIENT_KEY.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                               serialization.NoEncryption()).decode()


def settings(client_kwargs: dict[str, Any] | None = None, **overrides: Any) -> dict[str, Any]:
    base: dict[str, Any] = {
        "client_id": "cid", "issuer": ORIGIN, "authorize_url": AUTHORIZE_URL, "access_token_url": TOKEN_URL,
        "pushed_authorization_request_endpoint": PAR_URL, "jwks": jwks(ec_key(), rsa_key()),
        "client_kwargs": {"profile": "fapi2", "private_key": PEM, "scope": "openid", **(client_kwargs or {})},
    }
    return {**base, **overrides}


def register(app: Flask, client_kwargs: dict[str, Any] | None = None, **overrides: Any) -> Any:
    return OAuth(app).register("bank", **settings(client_kwargs, **overrides))


def test_the_profile_turns_on_par_pkce_dpop_and_private_key_jwt(app: Flask) -> None:
    config = register(app).config
    assert (config.par, config.dpop, config.code_challenge_method) == (True, True, "S256")
    assert config.token_endpoint_auth_method == "private_key_jwt" and config.client_assertion_alg == "ES256"
    assert config.id_token_algorithms == ("PS256", "ES256", "EdDSA")


def test_a_fapi2_login_pushes_with_an_assertion_for_the_issuer_and_names_its_dpop_key(app: Flask) -> None:
    client = register(app)
    with rm.Mocker() as m, app.test_request_context("/"):
        server = DPoPServer(m)
        location = client.authorize_redirect(REDIRECT_URI).location
        pushed = server.pushed[0]
    assert set(parse_qs(location.split("?", 1)[1])) == {"client_id", "request_uri"}
    assertion = jwt.decode(pushed["client_assertion"][0], CLIENT_KEY.public_key(), algorithms=["ES256"],
                           audience=ORIGIN)
    assert assertion["iss"] == "cid" and pushed["dpop_jkt"] and pushed["code_challenge_method"] == ["S256"]


def test_the_callback_must_carry_iss_and_the_code_exchange_is_dpop_signed(app: Flask) -> None:
    client = register(app, {"scope": "profile"})

    @app.get("/login")
    def login() -> Any:
        return client.authorize_redirect(REDIRECT_URI)

    @app.get("/cb")
    def callback() -> Any:
        try:
            return client.authorize_access_token()
        except InvalidCallbackError as exc:
            return {"error": exc.description}, 400

    browser = app.test_client()
    with rm.Mocker() as m:
        server = DPoPServer(m)
        browser.get("/login")
        browser.get("/login")
        without_iss, with_iss = (pushed["state"][0] for pushed in server.pushed)
        refused = browser.get(f"/cb?code=the-code&state={without_iss}")
        assert refused.status_code == 400 and "iss" in refused.get_json()["error"]
        token = browser.get(f"/cb?code=the-code&state={with_iss}&iss={ORIGIN}").get_json()
    assert token["token_type"] == "DPoP" and token["dpop_jkt"] == server.pushed[1]["dpop_jkt"][0]


def test_id_tokens_are_accepted_only_in_fapi_algorithms(app: Flask) -> None:
    client = register(app)
    now = int(time.time())
    claims = {"iss": ORIGIN, "aud": "cid", "sub": "u", "iat": now, "exp": now + 60, "nonce": "n"}
    with app.test_request_context("/"):
        assert client.parse_id_token({"id_token": ec_key().sign(claims)}, nonce="n")["sub"] == "u"
        with pytest.raises(InvalidIdTokenError, match="RS256"):
            client.parse_id_token({"id_token": rsa_key().sign(claims)}, nonce="n")


def test_loopback_http_is_allowed_only_with_the_development_switch(app: Flask) -> None:
    local = {"issuer": "http://127.0.0.1:5000", "authorize_url": "http://127.0.0.1:5000/authorize"}
    with pytest.raises(ConfigurationError, match="insecure_loopback"):
        register(app, **local)
    assert register(app, {"insecure_loopback": True}, **local).config.insecure_loopback


REFUSED = {
    "client_secret_basic": ({"token_endpoint_auth_method": "client_secret_basic"}, {},
                            r"\['token_endpoint_auth_method'\]"),
    "client_secret_post": ({"token_endpoint_auth_method": "client_secret_post"}, {}, "token_endpoint_auth_method"),
    "client_secret_jwt": ({"token_endpoint_auth_method": "client_secret_jwt"}, {}, "token_endpoint_auth_method"),
    "pkce_off": ({"code_challenge_method": None}, {}, r"\['code_challenge_method'\]"),
    "pkce_plain": ({"code_challenge_method": "plain"}, {}, "code_challenge_method"),
    "http_endpoint": ({}, {"access_token_url": "http://bank.test/token"}, "BANK_ACCESS_TOKEN_URL"),
    "http_metadata_url": ({}, {"server_metadata_url": "http://bank.test/.well-known/openid-configuration"},
                          "BANK_SERVER_METADATA_URL"),
    "http_static_endpoint": ({}, {"pushed_authorization_request_endpoint": "http://bank.test/par"},
                             "pushed_authorization_request_endpoint"),
    "loopback_without_switch": ({}, {"authorize_url": "http://localhost/authorize"}, "insecure_loopback"),
    "rs256_in_static_algorithms": ({}, {"id_token_signing_alg_values_supported": ["PS256", "RS256"]},
                                   "id_token_signing_alg_values_supported"),
    "rs256_assertions": ({"client_assertion_alg": "RS256"}, {}, "client_assertion_alg"),
    "rs256_dpop_key": ({"dpop_key": {**DPoPKey.generate().private_jwk(), "alg": "ES384"}}, {}, "dpop_key"),
    "unknown_profile": ({"profile": "fapi1"}, {}, r"\['profile'\]"),
}


@pytest.mark.parametrize("client_kwargs, overrides, named", REFUSED.values(), ids=list(REFUSED))
def test_the_profile_refuses_what_fapi2_forbids_naming_the_setting(
    app: Flask, client_kwargs: dict[str, Any], overrides: dict[str, Any], named: str
) -> None:
    with pytest.raises(ConfigurationError, match=named):
        OAuth(app).register("bank", **settings(client_kwargs, **overrides))


def test_the_profile_needs_the_private_key(app: Flask) -> None:
    oauth = OAuth(app)
    kwargs = settings()
    kwargs["client_kwargs"] = {"profile": "fapi2"}
    with app.app_context(), pytest.raises(ConfigurationError, match="private_key"):
        oauth.register("bank", **kwargs)
        oauth.create_client("bank")
