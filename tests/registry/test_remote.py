"""``RemoteApp`` (remote.py): what OAuth 1 and OAuth 2 apps share: API URLs and the token an API call uses."""

from __future__ import annotations

import pytest
import requests_mock as rm
from flask import Flask, g

from flask_oauth_registry import MissingTokenError, OAuth, OAuthError, UnsafeRequestUrlError
from flask_oauth_registry.registry.remote import join_api_url
from tests.fakes.manual import API

# -- API URLs: joined onto api_base_url, never leaving its host ------------------------------------


def test_relative_url_joins_api_base_url_and_bearer_header_is_sent(app: Flask, prov) -> None:
    with rm.Mocker() as m, app.test_request_context("/"):
        m.get(API + "user", json={"id": 1})
        resp = prov.get("user", token={"access_token": "at", "token_type": "bearer"})
        assert resp.json() == {"id": 1}
        assert m.last_request.headers["Authorization"] == "Bearer at"


def test_absolute_url_is_not_joined(app: Flask, prov) -> None:
    with rm.Mocker() as m, app.test_request_context("/"):
        m.get("https://other.test/x", text="ok")
        assert prov.get("https://other.test/x", token={"access_token": "at"}).text == "ok"


@pytest.mark.parametrize(
    "url",
    ["//other-host/path", "\\\\other-host/path", "/\\other-host", "https:other-host/path", " //other-host/path",
     "\t//other-host/path", "//[::1"],
)
def test_relative_url_that_would_leave_the_api_host_is_refused_and_no_token_is_sent(
    app: Flask, prov, url: str
) -> None:
    with rm.Mocker() as m, app.test_request_context("/"):
        m.register_uri(rm.ANY, rm.ANY, text="should not be reached")
        with pytest.raises(UnsafeRequestUrlError) as caught:
            prov.get(url, token={"access_token": "at-SECRET"})
        assert m.request_history == []
    assert caught.value.error == "invalid_request_url"
    assert isinstance(caught.value, OAuthError) and isinstance(caught.value, ValueError)
    assert "at-SECRET" not in str(caught.value) and "other-host" not in str(caught.value)


@pytest.mark.parametrize(
    ("url", "sent_to"),
    [("/user", "https://api.prov.test/user"), ("user", API + "user"), ("user?q=1", API + "user?q=1"),
     ("https://other.test/x", "https://other.test/x")],
)
def test_relative_paths_and_explicit_absolute_urls_are_sent_as_before(
    app: Flask, prov, url: str, sent_to: str
) -> None:
    with rm.Mocker() as m, app.test_request_context("/"):
        m.get(sent_to, text="ok")
        assert prov.get(url, token={"access_token": "at"}).text == "ok"
        assert m.last_request.url == sent_to
        assert m.last_request.headers["Authorization"] == "Bearer at"


@pytest.mark.parametrize(
    ("base", "url", "joined"),
    [
        pytest.param("https://api.test/v1/", "user", "https://api.test/v1/user", id="path-under-the-base"),
        pytest.param("https://api.test/v1/", "/user", "https://api.test/user", id="absolute-path-on-the-origin"),
        pytest.param("https://api.test/v1", "user", "https://api.test/user", id="base-without-slash-is-a-file"),
        pytest.param("https://api.test/v1/", "../v2/user", "https://api.test/v2/user", id="dot-dot-on-the-origin"),
        pytest.param("https://api.test/v1/", "user?q=a b", "https://api.test/v1/user?q=a b", id="query-kept"),
        pytest.param("https://api.test/v1/", "user#top", "https://api.test/v1/user#top", id="fragment-kept"),
        pytest.param("https://api.test/v1/", "", "https://api.test/v1/", id="empty-is-the-base"),
        pytest.param("https://api.test/v1/", "https://other.test/x", "https://other.test/x", id="explicit-https"),
        pytest.param("https://api.test/v1/", "HTTP://other.test/x", "HTTP://other.test/x", id="explicit-http-any-case"),
    ],
)
def test_join_api_url_joins_like_urljoin_on_the_bases_origin(base: str, url: str, joined: str) -> None:
    assert join_api_url(base, url) == joined


@pytest.mark.parametrize(
    "url",
    ["//other.test/x", "\\\\other.test/x", "/\\other.test", "https:other.test/x", "ftp://other.test/x",
     "javascript:alert(1)", "//[::1"],
    ids=["scheme-relative", "backslashes", "slash-backslash", "scheme-without-slashes", "other-scheme",
         "javascript", "invalid-ipv6-host"],
)
def test_join_api_url_refuses_a_relative_url_that_would_leave_the_base_origin(url: str) -> None:
    with pytest.raises(UnsafeRequestUrlError):
        join_api_url("https://api.test/v1/", url)


# -- the token an API call uses --------------------------------------------------------------------


def test_withhold_token_sends_no_token(app: Flask, prov) -> None:
    with rm.Mocker() as m, app.test_request_context("/"):
        m.get(API + "public", text="ok")
        prov.get("public", withhold_token=True)
        assert "Authorization" not in m.last_request.headers


def test_no_token_anywhere_is_missing_token_error(app: Flask, prov) -> None:
    with app.test_request_context("/"), pytest.raises(MissingTokenError):
        prov.get("user")


def test_token_comes_from_g_then_fetch_token(app: Flask) -> None:
    calls: list[str] = []

    def fetch_token(name: str) -> dict:
        calls.append(name)
        return {"access_token": "stored", "token_type": "Bearer"}

    client = OAuth(app, fetch_token=fetch_token).register("prov", api_base_url=API)
    with rm.Mocker() as m, app.test_request_context("/"):
        m.get(API + "u", text="ok")
        client.get("u")
        client.get("u")
        assert m.last_request.headers["Authorization"] == "Bearer stored"
        assert calls == ["prov"]  # cached on g for the rest of the request
        g._oauth_token_prov = {"access_token": "from-g"}
        client.get("u")
        assert m.last_request.headers["Authorization"] == "Bearer from-g"
