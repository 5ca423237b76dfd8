"""The JWT-bearer grant (RFC 7523 2.1), Google service accounts, and the app's own token kept until it expires.

What a user relies on: the assertion's claims and signature (RS256, ES256), an
hour at most; a service-account key file read into them (a malformed one named);
domain-wide delegation; a whole grant against the development provider; and the
token fetched once and reused, by threads and by other app instances sharing the
cache, so that API calls make no token request in between.
"""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs

import jwt
import pytest
import requests
import requests_mock as rm
from cachelib import SimpleCache
from cryptography.hazmat.primitives import serialization
from flask import Flask

from flask_oauth_registry import ConfigurationError, MissingTokenError, OAuth, ProviderError
from flask_oauth_registry.devprovider import ProviderSettings, RunningProvider, ServiceAccountConfig, serve
from flask_oauth_registry.flows.jwt_bearer import assertion_claims
from flask_oauth_registry.registry.config import JWT_BEARER_GRANT
from tests.fakes.keys import SigningKey, ec_key, rsa_key
from tests.redis_server import RedisServer, running_redis

TOKEN_URL = "https://auth.example.test/token"
API = "https://api.example.test/v1/"
SCOPE = "https://www.googleapis.com/auth/drive.readonly"
RSA = rsa_key("svc-rsa")
EC = ec_key("svc-ec")


def private_pem(key: SigningKey) -> str:
    return key.private_key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    ).decode()


def private_jwk(key: SigningKey) -> dict[str, Any]:
    from jwt.algorithms import ECAlgorithm

    return {**ECAlgorithm.to_jwk(key.private_key, as_dict=True), "kid": key.kid}


def new_app() -> Flask:
    app = Flask(__name__)
    app.config.update(SECRET_KEY="test-secret-key", TESTING=True)
    return app


def register_service(oauth: OAuth, name: str = "svc", **settings: Any) -> Any:
    """A generic JWT-bearer app (RS256 PEM key, issuer ``svc@example.test``); ``settings`` override."""
    defaults: dict[str, Any] = {
        "grant_type": JWT_BEARER_GRANT, "assertion_key": private_pem(RSA),
        "assertion_claims": {"iss": "svc@example.test"}, "access_token_url": TOKEN_URL, "api_base_url": API,
    }
    return oauth.register(name, **{**defaults, **settings})


def service_account_info(token_uri: str = TOKEN_URL, **fields: Any) -> dict[str, Any]:
    return {
        "type": "service_account", "project_id": "demo", "private_key_id": "pk-1", "private_key": private_pem(RSA),
        "client_email": "robot@demo.iam.gserviceaccount.com", "client_id": "1234", "token_uri": token_uri, **fields,
    }


def token_answer(n: int = 1, expires_in: int = 3600) -> dict[str, Any]:
    return {"access_token": f"svc-at-{n}", "token_type": "Bearer", "expires_in": expires_in}


def sent_form(request: Any) -> dict[str, str]:
    return {key: values[0] for key, values in parse_qs(request.text).items()}


def sent_assertion(request: Any, key: SigningKey, audience: str = TOKEN_URL) -> tuple[dict[str, Any], dict[str, Any]]:
    """The (header, verified claims) of the assertion in a token request."""
    assertion = sent_form(request)["assertion"]
    claims = jwt.decode(assertion, key.public_key, algorithms=[key.alg], audience=audience)
    return jwt.get_unverified_header(assertion), claims


# -- the assertion ----------------------------------------------------------------------------
def test_assertion_claims_are_iss_sub_aud_iat_exp_and_the_given_jti() -> None:
    claims = assertion_claims({"iss": "a", "sub": "b"}, TOKEN_URL, now=1000, lifetime=600, jti="j-1")
    assert claims == {"iss": "a", "sub": "b", "aud": TOKEN_URL, "iat": 1000, "exp": 1600, "jti": "j-1"}


def test_a_configured_audience_wins_over_the_token_endpoint() -> None:
    claims = assertion_claims({"iss": "a", "aud": "https://issuer.test"}, TOKEN_URL, now=0, lifetime=60, jti="j")
    assert claims["aud"] == "https://issuer.test"


