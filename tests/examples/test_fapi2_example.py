"""examples/fapi2: a whole FAPI 2.0 login (PAR, PKCE, private_key_jwt, DPoP with nonces) against the dev provider."""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import jwt
import pytest
import requests
from flask import Flask
from flask.testing import FlaskClient

from examples.fapi2 import create_app
from examples.fapi2.registration import CLIENT_ID, new_client_key, provider_settings, write_files
from flask_oauth_registry.devprovider import RunningProvider, load_settings, serve
from tests.views.support import CountingStorage

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(autouse=True)
def no_fapi_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    """What this example reads from the environment (the shared conftest clears the others)."""
    for name in ("FAPI_CLIENT_ID", "FAPI_CLIENT_KEY"):
        monkeypatch.delenv(name, raising=False)


@pytest.fixture(scope="module")
def client_key() -> dict:
    return new_client_key()


@pytest.fixture
def provider(client_key: dict) -> Iterator[RunningProvider]:
    """The provider as ``make demo DEMO_APP=fapi2`` runs it: PAR, DPoP and nonces required."""
    with serve(provider_settings(client_key)) as running:
        yield running


@pytest.fixture
def storage() -> CountingStorage:
    return CountingStorage()


@pytest.fixture
def fapi(provider: RunningProvider, client_key: dict, storage: CountingStorage) -> Flask:
    return create_app(client_key=client_key, storage=storage, DEVPROVIDER_URL=provider.url, TESTING=True)


@pytest.fixture
def client(fapi: Flask) -> FlaskClient:
    return fapi.test_client()


@pytest.fixture
def signed_in(client: FlaskClient, user) -> FlaskClient:
    callback = user.login(client, start="/profile")
    assert callback.status_code == 302 and callback.location == "/profile", callback.get_data(as_text=True)
    return client


def page_text(client: FlaskClient, path: str) -> str:
    page = client.get(path)
    assert page.status_code == 200, page.get_data(as_text=True)
    return page.get_data(as_text=True)


def bound_key(provider: RunningProvider, token: dict) -> str | None:
    """The thumbprint the provider bound the access token to."""
    record = provider.state.store.access_token(token["access_token"])
    assert record is not None
    return record.jkt


def test_the_login_pushes_the_request_and_redirects_with_only_client_id_and_request_uri(client, provider):
    start = client.get("/profile")

    assert start.status_code == 302 and start.location.startswith(provider.url_for("/authorize?"))
    query = parse_qs(urlsplit(start.location).query)
    assert set(query) == {"client_id", "request_uri"} and query["client_id"] == [CLIENT_ID]
    assert query["request_uri"][0].startswith("urn:ietf:params:oauth:request_uri:")
    assert provider.stats()["pushed_authorization_requests"] == 1


def test_a_whole_fapi2_login_gets_a_dpop_bound_token_and_es256_id_token(signed_in, provider, storage):
    token = storage.only_token("fapi")

    assert token["token_type"] == "DPoP"
    assert bound_key(provider, token) is not None
    assert jwt.get_unverified_header(token["id_token"])["alg"] == "ES256"
    stats = provider.stats()
    assert stats["token_requests"] == {"authorization_code": 1}
    assert stats["dpop_nonce_challenges"] <= 1  # a nonce learnt once is reused, not asked for again and again
    text = page_text(signed_in, "/profile")  # userinfo with the DPoP token and a proof
    assert "Signed in as alice@example.test" in text and "Alice Liddell" in text


def test_the_api_call_is_dpop_bound(signed_in, provider):
    proofs = provider.stats()["dpop_proofs"]

    text = page_text(signed_in, "/api")

    assert "answered HTTP 200" in text and CLIENT_ID in text
    assert provider.stats()["dpop_proofs"] > proofs
    assert "DPoP" in page_text(signed_in, "/")


def test_an_expired_token_is_refreshed_with_the_same_key(signed_in, provider, storage):
    _, owner, before = storage.writes[-1]
    key_before = bound_key(provider, before)
    storage.set("fapi", owner, {**before, "expires_at": int(time.time()) - 1})
    refreshes = provider.stats()["refresh_requests"]

    assert "answered HTTP 200" in page_text(signed_in, "/api")

    assert provider.stats()["refresh_requests"] == refreshes + 1
    after = storage.only_token("fapi")
    assert after["access_token"] != before["access_token"] and after["token_type"] == "DPoP"
    assert bound_key(provider, after) == key_before


def test_the_app_refuses_to_start_without_a_client_key(provider):
    with pytest.raises(RuntimeError, match="FAPI_CLIENT_KEY"):
        create_app(DEVPROVIDER_URL=provider.url)


def test_the_registration_files_configure_a_hand_started_provider_and_the_app(tmp_path):
    key_file, config_file = write_files(tmp_path)

    settings = load_settings(config_file)

    assert (settings.par, settings.dpop, settings.dpop_nonce) == ("required", "required", True)
    registered = settings.client(CLIENT_ID)
    assert registered is not None and registered.jwks is not None
    assert "d" not in registered.jwks["keys"][0]  # only the public half reaches the provider
    assert key_file.stat().st_mode & 0o077 == 0
    app = create_app(FAPI_CLIENT_KEY=str(key_file), DEVPROVIDER_URL="http://127.0.0.1:5556")
    assert app.name == "examples.fapi2.app"


def test_make_demo_serves_it_with_demo_app_fapi2():
    process = subprocess.Popen(
        [sys.executable, "-m", "examples.demo", "--port", "0", "--provider-port", "0"],
        cwd=ROOT, env={**os.environ, "DEMO_APP": "fapi2"},
        stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True,
    )
    try:
        assert process.stdout is not None
        provider_line, open_line = process.stdout.readline(), process.stdout.readline()
        match = re.match(r"Open (http://127\.0\.0\.1:\d+/) and log in", open_line)
        assert match, (provider_line, open_line)
        home = requests.get(match.group(1), timeout=10)
        assert home.status_code == 200 and "<h1>FAPI 2.0 client</h1>" in home.text
        provider_url = provider_line.split()[2]
        metadata = requests.get(f"{provider_url}/.well-known/openid-configuration", timeout=10).json()
        assert metadata["require_pushed_authorization_requests"] is True
        process.send_signal(signal.SIGINT)
        assert process.wait(timeout=10) == 0
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
        if process.stdout is not None:
            process.stdout.close()
