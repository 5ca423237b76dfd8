"""``OAuth``, the Flask extension (extension.py): ``register``, ``create_client`` and attribute access,
``init_app`` and the registry-level callbacks, presets by name, and Authlib's ``client_cls``."""

from __future__ import annotations

import warnings
from typing import Any

import pytest
import requests
import requests_mock
import requests_mock as rm
from cachelib import SimpleCache
from flask import Flask

from flask_oauth_registry import (
    ConfigurationError,
    ConfigurationWarning,
    FlaskOAuth1App,
    FlaskOAuth2App,
    OAuth,
    RemoteApp,
)
from tests.fakes.manual import API, TOKEN_URL, expired_token, fresh_response, register_app

# -- registering and reaching remote apps ----------------------------------------------------------


def test_clients_are_reached_by_attribute_and_create_client(app: Flask) -> None:
    oauth = OAuth(app)
    oauth.register("prov", client_id="a", api_base_url="https://x.test/")
    assert oauth.prov is oauth.create_client("prov")
    assert oauth.create_client("other") is None
    with pytest.raises(AttributeError, match="no remote app named 'other'.*registered: prov"):
        _ = oauth.other


def test_registering_again_replaces_the_definition(app: Flask) -> None:
    oauth = OAuth(app)
    oauth.register("prov", client_id="old", api_base_url="https://x.test/")
    oauth.register("prov", client_id="new", api_base_url="https://x.test/")
    assert oauth.prov.client_id == "new"


def test_request_token_url_config_key_makes_an_oauth1_app(app: Flask) -> None:
    app.config.update(TW_CLIENT_ID="k", TW_CLIENT_SECRET="s", TW_REQUEST_TOKEN_URL="https://tw.test/request_token")
    client = OAuth(app).register("tw")
    assert client.config.request_token_url == "https://tw.test/request_token"
    assert client.config.is_oauth1
    assert not client.is_oauth2


def test_unknown_preset_is_a_configuration_error_naming_the_known_ones(app: Flask) -> None:
    with pytest.raises(ConfigurationError, match="no provider preset named 'nope'.*github"):
        OAuth(app).register("x", provider="nope")


# -- init_app --------------------------------------------------------------------------------------


def test_init_app_later_and_proxy_before_app(app: Flask) -> None:
    oauth = OAuth()
    proxy = oauth.register("prov", client_id="a", api_base_url="https://x.test/")
    oauth.init_app(app)
    with app.app_context():
        assert proxy.client_id == "a"
        assert oauth.prov.name == "prov"


def test_one_registry_on_two_apps_reads_each_apps_config(app: Flask) -> None:
    other = Flask("other")
    app.config["PROV_CLIENT_ID"] = "first"
    other.config["PROV_CLIENT_ID"] = "second"
    oauth = OAuth()
    oauth.init_app(app)
    oauth.init_app(other)
    oauth.register("prov", api_base_url="https://x.test/")
    with app.app_context():
        first = oauth.prov
    with other.app_context():
        second = oauth.prov
    assert (first.client_id, second.client_id) == ("first", "second")
    assert first is not second and first.session is not second.session


def test_registry_not_initialised_on_app_is_reported(app: Flask) -> None:
    oauth = OAuth()
    oauth.register("prov", client_id="a", api_base_url="https://x.test/")
    with app.app_context(), pytest.raises(RuntimeError, match="init_app"):
        _ = oauth.prov


def test_init_app_sets_cache_and_token_callbacks_on_the_registry() -> None:
    cache, fetch, update = SimpleCache(), (lambda name: None), (lambda name, token, **kw: None)
    oauth = OAuth()
    oauth.init_app(Flask("one"), cache=cache, fetch_token=fetch, update_token=update)
    assert (oauth.cache, oauth.fetch_token, oauth.update_token) == (cache, fetch, update)
    oauth.init_app(Flask("two"))
    assert (oauth.cache, oauth.fetch_token, oauth.update_token) == (cache, fetch, update)


def test_apps_initialised_with_different_callbacks_keep_their_own() -> None:
    oauth = OAuth()
    one, two = Flask("one"), Flask("two")
    oauth.init_app(one, fetch_token=lambda name: {"access_token": f"one-{name}"})
    oauth.init_app(two, fetch_token=lambda name: {"access_token": f"two-{name}"})
    oauth.register("api", api_base_url=API)
    with one.app_context():
        assert oauth.api.token == {"access_token": "one-api"}
    with two.app_context():
        assert oauth.api.token == {"access_token": "two-api"}


# -- registry-level and per-app token callbacks ----------------------------------------------------


def test_registry_level_update_token_gets_the_name(app: Flask) -> None:
    seen: list[tuple] = []
    oauth = OAuth(app, update_token=lambda name, token, refresh_token=None, access_token=None: seen.append(
        (name, token["access_token"], refresh_token)))
    client = oauth.register("prov", client_id="c", client_secret="s", access_token_url=TOKEN_URL, api_base_url=API,
                            authorize_url="https://prov.test/a")
    with rm.Mocker() as m, app.test_request_context("/"):
        m.post(TOKEN_URL, json=fresh_response())
        m.get(API + "u", text="ok")
        client.get("u", token=expired_token())
    assert seen == [("prov", "new-at-1", "old-rt")]


def test_per_app_fetch_token_wins_over_registry_level(app: Flask) -> None:
    oauth = OAuth(app, fetch_token=lambda name: {"access_token": "registry"})
    client = oauth.register("prov", api_base_url=API, fetch_token=lambda: {"access_token": "per-app"})
    with rm.Mocker() as m, app.test_request_context("/"):
        m.get(API + "u", text="ok")
        client.get("u")
        assert m.last_request.headers["Authorization"] == "Bearer per-app"


# -- client_cls: Authlib's app classes -------------------------------------------------------------


class ProfileApp(FlaskOAuth2App):
    OAUTH_APP_CONFIG = {"api_base_url": API, "client_kwargs": {"scope": "profile"}}

    def profile(self, **kwargs: Any) -> Any:
        return self.get("me", **kwargs).json()


def test_client_cls_builds_the_client_with_its_own_methods_and_defaults(
    app: Flask, oauth: OAuth, requests_mock: requests_mock.Mocker
) -> None:
    requests_mock.get(API + "me", json={"id": 7})
    with warnings.catch_warnings():
        warnings.simplefilter("error", ConfigurationWarning)
        client = oauth.register("prov", client_cls=ProfileApp, client_id="cid", access_token_url=TOKEN_URL)
    assert type(client) is ProfileApp
    assert (client.api_base_url, client.client_kwargs["scope"]) == (API, "profile")
    with app.test_request_context():
        assert client.profile(token={"access_token": "at", "token_type": "Bearer"}) == {"id": 7}
    assert requests_mock.last_request.headers["Authorization"] == "Bearer at"


@pytest.mark.parametrize("client_cls", [requests.Session, RemoteApp, "flask_oauth_registry.FlaskOAuth2App", len])
def test_client_cls_that_is_not_an_app_class_fails_naming_client_cls(oauth: OAuth, client_cls: Any) -> None:
    with pytest.raises(ConfigurationError, match="client_cls"):
        register_app(oauth, client_cls=client_cls)


def test_client_cls_of_the_other_protocol_fails_naming_client_cls(oauth: OAuth) -> None:
    with pytest.raises(ConfigurationError, match="client_cls OAuth1App does not fit"):
        register_app(oauth, client_cls=FlaskOAuth1App)
    with pytest.raises(ConfigurationError, match="client_cls ProfileApp does not fit"):
        register_app(oauth, client_cls=ProfileApp, request_token_url="https://provider.test/request_token")
