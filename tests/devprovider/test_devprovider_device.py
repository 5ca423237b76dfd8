"""The device authorization grant at the dev provider (RFC 8628): codes, the verification page, polling answers."""

from __future__ import annotations

import html
import re
import time
from collections.abc import Callable
from typing import Any

import jwt
import pytest
import requests

from flask_oauth_registry.devprovider import OAuth2ClientConfig, ProviderSettings, RunningProvider, create_app
from flask_oauth_registry.devprovider import store as provider_store

GRANT_TYPE = "urn:ietf:params:oauth:grant-type:device_code"
CONFIDENTIAL = ("demo-client", "demo-secret")
USER_CODE = re.compile(r"^[BCDFGHJKLMNPQRSTVWXZ]{4}-[BCDFGHJKLMNPQRSTVWXZ]{4}$")


def form_action(page: str) -> str:
    """The action of the page's form (the consent form posts back to the verification page)."""
    match = re.search(r'<form method="post" action="([^"]+)"', page)
    assert match, "no form on the page"
    return html.unescape(match.group(1))


def start(provider: RunningProvider, scope: str = "openid profile", client_id: str = "demo-public",
          auth: tuple[str, str] | None = None) -> requests.Response:
    data = {"scope": scope} if auth else {"client_id": client_id, "scope": scope}
    return requests.post(provider.url_for("/device_authorization"), data=data, auth=auth)


def codes(provider: RunningProvider, **kwargs: Any) -> dict[str, Any]:
    answer = start(provider, **kwargs)
    assert answer.status_code == 200, answer.text
    return answer.json()


def poll(provider: RunningProvider, device_code: str, client_id: str = "demo-public") -> requests.Response:
    data = {"grant_type": GRANT_TYPE, "device_code": device_code, "client_id": client_id}
    return requests.post(provider.url_for("/token"), data=data)


def decide(provider: RunningProvider, user_code: str, decision: str = "allow", username: str = "alice") -> str:
    """Enter the code on the verification page, then answer the consent page; return the last page."""
    with requests.Session() as browser:
        consent = browser.post(provider.url_for("/device"), data={"user_code": user_code})
        assert consent.status_code == 200, consent.text
        done = browser.post(provider.url_for(form_action(consent.text)),
                            data={"username": username, "decision": decision})
        return done.text


@pytest.fixture
def provider_clock(monkeypatch: pytest.MonkeyPatch) -> Callable[[float], None]:
    """Move the provider's clock (``store.now``) forward: ``advance(seconds)``."""
    offset = [0.0]
    monkeypatch.setattr(provider_store, "now", lambda: time.time() + offset[0])

    def advance(seconds: float) -> None:
        offset[0] += seconds

    return advance


def test_discovery_advertises_the_device_endpoint_and_grant(provider: RunningProvider) -> None:
    doc = requests.get(provider.metadata_url).json()

    assert doc["device_authorization_endpoint"] == provider.url_for("/device_authorization")
    assert GRANT_TYPE in doc["grant_types_supported"]


def test_device_authorization_answers_with_the_codes_and_the_verification_page(provider: RunningProvider) -> None:
    before = provider.stats()["device_authorizations"]
    answer = start(provider)

    assert answer.status_code == 200 and answer.headers["Cache-Control"] == "no-store"
    data = answer.json()
    assert USER_CODE.match(data["user_code"]) and len(data["device_code"]) >= 20
    assert data["verification_uri"] == provider.url_for("/device")
    assert data["verification_uri_complete"] == provider.url_for(f"/device?user_code={data['user_code']}")
    assert (data["expires_in"], data["interval"], data["scope"]) == (600, 5, "openid profile")
    assert provider.stats()["device_authorizations"] == before + 1


def test_a_confidential_client_may_authenticate_with_basic_alone(provider: RunningProvider) -> None:
    assert start(provider, auth=CONFIDENTIAL).status_code == 200


def test_a_wrong_client_secret_is_refused(provider: RunningProvider) -> None:
    answer = start(provider, auth=("demo-client", "wrong"))

    assert answer.status_code == 401 and answer.json()["error"] == "invalid_client"


def test_an_unknown_scope_is_refused(provider: RunningProvider) -> None:
    answer = start(provider, scope="openid admin")

    assert answer.status_code == 400 and answer.json()["error"] == "invalid_scope"


