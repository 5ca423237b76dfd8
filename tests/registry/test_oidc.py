"""Provider discovery and keys: issuer rules, metadata hygiene, metadata and JWKS caching, the unknown-kid policy."""

from __future__ import annotations

import threading
import time
from typing import Any

import pytest
from cachelib import SimpleCache

from flask_oauth_registry import BadResponseError, InvalidIdTokenError, IssuerMismatchError, UnknownSigningKeyError
from flask_oauth_registry.registry import oidc
from flask_oauth_registry.registry.oidc import (
    KeySet,
    ServerMetadata,
    build_logout_url,
    expected_issuer,
    parse_jwks,
    validate_metadata,
)
from tests.fakes.clock import ShiftedClock
from tests.fakes.keys import ec_key, jwks, rsa_key
from tests.fakes.oidc import DISCOVERY_URL, ISSUER, discovery_document

RSA = rsa_key("rsa-1")
ROTATED = rsa_key("rsa-2")
EC = ec_key("ec-1")


class Counting:
    """A fetch callable that counts calls and returns whatever ``document`` currently is."""

    def __init__(self, document: dict[str, Any]) -> None:
        self.document = document
        self.calls = 0

    def __call__(self, *args: Any) -> dict[str, Any]:
        self.calls += 1
        return self.document


# -- expected_issuer -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("url", "issuer"),
    [
        ("https://op.example.test/.well-known/openid-configuration", "https://op.example.test"),
        ("https://op.example.test/tenant/v2/.well-known/openid-configuration", "https://op.example.test/tenant/v2"),
        ("https://op.example.test/.well-known/oauth-authorization-server", "https://op.example.test"),
        ("https://op.example.test/.well-known/oauth-authorization-server/tenant", "https://op.example.test/tenant"),
    ],
    ids=["oidc", "oidc-with-path", "rfc8414", "rfc8414-with-path"],
)
def test_expected_issuer_follows_the_well_known_conventions(url: str, issuer: str) -> None:
    assert expected_issuer(url) == issuer


@pytest.mark.parametrize(
    "url",
    [
        "https://op.example.test/metadata.json",
        "https://op.example.test/.well-known/oauth-authorization-server-evil",
        "https://op.example.test/.well-known/openid-configuration/extra",
    ],
)
def test_expected_issuer_is_none_for_other_urls(url: str) -> None:
    assert expected_issuer(url) is None


# -- validate_metadata ------------------------------------------------------------------------


def test_metadata_without_issuer_is_rejected() -> None:
    with pytest.raises(BadResponseError, match="no issuer"):
        validate_metadata(discovery_document(issuer=None), DISCOVERY_URL)


def test_metadata_whose_issuer_is_not_the_one_its_url_names_is_rejected() -> None:
    with pytest.raises(IssuerMismatchError, match="issuer"):
        validate_metadata(discovery_document(issuer="https://evil.example.test"), DISCOVERY_URL)


def test_metadata_issuer_differing_from_its_url_only_by_a_trailing_slash_is_rejected() -> None:
    # OIDC Discovery 4.3: identical, not "equal but for a slash" (this test asserted the opposite before).
    with pytest.raises(IssuerMismatchError) as caught:
        validate_metadata(discovery_document(issuer=ISSUER + "/"), DISCOVERY_URL)
    assert caught.value.error == "issuer_mismatch"


def test_metadata_issuer_with_a_trailing_slash_is_accepted_when_the_app_declares_it() -> None:
    declared = ISSUER + "/"
    assert validate_metadata(discovery_document(issuer=declared), DISCOVERY_URL, declared)["issuer"] == declared


def test_declared_issuer_must_be_exactly_the_documents() -> None:
    with pytest.raises(IssuerMismatchError, match="issuer"):
        validate_metadata(discovery_document(issuer=ISSUER), DISCOVERY_URL, ISSUER + "/")


def test_declared_issuer_that_does_not_build_the_discovery_url_is_rejected() -> None:
    with pytest.raises(IssuerMismatchError, match="does not live at this discovery URL"):
        validate_metadata(discovery_document(issuer="https://other.example.test"), DISCOVERY_URL,
                          "https://other.example.test")


def test_metadata_from_an_unconventional_url_only_needs_an_issuer() -> None:
    document = discovery_document(issuer="https://login.example.test")
    assert validate_metadata(document, "https://op.example.test/metadata.json")["issuer"] == "https://login.example.test"


