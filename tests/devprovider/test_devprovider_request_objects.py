"""Signed request objects at the dev provider (RFC 9101): at the authorization endpoint and through PAR."""

from __future__ import annotations

import time
from collections.abc import Iterator
from urllib.parse import urlencode

import pytest
import requests

from flask_oauth_registry.devprovider import ProviderSettings, RunningProvider, serve
from tests.devprovider.fapi_support import (
    FAPI_CLIENT_ID,
    EcKey,
    authorization_params,
    consent,
    fapi_client,
    pkce_pair,
    query_of,
)


@pytest.fixture(scope="module")
def client_key() -> EcKey:
    return EcKey()


@pytest.fixture(scope="module")
def provider(client_key: EcKey) -> Iterator[RunningProvider]:
    with serve(ProviderSettings().with_clients(fapi_client(client_key))) as running:
        yield running


@pytest.fixture
def browser() -> Iterator[requests.Session]:
    with requests.Session() as session:
        yield session


def with_request(provider: RunningProvider, request_object: str, **outside: str) -> str:
    """The authorization URL carrying ``request`` (and ``client_id``, as RFC 9101 5 asks)."""
    query = {"client_id": FAPI_CLIENT_ID, "request": request_object, **outside}
    return provider.url_for("/authorize?" + urlencode(query))


def signed_params(provider: RunningProvider, key: EcKey, **overrides) -> str:
    _, challenge = pkce_pair()
    return key.request_object(FAPI_CLIENT_ID, provider.url, **{**authorization_params(challenge), **overrides})


def test_discovery_says_request_objects_are_accepted(provider):
    doc = requests.get(provider.metadata_url).json()
    assert doc["request_parameter_supported"] is True
    assert "ES256" in doc["request_object_signing_alg_values_supported"]


def test_a_request_object_is_used_and_its_parameters_win(provider, client_key, browser):
    request_object = signed_params(provider, client_key, state="inside", login_hint="bob")
    url = with_request(provider, request_object, state="outside", scope="openid")

    page = browser.get(url)
    assert page.status_code == 200, page.text
    assert 'value="bob"' in page.text  # login_hint from inside the object
    answer = consent(browser, url, username="bob")

    callback = query_of(answer.headers["Location"])
    assert callback["state"] == "inside" and "code" in callback
    grant = provider.state.store.peek_code(callback["code"])
    assert grant is not None and "offline_access" in grant.scopes  # the object's scope, not "openid" alone


def test_a_request_object_is_spent_once_answered(provider, client_key, browser):
    url = with_request(provider, signed_params(provider, client_key))
    assert consent(browser, url).status_code == 302
    again = browser.get(url, allow_redirects=False)
    assert again.status_code == 400 and "used before" in again.text


@pytest.mark.parametrize(("make", "reason"), [
    (lambda p, k: k.request_object(FAPI_CLIENT_ID, "https://other.example", **authorization_params("x" * 43)),
     "aud"),
    (lambda p, k: k.request_object(FAPI_CLIENT_ID, p.url, lifetime=3601, **authorization_params("x" * 43)),
     "60 minutes"),
    (lambda p, k: EcKey(kid=k.kid).request_object(FAPI_CLIENT_ID, p.url, **authorization_params("x" * 43)),
     "signature"),
    (lambda p, k: k.request_object("someone-else", p.url, **authorization_params("x" * 43)), "iss"),
    (lambda p, k: k.request_object(FAPI_CLIENT_ID, p.url, **{**authorization_params("x" * 43),
                                                            "client_id": "demo-public"}), "client_id"),
    (lambda p, k: k.request_object(FAPI_CLIENT_ID, p.url, exp=int(time.time()) - 60,
                                   **authorization_params("x" * 43)), "expired"),
], ids=["bad-aud", "too-long", "wrong-signer", "wrong-iss", "other-client-id", "expired"])
def test_a_request_object_that_does_not_pass_is_refused_on_a_page(provider, client_key, browser, make, reason):
    answer = browser.get(with_request(provider, make(provider, client_key)), allow_redirects=False)
    assert answer.status_code == 400, answer.text
    assert "invalid_request_object" in answer.text and reason in answer.text


def test_a_client_without_registered_keys_cannot_send_request_objects(provider, client_key, browser):
    request_object = client_key.request_object("demo-public", provider.url, **authorization_params("x" * 43))
    answer = browser.get(provider.url_for("/authorize?" + urlencode({"client_id": "demo-public",
                                                                     "request": request_object})))
    assert answer.status_code == 400 and "invalid_request_object" in answer.text


def test_a_request_object_can_be_pushed_and_its_jti_is_single_use(provider, client_key, browser):
    request_object = signed_params(provider, client_key, state="pushed")

    def push() -> requests.Response:
        body = {"client_id": FAPI_CLIENT_ID, "request": request_object,
                **client_key.assertion(FAPI_CLIENT_ID, provider.url)}
        return requests.post(provider.url_for("/par"), data=body)

    first = push()
    assert first.status_code == 201, first.text
    url = provider.url_for("/authorize?" + urlencode({"client_id": FAPI_CLIENT_ID,
                                                      "request_uri": first.json()["request_uri"]}))
    assert query_of(consent(browser, url).headers["Location"])["state"] == "pushed"
    replay = push()
    assert replay.status_code == 400 and replay.json()["error"] == "invalid_request"


def test_a_bad_pushed_request_object_is_400_invalid_request_object(provider, client_key):
    request_object = client_key.request_object(FAPI_CLIENT_ID, "https://other.example",
                                               **authorization_params("x" * 43))
    body = {"client_id": FAPI_CLIENT_ID, "request": request_object,
            **client_key.assertion(FAPI_CLIENT_ID, provider.url)}
    answer = requests.post(provider.url_for("/par"), data=body)
    assert answer.status_code == 400 and answer.json()["error"] == "invalid_request_object"