@pytest.mark.parametrize("lifetime", [0, 3601])
def test_an_assertion_lives_at_most_an_hour(lifetime: int) -> None:
    with pytest.raises(ConfigurationError):
        assertion_claims({"iss": "a"}, TOKEN_URL, now=0, lifetime=lifetime, jti="j")


def test_assertion_lifetime_over_an_hour_fails_at_register(app: Flask) -> None:
    with pytest.raises(ConfigurationError, match="assertion_lifetime"):
        register_service(OAuth(app), assertion_lifetime=3601)


@pytest.mark.parametrize(
    ("key", "settings", "alg", "kid"),
    [
        (RSA, {"assertion_key": private_pem(RSA), "assertion_key_id": "rsa-kid"}, "RS256", "rsa-kid"),
        (EC, {"assertion_key": private_jwk(EC)}, "ES256", "svc-ec"),
    ],
    ids=["RS256-pem", "ES256-jwk"],
)
def test_the_token_request_carries_a_signed_assertion_for_the_token_endpoint(
    app: Flask, key: SigningKey, settings: dict[str, Any], alg: str, kid: str
) -> None:
    svc = register_service(OAuth(app), client_kwargs={"scope": "api"}, **settings)
    with rm.Mocker() as m, app.app_context():
        m.post(TOKEN_URL, json=token_answer())
        m.get(API + "items", json={})
        svc.get("items")
        header, claims = sent_assertion(m.request_history[0], key)
        form = sent_form(m.request_history[0])
        fields = parse_qs(m.request_history[0].text, keep_blank_values=True)
    assert header["alg"] == alg and header["kid"] == kid
    assert claims["iss"] == claims["sub"] == "svc@example.test" and claims["aud"] == TOKEN_URL
    assert claims["exp"] - claims["iat"] == 3600 and abs(claims["iat"] - time.time()) < 60
    assert len(claims["jti"]) >= 16
    assert form["grant_type"] == JWT_BEARER_GRANT and form["scope"] == "api"
    assert not {"client_id", "client_secret"} & set(fields)


def test_each_token_request_has_a_new_assertion(app: Flask, monkeypatch: pytest.MonkeyPatch) -> None:
    svc = register_service(OAuth(app))
    with rm.Mocker() as m, app.app_context():
        m.post(TOKEN_URL, [{"json": token_answer(1, expires_in=10)}, {"json": token_answer(2, expires_in=10)}])
        m.get(API + "items", json={})
        svc.get("items")
        svc.get("items")  # a token shorter than the leeway is kept for half its life
        later = time.time() + 6
        monkeypatch.setattr(time, "time", lambda: later)
        svc.get("items")
        monkeypatch.undo()
        jtis = [sent_assertion(r, RSA)[1]["jti"] for r in m.request_history if r.url == TOKEN_URL]
    assert len(jtis) == 2 and jtis[0] != jtis[1]


def test_fetch_access_token_sends_a_fresh_assertion_unless_given_one(app: Flask) -> None:
    svc = register_service(OAuth(app))
    with rm.Mocker() as m, app.app_context():
        m.post(TOKEN_URL, json=token_answer())
        assert svc.fetch_access_token()["access_token"] == "svc-at-1"
        svc.fetch_access_token(assertion="made-elsewhere")
        _, claims = sent_assertion(m.request_history[0], RSA)
        assert sent_form(m.request_history[1])["assertion"] == "made-elsewhere"
    assert claims["iss"] == "svc@example.test"


def test_assertion_key_may_be_a_file_path_and_its_lifetime_shorter(app: Flask, tmp_path: Path) -> None:
    path = tmp_path / "key.pem"
    path.write_text(private_pem(RSA))
    svc = register_service(OAuth(app), assertion_key=str(path), assertion_lifetime=300, subject="user-7")
    with rm.Mocker() as m, app.app_context():
        m.post(TOKEN_URL, json=token_answer())
        m.get(API + "items", json={})
        svc.get("items")
        _, claims = sent_assertion(m.request_history[0], RSA)
    assert claims["exp"] - claims["iat"] == 300 and claims["sub"] == "user-7"


