"""The device authorization grant (flows/device.py): against the development provider, then by hand with requests-mock.

The development provider plays the whole flow: the device asks for codes, a user
(a ``requests.Session``) enters the code on the verification page and answers the
consent page, the device polls.  What that provider does not easily produce
(``slow_down`` sequences, expiry, broken answers) is answered by hand.  Polling
never sleeps for real: the tests pass a ``sleep`` that moves a fake clock.
"""

from __future__ import annotations

import html
import json
import re
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qs, urljoin

import pytest
import requests
from flask import Flask

from flask_oauth_registry import (
    BadResponseError,
    ConfigurationError,
    InvalidIdTokenError,
    InvalidTokenError,
    LoginTimeoutError,
    OAuth,
    ProviderError,
)
from flask_oauth_registry.devprovider import (
    DEMO_CLIENT_ID,
    DEMO_CLIENT_SECRET,
    DEMO_PUBLIC_CLIENT_ID,
    RunningProvider,
    serve,
)
from flask_oauth_registry.flows.device import DeviceAuthorization, next_interval, parse_device_authorization
from flask_oauth_registry.registry.answers import ProtocolAnswer
from tests.fakes.keys import rsa_key
from tests.fakes.manual import TOKEN_URL, register_app
from tests.fakes.oidc import CLIENT_ID, CLIENT_SECRET, DISCOVERY_URL, TOKEN_ENDPOINT, FakeOpenIDProvider

DEVICE_URL = "https://prov.test/device/code"
DEVICE_CODE = "GmRhmhcxhwAzkoEqiMEg_DnyEysNkuNhszIySk9eS"
GRANT_TYPE = "urn:ietf:params:oauth:grant-type:device_code"