@pytest.mark.parametrize(
    "value", ["/token", "javascript:alert(1)", "https://", 42, None.__class__.__name__],
    ids=["relative", "javascript", "no-host", "number", "word"],
)
def test_metadata_with_an_endpoint_that_is_not_a_url_is_rejected(value: Any) -> None:
    with pytest.raises(BadResponseError, match="token_endpoint is not a URL"):
        validate_metadata(discovery_document(token_endpoint=value), DISCOVERY_URL)


@pytest.mark.parametrize("field", ["token_endpoint", "jwks_uri", "authorization_endpoint"])
def test_https_metadata_with_an_http_endpoint_is_rejected(field: str) -> None:
    with pytest.raises(BadResponseError, match=f"{field} is not https"):
        validate_metadata(discovery_document(**{field: "http://op.example.test/x"}), DISCOVERY_URL)


def test_http_metadata_may_use_http_endpoints() -> None:
    document = discovery_document(issuer="http://localhost:5001", token_endpoint="http://localhost:5001/token")
    result = validate_metadata(document, "http://localhost:5001/.well-known/openid-configuration")
    assert result["token_endpoint"] == "http://localhost:5001/token"


def test_metadata_keeps_known_fields_and_drops_unknown_ones() -> None:
    document = discovery_document(verify=False, proxies={"https": "http://evil"}, cert="/tmp/x", headers={"A": "b"})
    result = validate_metadata(document, DISCOVERY_URL)
    assert not {"verify", "proxies", "cert", "headers"} & set(result)
    assert result["token_endpoint"] == document["token_endpoint"]
    assert result["id_token_signing_alg_values_supported"] == ["RS256", "ES256"]


def test_metadata_list_field_of_the_wrong_type_is_dropped_not_read_letter_by_letter() -> None:
    document = discovery_document(id_token_signing_alg_values_supported="HS256")
    assert "id_token_signing_alg_values_supported" not in validate_metadata(document, DISCOVERY_URL)


def test_metadata_boolean_field_must_be_a_boolean() -> None:
    kept = validate_metadata(discovery_document(authorization_response_iss_parameter_supported=True), DISCOVERY_URL)
    dropped = validate_metadata(discovery_document(authorization_response_iss_parameter_supported="yes"), DISCOVERY_URL)
    assert kept["authorization_response_iss_parameter_supported"] is True
    assert "authorization_response_iss_parameter_supported" not in dropped


def test_metadata_never_takes_a_jwks_from_the_document() -> None:
    document = discovery_document(jwks=jwks(rsa_key("planted")))
    assert "jwks" not in validate_metadata(document, DISCOVERY_URL)


@pytest.mark.parametrize(
    ("url", "issuer"),
    [
        (DISCOVERY_URL, ISSUER + "//"),
        ("https://op.example.test/tenant//.well-known/openid-configuration", "https://op.example.test/tenant"),
        ("https://op.example.test/tenant/.well-known/openid-configuration", "https://op.example.test/tenant//"),
        ("https://op.example.test/.well-known/oauth-authorization-server/tenant", "https://op.example.test/tenant//"),
        ("https://op.example.test/.well-known/oauth-authorization-server/tenant", "https://op.example.test/tenan"),
        ("https://op.example.test/tenant/.well-known/openid-configuration", "https://op.example.test/tenant/"),
        ("https://op.example.test/.well-known/oauth-authorization-server/tenant", "https://op.example.test/tenant/"),
    ],
    ids=["extra-slashes", "url-slash-issuer-none", "oidc-path-extra-slashes", "rfc8414-extra-slashes", "prefix",
         "oidc-trailing-slash", "rfc8414-trailing-slash"],
)
def test_discovery_issuer_that_is_not_exactly_the_one_its_url_names_is_rejected(url: str, issuer: str) -> None:
    with pytest.raises(IssuerMismatchError) as caught:
        validate_metadata(discovery_document(issuer=issuer), url)
    assert caught.value.error == "issuer_mismatch"


@pytest.mark.parametrize(
    ("url", "issuer"),
    [
        ("https://op.example.test/tenant/.well-known/openid-configuration", "https://op.example.test/tenant"),
        ("https://op.example.test/.well-known/oauth-authorization-server/tenant", "https://op.example.test/tenant"),
    ],
    ids=["oidc", "rfc8414"],
)
def test_discovery_issuer_identical_to_the_url_prefix_is_accepted(url: str, issuer: str) -> None:
    assert validate_metadata(discovery_document(issuer=issuer), url)["issuer"] == issuer


