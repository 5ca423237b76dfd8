"""Discovery, JWKS, pages, settings and CLI of the dev provider."""

from __future__ import annotations

import json
import subprocess
import sys

import jwt
import pytest
import requests
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa

from flask_oauth_registry.devprovider import (
    ProviderSettings,
    create_app,
    load_settings,
    serve,
    settings_from_dict,
)
from flask_oauth_registry.devprovider.__main__ import build_parser, settings_from_args
from flask_oauth_registry.devprovider.keys import SigningKey


def test_discovery_document(provider):
    doc = requests.get(provider.metadata_url).json()
    base = provider.url
    assert base.startswith("http://127.0.0.1:") and base.endswith(f":{provider.port}")
    assert doc["issuer"] == base
    for name, path in {
        "authorization_endpoint": "/authorize",
        "token_endpoint": "/token",
        "userinfo_endpoint": "/userinfo",
        "jwks_uri": "/jwks",
        "revocation_endpoint": "/revoke",
        "end_session_endpoint": "/logout",
    }.items():
        assert doc[name] == base + path
    assert doc["response_types_supported"] == ["code"]
    assert doc["code_challenge_methods_supported"] == ["S256"]
    assert doc["id_token_signing_alg_values_supported"] == ["RS256"]
    assert set(doc["token_endpoint_auth_methods_supported"]) == {
        "client_secret_basic", "client_secret_post", "none",
    }
    assert set(doc["grant_types_supported"]) == {
        "authorization_code", "refresh_token", "client_credentials",
        "urn:ietf:params:oauth:grant-type:device_code",
    }
    assert doc["authorization_response_iss_parameter_supported"] is True
    assert "openid" in doc["scopes_supported"]
    assert doc["subject_types_supported"] == ["public"]
    assert {"sub", "email", "name", "auth_time", "nonce"} <= set(doc["claims_supported"])


def test_jwks_publishes_the_signing_key(provider):
    jwks = requests.get(provider.url_for("/jwks")).json()
    assert len(jwks["keys"]) == 1
    jwk = jwks["keys"][0]
    assert jwk["kty"] == "RSA" and jwk["alg"] == "RS256" and jwk["use"] == "sig"
    assert jwk["kid"] == provider.state.key.kid
    assert "d" not in jwk  # never the private part
    token = provider.state.key.sign({"sub": "x"})
    assert jwt.get_unverified_header(token)["kid"] == jwk["kid"]
    key = jwt.PyJWKSet.from_dict(jwks)[jwk["kid"]].key
    assert jwt.decode(token, key, algorithms=["RS256"]) == {"sub": "x"}


def test_configured_issuer_is_used_everywhere():
    app = create_app(ProviderSettings(issuer="http://localhost:9000/"))
    doc = app.test_client().get("/.well-known/openid-configuration").get_json()
    assert doc["issuer"] == "http://localhost:9000"
    assert doc["token_endpoint"] == "http://localhost:9000/token"


def test_key_loaded_from_pem_file(tmp_path):
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    pem = tmp_path / "key.pem"
    pem.write_bytes(key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.TraditionalOpenSSL,
        serialization.NoEncryption(),
    ))
    loaded = SigningKey.load(pem)
    assert loaded.kid == SigningKey.from_private_key(key).kid
    app = create_app(ProviderSettings(key_file=str(pem)))
    jwks = app.test_client().get("/jwks").get_json()
    assert jwks["keys"][0]["kid"] == loaded.kid


def test_pages_say_development_only(provider, browser):
    home = browser.get(provider.url)
    assert home.status_code == 200
    assert "For local development and tests only" in home.text
    page = browser.get(provider.url_for("/authorize"), params={
        "response_type": "code", "client_id": "demo-client",
        "redirect_uri": "http://localhost:3000/cb", "scope": "openid email",
    })
    assert page.status_code == 200
    assert "Demo confidential client" in page.text
    assert 'value="alice"' in page.text  # default user pre-filled
    assert "Allow" in page.text and "Deny" in page.text
    assert "<code>email</code>" in page.text
    assert "For local development and tests only" in page.text