@dataclass
class FakeTime:
    """The ``clock`` and ``sleep`` given to the poller: sleeping moves the clock, and is recorded."""

    now: float = field(default_factory=time.time)
    sleeps: list[float] = field(default_factory=list)

    def clock(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        self.now += seconds


@pytest.fixture
def fake_time() -> FakeTime:
    return FakeTime()


# -- against the development provider ---------------------------------------------------
@pytest.fixture(scope="module")
def provider() -> Iterator[RunningProvider]:
    with serve() as running:
        yield running


def dev_app(app: Flask, provider: RunningProvider, **settings: Any) -> Any:
    defaults: dict[str, Any] = {
        "client_id": DEMO_CLIENT_ID, "client_secret": DEMO_CLIENT_SECRET,
        "server_metadata_url": provider.metadata_url, "client_kwargs": {"scope": "openid profile email"},
    }
    return OAuth(app).register("dev", **{**defaults, **settings})


def answer_on_the_verification_page(flow: DeviceAuthorization, decision: str = "allow", username: str = "alice") -> str:
    """What the user does in their browser: open the link, confirm the code, sign in and decide; the last page."""
    with requests.Session() as browser:
        entry = browser.get(flow.verification_uri_complete or flow.verification_uri)
        assert entry.status_code == 200 and f'value="{flow.user_code}"' in entry.text
        consent = browser.post(flow.verification_uri, data={"user_code": flow.user_code})
        assert consent.status_code == 200, consent.text
        action = re.search(r'<form method="post" action="([^"]+)"', consent.text)
        assert action, "no consent form on the provider's page"
        done = browser.post(urljoin(flow.verification_uri, html.unescape(action.group(1))),
                            data={"username": username, "decision": decision})
        assert done.status_code == 200, done.text
        return done.text


def test_device_login_at_the_dev_provider_returns_a_token_with_a_validated_id_token(
    app: Flask, provider: RunningProvider, fake_time: FakeTime
) -> None:
    dev = dev_app(app, provider)
    flow = dev.start_device_authorization()
    assert flow.verification_uri == provider.url_for("/device")
    assert flow.interval == 5 and flow.expires_in == 600
    answer_on_the_verification_page(flow)

    token = dev.poll_device_token(flow, sleep=fake_time.sleep, clock=fake_time.clock)

    assert fake_time.sleeps == [5]  # one full interval before the first poll
    assert token["userinfo"]["sub"] == "alice"
    assert token["userinfo"]["iss"] == provider.url and token["userinfo"]["aud"] == DEMO_CLIENT_ID
    me = requests.get(provider.url_for("/api/me"), headers={"Authorization": f"Bearer {token['access_token']}"})
    assert me.json()["sub"] == "alice" and me.json()["client_id"] == DEMO_CLIENT_ID


def test_device_login_works_for_a_public_client(app: Flask, provider: RunningProvider, fake_time: FakeTime) -> None:
    dev = dev_app(app, provider, client_id=DEMO_PUBLIC_CLIENT_ID, client_secret=None,
                  client_kwargs={"scope": "profile api"})
    flow = dev.start_device_authorization()
    answer_on_the_verification_page(flow, username="bob")

    token = dev.poll_device_token(flow, sleep=fake_time.sleep, clock=fake_time.clock)

    assert "id_token" not in token and set(token["scope"].split()) == {"profile", "api"}
    me = requests.get(provider.url_for("/api/me"), headers={"Authorization": f"Bearer {token['access_token']}"})
    assert me.json()["sub"] == "bob"


def test_denied_device_login_ends_with_access_denied(
    app: Flask, provider: RunningProvider, fake_time: FakeTime
) -> None:
    dev = dev_app(app, provider)
    flow = dev.start_device_authorization()
    assert "Access denied" in answer_on_the_verification_page(flow, decision="deny")

    with pytest.raises(ProviderError) as caught:
        dev.poll_device_token(flow, sleep=fake_time.sleep, clock=fake_time.clock)
    assert caught.value.error == "access_denied" and caught.value.status_code == 400


def test_the_device_polls_until_the_user_allows(app: Flask, provider: RunningProvider, fake_time: FakeTime) -> None:
    dev = dev_app(app, provider)
    flow = dev.start_device_authorization()
    left: list[float] = []

    def user_answers_meanwhile(seconds_left: float) -> None:
        left.append(seconds_left)
        answer_on_the_verification_page(flow)

    token = dev.poll_device_token(flow, on_pending=user_answers_meanwhile, sleep=fake_time.sleep,
                                  clock=fake_time.clock)

    assert token["userinfo"]["sub"] == "alice"
    assert fake_time.sleeps == [5, 5] and left == [pytest.approx(595, abs=2)]


# -- against hand-written answers ---------------------------------------------------------
def device_answer(**overrides: Any) -> dict[str, Any]:
    """RFC 8628 3.2's example answer; an override of ``None`` removes the field."""
    answer: dict[str, Any] = {
        "device_code": DEVICE_CODE, "user_code": "WDJB-MJHT", "verification_uri": "https://example.com/device",
        "verification_uri_complete": "https://example.com/device?user_code=WDJB-MJHT",
        "expires_in": 1800, "interval": 5,
    }
    answer.update(overrides)
    return {k: v for k, v in answer.items() if v is not None}


def pending(error: str = "authorization_pending") -> dict[str, Any]:
    return {"status_code": 400, "json": {"error": error}}


def granted() -> dict[str, Any]:
    return {"json": {"access_token": "device-at", "token_type": "Bearer", "expires_in": 3600, "refresh_token": "rt"}}


@pytest.fixture
def prov(oauth: OAuth) -> Any:
    """A confidential OAuth 2 app (``cid`` / ``csecret``, Basic) with a static device authorization endpoint."""
    return register_app(oauth, device_authorization_endpoint=DEVICE_URL, client_kwargs={"scope": "read write"})


def test_device_request_authenticates_the_client_like_the_token_endpoint(prov: Any, requests_mock: Any) -> None:
    requests_mock.post(DEVICE_URL, json=device_answer())
    prov.start_device_authorization(audience="https://api.example")

    sent = requests_mock.last_request
    assert sent.headers["Authorization"].startswith("Basic ")
    assert parse_qs(sent.text) == {"client_id": ["cid"], "scope": ["read write"], "audience": ["https://api.example"]}


def test_each_poll_is_a_device_code_token_request(
    prov: Any, requests_mock: Any, fake_time: FakeTime
) -> None:
    requests_mock.post(DEVICE_URL, json=device_answer())
    flow = prov.start_device_authorization(scope="read")
    polls = requests_mock.post(TOKEN_URL, [pending(), granted()])

    token = prov.poll_device_token(flow, sleep=fake_time.sleep, clock=fake_time.clock)

    assert token["access_token"] == "device-at"
    assert [parse_qs(r.text) for r in polls.request_history] == [
        {"grant_type": [GRANT_TYPE], "device_code": [DEVICE_CODE]}
    ] * 2
    assert all(r.headers["Authorization"].startswith("Basic ") for r in polls.request_history)


def test_authorization_pending_keeps_the_interval_and_reports_the_time_left(
    prov: Any, requests_mock: Any, fake_time: FakeTime
) -> None:
    requests_mock.post(DEVICE_URL, json=device_answer(expires_in=60, interval=7))
    flow = prov.start_device_authorization()
    requests_mock.post(TOKEN_URL, [pending(), pending(), granted()])
    left: list[float] = []

    prov.poll_device_token(flow, on_pending=left.append, sleep=fake_time.sleep, clock=fake_time.clock)

    assert fake_time.sleeps == [7, 7, 7]
    assert left == [pytest.approx(53, abs=1), pytest.approx(46, abs=1)]


def test_slow_down_adds_five_seconds_to_every_later_poll(prov: Any, requests_mock: Any, fake_time: FakeTime) -> None:
    requests_mock.post(DEVICE_URL, json=device_answer())
    flow = prov.start_device_authorization()
    requests_mock.post(TOKEN_URL, [pending(), pending("slow_down"), pending(), pending("slow_down"), granted()])

    prov.poll_device_token(flow, sleep=fake_time.sleep, clock=fake_time.clock)

    assert fake_time.sleeps == [5, 5, 10, 10, 15]


def test_interval_defaults_to_five_seconds(prov: Any, requests_mock: Any, fake_time: FakeTime) -> None:
    requests_mock.post(DEVICE_URL, json=device_answer(interval=None))
    flow = prov.start_device_authorization()
    requests_mock.post(TOKEN_URL, [pending(), granted()])

    prov.poll_device_token(flow, sleep=fake_time.sleep, clock=fake_time.clock)

    assert flow.interval == 5 and fake_time.sleeps == [5, 5]


@pytest.mark.parametrize("error", ["expired_token", "access_denied", "invalid_grant"])
def test_a_final_error_answer_ends_polling_with_the_providers_code(
    prov: Any, requests_mock: Any, fake_time: FakeTime, error: str
) -> None:
    requests_mock.post(DEVICE_URL, json=device_answer())
    flow = prov.start_device_authorization()
    polls = requests_mock.post(TOKEN_URL, [pending(), pending(error), granted()])

    with pytest.raises(ProviderError) as caught:
        prov.poll_device_token(flow, sleep=fake_time.sleep, clock=fake_time.clock)

    assert caught.value.error == error and polls.call_count == 2


def test_polling_stops_by_itself_when_the_codes_expire(prov: Any, requests_mock: Any, fake_time: FakeTime) -> None:
    requests_mock.post(DEVICE_URL, json=device_answer(expires_in=12))
    flow = prov.start_device_authorization()
    polls = requests_mock.post(TOKEN_URL, **pending())

    with pytest.raises(ProviderError) as caught:
        prov.poll_device_token(flow, sleep=fake_time.sleep, clock=fake_time.clock)

    assert caught.value.error == "expired_token"
    assert polls.call_count == 2 and fake_time.sleeps == [5, 5, pytest.approx(2, abs=0.5)]  # none after expiry


def test_a_timeout_ends_polling_with_login_timeout_error(prov: Any, requests_mock: Any, fake_time: FakeTime) -> None:
    requests_mock.post(DEVICE_URL, json=device_answer())
    flow = prov.start_device_authorization()
    polls = requests_mock.post(TOKEN_URL, **pending())

    with pytest.raises(LoginTimeoutError):
        prov.poll_device_token(flow, timeout=12, sleep=fake_time.sleep, clock=fake_time.clock)

    assert polls.call_count == 2 and sum(fake_time.sleeps) == 12


def test_device_code_is_never_in_repr_or_str(prov: Any, requests_mock: Any) -> None:
    requests_mock.post(DEVICE_URL, json=device_answer())
    flow = prov.start_device_authorization()

    assert flow.device_code == DEVICE_CODE
    assert DEVICE_CODE not in repr(flow) and DEVICE_CODE not in str(flow) and DEVICE_CODE not in f"{flow}"
    assert "WDJB-MJHT" in repr(flow)


def test_googles_verification_url_is_read_as_the_verification_uri(prov: Any, requests_mock: Any) -> None:
    answer = device_answer(verification_uri=None, verification_uri_complete=None,
                           verification_url="https://www.google.com/device")
    requests_mock.post(DEVICE_URL, json=answer)

    flow = prov.start_device_authorization()

    assert flow.verification_uri == "https://www.google.com/device" and flow.verification_uri_complete is None


def test_an_error_answer_to_the_device_request_is_a_provider_error(prov: Any, requests_mock: Any) -> None:
    requests_mock.post(DEVICE_URL, status_code=401, json={"error": "invalid_client", "error_description": "who?"})

    with pytest.raises(ProviderError) as caught:
        prov.start_device_authorization()

    assert caught.value.error == "invalid_client" and caught.value.status_code == 401


@pytest.mark.parametrize(("status", "body"), [
    (200, "<html>maintenance</html>"),
    (200, json.dumps(["device_code"])),
    (502, "<html>bad gateway</html>"),
    (200, json.dumps(device_answer(device_code=None))),
    (200, json.dumps(device_answer(user_code=""))),
    (200, json.dumps(device_answer(user_code="WDJB\x1b[2J-MJHT"))),
    (200, json.dumps(device_answer(verification_uri="example.com/device"))),
    (200, json.dumps(device_answer(verification_uri=None))),
    (200, json.dumps(device_answer(expires_in=None))),
    (200, json.dumps(device_answer(expires_in=-1))),
    (200, json.dumps(device_answer(expires_in="soon"))),
    (200, json.dumps(device_answer(interval=0))),
    (200, json.dumps(device_answer(interval=True))),
])
def test_garbage_device_authorization_answers_are_bad_responses(
    prov: Any, requests_mock: Any, status: int, body: str
) -> None:
    requests_mock.post(DEVICE_URL, status_code=status, text=body)

    with pytest.raises(BadResponseError) as caught:
        prov.start_device_authorization()

    assert DEVICE_CODE not in str(caught.value)


def test_numeric_strings_and_fractions_are_read_as_whole_seconds() -> None:
    body = json.dumps(device_answer(expires_in="900", interval=2.5)).encode()

    flow = parse_device_authorization(ProtocolAnswer(200, "application/json", body), "read", now=100.0)

    assert (flow.expires_in, flow.interval, flow.expires_at) == (900, 3, 1000.0)


def test_next_interval_grows_only_on_slow_down() -> None:
    assert next_interval(5, "authorization_pending") == 5
    assert next_interval(5, "slow_down") == 10
    assert next_interval(10, "slow_down") == 15


def test_an_app_without_a_device_endpoint_is_told_which_setting_to_add(oauth: OAuth) -> None:
    prov = register_app(oauth)

    with pytest.raises(ConfigurationError, match="device_authorization_endpoint"):
        prov.start_device_authorization()


# -- ID tokens of OpenID Connect device logins ----------------------------------------------
@pytest.fixture
def op(requests_mock: Any) -> FakeOpenIDProvider:
    return FakeOpenIDProvider(requests_mock, rsa_key("rsa-1"), metadata={"device_authorization_endpoint": DEVICE_URL})


@pytest.fixture
def rp_app(oauth: OAuth, op: FakeOpenIDProvider) -> Any:
    return oauth.register("op", client_id=CLIENT_ID, client_secret=CLIENT_SECRET, server_metadata_url=DISCOVERY_URL,
                          client_kwargs={"scope": "openid email"})


def test_the_device_endpoint_comes_from_discovery_and_must_be_a_url(
    oauth: OAuth, op: FakeOpenIDProvider, requests_mock: Any
) -> None:
    op.metadata["device_authorization_endpoint"] = "not a url"
    app = oauth.register("op", client_id=CLIENT_ID, client_secret=CLIENT_SECRET, server_metadata_url=DISCOVERY_URL)

    with pytest.raises(BadResponseError, match="device_authorization_endpoint"):
        app.start_device_authorization()


def test_an_openid_device_login_checks_the_id_token(
    rp_app: Any, op: FakeOpenIDProvider, requests_mock: Any, fake_time: FakeTime
) -> None:
    requests_mock.post(DEVICE_URL, json=device_answer())
    flow = rp_app.start_device_authorization()
    forged = op.sign_id_token(iss="https://evil.example.test")
    requests_mock.post(TOKEN_ENDPOINT, json={"access_token": "at", "token_type": "Bearer", "id_token": forged})

    with pytest.raises(InvalidIdTokenError) as caught:
        rp_app.poll_device_token(flow, sleep=fake_time.sleep, clock=fake_time.clock)
    assert caught.value.check == "iss"


def test_an_openid_device_login_without_an_id_token_is_refused(
    rp_app: Any, requests_mock: Any, fake_time: FakeTime
) -> None:
    requests_mock.post(DEVICE_URL, json=device_answer())
    flow = rp_app.start_device_authorization()
    requests_mock.post(TOKEN_ENDPOINT, json={"access_token": "at", "token_type": "Bearer"})

    with pytest.raises(InvalidTokenError, match="no id_token"):
        rp_app.poll_device_token(flow, sleep=fake_time.sleep, clock=fake_time.clock)


def test_a_device_login_without_openid_needs_no_id_token(
    rp_app: Any, requests_mock: Any, fake_time: FakeTime
) -> None:
    requests_mock.post(DEVICE_URL, json=device_answer())
    flow = rp_app.start_device_authorization(scope="email")
    requests_mock.post(TOKEN_ENDPOINT, json={"access_token": "at", "token_type": "Bearer"})

    token = rp_app.poll_device_token(flow, sleep=fake_time.sleep, clock=fake_time.clock)

    assert token["access_token"] == "at" and "userinfo" not in token
