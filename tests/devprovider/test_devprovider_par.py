"""Pushed authorization requests at the dev provider (RFC 9126), private_key_jwt, and a whole FAPI 2.0 style login."""

from __future__ import annotations

import time
from collections.abc import Iterator
from urllib.parse import urlencode

import jwt
import pytest
import requests

from flask_oauth_registry.devprovider import (
    DEMO_CLIENT_ID,
    DEMO_CLIENT_SECRET,
    ProviderSettings,
    RunningProvider,
    serve,
)
from flask_oauth_registry.devprovider import store as store_module
from tests.devprovider.fapi_support import (
    CALLBACK,
    FAPI_CLIENT_ID,
    EcKey,
    authorization_params,
    consent,
    fapi_client,
    pkce_pair,
    query_of,
    token_request,
)

URN_PREFIX = "urn:ietf:params:oauth:request_uri:"


@pytest.fixture(scope="module")
def client_key() -> EcKey:
    return EcKey()


@pytest.fixture(scope="module")
def provider(client_key: EcKey) -> Iterator[RunningProvider]:
    """PAR optional (the default), with the FAPI client registered."""
    with serve(ProviderSettings().with_clients(fapi_client(client_key))) as running:
        yield running


@pytest.fixture
def browser() -> Iterator[requests.Session]:
    with requests.Session() as session:
        yield session


def push(provider: RunningProvider, key: EcKey, params: dict[str, str], proof: str | None = None,
         **auth: str) -> requests.Response:
    """POST /par with private_key_jwt (or the given auth fields instead)."""
    body = {**params, **(auth or key.assertion(FAPI_CLIENT_ID, provider.url))}
    return requests.post(provider.url_for("/par"), data=body, headers={"DPoP": proof} if proof else {})


def authorize_url(provider: RunningProvider, client_id: str, request_uri: str) -> str:
    return provider.url_for("/authorize?" + urlencode({"client_id": client_id, "request_uri": request_uri}))


def test_discovery_advertises_the_par_endpoint(provider):
    doc = requests.get(provider.metadata_url).json()
    assert doc["pushed_authorization_request_endpoint"] == provider.url_for("/par")
    assert doc["require_pushed_authorization_requests"] is False
    assert "private_key_jwt" in doc["token_endpoint_auth_methods_supported"]
    assert doc["id_token_signing_alg_values_supported"] == ["RS256", "ES256"]


def test_a_pushed_request_logs_in_and_the_id_token_is_es256(provider, client_key, browser):
    verifier, challenge = pkce_pair()
    params = authorization_params(challenge)

    pushed = push(provider, client_key, params)

    assert pushed.status_code == 201, pushed.text
    assert pushed.json()["expires_in"] == 60
    request_uri = pushed.json()["request_uri"]
    assert request_uri.startswith(URN_PREFIX) and len(request_uri) > len(URN_PREFIX) + 20
    answer = consent(browser, authorize_url(provider, FAPI_CLIENT_ID, request_uri))
    callback = query_of(answer.headers["Location"])
    assert callback["state"] == params["state"] and callback["iss"] == provider.url  # RFC 9207
    tokens = token_request(provider, client_key, {"grant_type": "authorization_code", "code": callback["code"],
                                                  "redirect_uri": CALLBACK, "code_verifier": verifier})
    assert tokens.status_code == 200, tokens.text
    id_token = tokens.json()["id_token"]
    assert jwt.get_unverified_header(id_token)["alg"] == "ES256"
    key = jwt.PyJWKClient(provider.url_for("/jwks")).get_signing_key_from_jwt(id_token).key
    claims = jwt.decode(id_token, key, algorithms=["ES256"], audience=FAPI_CLIENT_ID, issuer=provider.url)
    assert claims["sub"] == "alice" and claims["nonce"] == params["nonce"]


def test_the_consent_page_may_be_reloaded_but_the_request_uri_is_spent_once_answered(provider, client_key, browser):
    _, challenge = pkce_pair()
    request_uri = push(provider, client_key, authorization_params(challenge)).json()["request_uri"]
    url = authorize_url(provider, FAPI_CLIENT_ID, request_uri)
    assert browser.get(url).status_code == 200  # a reload before answering is fine (RFC 9126 4)

    assert consent(browser, url).status_code == 302

    again = browser.get(url, allow_redirects=False)
    assert again.status_code == 400 and "invalid_request_uri" in again.text


def test_an_expired_request_uri_is_refused(provider, client_key, browser, monkeypatch):
    _, challenge = pkce_pair()
    request_uri = push(provider, client_key, authorization_params(challenge)).json()["request_uri"]
    monkeypatch.setattr(store_module, "now", lambda: time.time() + 61)

    answer = browser.get(authorize_url(provider, FAPI_CLIENT_ID, request_uri), allow_redirects=False)

    assert answer.status_code == 400 and "invalid_request_uri" in answer.text


def test_a_request_uri_is_bound_to_the_client_that_pushed_it(provider, client_key, browser):
    _, challenge = pkce_pair()
    request_uri = push(provider, client_key, authorization_params(challenge)).json()["request_uri"]
    answer = browser.get(authorize_url(provider, "demo-public", request_uri), allow_redirects=False)
    assert answer.status_code == 400 and "invalid_request_uri" in answer.text


