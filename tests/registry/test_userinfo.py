"""``userinfo()`` of an OpenID Connect app and the ``UserInfo`` it returns.

The answer's ``sub`` must be the ID token's (OIDC Core 5.3.2); a signed answer is
verified with the provider's keys and must carry ``iss``, ``aud`` and a well-formed ``sub``.
"""

from __future__ import annotations

from typing import Any

import pytest

from flask_oauth_registry import InvalidIdTokenError, InvalidTokenError, UserInfo
from tests.fakes.keys import rsa_key
from tests.fakes.oidc import CLIENT_ID, ISSUER, SUBJECT, FakeOpenIDProvider
from tests.fakes.relying_party import RelyingParty, logged_in_token


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


# -- signed userinfo: iss, aud and sub are required and checked ------------------------------------


def signed_userinfo(provider: FakeOpenIDProvider, rp: RelyingParty, **claims: Any) -> Any:
    """Log in, then call userinfo() with the provider answering a JWT of ``claims`` (``None`` removes one)."""
    assert rp.log_in(rp.app.test_client(), provider).status_code == 200
    base = {"sub": SUBJECT, "iss": ISSUER, "aud": CLIENT_ID, "email": "signed@example.test"}
    body = provider.signing_key.sign({k: v for k, v in {**base, **claims}.items() if v is not None})
    provider.userinfo_answer = ("application/jwt", body)
    with rp.app.test_request_context():
        return rp.oauth.prov.userinfo(token=rp.tokens[-1])


@pytest.mark.parametrize("claim", ["iss", "aud"])
def test_signed_userinfo_without_iss_or_aud_is_rejected(
    provider: FakeOpenIDProvider, rp: RelyingParty, claim: str
) -> None:
    with pytest.raises(InvalidIdTokenError) as caught:
        signed_userinfo(provider, rp, **{claim: None})
    assert caught.value.check == claim


@pytest.mark.parametrize(
    ("claim", "value"),
    [("iss", "https://evil.example.test"), ("aud", "another-client"), ("aud", ["another-client", "third"])],
)
def test_signed_userinfo_from_another_issuer_or_for_another_client_is_rejected(
    provider: FakeOpenIDProvider, rp: RelyingParty, claim: str, value: Any
) -> None:
    with pytest.raises(InvalidIdTokenError) as caught:
        signed_userinfo(provider, rp, **{claim: value})
    assert caught.value.check == claim


def test_signed_userinfo_with_iss_and_an_aud_including_the_client_is_accepted(
    provider: FakeOpenIDProvider, rp: RelyingParty
) -> None:
    assert signed_userinfo(provider, rp, aud=[CLIENT_ID, "api"]).email == "signed@example.test"


@pytest.mark.parametrize("sub", ["", "s" * 256, 42], ids=["empty", "256-chars", "number"])
def test_signed_userinfo_with_a_malformed_sub_is_rejected(
    provider: FakeOpenIDProvider, rp: RelyingParty, sub: Any
) -> None:
    with pytest.raises(InvalidIdTokenError) as caught:
        signed_userinfo(provider, rp, sub=sub)
    assert caught.value.check == "sub"