@pytest.mark.parametrize(
    ("settings", "named"),
    [
        ({"assertion_key": None}, "assertion_key"),
        ({"assertion_key": "-----BEGIN PRIVATE KEY-----\nnot a key\n-----END PRIVATE KEY-----"}, "assertion_key"),
        ({"assertion_key": "/no/such/key.pem"}, "assertion_key"),
        ({"assertion_key": EC.public_jwk()}, "public JWK"),
        ({"assertion_alg": "ES256"}, "assertion_alg"),
        ({"assertion_alg": "HS256"}, "assertion_alg"),
        ({"assertion_claims": {"iss": "a", "exp": 1}}, "'exp'"),
        ({"assertion_claims": {"iss": "a", "sub": "b"}, "subject": "c"}, "subject"),
        ({"assertion_claims": {}}, "assertion_claims\\['iss'\\]"),
        ({"grant_type": None}, "grant_type"),
        ({"service_account_file": "key.json"}, "google_service_account"),
    ],
)
def test_wrong_jwt_bearer_settings_fail_at_register_naming_the_keyword(
    app: Flask, settings: dict[str, Any], named: str
) -> None:
    with pytest.raises(ConfigurationError, match=named):
        register_service(OAuth(app), **settings)


def test_the_private_key_never_shows_in_a_repr_or_a_message(app: Flask) -> None:
    pem = private_pem(RSA)
    svc = register_service(OAuth(app))
    body = pem.split("-----")[2].strip().splitlines()[1]
    assert body not in repr(svc.config) and "key=" not in repr(svc.config.assertion)
    with pytest.raises(ConfigurationError) as refused:
        register_service(OAuth(app), assertion_key=pem.replace(body, body[::-1]))
    assert body[::-1] not in str(refused.value)


# -- Google service accounts --------------------------------------------------------------------
def test_a_service_account_file_is_read_into_the_assertion(app: Flask, tmp_path: Path) -> None:
    path = tmp_path / "sa.json"
    path.write_text(json.dumps(service_account_info()))
    gsa = OAuth(app).register("gsa", provider="google_service_account", service_account_file=path, scopes=[SCOPE])
    with rm.Mocker() as m, app.app_context():
        m.post(TOKEN_URL, json=token_answer())
        m.get("https://www.googleapis.com/drive/v3/files", json={"files": []})
        assert gsa.get("drive/v3/files").json() == {"files": []}
        header, claims = sent_assertion(m.request_history[0], RSA)
        fields = parse_qs(m.request_history[0].text, keep_blank_values=True)
    assert header["kid"] == "pk-1"
    assert claims["iss"] == "robot@demo.iam.gserviceaccount.com" and claims["aud"] == TOKEN_URL
    assert claims["scope"] == SCOPE and "sub" not in claims  # Google: scopes in the claim, no sub unless delegated
    assert set(fields) == {"grant_type", "assertion"}


def test_subject_delegates_domain_wide(app: Flask) -> None:
    gsa = OAuth(app).register(
        "gsa", provider="google_service_account", service_account_info=service_account_info(),
        scopes=[SCOPE, "openid"], subject="alice@demo.example",
    )
    with rm.Mocker() as m, app.app_context():
        m.post(TOKEN_URL, json=token_answer())
        m.get("https://www.googleapis.com/x", json={})
        gsa.get("x")
        _, claims = sent_assertion(m.request_history[0], RSA)
    assert claims["sub"] == "alice@demo.example" and claims["scope"] == f"{SCOPE} openid"


@pytest.mark.parametrize("missing", ["client_email", "private_key", "private_key_id", "type"])
def test_a_service_account_file_missing_a_field_is_refused_naming_it(
    app: Flask, tmp_path: Path, missing: str
) -> None:
    info = service_account_info()
    del info[missing]
    path = tmp_path / "sa.json"
    path.write_text(json.dumps(info))
    with pytest.raises(ConfigurationError, match=missing) as refused:
        OAuth(app).register("gsa", provider="google_service_account", service_account_file=str(path))
    assert "PRIVATE KEY" not in str(refused.value)