def test_public_and_secret_clients_can_push_too(provider, browser):
    _, challenge = pkce_pair()
    params = {**authorization_params(challenge), "client_id": "demo-public"}
    public = requests.post(provider.url_for("/par"), data=params)
    assert public.status_code == 201, public.text
    assert consent(browser, authorize_url(provider, "demo-public", public.json()["request_uri"])).status_code == 302

    params = {**authorization_params(challenge), "client_id": DEMO_CLIENT_ID}
    basic = requests.post(provider.url_for("/par"), data=params, auth=(DEMO_CLIENT_ID, DEMO_CLIENT_SECRET))
    assert basic.status_code == 201, basic.text


@pytest.mark.parametrize(("change", "error"), [
    ({"code_challenge": None, "code_challenge_method": None}, "invalid_request"),
    ({"scope": "openid admin"}, "invalid_scope"),
    ({"redirect_uri": "https://elsewhere.example/cb"}, "invalid_request"),
    ({"request_uri": URN_PREFIX + "x"}, "invalid_request"),
    ({"response_type": "token"}, "unsupported_response_type"),
], ids=["no-pkce", "unknown-scope", "bad-redirect-uri", "request-uri-pushed", "implicit"])
def test_a_push_the_authorization_endpoint_would_refuse_is_refused_with_400(provider, client_key, change, error):
    _, challenge = pkce_pair()
    params = {k: v for k, v in {**authorization_params(challenge), **change}.items() if v is not None}
    answer = push(provider, client_key, params)
    assert answer.status_code == 400, answer.text
    assert answer.json()["error"] == error


def test_a_push_with_a_bad_client_assertion_is_401_invalid_client(provider, client_key):
    _, challenge = pkce_pair()
    params = authorization_params(challenge)
    intruder = EcKey(kid=client_key.kid)  # claims the client's kid, signs with its own key
    for auth in (intruder.assertion(FAPI_CLIENT_ID, provider.url),
                 client_key.assertion(FAPI_CLIENT_ID, "https://other.example"),
                 client_key.assertion(FAPI_CLIENT_ID, provider.url, exp=int(time.time()) - 120)):
        answer = push(provider, client_key, params, **auth)
        assert answer.status_code == 401 and answer.json()["error"] == "invalid_client", answer.text


def test_a_client_assertion_is_accepted_once(provider, client_key):
    _, challenge = pkce_pair()
    auth = client_key.assertion(FAPI_CLIENT_ID, provider.url)
    assert push(provider, client_key, authorization_params(challenge), **auth).status_code == 201
    assert push(provider, client_key, authorization_params(challenge), **auth).status_code == 401


def test_a_proof_on_the_push_binds_the_code_to_its_key(provider, client_key, browser):
    verifier, challenge = pkce_pair()
    dpop_key = EcKey()
    pushed = push(provider, client_key, authorization_params(challenge),
                  proof=dpop_key.proof("POST", provider.url_for("/par")))
    assert pushed.status_code == 201, pushed.text
    answer = consent(browser, authorize_url(provider, FAPI_CLIENT_ID, pushed.json()["request_uri"]))
    code = query_of(answer.headers["Location"])["code"]

    other = EcKey().proof("POST", provider.url_for("/token"))
    refused = token_request(provider, client_key, {"grant_type": "authorization_code", "code": code,
                                                   "redirect_uri": CALLBACK, "code_verifier": verifier}, other)
    assert refused.status_code == 400 and refused.json()["error"] == "invalid_grant"


def test_a_push_whose_proof_disagrees_with_dpop_jkt_is_refused(provider, client_key):
    _, challenge = pkce_pair()
    params = authorization_params(challenge, dpop_jkt=EcKey().jkt)
    answer = push(provider, client_key, params, proof=EcKey().proof("POST", provider.url_for("/par")))
    assert answer.status_code == 400 and answer.json()["error"] == "invalid_dpop_proof"


# -- PAR required ---------------------------------------------------------------------------------------------
def test_when_required_a_plain_request_is_refused_and_a_pushed_one_works(client_key, browser):
    settings = ProviderSettings(par="required").with_clients(fapi_client(client_key))
    with serve(settings) as required:
        assert requests.get(required.metadata_url).json()["require_pushed_authorization_requests"] is True
        _, challenge = pkce_pair()
        plain = browser.get(required.url_for("/authorize"), params=authorization_params(challenge),
                            allow_redirects=False)
        assert plain.status_code == 400 and "Pushed authorization requests are required" in plain.text
        request_uri = push(required, client_key, authorization_params(challenge)).json()["request_uri"]
        assert consent(browser, authorize_url(required, FAPI_CLIENT_ID, request_uri)).status_code == 302


def test_a_client_registered_with_require_pushed_authorization_requests_must_push(client_key, browser):
    settings = ProviderSettings().with_clients(fapi_client(client_key, require_pushed_authorization_requests=True))
    with serve(settings) as running:
        _, challenge = pkce_pair()
        plain = browser.get(running.url_for("/authorize"), params=authorization_params(challenge),
                            allow_redirects=False)
        assert plain.status_code == 400
        others = {**authorization_params(challenge), "client_id": "demo-public"}
        assert browser.get(running.url_for("/authorize"), params=others).status_code == 200


def test_when_off_there_is_no_par_endpoint(client_key):
    with serve(ProviderSettings(par="off")) as off:
        assert "pushed_authorization_request_endpoint" not in requests.get(off.metadata_url).json()
        assert requests.post(off.url_for("/par"), data={"client_id": "demo-public"}).status_code == 404
