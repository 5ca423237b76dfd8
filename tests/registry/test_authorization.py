"""The pure authorization-request helpers: query encoding and PKCE."""

from __future__ import annotations

import base64
import hashlib
from urllib.parse import parse_qsl, urlencode, urlsplit

from hypothesis import given
from hypothesis import strategies as st

from flask_oauth_registry.registry.authorization import build_authorization_request, encode_query, pkce_pair


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