@pytest.mark.parametrize(
    "url",
    [
        "https://op.example.test/tenant/.well-known/openid-configuration",
        "https://op.example.test/.well-known/oauth-authorization-server/tenant",
    ],
    ids=["oidc", "rfc8414"],
)
def test_declared_issuer_with_a_terminating_slash_is_accepted_at_the_url_built_from_it(url: str) -> None:
    # OIDC Discovery 4.1, RFC 8414 section 3: "any terminating / MUST be removed" before adding the
    # well-known part; a provider whose issuer ends in "/" (Auth0) is used by declaring issuer=.
    issuer = "https://op.example.test/tenant/"
    assert validate_metadata(discovery_document(issuer=issuer), url, issuer)["issuer"] == issuer


# -- ServerMetadata -------------------------------------------------------------------------------


def test_server_metadata_is_fetched_once_within_its_ttl() -> None:
    fetch = Counting(discovery_document())
    metadata = ServerMetadata(DISCOVERY_URL, fetch, ttl=3600)
    for _ in range(5):
        assert metadata.get()["issuer"] == ISSUER
    assert fetch.calls == 1


def test_server_metadata_is_fetched_with_the_discovery_url() -> None:
    seen: list[str] = []
    ServerMetadata(DISCOVERY_URL, lambda url: seen.append(url) or discovery_document()).get()
    assert seen == [DISCOVERY_URL]


def test_server_metadata_is_refetched_after_its_ttl(monkeypatch: pytest.MonkeyPatch) -> None:
    clock = ShiftedClock(monkeypatch)
    fetch = Counting(discovery_document())
    metadata = ServerMetadata(DISCOVERY_URL, fetch, ttl=3600)
    metadata.get()
    clock.advance(3500)
    metadata.get()
    assert fetch.calls == 1
    fetch.document = discovery_document(token_endpoint=ISSUER + "/v2/token")
    clock.advance(101)
    assert metadata.get()["token_endpoint"] == ISSUER + "/v2/token"
    assert fetch.calls == 2


def test_server_metadata_default_ttl_is_a_day() -> None:
    assert oidc.DEFAULT_METADATA_TTL == 24 * 3600
    assert ServerMetadata(DISCOVERY_URL, Counting({})).ttl == 24 * 3600


def test_server_metadata_is_shared_through_the_cache() -> None:
    cache = SimpleCache()
    first_fetch, second_fetch = Counting(discovery_document()), Counting(discovery_document())
    ServerMetadata(DISCOVERY_URL, first_fetch, cache=cache).get()
    other_process = ServerMetadata(DISCOVERY_URL, second_fetch, cache=cache)
    assert other_process.get()["token_endpoint"] == discovery_document()["token_endpoint"]
    assert (first_fetch.calls, second_fetch.calls) == (1, 0)


def test_invalid_server_metadata_is_neither_kept_nor_shared() -> None:
    cache = SimpleCache()
    fetch = Counting(discovery_document(issuer="https://evil.example.test"))
    metadata = ServerMetadata(DISCOVERY_URL, fetch, cache=cache)
    with pytest.raises(IssuerMismatchError):
        metadata.get()
    fetch.document = discovery_document()
    assert metadata.get()["issuer"] == ISSUER
    assert fetch.calls == 2


# -- parse_jwks ---------------------------------------------------------------------------------


def test_jwks_keys_of_unknown_type_or_malformed_are_skipped() -> None:
    document = {"keys": [
        {"kty": "XYZ", "kid": "weird"}, {"kty": "EC", "crv": "P-999", "kid": "odd-curve"},
        {"kty": "RSA", "kid": "broken"}, "junk", RSA.public_jwk(),
    ]}
    assert [key.key_id for key in parse_jwks(document)] == ["rsa-1"]


@pytest.mark.parametrize("document", [{}, {"keys": "none"}])
def test_jwks_without_a_keys_list_is_a_bad_response(document: dict[str, Any]) -> None:
    with pytest.raises(BadResponseError):
        parse_jwks(document)


# -- KeySet -------------------------------------------------------------------------------------


