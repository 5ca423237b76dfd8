"""The façade's extra flow data: ``save_authorize_data(**extra)`` kept with the state, returned once at the callback."""

from __future__ import annotations

from typing import Any

import pytest
from flask import Flask, jsonify

from flask_oauth_registry import MismatchingStateError, OAuth
from tests.views.support import GrantingProvider, register_prov

CALLBACK = "http://client.test/cb"


@pytest.fixture
def web(app: Flask, provider: GrantingProvider) -> Any:
    oauth = OAuth(app)
    client = register_prov(oauth)

    @app.route("/start")
    def start() -> Any:
        result = client.create_authorization_url(CALLBACK)
        client.save_authorize_data(redirect_uri=CALLBACK, **result, next="/after", scopes=["a", "b"])
        return jsonify(url=result["url"])

    @app.route("/cb")
    def cb() -> Any:
        token, data = client.authorize_access_token_with_data()
        return jsonify(sub=token["userinfo"]["sub"], data=data)

    @app.route("/cb-authlib")
    def cb_authlib() -> Any:
        return jsonify(keys=sorted(client.authorize_access_token()))

    return app.test_client()


def test_extra_data_saved_with_the_state_comes_back_with_the_token(web: Any, provider: GrantingProvider) -> None:
    url = web.get("/start").get_json()["url"]
    assert "after" not in url
    answer = web.get("/cb", query_string=provider.authorize(url)).get_json()
    assert answer == {"sub": "user-248289761001", "data": {"next": "/after", "scopes": ["a", "b"]}}


def test_authorize_access_token_still_returns_only_the_token(web: Any, provider: GrantingProvider) -> None:
    url = web.get("/start").get_json()["url"]
    keys = web.get("/cb-authlib", query_string=provider.authorize(url)).get_json()["keys"]
    assert "access_token" in keys and "next" not in keys and "extra" not in keys


def test_extra_data_is_popped_with_the_state_once(web: Any, provider: GrantingProvider) -> None:
    callback = provider.authorize(web.get("/start").get_json()["url"])
    assert web.get("/cb", query_string=callback).status_code == 200
    with pytest.raises(MismatchingStateError):
        web.get("/cb", query_string=callback)