@pytest.mark.parametrize(
    ("content", "message"),
    [("{not json", "not a JSON file"), ("[1]", "JSON object"), (json.dumps({"type": "authorized_user"}), "type")],
)
def test_a_malformed_service_account_file_is_refused(app: Flask, tmp_path: Path, content: str, message: str) -> None:
    path = tmp_path / "sa.json"
    path.write_text(content)
    with pytest.raises(ConfigurationError, match=message):
        OAuth(app).register("gsa", provider="google_service_account", service_account_file=str(path))


def test_a_missing_service_account_file_or_none_at_all_is_refused(app: Flask, tmp_path: Path) -> None:
    oauth = OAuth(app)
    with pytest.raises(ConfigurationError, match="cannot read"):
        oauth.register("gsa", provider="google_service_account", service_account_file=str(tmp_path / "no.json"))
    with pytest.raises(ConfigurationError, match="service_account_file="):
        oauth.register("gsa", provider="google_service_account")


# -- against the development provider -----------------------------------------------------------
@pytest.fixture(scope="module")
def provider() -> Iterator[RunningProvider]:
    """The dev provider with three JWT-bearer clients: RSA (PEM), EC (JWK, a kid) and a Google-style account."""
    settings = ProviderSettings().with_service_accounts(
        ServiceAccountConfig("svc@example.test", RSA.public_pem().decode(), subjects=("alice",)),
        ServiceAccountConfig("ec@example.test", EC.public_jwk(), key_id="svc-ec"),
        ServiceAccountConfig("robot@demo.iam.gserviceaccount.com", json.dumps(RSA.public_jwk()), key_id="pk-1"),
    )
    with serve(settings) as running:
        yield running


@pytest.fixture
def fresh_provider(provider: RunningProvider) -> RunningProvider:
    provider.reset_stats()
    return provider


def jwt_bearer_requests(provider: RunningProvider) -> int:
    return int(provider.stats()["token_requests"].get(JWT_BEARER_GRANT, 0))


def test_a_whole_grant_against_the_development_provider(app: Flask, fresh_provider: RunningProvider) -> None:
    token_url = fresh_provider.url_for("/token")
    oauth = OAuth(app)
    rsa = register_service(oauth, access_token_url=token_url, api_base_url=fresh_provider.url + "/")
    ec = register_service(
        oauth, "ec", assertion_key=private_jwk(EC), assertion_claims={"iss": "ec@example.test"},
        access_token_url=token_url, api_base_url=fresh_provider.url + "/", scopes=["api", "files.read"],
    )
    with app.app_context():
        me = rsa.get("api/me").json()
        assert me["client_id"] == "svc@example.test" and me["scopes"] == ["api"] and me["sub"] is None
        assert ec.get("api/files").status_code == 200
        assert rsa.get("api/me").status_code == 200
    assert jwt_bearer_requests(fresh_provider) == 2
    discovery = requests.get(fresh_provider.metadata_url, timeout=5).json()
    assert JWT_BEARER_GRANT in discovery["grant_types_supported"]


def test_a_google_service_account_against_the_development_provider(
    app: Flask, fresh_provider: RunningProvider
) -> None:
    info = service_account_info(token_uri=fresh_provider.url_for("/token"))
    gsa = OAuth(app).register(
        "gsa", provider="google_service_account", service_account_info=info, scopes=["api"],
        api_base_url=fresh_provider.url + "/",
    )
    with app.app_context():
        assert gsa.get("api/me").json()["client_id"] == "robot@demo.iam.gserviceaccount.com"
    assert jwt_bearer_requests(fresh_provider) == 1


def test_the_development_provider_honours_delegation_only_to_listed_subjects(
    app: Flask, fresh_provider: RunningProvider
) -> None:
    oauth = OAuth(app)
    base = {"access_token_url": fresh_provider.url_for("/token"), "api_base_url": fresh_provider.url + "/"}
    alice = register_service(oauth, "alice", subject="alice", **base)
    bob = register_service(oauth, "bob", subject="bob", **base)
    with app.app_context():
        assert alice.get("api/me").json()["sub"] == "alice"
        with pytest.raises(ProviderError) as refused:
            bob.get("api/me")
    assert refused.value.error == "invalid_grant"


