"""The pure authorization-code helpers: query encoding, PKCE, the flow state kept, and reading the callback."""

from __future__ import annotations

import base64
import hashlib
import time
from typing import Any
from unittest.mock import ANY
from urllib.parse import parse_qsl, urlencode, urlsplit

import pytest
from hypothesis import given
from hypothesis import strategies as st
from werkzeug.datastructures import MultiDict

from flask_oauth_registry import BadResponseError, InvalidCallbackError, OAuthError, ProviderError
from flask_oauth_registry.registry.authorization import (
    AuthorizationResponse,
    build_authorization_request,
    check_authorization_response,
    encode_query,
    flow_of,
    parse_token_response,
    pkce_pair,
    read_callback,
)
from flask_oauth_registry.registry.tokens import OAuth2Token

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


# -- building the authorization request ---------------------------------------------------------------


def s256(verifier: str) -> str:
    return base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest()).rstrip(b"=").decode()


VERIFIER = "v" * 43
CALLBACK = "https://rp.test/cb"


@pytest.mark.parametrize(
    ("kwargs", "query", "absent", "flow"),
    [
        pytest.param({"default_params": {"prompt": "login", "ui_locales": "en"}, "params": {"prompt": "consent"}},
                     {"prompt": "consent", "ui_locales": "en"}, set(), {"code_verifier": ANY},
                     id="per-call-params-win-over-authorize_params"),
        pytest.param({"params": {"scope": "email"}}, {"scope": "email"}, {"nonce"}, {"code_verifier": ANY},
                     id="scope-param-wins-over-the-setting"),
        pytest.param({"scope": ["openid", "email"]}, {"scope": "openid email", "nonce": ANY}, set(),
                     {"code_verifier": ANY, "nonce": ANY}, id="scope-list-joined"),
        pytest.param({"code_challenge_method": None}, {"response_type": "code"},
                     {"code_challenge", "code_challenge_method"}, {}, id="pkce-off"),
        pytest.param(
            {"code_challenge_method": "plain", "params": {"code_verifier": VERIFIER}},
            {"code_challenge": VERIFIER, "code_challenge_method": "plain"}, {"code_verifier"},
            {"code_verifier": VERIFIER}, id="pkce-plain",
        ),
        pytest.param({"params": {"code_verifier": VERIFIER}},
                     {"code_challenge": s256(VERIFIER), "code_challenge_method": "S256"}, {"code_verifier"},
                     {"code_verifier": VERIFIER}, id="pkce-s256-of-a-given-verifier"),
        pytest.param({"scope": "openid profile"}, {"nonce": ANY}, set(), {"code_verifier": ANY, "nonce": ANY},
                     id="nonce-with-openid-scope"),
        pytest.param({"scope": "profile"}, {"scope": "profile"}, {"nonce"}, {"code_verifier": ANY},
                     id="no-nonce-without-openid"),
        pytest.param({"scope": None, "openid": True}, {"nonce": ANY}, {"scope"}, {"code_verifier": ANY, "nonce": ANY},
                     id="nonce-for-an-oidc-app"),
        pytest.param({"scope": "openid", "params": {"nonce": "n-1"}}, {"nonce": "n-1"}, set(),
                     {"code_verifier": ANY, "nonce": "n-1"}, id="given-nonce-used"),
        pytest.param({"params": {"max_age": "300"}}, {"max_age": "300"}, set(), {"code_verifier": ANY, "max_age": 300},
                     id="max_age-kept-in-the-flow"),
        pytest.param({"params": {"state": "given-state"}}, {"state": "given-state"}, set(), {"code_verifier": ANY},
                     id="state-override"),
        pytest.param({"params": {"response_type": "code id_token", "prompt": None}}, {"response_type": "code id_token"},
                     {"prompt"}, {"code_verifier": ANY}, id="response_type-override-and-none-dropped"),
        pytest.param({"redirect_uri": None}, {"client_id": "cid"}, {"redirect_uri"}, {"code_verifier": ANY},
                     id="no-redirect-uri"),
    ],
)
def test_authorization_request_carries_the_params_and_keeps_the_flow(
    kwargs: dict[str, Any], query: dict[str, Any], absent: set[str], flow: dict[str, Any]
) -> None:
    arguments: dict[str, Any] = {"redirect_uri": CALLBACK, "scope": "email", **kwargs}
    redirect_uri = arguments.pop("redirect_uri")
    built = build_authorization_request("https://op.test/authorize", "cid", redirect_uri, arguments.pop("scope"),
                                        **arguments)
    sent = dict(parse_qsl(urlsplit(built.url).query))
    for key, value in query.items():
        assert key in sent and sent[key] == value, key
    assert not absent & set(sent)
    assert sent["state"] == built.state and sent["client_id"] == "cid"
    assert built.saved_flow() == ({"redirect_uri": redirect_uri, **flow} if redirect_uri else flow)


def test_authorization_request_keeps_the_endpoints_own_query_first() -> None:
    built = build_authorization_request("https://op.test/authorize?tenant=a", "cid", None, None)
    assert built.url.startswith("https://op.test/authorize?tenant=a&response_type=code&client_id=cid&state=")


def test_authorization_requests_get_fresh_state_nonce_and_verifier() -> None:
    first, second = (build_authorization_request("https://op.test/a", "cid", None, "openid") for _ in range(2))
    assert first.state != second.state
    assert first.flow["nonce"] != second.flow["nonce"]
    assert first.flow["code_verifier"] != second.flow["code_verifier"]


