"""Hostile provider answers: token, JWKS and discovery responses chosen by hypothesis.

Each example runs the quickstart's real login against a provider (requests-mock
callbacks) that answers one endpoint with a generated body: arbitrary bytes,
arbitrary JSON (NaN, Infinity and huge numbers included), or a valid document
with fields replaced or removed.  The login either succeeds or ends in a 400
rendered from an ``OAuthError``; no other exception, no 500, and neither the
client secret, nor the code, nor a token in the page.
"""

from __future__ import annotations

import json
import math
from collections.abc import Iterator
from typing import Any
from urllib.parse import urlencode

import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from flask_oauth_registry import OAuthError
from flask_oauth_registry.registry.tokens import normalize_token
from tests.faults.hostile import (
    KEY,
    Answer,
    Flow,
    HostileProvider,
    content_types,
    hostile_provider,
    json_values,
    jwks_document,
    metadata_document,
    quickstart_app,
    statuses,
)

HOSTILE = settings(max_examples=100, deadline=None, database=None, suppress_health_check=[HealthCheck.too_slow])
TOKEN_FIELDS = ["access_token", "token_type", "expires_in", "expires_at", "refresh_token", "id_token", "scope",
                "error", "error_description", "error_uri"]
CLAIMS = ["iss", "sub", "aud", "azp", "exp", "iat", "nbf", "nonce", "at_hash", "auth_time"]


@pytest.fixture(scope="module")
def provider() -> Iterator[HostileProvider]:
    with hostile_provider() as running:
        yield running


def login(provider: HostileProvider, app: Any = None) -> tuple[Any, Flow | None]:
    """The quickstart's login from start to callback; (final response, flow or None if it did not start)."""
    app = app or quickstart_app()
    client = app.test_client()
    redirect = client.get("/login")
    if redirect.status_code != 302:
        return redirect, None
    provider.flow = Flow.from_redirect(redirect.headers["Location"])
    return client.get(provider.flow.callback_path, query_string=provider.flow.callback_query()), provider.flow


def check(response: Any, flow: Flow | None) -> None:
    assert response.status_code in (302, 400), response.status_code
    event(f"HTTP {response.status_code}")
    if flow is not None:
        body = response.get_data(as_text=True)
        for secret in flow.secrets():
            assert secret not in body


# -- token endpoint -------------------------------------------------------------------------
@st.composite
def token_answers(draw: st.DrawFn) -> Any:
    """An Answer, or a function of the flow making one (a mutated valid token needs the flow's nonce)."""
    kind = draw(st.sampled_from(["bytes", "json", "token", "token-form"]))
    status, content_type = draw(statuses), draw(content_types)
    if kind == "bytes":
        return Answer(status, content_type, draw(st.binary(max_size=400)))
    if kind == "json":
        return Answer(status, content_type, json.dumps(draw(json_values)).encode())
    replaced = draw(st.dictionaries(st.sampled_from(TOKEN_FIELDS), json_values, max_size=3))
    removed = draw(st.lists(st.sampled_from(TOKEN_FIELDS), max_size=2))
    claims = draw(st.dictionaries(st.sampled_from(CLAIMS), json_values | st.none(), max_size=2))

    def build(flow: Flow) -> Answer:
        token = flow.token(id_token=flow.id_token(**claims))
        token.update(replaced)
        for name in removed:
            token.pop(name, None)
        if kind == "token-form":
            body = urlencode({k: v if isinstance(v, str) else json.dumps(v) for k, v in token.items()}).encode()
            return Answer(status, "application/x-www-form-urlencoded", body)
        return Answer(status, content_type, json.dumps(token).encode())

    return build


@HOSTILE
@given(answer=token_answers())
def test_hostile_token_responses(provider: HostileProvider, answer: Any) -> None:
    app = quickstart_app()
    client = app.test_client()
    redirect = client.get("/login")
    assert redirect.status_code == 302
    flow = provider.flow = Flow.from_redirect(redirect.headers["Location"])
    provider.token = answer(flow) if callable(answer) else answer
    try:
        response = client.get(flow.callback_path, query_string=flow.callback_query())
        check(response, flow)
    finally:
        provider.token = None