def test_stats_over_http_and_reset():
    with serve() as running:
        creds = ("demo-client", "demo-secret")
        for _ in range(2):
            requests.post(running.url_for("/token"), data={"grant_type": "client_credentials"},
                          auth=creds)
        requests.post(running.url_for("/token"),
                      data={"grant_type": "refresh_token", "refresh_token": "nope"}, auth=creds)
        stats = requests.get(running.url_for("/_dev/stats")).json()
        assert stats["token_requests"] == {"client_credentials": 2, "refresh_token": 1}
        assert stats["token_requests_total"] == 3
        assert stats["refresh_requests"] == 1
        assert stats["refresh_refused"] == 1
        assert running.stats() == stats
        assert requests.post(running.url_for("/_dev/reset")).json()["token_requests_total"] == 0
        assert running.stats()["refresh_requests"] == 0
    with pytest.raises(requests.ConnectionError):
        requests.get(running.url_for("/_dev/stats"), timeout=2)


def test_settings_from_json(tmp_path, rsa_client):
    (tmp_path / "consumer.pub").write_text(rsa_client.public_pem)
    config = tmp_path / "provider.json"
    config.write_text(json.dumps({
        "port": 1234,
        "access_token_ttl": 60,
        "clients": [{"client_id": "cli", "client_secret": "s3", "redirect_uris": ["https://x.test/cb"]}],
        "oauth1_clients": [{"client_key": "rsa-one", "rsa_public_key_file": "consumer.pub"}],
        "users": [{"username": "carol", "email": "carol@example.test"}],
    }))
    settings = load_settings(config)
    assert settings.access_token_ttl == 60
    assert settings.client("cli").redirect_uris == ("https://x.test/cb",)
    assert settings.client("demo-client") is not None  # defaults kept
    assert settings.oauth1_client("rsa-one").rsa_public_key == rsa_client.public_pem
    assert settings.user("carol").email == "carol@example.test"
    replaced = settings_from_dict({"include_defaults": False, "users": [{"username": "dave"}]})
    assert [u.username for u in replaced.users] == ["dave"] and replaced.clients == ()
    with pytest.raises(ValueError, match="client_secrt"):
        settings_from_dict({"clients": [{"client_id": "x", "client_secrt": "typo"}]})


def test_cli_help_mentions_dev_only_and_flags():
    text = build_parser().format_help()
    assert "DEVELOPMENT AND TESTS ONLY" in text
    for flag in ("--config", "--host", "--port", "--issuer", "--key", "--client",
                 "--access-token-ttl"):
        assert flag in text


def test_cli_flags_override_the_config_file(tmp_path):
    config = tmp_path / "c.json"
    config.write_text(json.dumps({"host": "localhost", "port": 7001, "access_token_ttl": 5,
                                  "issuer": "http://localhost:7001"}))
    args = build_parser().parse_args([
        "--config", str(config), "--port", "0", "--access-token-ttl", "9",
        "--client", "conf:sec", "--client", "pub",
    ])
    settings, host, port = settings_from_args(args)
    assert (host, port) == ("localhost", 0)
    assert settings.access_token_ttl == 9 and settings.issuer == "http://localhost:7001"
    assert settings.client("conf").client_secret == "sec"
    assert settings.client("pub").is_public and settings.client("pub").pkce_required


def test_cli_serves_and_prints_issuer():
    proc = subprocess.Popen(
        [sys.executable, "-m", "flask_oauth_registry.devprovider", "--port", "0",
         "--client", "cli-app:cli-secret", "--access-token-ttl", "42"],
        stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True,
    )
    try:
        issuer = proc.stdout.readline().strip()
        assert issuer.startswith("http://127.0.0.1:")
        assert requests.get(issuer + "/.well-known/openid-configuration").json()["issuer"] == issuer
        token = requests.post(issuer + "/token", data={"grant_type": "client_credentials"},
                              auth=("cli-app", "cli-secret"))
        assert token.status_code == 200 and token.json()["expires_in"] == 42
    finally:
        proc.terminate()
        proc.wait(timeout=10)