def kids(keys: Any) -> list[str | None]:
    return [key.key_id for key in keys]


def test_keyset_lookup_by_kid_and_without_kid() -> None:
    keyset = KeySet(Counting(jwks(RSA, EC)))
    assert kids(keyset.lookup("ec-1").keys) == ["ec-1"]
    assert kids(keyset.lookup(None).keys) == ["rsa-1", "ec-1"]


def test_jwks_is_parsed_once_per_fetch_not_per_lookup(monkeypatch: pytest.MonkeyPatch) -> None:
    parsed = []
    real_parse = oidc.parse_jwks
    monkeypatch.setattr(oidc, "parse_jwks", lambda document: parsed.append(1) or real_parse(document))
    fetch = Counting(jwks(RSA, EC))
    keyset = KeySet(fetch)
    for _ in range(20):
        keyset.lookup("rsa-1")
        keyset.lookup(None)
    assert (fetch.calls, len(parsed)) == (1, 1)


def test_unknown_kid_triggers_one_refetch_then_refetches_are_rate_limited(monkeypatch: pytest.MonkeyPatch) -> None:
    clock = ShiftedClock(monkeypatch)
    fetch = Counting(jwks(RSA))
    keyset = KeySet(fetch)
    keyset.keys()
    clock.advance(60)
    assert keyset.lookup("forged-1").keys == []
    assert fetch.calls == 2
    for n in range(10):
        clock.advance(2)
        with pytest.raises(InvalidIdTokenError) as caught:
            keyset.lookup(f"forged-{n + 2}")
        assert caught.value.check == "kid"
    assert fetch.calls == 2
    clock.advance(11)
    assert keyset.lookup("forged-99").keys == []
    assert fetch.calls == 3


def test_rotated_key_is_found_by_the_unknown_kid_refetch(monkeypatch: pytest.MonkeyPatch) -> None:
    clock = ShiftedClock(monkeypatch)
    fetch = Counting(jwks(RSA))
    keyset = KeySet(fetch)
    keyset.keys()
    fetch.document = jwks(RSA, ROTATED)
    clock.advance(31)
    assert kids(keyset.lookup("rsa-2").keys) == ["rsa-2"]
    assert kids(keyset.lookup("rsa-2").keys) == ["rsa-2"]
    assert fetch.calls == 2


def test_concurrent_unknown_kids_cause_a_single_refetch(monkeypatch: pytest.MonkeyPatch) -> None:
    clock = ShiftedClock(monkeypatch)
    gate = threading.Event()
    fetch = Counting(jwks(RSA))
    keyset = KeySet(lambda: (gate.wait(2), fetch())[1])
    gate.set()
    keyset.keys()
    gate.clear()
    clock.advance(31)
    outcomes: list[str] = []

    def forged_lookup(n: int) -> None:
        try:
            outcomes.append("empty" if keyset.lookup(f"forged-{n}").keys == [] else "found")
        except InvalidIdTokenError:
            outcomes.append("rate-limited")

    threads = [threading.Thread(target=forged_lookup, args=(n,)) for n in range(8)]
    for thread in threads:
        thread.start()
    time.sleep(0.05)
    gate.set()
    for thread in threads:
        thread.join(5)
    assert fetch.calls == 2
    assert sorted(outcomes) == ["empty"] + ["rate-limited"] * 7


def test_concurrent_lookups_of_a_rotated_kid_all_find_it_after_one_refetch(monkeypatch: pytest.MonkeyPatch) -> None:
    clock = ShiftedClock(monkeypatch)
    gate = threading.Event()
    fetch = Counting(jwks(RSA))
    keyset = KeySet(lambda: (gate.wait(2), fetch())[1])
    gate.set()
    keyset.keys()
    gate.clear()
    fetch.document = jwks(RSA, ROTATED)
    clock.advance(31)
    found: list[list[str | None]] = []
    failed: list[InvalidIdTokenError] = []

    def login_with_rotated_key() -> None:
        try:
            found.append(kids(keyset.lookup("rsa-2").keys))
        except InvalidIdTokenError as exc:
            failed.append(exc)

    threads = [threading.Thread(target=login_with_rotated_key) for _ in range(8)]
    for thread in threads:
        thread.start()
    time.sleep(0.05)
    gate.set()
    for thread in threads:
        thread.join(5)
    assert (failed, found) == ([], [["rsa-2"]] * 8)
    assert fetch.calls == 2


