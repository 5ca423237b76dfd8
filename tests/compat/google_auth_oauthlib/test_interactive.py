"""compat.google_auth_oauthlib.interactive: get_user_credentials and the open-port search."""

from __future__ import annotations

import socket
from collections.abc import Iterator
from urllib.parse import parse_qs, urlsplit

import pytest
import requests_mock

from flask_oauth_registry.compat import google_auth_oauthlib
from flask_oauth_registry.compat.google_auth_oauthlib import interactive

from .conftest import AUTH_URI, CLIENT_ID, CLIENT_SECRET, TOKEN_URI, ConsentingBrowser


@pytest.fixture
def busy_port() -> Iterator[int]:
    """A localhost port something else listens on."""
    with socket.socket() as listener:
        listener.bind(("localhost", 0))
        listener.listen()
        yield int(listener.getsockname()[1])


def test_a_busy_port_is_not_open_and_the_search_moves_past_it(busy_port: int) -> None:
    assert not interactive.is_port_open(busy_port)
    found = interactive.find_open_port(start=busy_port, stop=busy_port + 50)
    assert found is not None and found != busy_port and interactive.is_port_open(found)


def test_no_open_port_in_the_range_is_none_and_get_user_credentials_says_so(busy_port: int) -> None:
    assert interactive.find_open_port(start=busy_port, stop=busy_port + 1) is None
    with pytest.raises(ConnectionError, match="Could not find open port."):
        interactive.get_user_credentials(["email"], CLIENT_ID, CLIENT_SECRET, minimum_port=busy_port,
                                         maximum_port=busy_port + 1)


def test_get_user_credentials_logs_in_at_googles_endpoints(
    google_endpoints: requests_mock.Mocker, default_browser, busy_port: int
) -> None:
    browser = default_browser(ConsentingBrowser())

    credentials = google_auth_oauthlib.get_user_credentials(
        ["https://www.googleapis.com/auth/bigquery"], CLIENT_ID, CLIENT_SECRET, minimum_port=busy_port,
    )
    browser.finish()

    assert credentials.token == "ya29.access" and credentials.refresh_token == "1//refresh"
    (url,) = browser.opened
    assert url.startswith(AUTH_URI + "?")
    redirect = urlsplit(parse_qs(urlsplit(url).query)["redirect_uri"][0])
    assert redirect.hostname == "localhost" and redirect.port is not None and redirect.port > busy_port
    assert any(request.url == TOKEN_URI for request in google_endpoints.request_history)
