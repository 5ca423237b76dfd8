"""After an OpenID Connect login: key rotation, parse_id_token, userinfo and RP-initiated logout."""

from __future__ import annotations

import time
from typing import Any

import pytest

from flask_oauth_registry import (
    ConfigurationError,
    InvalidIdTokenError,
    InvalidTokenError,
    MismatchingStateError,
    UserInfo,
)
from tests.registry.oidc_fixtures import (
    AUTHORIZATION_ENDPOINT,
    CLIENT_ID,
    END_SESSION_ENDPOINT,
    ISSUER,
    JWKS_URI,
    SUBJECT,
    TOKEN_ENDPOINT,
    FakeOpenIDProvider,
    RelyingParty,
    ShiftedClock,
    entropy_bits,
    make_relying_party,
    query_of,
    rsa_key,
)

CALLBACK_URL = "http://localhost/callback"


# -- keys: rotation and forged kids ------------------------------------------------------------


def test_unknown_kid_in_a_login_is_refetched_once_then_rate_limited(
    provider: FakeOpenIDProvider, rp: RelyingParty, monkeypatch: pytest.MonkeyPatch
) -> None:
    clock = ShiftedClock(monkeypatch)
    assert rp.log_in(rp.app.test_client(), provider).status_code == 200
    assert provider.jwks_requests == 1

    published = provider.signing_key
    provider.signing_key = rsa_key("rsa-not-published")
    clock.advance(31)
    for expected_jwks_requests in (2, 2, 2):
        with pytest.raises(InvalidIdTokenError) as caught:
            rp.log_in(rp.app.test_client(), provider)
        assert caught.value.check == "kid"
        assert provider.jwks_requests == expected_jwks_requests

    provider.published_keys = [published, provider.signing_key]  # the provider rotates its keys
    clock.advance(31)
    assert rp.log_in(rp.app.test_client(), provider).status_code == 200
    assert provider.jwks_requests == 3
    assert rp.log_in(rp.app.test_client(), provider).status_code == 200
    assert provider.jwks_requests == 3


def test_fetch_jwk_set_returns_the_providers_keys_and_caches_them(
    provider: FakeOpenIDProvider, rp: RelyingParty
) -> None:
    document = rp.oauth.prov.fetch_jwk_set()
    assert [key["kid"] for key in document["keys"]] == ["rsa-1"]
    rp.oauth.prov.fetch_jwk_set()
    assert provider.jwks_requests == 1
    provider.published_keys = [provider.signing_key, rsa_key("rsa-2")]
    assert [key["kid"] for key in rp.oauth.prov.fetch_jwk_set(force=True)["keys"]] == ["rsa-1", "rsa-2"]
    assert provider.jwks_requests == 2


def test_parse_id_token_validates_and_returns_userinfo(provider: FakeOpenIDProvider, rp: RelyingParty) -> None:
    token = {"access_token": "at", "id_token": provider.sign_id_token(nonce="n-1", email="ada@example.test")}
    with rp.app.test_request_context():
        userinfo = rp.oauth.prov.parse_id_token(token, nonce="n-1")
        assert isinstance(userinfo, UserInfo)
        assert (userinfo.sub, userinfo.email) == (SUBJECT, "ada@example.test")
        with pytest.raises(InvalidIdTokenError) as caught:
            rp.oauth.prov.parse_id_token(token, nonce="another")
        assert caught.value.check == "nonce"
        assert rp.oauth.prov.parse_id_token({"access_token": "at"}, nonce="n-1") is None  # as Authlib


# -- userinfo -----------------------------------------------------------------------------------


def logged_in_token(provider: FakeOpenIDProvider, rp: RelyingParty) -> dict[str, Any]:
    assert rp.log_in(rp.app.test_client(), provider).status_code == 200
    return rp.tokens[-1]


def test_userinfo_with_the_id_tokens_sub_returns_the_claims(provider: FakeOpenIDProvider, rp: RelyingParty) -> None:
    token = logged_in_token(provider, rp)
    with rp.app.test_request_context():
        info = rp.oauth.prov.userinfo(token=token)
    assert isinstance(info, UserInfo)
    assert (info.sub, info.email, info.name) == (SUBJECT, "ada@example.test", "Ada")
    userinfo_request = provider.requests_to(provider.metadata["userinfo_endpoint"])[-1]
    assert userinfo_request.headers["Authorization"] == f"Bearer {token['access_token']}"


