"""``transport``: the httplib2 contract, and the requests-backed HTTP object used when none is given."""

from __future__ import annotations

import pytest
import requests_mock as rm

from flask_oauth_registry import TransportError
from flask_oauth_registry.compat.oauth2client import client, transport

from .support import API_URL, FakeHttp


def test_the_default_http_object_answers_like_httplib2(requests_mock: rm.Mocker) -> None:
    requests_mock.post(API_URL, status_code=201, headers={"Content-Type": "application/json", "X-Thing": "1"},
                       content=b'{"id": 1}')
    http = transport.get_http_object(timeout=5)

    response, content = http.request(API_URL, method="POST", body=b"{}", headers={b"content-type": b"application/json"})

    assert response.status == 201 and response["status"] == "201"
    assert response["content-type"] == "application/json" and response["x-thing"] == "1"
    assert content == b'{"id": 1}'
    assert requests_mock.last_request.headers["content-type"] == "application/json"


def test_authorize_without_http_uses_the_pooled_session(requests_mock: rm.Mocker) -> None:
    requests_mock.get(API_URL, json={})
    credentials = client.AccessTokenCredentials("ya29.bare", "app/1.0")

    response, _ = credentials.authorize().request(API_URL)

    assert response.status == 200
    assert requests_mock.last_request.headers["Authorization"] == "Bearer ya29.bare"
    assert requests_mock.last_request.headers["User-Agent"].startswith("app/1.0")


def test_a_connection_failure_is_a_transport_error_without_the_query(requests_mock: rm.Mocker) -> None:
    import requests

    requests_mock.get(API_URL, exc=requests.ConnectionError("refused"))

    with pytest.raises(TransportError) as caught:
        transport.get_http_object().request(API_URL + "?access_token=ya29.leak")

    assert "ya29.leak" not in str(caught.value) and "www.googleapis.com" in str(caught.value)


def test_request_accepts_an_object_or_a_bare_callable() -> None:
    http = FakeHttp(script=[(200, b"a"), (200, b"b")])

    assert transport.request(http, API_URL)[1] == b"a"
    assert transport.request(http.request, API_URL, method="DELETE")[1] == b"b"
    assert http.sent[1].method == "DELETE"


def test_clean_headers_gives_ascii_bytes() -> None:
    assert transport.clean_headers({"a": 1, b"b": b"2"}) == {b"a": b"1", b"b": b"2"}
    with pytest.raises(client.NonAsciiHeaderError):
        transport.clean_headers({"a": "\u00e9"})


def test_memory_cache_and_constants() -> None:
    cache = transport.MemoryCache()
    cache.set("k", b"v")
    assert cache.get("k") == b"v"
    cache.delete("k")
    assert cache.get("k") is None
    assert transport.REFRESH_STATUS_CODES == (401,) and client.REFRESH_STATUS_CODES == (401,)
    assert transport.get_cached_http() is transport.get_cached_http()