def hand_made_assertion(provider: RunningProvider, **changes: Any) -> str:
    """An assertion for the dev provider; ``exp_in`` sets ``exp`` relative to now (read here, not at collection)."""
    now = int(time.time())
    exp_in = changes.pop("exp_in", 600)
    claims = {"iss": "svc@example.test", "sub": "svc@example.test", "aud": provider.url_for("/token"),
              "iat": now, "exp": now + exp_in, "jti": f"jti-{time.monotonic_ns()}", **changes}
    return RSA.sign({k: v for k, v in claims.items() if v is not None})


def post_assertion(provider: RunningProvider, assertion: str) -> requests.Response:
    return requests.post(
        provider.url_for("/token"), data={"grant_type": JWT_BEARER_GRANT, "assertion": assertion}, timeout=5
    )


@pytest.mark.parametrize(
    "changes",
    [
        {"exp_in": 3700},  # longer than an hour
        {"exp_in": -120},  # expired
        {"aud": "https://elsewhere.test/token"},
        {"iss": "stranger@example.test"},
        {"jti": None},
        {"sub": "bob"},  # not a subject this account may act for
    ],
    ids=["lifetime", "expired", "audience", "issuer", "no-jti", "subject"],
)
def test_the_development_provider_refuses_a_bad_assertion(provider: RunningProvider, changes: dict[str, Any]) -> None:
    answer = post_assertion(provider, hand_made_assertion(provider, **changes))
    assert answer.status_code == 400 and answer.json()["error"] == "invalid_grant"


def test_the_development_provider_refuses_a_replayed_assertion(provider: RunningProvider) -> None:
    assertion = hand_made_assertion(provider)
    assert post_assertion(provider, assertion).status_code == 200
    replayed = post_assertion(provider, assertion)
    assert replayed.status_code == 400 and "used before" in replayed.json()["error_description"]


# -- the token, kept until it expires -----------------------------------------------------------
def test_a_hundred_api_calls_make_one_token_request(app: Flask) -> None:
    svc = register_service(OAuth(app))
    with rm.Mocker() as m, app.app_context():
        m.post(TOKEN_URL, json=token_answer())
        m.get(API + "items", json={})
        for _ in range(100):
            svc.get("items")
        token_requests = [r for r in m.request_history if r.url == TOKEN_URL]
        assert {r.headers["Authorization"] for r in m.request_history if r.url != TOKEN_URL} == {"Bearer svc-at-1"}
    assert len(token_requests) == 1


def test_the_token_is_fetched_again_once_it_expires(app: Flask, monkeypatch: pytest.MonkeyPatch) -> None:
    svc = register_service(OAuth(app))
    with rm.Mocker() as m, app.app_context():
        m.post(TOKEN_URL, [{"json": token_answer(1)}, {"json": token_answer(2)}])
        m.get(API + "items", json={})
        svc.get("items")
        later = time.time() + 3600 - 30  # within the 60 s leeway of the first token's expiry
        monkeypatch.setattr(time, "time", lambda: later)
        svc.get("items")
        svc.get("items")
        sent = [r.headers.get("Authorization") for r in m.request_history if r.url != TOKEN_URL]
    assert sent == ["Bearer svc-at-1", "Bearer svc-at-2", "Bearer svc-at-2"]


def test_a_client_credentials_app_uses_its_own_kept_token(app: Flask) -> None:
    """Deliberately new (DESIGN 13): an app that needs no user no longer needs ``token=`` or ``fetch_token``."""
    svc = OAuth(app).register("cc", client_id="c", client_secret="s", access_token_url=TOKEN_URL, api_base_url=API)
    with rm.Mocker() as m, app.app_context():
        m.post(TOKEN_URL, json=token_answer())
        m.get(API + "items", json={})
        for _ in range(3):
            svc.get("items")
        assert [r.url for r in m.request_history].count(TOKEN_URL) == 1
        assert sent_form(m.request_history[0])["grant_type"] == "client_credentials"