def test_userinfo_with_another_sub_is_rejected(provider: FakeOpenIDProvider, rp: RelyingParty) -> None:
    token = logged_in_token(provider, rp)
    provider.userinfo_claims = {"sub": "someone-else", "email": "mallory@example.test"}
    with rp.app.test_request_context(), pytest.raises(InvalidTokenError, match="sub"):
        rp.oauth.prov.userinfo(token=token)


def test_signed_userinfo_is_verified_with_the_providers_keys(provider: FakeOpenIDProvider, rp: RelyingParty) -> None:
    token = logged_in_token(provider, rp)
    claims = {"sub": SUBJECT, "email": "signed@example.test", "iss": ISSUER, "aud": CLIENT_ID}
    provider.userinfo_answer = ("application/jwt", provider.signing_key.sign(claims))
    with rp.app.test_request_context():
        assert rp.oauth.prov.userinfo(token=token).email == "signed@example.test"


def test_signed_userinfo_with_a_forged_signature_is_rejected(provider: FakeOpenIDProvider, rp: RelyingParty) -> None:
    token = logged_in_token(provider, rp)
    forger = rsa_key("rsa-1", label="forger")
    provider.userinfo_answer = ("application/jwt", forger.sign({"sub": SUBJECT, "iss": ISSUER, "aud": CLIENT_ID}))
    with rp.app.test_request_context(), pytest.raises(InvalidIdTokenError) as caught:
        rp.oauth.prov.userinfo(token=token)
    assert caught.value.check == "signature"


# -- RP-initiated logout ------------------------------------------------------------------------


def test_logout_redirect_carries_the_logout_request(provider: FakeOpenIDProvider, rp: RelyingParty) -> None:
    client = rp.app.test_client()
    response = client.get("/logout", query_string={"id_token_hint": "the-id-token"})
    assert response.status_code == 302
    location = response.headers["Location"]
    assert location.split("?")[0] == END_SESSION_ENDPOINT
    query = query_of(location)
    assert query["id_token_hint"] == "the-id-token"
    assert query["post_logout_redirect_uri"] == "http://localhost/logged-out"
    assert query["client_id"] == CLIENT_ID
    assert entropy_bits(query["state"]) >= 128


def test_create_logout_url_uses_the_given_state(provider: FakeOpenIDProvider, rp: RelyingParty) -> None:
    with rp.app.test_request_context():
        result = rp.oauth.prov.create_logout_url(
            post_logout_redirect_uri="https://rp.example.test/bye", id_token_hint="hint", state="given-state"
        )
    assert result["state"] == "given-state"
    assert query_of(result["url"]) == {
        "id_token_hint": "hint", "client_id": CLIENT_ID,
        "post_logout_redirect_uri": "https://rp.example.test/bye", "state": "given-state",
    }


def test_logout_response_state_is_accepted_once(provider: FakeOpenIDProvider, rp: RelyingParty) -> None:
    client = rp.app.test_client()
    state = query_of(client.get("/logout").headers["Location"])["state"]
    back = client.get("/logged-out", query_string={"state": state})
    assert back.status_code == 200
    assert back.get_json()["post_logout_redirect_uri"] == "http://localhost/logged-out"
    with pytest.raises(MismatchingStateError):
        client.get("/logged-out", query_string={"state": state})


def test_logout_response_with_unknown_or_foreign_state_is_rejected(
    provider: FakeOpenIDProvider, rp: RelyingParty
) -> None:
    client, other = rp.app.test_client(), rp.app.test_client()
    state = query_of(client.get("/logout").headers["Location"])["state"]
    with pytest.raises(MismatchingStateError):
        client.get("/logged-out", query_string={"state": "made-up"})
    with pytest.raises(MismatchingStateError):
        other.get("/logged-out", query_string={"state": state})
    with pytest.raises(MismatchingStateError):
        client.get("/logged-out")


def test_logout_without_an_end_session_endpoint_names_the_setting(requests_mock: Any) -> None:
    rp = make_relying_party(
        server_metadata_url=None, issuer=ISSUER, authorization_endpoint=AUTHORIZATION_ENDPOINT,
        token_endpoint=TOKEN_ENDPOINT, jwks_uri=JWKS_URI,
    )
    with rp.app.test_request_context(), pytest.raises(ConfigurationError) as caught:
        rp.oauth.prov.create_logout_url(post_logout_redirect_uri="https://rp.example.test/bye")
    assert isinstance(caught.value, RuntimeError)
    assert "end-session endpoint" in str(caught.value)
    assert "PROV_SERVER_METADATA_URL" in str(caught.value)
    assert requests_mock.request_history == []