# -- reading the token endpoint's answer (RFC 6749 5.1, 5.2) -------------------------------------------


@pytest.mark.parametrize(
    ("status", "content_type", "body", "members", "lifetime"),
    [
        pytest.param(200, "application/json", b'{"access_token": "at", "token_type": "Bearer", "expires_in": 3600}',
                     {"access_token": "at", "token_type": "Bearer"}, 3600, id="json"),
        pytest.param(200, "application/json; charset=utf-8", b'{"access_token": "at", "scope": "read"}',
                     {"access_token": "at", "scope": "read"}, None, id="json-with-charset"),
        pytest.param(200, "application/x-www-form-urlencoded", b"access_token=at&token_type=bearer&expires_in=60",
                     {"access_token": "at", "token_type": "bearer", "expires_in": "60"}, 60, id="form"),
        pytest.param(200, "text/plain; charset=UTF-8", b"access_token=at&expires=5183999",
                     {"access_token": "at", "expires": "5183999"}, None, id="text-plain-form"),
        pytest.param(200, "", b'{"access_token": "at", "expires_in": "120"}', {"access_token": "at"}, 120,
                     id="no-content-type-json"),
        pytest.param(200, "", b"access_token=at&refresh_token=rt", {"access_token": "at", "refresh_token": "rt"},
                     None, id="no-content-type-form"),
        pytest.param(200, "application/json", b'{"access_token": "at"}', {"token_type": "Bearer"}, None,
                     id="token_type-defaults-to-bearer"),
        pytest.param(200, "application/json", b'{"access_token": "at", "token_type": "mac"}', {"token_type": "mac"},
                     None, id="token_type-kept"),
        pytest.param(200, "application/json", b'{"access_token": "at", "expires_at": "1700000000"}',
                     {"expires_at": 1700000000}, None, id="expires_at-normalized-to-int"),
        pytest.param(201, "application/json", b'{"access_token": "at"}', {"access_token": "at"}, None, id="201"),
    ],
)
def test_token_response_is_read_into_a_normalized_token(
    status: int, content_type: str, body: bytes, members: dict[str, Any], lifetime: int | None
) -> None:
    token = parse_token_response(status, content_type, body)
    assert isinstance(token, OAuth2Token)
    assert {key: token.get(key) for key in members} == members
    if lifetime is None:  # no expires_in: expires_at is the provider's own, or absent
        assert token.get("expires_at") == members.get("expires_at")
    else:
        assert abs(token["expires_at"] - (time.time() + lifetime)) < 5


@pytest.mark.parametrize(
    ("status", "content_type", "body", "error", "message"),
    [
        pytest.param(200, "application/json", b'{"error": "bad_verification_code", "error_description": "wrong"}',
                     ProviderError, "bad_verification_code: wrong", id="error-in-a-200"),
        pytest.param(400, "application/json", b'{"error": "invalid_grant"}', ProviderError, "invalid_grant",
                     id="error-in-a-400"),
        pytest.param(400, "application/x-www-form-urlencoded", b"error=invalid_client", ProviderError,
                     "invalid_client", id="error-in-a-form"),
        pytest.param(401, "application/json", b'{"message": "Bad credentials"}', BadResponseError, "HTTP 401",
                     id="4xx-without-an-oauth-error"),
        pytest.param(500, "text/html", b"<html>oops</html>", BadResponseError, "HTTP 500 without an OAuth error",
                     id="5xx-html"),
        pytest.param(200, "text/html", b"<html>Welcome</html>", BadResponseError, "not a JSON object", id="200-html"),
        pytest.param(200, "application/json", b"", BadResponseError, "not a JSON object", id="empty"),
        pytest.param(200, "application/json", b'["access_token"]', BadResponseError, "not a JSON object",
                     id="json-array"),
        pytest.param(200, "", b"hello", BadResponseError, "not a JSON object", id="no-content-type-neither-format"),
        pytest.param(200, "application/json", b'{"token_type": "Bearer"}', BadResponseError, "no access_token",
                     id="missing-access_token"),
        pytest.param(200, "application/json", b'{"access_token": ""}', BadResponseError, "no access_token",
                     id="empty-access_token"),
        pytest.param(200, "application/json", b'{"access_token": 42}', BadResponseError, "no access_token",
                     id="access_token-not-a-string"),
        pytest.param(200, "application/json", b'{"access_token": "at", "expires_in": NaN}', BadResponseError,
                     "expires_in is not a number", id="expires_in-NaN"),
        pytest.param(200, "application/json", b'{"access_token": "at", "expires_in": 1e999}', BadResponseError,
                     "expires_in is not a number", id="expires_in-infinite"),
        pytest.param(200, "text/plain", b"access_token=at&expires_in=soon", BadResponseError,
                     "expires_in is not a number", id="expires_in-a-word"),
        pytest.param(200, "application/json", b'{"access_token": "at", "expires_at": "Infinity"}', BadResponseError,
                     "expires_at is not a number", id="expires_at-infinite"),
    ],
)
def test_token_response_that_is_not_a_token_is_refused(
    status: int, content_type: str, body: bytes, error: type[OAuthError], message: str
) -> None:
    with pytest.raises(OAuthError, match=message) as caught:
        parse_token_response(status, content_type, body)
    assert type(caught.value) is error
    if error is ProviderError:
        assert caught.value.status_code == status


def test_plain_pkce_pair_sends_the_verifier_as_the_challenge() -> None:
    verifier, challenge = pkce_pair("plain")
    assert challenge == verifier and len(verifier) >= 43
