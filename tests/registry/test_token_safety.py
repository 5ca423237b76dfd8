"""Tokens and secrets stay where they belong: not on another host, not in a repr()."""

from __future__ import annotations

import json
import pickle
import time
from typing import Any

import pytest
import requests_mock as rm
from flask import Flask, g, session

from flask_oauth_registry import OAuth, OAuthError, UnsafeRequestUrlError
from flask_oauth_registry.registry.tokens import OAuth2Token

TOKEN_URL = "https://prov.test/token"
API = "https://api.prov.test/v1/"
SECRETS = ("at-SECRET", "rt-SECRET", "idt-SECRET")


@pytest.fixture
def prov(app: Flask):
    return OAuth(app).register(
        "prov", client_id="cid", client_secret="csecret", access_token_url=TOKEN_URL,
        authorize_url="https://prov.test/authorize", api_base_url=API,
    )


def issued_token() -> dict[str, Any]:
    return {"access_token": "at-SECRET", "refresh_token": "rt-SECRET", "id_token": "idt-SECRET",
            "token_type": "Bearer", "expires_in": 3600, "scope": "read"}


# -- API URLs that would leave the api_base_url's host ------------------------------------------


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


# -- tokens: a dict whose repr() hides the credentials ---------------------------------------------


def test_token_repr_masks_access_refresh_and_id_tokens(app: Flask, prov) -> None:
    with rm.Mocker() as m, app.test_request_context("/"):
        m.post(TOKEN_URL, json=issued_token())
        token = prov.fetch_access_token()
    assert isinstance(token, OAuth2Token)
    for shown in (repr(token), str(token), f"{token}", repr([token])):
        assert not any(secret in shown for secret in SECRETS)
        assert "'access_token': '***'" in shown and "'scope': 'read'" in shown


def test_masked_token_is_still_a_plain_dict_for_equality_json_pickle_and_the_session(app: Flask, prov) -> None:
    with rm.Mocker() as m, app.test_request_context("/"):
        m.post(TOKEN_URL, json=issued_token())
        token = prov.fetch_access_token()
        plain = dict(token)
        assert token == plain and plain == token
        assert json.loads(json.dumps(token)) == plain
        assert token["access_token"] == "at-SECRET"
        restored = pickle.loads(pickle.dumps(token))
        assert restored == plain and isinstance(restored, OAuth2Token)
        session["token"] = token
        serializer = app.session_interface.get_signing_serializer(app)  # type: ignore[attr-defined]
        assert serializer.loads(serializer.dumps(dict(session)))["token"] == plain


def test_refreshed_token_on_g_and_given_to_update_token_is_masked(app: Flask) -> None:
    received: list[Any] = []
    client = OAuth(app).register(
        "prov", client_id="cid", client_secret="csecret", access_token_url=TOKEN_URL,
        authorize_url="https://prov.test/authorize", api_base_url=API,
        update_token=lambda token, refresh_token=None, access_token=None: received.append(token),
    )
    expired = {"access_token": "old-at", "refresh_token": "rt-SECRET", "token_type": "Bearer",
               "expires_at": int(time.time()) - 10}
    with rm.Mocker() as m, app.test_request_context("/"):
        m.post(TOKEN_URL, json=issued_token())
        m.get(API + "u", text="ok")
        g._oauth_token_prov = expired
        client.get("u")
        on_g = client.token
        assert isinstance(on_g, OAuth2Token) and on_g["access_token"] == "at-SECRET"
        assert not any(secret in repr(on_g) for secret in SECRETS)
    [given] = received
    assert isinstance(given, OAuth2Token) and given["access_token"] == "at-SECRET"
    assert not any(secret in repr(given) for secret in SECRETS)


def test_token_from_fetch_token_is_kept_on_g_as_a_masked_token(app: Flask) -> None:
    client = OAuth(app).register("prov", api_base_url=API, fetch_token=lambda: {"access_token": "at-SECRET"})
    with app.test_request_context("/"):
        token = client.token
        assert isinstance(token, OAuth2Token) and token == {"access_token": "at-SECRET"}
        assert "at-SECRET" not in repr(token)


# -- configuration: the client secret and private keys stay out of repr() --------------------------


def test_client_config_repr_hides_the_client_secret_and_private_keys(app: Flask) -> None:
    client = OAuth(app).register(
        "prov", client_id="cid", client_secret="cs-SECRET", access_token_url=TOKEN_URL,
        authorize_url="https://prov.test/authorize",
        client_kwargs={"private_key": "pk-SECRET", "token_endpoint_auth_method": "private_key_jwt", "scope": "read"},
    )
    shown = repr(client.config)
    assert "cs-SECRET" not in shown and "pk-SECRET" not in shown
    assert "client_secret='***'" in shown and "'private_key': '***'" in shown
    assert "client_id='cid'" in shown and "'scope': 'read'" in shown
    assert client.config.client_secret == "cs-SECRET"  # only the repr is masked