def test_logout_with_discovery_lacking_an_end_session_endpoint_is_a_configuration_error(
    requests_mock: Any,
) -> None:
    FakeOpenIDProvider(requests_mock, rsa_key("rsa-1"), metadata={"end_session_endpoint": None})
    rp = make_relying_party()
    with rp.app.test_request_context(), pytest.raises(ConfigurationError, match="end-session endpoint") as caught:
        rp.oauth.prov.create_logout_url(post_logout_redirect_uri="https://rp.example.test/bye")
    assert "pass end_session_endpoint= to register()" in str(caught.value)


# -- refresh: the login's identity stays bound (OIDC Core 12.2) -------------------------------------


def expired_login(provider: FakeOpenIDProvider, rp: RelyingParty) -> dict[str, Any]:
    """The token of a fresh login, made to look expired so that the next API call refreshes it."""
    token = logged_in_token(provider, rp)
    token["expires_at"] = int(time.time()) - 10
    return token


def relying_party_with_updates() -> tuple[RelyingParty, list[tuple[Any, ...]]]:
    updates: list[tuple[Any, ...]] = []
    rp = make_relying_party(
        update_token=lambda token, refresh_token=None, access_token=None: updates.append((token, refresh_token))
    )
    return rp, updates


def test_refresh_keeps_userinfo_binding(provider: FakeOpenIDProvider) -> None:
    rp, updates = relying_party_with_updates()
    token = expired_login(provider, rp)
    first_access_token = token["access_token"]
    provider.userinfo_claims = {"sub": "someone-else", "email": "mallory@example.test"}
    with rp.app.test_request_context(), pytest.raises(InvalidTokenError, match="sub"):
        rp.oauth.prov.userinfo(token=token)
    assert token["access_token"] != first_access_token  # it was refreshed...
    assert token["userinfo"]["sub"] == SUBJECT  # ...and still knows whose it is
    [(stored, _)] = updates
    assert stored["userinfo"]["sub"] == SUBJECT


def test_refresh_with_a_new_id_token_of_the_same_user_replaces_userinfo(provider: FakeOpenIDProvider) -> None:
    rp, updates = relying_party_with_updates()
    token = expired_login(provider, rp)
    provider.refresh_id_token_claims = {"email": "renamed@example.test"}
    with rp.app.test_request_context():
        assert rp.oauth.prov.userinfo(token=token).sub == SUBJECT
    assert (token["userinfo"]["sub"], token["userinfo"]["email"]) == (SUBJECT, "renamed@example.test")
    assert isinstance(token["userinfo"], UserInfo)
    assert updates[0][0]["userinfo"]["email"] == "renamed@example.test"


@pytest.mark.parametrize(
    ("claims", "check"),
    [({"sub": "someone-else"}, "sub"), ({"iss": "https://evil.example.test"}, "iss"), ({"aud": "another-rp"}, "aud")],
    ids=["wrong-sub", "wrong-iss", "wrong-aud"],
)
def test_refresh_with_an_id_token_of_another_identity_is_rejected_and_nothing_is_stored(
    provider: FakeOpenIDProvider, claims: dict[str, Any], check: str
) -> None:
    rp, updates = relying_party_with_updates()
    token = expired_login(provider, rp)
    before = dict(token)
    provider.refresh_id_token_claims = claims
    with rp.app.test_request_context():
        with pytest.raises(InvalidIdTokenError) as caught:
            rp.oauth.prov.get(provider.metadata["userinfo_endpoint"], token=token)
        assert rp.oauth.prov.token is None  # nothing put on g
    assert caught.value.check == check
    assert token == before
    assert updates == []


def test_refresh_id_token_of_a_stored_token_without_userinfo_is_checked_against_its_id_token(
    provider: FakeOpenIDProvider,
) -> None:
    rp, updates = relying_party_with_updates()
    token = expired_login(provider, rp)
    del token["userinfo"]  # stored by an app that kept only the provider's answer
    provider.refresh_id_token_claims = {"sub": "someone-else"}
    with rp.app.test_request_context(), pytest.raises(InvalidIdTokenError) as caught:
        rp.oauth.prov.get(provider.metadata["userinfo_endpoint"], token=token)
    assert caught.value.check == "sub"
    assert updates == []