# -- JWKS ---------------------------------------------------------------------------------------
def mutated_jwk() -> st.SearchStrategy[dict[str, Any]]:
    members = ["kty", "kid", "use", "alg", "n", "e", "crv", "x", "y", "k", "key_ops"]
    return st.builds(
        lambda replaced, removed: {
            k: v for k, v in {**KEY.public_jwk(), **replaced}.items() if k not in removed
        },
        st.dictionaries(st.sampled_from(members), json_values, max_size=3),
        st.lists(st.sampled_from(members), max_size=2),
    )


jwk_sets = st.one_of(
    st.builds(lambda keys: {"keys": keys}, st.lists(st.just(KEY.public_jwk()) | mutated_jwk() | json_values,
                                                    max_size=4)),
    json_values,
)


@HOSTILE
@given(document=jwk_sets, status=statuses, content_type=content_types, raw=st.none() | st.binary(max_size=300))
def test_hostile_jwks_responses(
    provider: HostileProvider, document: Any, status: int, content_type: str, raw: bytes | None
) -> None:
    provider.jwks = Answer(status, content_type, raw if raw is not None else json.dumps(document).encode())
    try:
        check(*login(provider))
    finally:
        provider.jwks = Answer.of_json(jwks_document())


# -- discovery ----------------------------------------------------------------------------------
METADATA_FIELDS = list(metadata_document()) + ["userinfo_endpoint", "end_session_endpoint", "revocation_endpoint",
                                               "token_endpoint_auth_methods_supported", "scopes_supported"]
metadata_documents = st.one_of(
    st.builds(
        lambda replaced, removed: {
            k: v for k, v in {**metadata_document(), **replaced}.items() if k not in removed
        },
        st.dictionaries(st.sampled_from(METADATA_FIELDS), json_values, max_size=3),
        st.lists(st.sampled_from(METADATA_FIELDS), max_size=2),
    ),
    json_values,
)


@HOSTILE
@given(document=metadata_documents, status=statuses, content_type=content_types,
       raw=st.none() | st.binary(max_size=300))
def test_hostile_discovery_responses(
    provider: HostileProvider, document: Any, status: int, content_type: str, raw: bytes | None
) -> None:
    provider.metadata = Answer(status, content_type, raw if raw is not None else json.dumps(document).encode())
    try:
        check(*login(provider))
    finally:
        provider.metadata = Answer.of_json(metadata_document())


def test_the_unaltered_provider_logs_in(provider: HostileProvider) -> None:
    response, flow = login(provider)
    assert flow is not None and response.status_code == 302 and response.headers["Location"] == "/"


@pytest.mark.parametrize("field", ["expires_in", "expires_at"])
@pytest.mark.parametrize("value", [math.inf, -math.inf, 10**400, "1e999", "-Infinity"])
def test_a_lifetime_that_is_not_a_finite_number_is_a_bad_response(
    provider: HostileProvider, field: str, value: Any
) -> None:
    app = quickstart_app()
    client = app.test_client()
    flow = provider.flow = Flow.from_redirect(client.get("/login").headers["Location"])
    provider.token = Answer.of_json(flow.token(**{field: value}))
    try:
        response = client.get(flow.callback_path, query_string=flow.callback_query())
    finally:
        provider.token = None
    assert response.status_code == 400
    assert "bad_response" in response.get_data(as_text=True)
    with pytest.raises(OAuthError, match=f"{field} is not a number"):
        normalize_token({"access_token": "a", field: value})


@pytest.mark.parametrize("claim", ["nonce", "at_hash"])
def test_a_non_ascii_nonce_or_at_hash_in_the_id_token_is_a_400(provider: HostileProvider, claim: str) -> None:
    client = quickstart_app().test_client()
    flow = provider.flow = Flow.from_redirect(client.get("/login").headers["Location"])
    provider.token = Answer.of_json(flow.token(id_token=flow.id_token(**{claim: "é"})))
    try:
        response = client.get(flow.callback_path, query_string=flow.callback_query())
    finally:
        provider.token = None
    assert response.status_code == 400
