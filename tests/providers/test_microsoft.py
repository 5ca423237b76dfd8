"""The microsoft preset: tenants, and the issuer policy that resolves ``{tenantid}`` from each ID token."""

from __future__ import annotations

import time
from typing import Any

import pytest
from flask import Flask

from flask_oauth_registry import IssuerMismatchError, OAuth
from flask_oauth_registry.providers.microsoft import CONSUMERS_TENANT_ID, TEMPLATE_ISSUER, TenantIssuers
from tests.fakes.keys import jwks, rsa_key
from tests.providers.recordings.microsoft import DISCOVERY

CONTOSO = "72f988bf-86f1-41af-91ab-2d7cd011db47"
FABRIKAM = "11111111-2222-3333-4444-555555555555"
KEY = rsa_key("microsoft-test")


@pytest.mark.parametrize(
    ("tenant", "tid", "accepted"),
    [
        ("common", CONTOSO, True),
        ("common", CONSUMERS_TENANT_ID, True),
        ("organizations", CONTOSO, True),
        ("organizations", CONSUMERS_TENANT_ID, False),
        ("consumers", CONSUMERS_TENANT_ID, True),
        ("consumers", CONTOSO, False),
    ],
)
def test_tenant_decides_whose_tokens_are_accepted(tenant: str, tid: str, accepted: bool) -> None:
    policy = TenantIssuers(tenant)
    if accepted:
        assert policy.issuer_for(TEMPLATE_ISSUER, {"tid": tid}) == f"https://login.microsoftonline.com/{tid}/v2.0"
    else:
        with pytest.raises(IssuerMismatchError, match=tid):
            policy.issuer_for(TEMPLATE_ISSUER, {"tid": tid})


def test_allowed_tenants_narrow_a_multi_tenant_app() -> None:
    policy = TenantIssuers("organizations", frozenset({CONTOSO}))
    assert policy.issuer_for(TEMPLATE_ISSUER, {"tid": CONTOSO}).endswith(f"/{CONTOSO}/v2.0")
    with pytest.raises(IssuerMismatchError):
        policy.issuer_for(TEMPLATE_ISSUER, {"tid": FABRIKAM})


@pytest.mark.parametrize("tid", [None, "", "not-a-guid", 42, "../../evil"])
def test_a_token_without_a_valid_tid_is_refused(tid: Any) -> None:
    with pytest.raises(IssuerMismatchError, match="tid"):
        TenantIssuers("common").issuer_for(TEMPLATE_ISSUER, {"tid": tid})


def test_a_single_tenant_app_accepts_its_own_tenant_only() -> None:
    policy = TenantIssuers("contoso.onmicrosoft.com")
    own_issuer = f"https://login.microsoftonline.com/{CONTOSO}/v2.0"
    assert policy.accepts_document_issuer(own_issuer, "https://login.microsoftonline.com/contoso.onmicrosoft.com/v2.0/x")
    assert policy.issuer_for(own_issuer, {"tid": CONTOSO}) == own_issuer
    with pytest.raises(IssuerMismatchError):
        policy.issuer_for(own_issuer, {"tid": FABRIKAM})
    assert not policy.accepts_document_issuer("https://evil.example/v2.0", "https://login.microsoftonline.com/x")


def _login_token(app: Flask, requests_mock: Any, claims: dict[str, Any], **options: Any) -> Any:
    requests_mock.get(
        "https://login.microsoftonline.com/organizations/v2.0/.well-known/openid-configuration", json=DISCOVERY
    )
    requests_mock.get(DISCOVERY["jwks_uri"], json=jwks(KEY))
    client = OAuth(app).register("microsoft", client_id="app-id", client_secret="s", **options)
    now = int(time.time())
    id_token = KEY.sign({"aud": "app-id", "iat": now, "exp": now + 300, "sub": "user-1", **claims})
    with app.test_request_context("/"):
        return client.parse_id_token({"access_token": "a", "id_token": id_token}, nonce=None)


def test_an_id_token_from_an_accepted_tenant_is_verified(app: Flask, requests_mock: Any) -> None:
    issuer = f"https://login.microsoftonline.com/{CONTOSO}/v2.0"
    claims = _login_token(app, requests_mock, {"iss": issuer, "tid": CONTOSO}, tenant="organizations")
    assert claims["sub"] == "user-1" and claims["tid"] == CONTOSO


def test_an_id_token_whose_issuer_names_another_tenant_than_its_tid_is_refused(app: Flask, requests_mock: Any) -> None:
    from flask_oauth_registry import InvalidIdTokenError

    issuer = f"https://login.microsoftonline.com/{FABRIKAM}/v2.0"
    with pytest.raises(InvalidIdTokenError):
        _login_token(app, requests_mock, {"iss": issuer, "tid": CONTOSO}, tenant="organizations")


def test_an_id_token_from_a_tenant_outside_the_allow_list_is_refused(app: Flask, requests_mock: Any) -> None:
    issuer = f"https://login.microsoftonline.com/{FABRIKAM}/v2.0"
    with pytest.raises(IssuerMismatchError):
        _login_token(app, requests_mock, {"iss": issuer, "tid": FABRIKAM}, tenant="organizations",
                     allowed_tenants=[CONTOSO])


def test_the_tenant_is_templated_into_the_discovery_url(app: Flask) -> None:
    client = OAuth(app).register("microsoft", tenant="consumers", client_id="c", client_secret="s")
    assert client.config.server_metadata_url == (
        "https://login.microsoftonline.com/consumers/v2.0/.well-known/openid-configuration"
    )
