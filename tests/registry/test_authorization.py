"""The pure authorization-code helpers: query encoding, PKCE, the flow state kept, and reading the callback."""

from __future__ import annotations

import base64
import hashlib
from typing import Any
from urllib.parse import parse_qsl, urlencode, urlsplit

import pytest
from hypothesis import given
from hypothesis import strategies as st
from werkzeug.datastructures import MultiDict

from flask_oauth_registry import InvalidCallbackError, ProviderError
from flask_oauth_registry.registry.authorization import (
    AuthorizationResponse,
    build_authorization_request,
    check_authorization_response,
    encode_query,
    flow_of,
    pkce_pair,
    read_callback,
)

ISSUER = "https://op.test"


@given(st.lists(st.tuples(st.text(max_size=20), st.text(max_size=40)), max_size=8))
def test_encode_query_is_exactly_urlencode(pairs: list[tuple[str, str]]) -> None:
    assert encode_query(pairs) == urlencode(pairs)


def test_pkce_pair_is_s256_of_a_long_unreserved_verifier() -> None:
    verifier, challenge = pkce_pair()
    assert 43 <= len(verifier) <= 128
    assert set(verifier) <= set("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~")
    expected = base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest()).rstrip(b"=").decode()
    assert challenge == expected
    assert pkce_pair()[0] != verifier


def test_authorization_url_keeps_the_endpoints_own_query_and_per_call_params_win() -> None:
    built = build_authorization_request(
        "https://op.test/authorize?tenant=a b", "client id", "https://rp.test/cb", "openid email",
        default_params={"prompt": "login", "ui_locales": "en"}, params={"prompt": "consent"},
    )
    parts = urlsplit(built.url)
    query = dict(parse_qsl(parts.query))
    assert query["tenant"] == "a b" and query["client_id"] == "client id"
    assert query["prompt"] == "consent" and query["ui_locales"] == "en"
    assert query["scope"] == "openid email" and query["nonce"] == built.flow["nonce"]
    assert query["code_challenge_method"] == "S256" and "code_verifier" not in query


def test_saved_flow_is_the_flow_without_unset_values_and_what_save_authorize_data_keeps() -> None:
    built = build_authorization_request(
        "https://op.test/authorize", "cid", None, "openid", params={"max_age": "300"},
    )
    assert built.saved_flow() == {"code_verifier": built.flow["code_verifier"], "nonce": built.flow["nonce"],
                                  "max_age": 300}
    assert flow_of(built.as_authlib_dict()) == built.saved_flow()


# -- reading the callback ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        pytest.param({"code": "c-1", "state": "s-1"}, AuthorizationResponse(state="s-1", code="c-1"), id="code"),
        pytest.param(
            {"code": "c-1", "state": "s-1", "iss": ISSUER},
            AuthorizationResponse(state="s-1", code="c-1", iss=ISSUER),
            id="code-with-iss",
        ),
        pytest.param(
            {"error": "access_denied", "error_description": "the user said no", "error_uri": ISSUER + "/e",
             "state": "s-1"},
            AuthorizationResponse(state="s-1", error="access_denied", error_description="the user said no",
                                  error_uri=ISSUER + "/e"),
            id="error",
        ),
        pytest.param({"error": "", "code": "c-1"}, AuthorizationResponse(code="c-1"), id="empty-error-is-none"),
        pytest.param({"code": "", "state": ""}, AuthorizationResponse(), id="empty-code-and-state-are-absent"),
        pytest.param({"code": "c-1", "iss": ""}, AuthorizationResponse(code="c-1", iss=""), id="empty-iss-is-kept"),
        pytest.param({}, AuthorizationResponse(), id="nothing"),
        pytest.param(
            MultiDict([("code", "first"), ("code", "second"), ("state", "s-1")]),
            AuthorizationResponse(state="s-1", code="first"),
            id="repeated-parameter-first-wins",
        ),
    ],
)
def test_read_callback_reads_what_the_provider_sent(params: Any, expected: AuthorizationResponse) -> None:
    assert read_callback(params) == expected


def test_callback_error_becomes_the_providers_error() -> None:
    error = read_callback({"error": "access_denied", "error_description": "no", "error_uri": ISSUER + "/e"})
    raised = error.provider_error()
    assert isinstance(raised, ProviderError)
    assert (raised.error, raised.description, raised.uri) == ("access_denied", "no", ISSUER + "/e")


def test_authorization_response_repr_leaves_the_code_out() -> None:
    assert "secret-code" not in repr(read_callback({"code": "secret-code", "state": "s-1"}))


@pytest.mark.parametrize(
    ("callback", "issuer", "iss_required"),
    [
        pytest.param(AuthorizationResponse(code="c-1"), None, False, id="issuer-unknown"),
        pytest.param(AuthorizationResponse(code="c-1", iss="https://evil.test"), None, True,
                     id="iss-unchecked-when-the-issuer-is-unknown"),
        pytest.param(AuthorizationResponse(code="c-1", iss=ISSUER), ISSUER, False, id="iss-matches"),
        pytest.param(AuthorizationResponse(code="c-1", iss=ISSUER), ISSUER, True, id="iss-matches-as-promised"),
        pytest.param(AuthorizationResponse(code="c-1"), ISSUER, False, id="iss-absent-and-not-promised"),
    ],
)
def test_accepted_callback_gives_its_code(callback: AuthorizationResponse, issuer: str | None,
                                          iss_required: bool) -> None:
    assert check_authorization_response(callback, issuer, iss_required) == "c-1"


@pytest.mark.parametrize(
    ("callback", "iss_required", "message"),
    [
        pytest.param(AuthorizationResponse(code="c-1"), True, "promises an iss parameter", id="iss-promised-absent"),
        pytest.param(AuthorizationResponse(code="c-1", iss="https://evil.test"), False, "mix-up", id="other-iss"),
        pytest.param(AuthorizationResponse(code="c-1", iss=ISSUER + "/"), False, "mix-up", id="iss-with-slash"),
        pytest.param(AuthorizationResponse(code="c-1", iss=""), False, "mix-up", id="empty-iss"),
        pytest.param(AuthorizationResponse(iss=ISSUER), False, "neither a code nor an error", id="no-code"),
    ],
)
def test_rejected_callback_says_why(callback: AuthorizationResponse, iss_required: bool, message: str) -> None:
    with pytest.raises(InvalidCallbackError, match=message):
        check_authorization_response(callback, ISSUER, iss_required)
