"""Hostile callback requests: whatever arrives at the callback, the app answers a redirect or a 400.

Hypothesis builds the query string (or the form body) from the real ``state``,
``code`` and ``iss`` mixed with arbitrary keys, values and raw bytes.  With
``TESTING`` on, any exception other than an ``OAuthError`` (which the app's
error handler renders as 400) propagates and fails the test; a 500 fails it too.
"""

from __future__ import annotations

import enum
from collections.abc import Iterator
from typing import Any
from urllib.parse import quote_from_bytes, urlencode

import pytest
from flask import Flask
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from tests.faults.hostile import (
    CLIENT_ID,
    CLIENT_SECRET,
    METADATA_URL,
    Flow,
    hostile_provider,
    quickstart_app,
)
from tests.scaleout.client_app import make_client_app


class Real(enum.Enum):
    """Placeholders for the values only known once the login has started."""

    STATE = "state"
    CODE = "code"
    ISS = "iss"


KNOWN_KEYS = ["state", "code", "iss", "error", "error_description", "error_uri", "session_state", "response_mode"]
keys = st.sampled_from(KNOWN_KEYS) | st.text(min_size=1, max_size=12)
values = st.sampled_from(list(Real)) | st.text(max_size=120) | st.sampled_from(["", " ", "\x00", "access_denied"])
pairs = st.lists(st.tuples(keys, values), max_size=8)
HOSTILE = settings(max_examples=120, deadline=None, database=None, suppress_health_check=[HealthCheck.too_slow])


def resolve(pairs: list[tuple[str, Any]], flow: Flow) -> list[tuple[str, str]]:
    """Put the real values in; the real code only under the ``code`` key (elsewhere it would be echoed)."""
    real = {Real.STATE: flow.state, Real.CODE: flow.code, Real.ISS: "https://op.hostile.test"}
    resolved = []
    for key, value in pairs:
        if isinstance(value, Real):
            value = real[value] if (value is not Real.CODE or key == "code") else "not-the-code"
        resolved.append((key, value))
    return resolved


@pytest.fixture(scope="module")
def quickstart() -> Flask:
    return quickstart_app()


@pytest.fixture(scope="module")
def form_post_app() -> Flask:
    """A minimal app whose callback also takes ``response_mode=form_post`` (the quickstart's is GET only)."""
    app, _ = make_client_app(client_id=CLIENT_ID, client_secret=CLIENT_SECRET, server_metadata_url=METADATA_URL)
    app.testing = True
    return app


@pytest.fixture(scope="module", autouse=True)
def provider() -> Iterator[Any]:
    with hostile_provider() as running:
        yield running


def start(app: Flask, provider: Any, begin: bool) -> tuple[Any, Flow]:
    client = app.test_client()
    if not begin:
        return client, Flow("no-login", "", "/auth" if "quickstart" in app.name else "/callback")
    redirect = client.get("/login")
    assert redirect.status_code == 302, redirect.get_data(as_text=True)
    provider.flow = Flow.from_redirect(redirect.headers["Location"])
    return client, provider.flow


def check(response: Any, flow: Flow) -> None:
    assert response.status_code in (200, 302, 400), response.status_code
    event(f"HTTP {response.status_code}")
    body = response.get_data(as_text=True)
    for secret in flow.secrets():
        assert secret not in body


@HOSTILE
@given(params=pairs, begin=st.booleans())
def test_hostile_callback_query_on_the_quickstart(quickstart: Flask, provider: Any, params: list, begin: bool) -> None:
    client, flow = start(quickstart, provider, begin)
    response = client.get(flow.callback_path, query_string=urlencode(resolve(params, flow)))
    check(response, flow)


@HOSTILE
@given(raw=st.binary(max_size=300), with_state=st.booleans())
def test_raw_query_bytes_on_the_quickstart(quickstart: Flask, provider: Any, raw: bytes, with_state: bool) -> None:
    client, flow = start(quickstart, provider, True)
    query = quote_from_bytes(raw, safe="=&;%+")
    if with_state:
        query = f"state={flow.state}&code={flow.code}&" + query
    response = client.get(flow.callback_path + "?" + query)
    check(response, flow)


@HOSTILE
@given(params=pairs, begin=st.booleans(), also_query=st.booleans())
def test_hostile_form_post_callback(form_post_app: Flask, provider: Any, params: list, begin: bool,
                                   also_query: bool) -> None:
    client, flow = start(form_post_app, provider, begin)
    resolved = resolve(params, flow)
    query = urlencode([("state", flow.state)]) if also_query else ""
    response = client.post(flow.callback_path, query_string=query, data=urlencode(resolved),
                           content_type="application/x-www-form-urlencoded")
    check(response, flow)


def test_a_login_with_the_real_values_succeeds(quickstart: Flask, provider: Any) -> None:
    """The attack surface above is the real one: with the real values the same app logs in."""
    client, flow = start(quickstart, provider, True)
    response = client.get(flow.callback_path, query_string=flow.callback_query())
    assert response.status_code == 302 and response.headers["Location"] == "/"


def test_a_non_ascii_iss_in_the_callback_is_a_400(quickstart: Flask, provider: Any) -> None:
    client, flow = start(quickstart, provider, True)
    response = client.get(flow.callback_path, query_string={**flow.callback_query(), "iss": "https://op.hostile.tést"})
    assert response.status_code == 400