def test_an_app_that_logs_users_in_still_wants_a_users_token(app: Flask) -> None:
    web = register_service(OAuth(app), grant_type=None, assertion_key=None, assertion_claims=None,
                           authorize_url="https://auth.example.test/authorize", client_id="web")
    with app.test_request_context("/"), pytest.raises(MissingTokenError):
        web.get("items")


def test_a_token_passed_or_stored_wins_over_the_apps_own(app: Flask) -> None:
    svc = register_service(OAuth(app), fetch_token=lambda: {"access_token": "stored", "token_type": "Bearer"})
    with rm.Mocker() as m, app.app_context():
        m.get(API + "items", json={})
        svc.get("items")
        svc.get("items", token={"access_token": "passed", "token_type": "Bearer"})
        sent = [r.headers["Authorization"] for r in m.request_history]
    assert sent == ["Bearer stored", "Bearer passed"]


def app_sharing(cache: Any, **settings: Any) -> tuple[Flask, Any]:
    """A Flask app (as in another process) registering the service account on the shared ``cache``."""
    app = new_app()
    return app, register_service(OAuth(app, cache=cache), **settings)


def two_apps_sharing(cache: Any) -> list[tuple[Flask, Any]]:
    return [app_sharing(cache), app_sharing(cache)]


def test_the_token_is_shared_with_another_app_through_the_cache() -> None:
    (first_app, first), (second_app, second) = two_apps_sharing(SimpleCache())
    with rm.Mocker() as m:
        m.post(TOKEN_URL, json=token_answer())
        m.get(API + "items", json={})
        with first_app.app_context():
            first.get("items")
        with second_app.app_context():
            second.get("items")
        assert [r.url for r in m.request_history].count(TOKEN_URL) == 1
        assert m.request_history[-1].headers["Authorization"] == "Bearer svc-at-1"


def test_apps_acting_for_different_subjects_never_share_a_token() -> None:
    cache = SimpleCache()
    alice_app, alice = app_sharing(cache, subject="alice")
    bob_app, bob = app_sharing(cache, subject="bob")
    with rm.Mocker() as m:
        m.post(TOKEN_URL, [{"json": token_answer(1)}, {"json": token_answer(2)}])
        m.get(API + "items", json={})
        with alice_app.app_context():
            alice.get("items")
        with bob_app.app_context():
            bob.get("items")
        assert m.request_history[-1].headers["Authorization"] == "Bearer svc-at-2"
    assert "alice" not in json.dumps(sorted(map(str, cache._cache)))  # keys are fingerprints, not identities


@pytest.fixture(scope="module")
def redis_server() -> Iterator[RedisServer]:
    yield from running_redis()


def test_the_token_is_shared_through_a_real_redis(redis_server: RedisServer) -> None:
    cache = redis_server.cache(key_prefix=f"jwt-bearer-{time.monotonic_ns()}:")
    (first_app, first), (second_app, second) = two_apps_sharing(cache)
    with rm.Mocker(real_http=False) as m:
        m.post(TOKEN_URL, json=token_answer())
        m.get(API + "items", json={})
        with first_app.app_context():
            first.get("items")
        with second_app.app_context():
            second.get("items")
        assert [r.url for r in m.request_history].count(TOKEN_URL) == 1


def test_concurrent_callers_make_one_token_request(app: Flask) -> None:
    svc = register_service(OAuth(app))
    calls: list[int] = []

    def slow_token(request: Any, context: Any) -> dict[str, Any]:
        calls.append(1)
        time.sleep(0.2)
        return token_answer()

    statuses: list[int] = []
    with rm.Mocker() as m:
        m.post(TOKEN_URL, json=slow_token)
        m.get(API + "items", json={})

        def call() -> None:
            with app.app_context():
                statuses.append(svc.get("items").status_code)

        threads = [threading.Thread(target=call) for _ in range(8)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(10)
    assert statuses == [200] * 8 and len(calls) == 1