def test_keyset_is_refetched_after_its_ttl(monkeypatch: pytest.MonkeyPatch) -> None:
    clock = ShiftedClock(monkeypatch)
    fetch = Counting(jwks(RSA))
    keyset = KeySet(fetch, ttl=3600)
    keyset.keys()
    clock.advance(3599)
    keyset.keys()
    clock.advance(2)
    keyset.keys()
    assert fetch.calls == 2


def test_keyset_is_shared_through_the_cache() -> None:
    cache = SimpleCache()
    first, second = Counting(jwks(RSA)), Counting(jwks(RSA))
    KeySet(first, cache=cache, cache_key="prov").keys()
    assert kids(KeySet(second, cache=cache, cache_key="prov").lookup("rsa-1").keys) == ["rsa-1"]
    assert (first.calls, second.calls) == (1, 0)


def test_broken_jwks_is_not_shared_through_the_cache() -> None:
    cache = SimpleCache()
    with pytest.raises(BadResponseError):
        KeySet(Counting({"keys": "oops"}), cache=cache, cache_key="prov").keys()
    healthy = Counting(jwks(RSA))
    assert kids(KeySet(healthy, cache=cache, cache_key="prov").keys()) == ["rsa-1"]
    assert healthy.calls == 1


def test_static_jwks_is_never_fetched_and_unknown_kids_are_not_refetched() -> None:
    fetch = Counting(jwks(RSA))
    keyset = KeySet(fetch, static=jwks(EC))
    assert kids(keyset.lookup("ec-1").keys) == ["ec-1"]
    with pytest.raises(UnknownSigningKeyError):
        keyset.lookup("rsa-1")
    assert fetch.calls == 0


def test_unknown_kid_in_keys_fetched_by_the_same_lookup_causes_no_second_fetch() -> None:
    fetch = Counting(jwks(RSA))
    keyset = KeySet(fetch)
    assert keyset.lookup("rsa-unknown").keys == []
    assert fetch.calls == 1


def test_unknown_kid_after_keys_taken_from_the_shared_cache_is_refetched() -> None:
    cache = SimpleCache()
    KeySet(Counting(jwks(RSA)), cache=cache, cache_key="prov").keys()
    fetch = Counting(jwks(RSA, ROTATED))
    keyset = KeySet(fetch, cache=cache, cache_key="prov")
    assert [key.key_id for key in keyset.lookup("rsa-2").keys] == ["rsa-2"]
    assert fetch.calls == 1


def test_forced_fetch_does_not_spend_the_unknown_kid_refetch_budget() -> None:
    fetch = Counting(jwks(RSA))
    keyset = KeySet(fetch)
    keyset.keys()
    keyset.keys(force=True)
    fetch.document = jwks(RSA, ROTATED)
    assert [key.key_id for key in keyset.lookup("rsa-2").keys] == ["rsa-2"]
    assert fetch.calls == 3


# -- logout URL ----------------------------------------------------------------------------------


def test_logout_url_carries_the_non_empty_parameters() -> None:
    url = build_logout_url(ISSUER + "/logout", {"id_token_hint": "h", "state": None, "client_id": "c", "x": ""})
    assert url == ISSUER + "/logout?id_token_hint=h&client_id=c"


def test_logout_url_keeps_the_endpoints_own_query() -> None:
    assert build_logout_url(ISSUER + "/logout?tenant=a", {"state": "s"}) == ISSUER + "/logout?tenant=a&state=s"


def test_register_with_a_declared_trailing_slash_issuer_loads_such_a_providers_metadata(requests_mock: Any) -> None:
    from flask import Flask

    from flask_oauth_registry import OAuth

    requests_mock.get(DISCOVERY_URL, json=discovery_document(issuer=ISSUER + "/"))
    app = Flask(__name__)
    oauth = OAuth(app)
    declared = oauth.register("auth0like", client_id="c", server_metadata_url=DISCOVERY_URL, issuer=ISSUER + "/")
    undeclared = oauth.register("plain", client_id="c", server_metadata_url=DISCOVERY_URL)
    with app.app_context():
        assert declared.load_server_metadata()["issuer"] == ISSUER + "/"
        with pytest.raises(IssuerMismatchError) as caught:
            undeclared.load_server_metadata()
    assert caught.value.error == "issuer_mismatch"