def test_a_client_not_allowed_the_device_grant_is_refused() -> None:
    web_only = OAuth2ClientConfig("web-only", "web-secret", grant_types=("authorization_code",))
    client = create_app(ProviderSettings(issuer="http://127.0.0.1:1").with_clients(web_only)).test_client()

    answer = client.post("/device_authorization", data={"scope": "openid"}, auth=("web-only", "web-secret"))

    assert answer.status_code == 400 and answer.get_json()["error"] == "unauthorized_client"


def test_polling_before_the_user_decides_is_pending(provider: RunningProvider) -> None:
    answer = poll(provider, codes(provider)["device_code"])

    assert answer.status_code == 400 and answer.json()["error"] == "authorization_pending"


def test_polling_faster_than_the_interval_is_told_to_slow_down_and_the_interval_grows(
    provider: RunningProvider, provider_clock: Callable[[float], None]
) -> None:
    device_code = codes(provider)["device_code"]
    assert poll(provider, device_code).json()["error"] == "authorization_pending"
    provider_clock(4)
    assert poll(provider, device_code).json()["error"] == "slow_down"
    provider_clock(9)  # 5 s would do before, 10 s are needed now
    assert poll(provider, device_code).json()["error"] == "slow_down"
    provider_clock(15)
    assert poll(provider, device_code).json()["error"] == "authorization_pending"


def test_the_verification_page_fills_in_the_code_of_verification_uri_complete(provider: RunningProvider) -> None:
    data = codes(provider)

    page = requests.get(data["verification_uri_complete"])

    assert page.status_code == 200 and f'value="{data["user_code"]}"' in page.text


def test_the_code_may_be_typed_in_lower_case_without_the_dash(provider: RunningProvider) -> None:
    user_code = codes(provider, scope="openid email")["user_code"]

    consent = requests.post(provider.url_for("/device"), data={"user_code": user_code.replace("-", "").lower()})

    assert consent.status_code == 200 and "<code>email</code>" in consent.text
    assert form_action(consent.text) == f"/device?user_code={user_code}"


def test_an_unknown_code_is_refused_on_the_verification_page(provider: RunningProvider) -> None:
    page = requests.post(provider.url_for("/device"), data={"user_code": "BCDF-GHJK"})

    assert page.status_code == 400 and "unknown" in page.text


def test_an_approved_code_gives_one_token_with_an_id_token(provider: RunningProvider) -> None:
    data = codes(provider, scope="openid profile offline_access")
    assert "Device connected" in decide(provider, data["user_code"])

    answer = poll(provider, data["device_code"])

    assert answer.status_code == 200, answer.text
    token = answer.json()
    assert token["scope"] == "openid profile offline_access" and token["refresh_token"]
    claims = jwt.decode(token["id_token"], options={"verify_signature": False})
    assert (claims["sub"], claims["aud"], claims["iss"]) == ("alice", "demo-public", provider.url)
    assert claims["name"] == "Alice Liddell" and "nonce" not in claims
    assert poll(provider, data["device_code"]).json()["error"] == "invalid_grant"  # used once
    decided_again = requests.post(provider.url_for("/device"), data={"user_code": data["user_code"]})
    assert decided_again.status_code == 400


def test_a_denied_code_answers_access_denied(provider: RunningProvider) -> None:
    data = codes(provider)
    assert "Access denied" in decide(provider, data["user_code"], decision="deny")

    answer = poll(provider, data["device_code"])

    assert answer.status_code == 400 and answer.json()["error"] == "access_denied"


def test_an_expired_code_answers_expired_token_and_cannot_be_entered(
    provider: RunningProvider, provider_clock: Callable[[float], None]
) -> None:
    data = codes(provider)
    provider_clock(601)

    assert poll(provider, data["device_code"]).json()["error"] == "expired_token"
    assert requests.post(provider.url_for("/device"), data={"user_code": data["user_code"]}).status_code == 400


def test_only_the_client_the_code_was_issued_to_may_poll_it(provider: RunningProvider) -> None:
    data = codes(provider)
    decide(provider, data["user_code"])

    stolen = requests.post(provider.url_for("/token"), auth=CONFIDENTIAL,
                           data={"grant_type": GRANT_TYPE, "device_code": data["device_code"]})

    assert stolen.status_code == 400 and stolen.json()["error"] == "invalid_grant"
    assert poll(provider, data["device_code"]).status_code == 200
