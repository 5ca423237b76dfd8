"""Settings nothing reads (typos.py): warned once, at the user's ``register()`` line, naming the key meant."""

from __future__ import annotations

import sys
import warnings

import pytest
from flask import Flask

from flask_oauth_registry import ConfigurationWarning, OAuth


def test_unknown_keyword_warns_naming_it_and_the_accepted_keys(app: Flask) -> None:
    with pytest.warns(ConfigurationWarning, match=r"unknown setting 'clientid'.*client_id"):
        client = OAuth(app).register("prov", clientid="typo", api_base_url="https://x.test/")
    assert client.client_id is None


def test_unknown_client_kwargs_key_warns(app: Flask) -> None:
    with pytest.warns(ConfigurationWarning, match="unknown key 'scopes'"):
        OAuth(app).register("prov", client_kwargs={"scopes": "a"}, api_base_url="https://x.test/")


def _next_line() -> int:
    """The line after the caller's: where the call under test sits."""
    return sys._getframe(1).f_lineno + 1


def _recorded(caught: list[warnings.WarningMessage]) -> list[tuple[str, int, str]]:
    return [(w.filename, w.lineno, str(w.message)) for w in caught if issubclass(w.category, ConfigurationWarning)]


def test_unknown_keyword_warning_is_short_suggests_the_closest_key_and_points_at_register(app: Flask) -> None:
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        line = _next_line()
        OAuth(app).register("google", scpoe="openid", client_id="a", client_secret="s")
    [(filename, lineno, message)] = _recorded(caught)
    assert (filename, lineno) == (__file__, line)
    assert message.startswith("register('google'): ignoring unknown setting 'scpoe'; did you mean 'scope'? See ")
    assert "configuration" in message and len(message) < 200


def test_unknown_keyword_without_a_close_key_still_points_to_the_accepted_settings(app: Flask) -> None:
    with pytest.warns(ConfigurationWarning, match=r"unknown setting 'xyzzy'\. See docs/configuration\.rst") as record:
        OAuth(app).register("prov", xyzzy=1, api_base_url="https://x.test/")
    assert "did you mean" not in str(record[0].message)


def test_unknown_keyword_warns_at_register_line_without_an_app_too() -> None:
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        line = _next_line()
        OAuth().register("prov", clientid="a", api_base_url="https://x.test/")
    assert [(f, n) for f, n, _ in _recorded(caught)] == [(__file__, line)]


def test_unknown_client_kwargs_key_warning_suggests_the_closest_and_points_at_register(app: Flask) -> None:
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        line = _next_line()
        OAuth(app).register("prov", client_kwargs={"timout": 3}, api_base_url="https://x.test/")
    [(filename, lineno, message)] = _recorded(caught)
    assert (filename, lineno) == (__file__, line)
    assert message.startswith("PROV_CLIENT_KWARGS: ignoring unknown key 'timout'; did you mean 'timeout'? See ")
    assert len(message) < 200


def test_unknown_client_kwargs_key_from_flask_config_points_at_register(app: Flask) -> None:
    app.config["PROV_CLIENT_KWARGS"] = {"scopes": "read"}
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        line = _next_line()
        OAuth(app).register("prov", api_base_url="https://x.test/")
    [(filename, lineno, message)] = _recorded(caught)
    assert (filename, lineno) == (__file__, line)
    assert "PROV_CLIENT_KWARGS: ignoring unknown key 'scopes'; did you mean 'scope'?" in message


def test_misspelled_config_key_warns_at_register_naming_the_key_it_resembles(app: Flask) -> None:
    app.config.update(GOOGLE_CLIENT_ID="id", GOOGLE_CLIENT_SECERT="s")
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        line = _next_line()
        client = OAuth(app).register("google")
    [(filename, lineno, message)] = _recorded(caught)
    assert (filename, lineno) == (__file__, line)
    assert message.startswith(
        "Flask config key GOOGLE_CLIENT_SECERT is ignored by register('google'); did you mean GOOGLE_CLIENT_SECRET?"
    )
    assert client.client_secret is None
    assert "'s'" not in message  # the value (a secret) is never shown


def test_misspelled_config_key_warns_once_per_app_when_first_built_without_an_app(app: Flask) -> None:
    other = Flask("other")
    app.config["PROV_CLIENTID"] = "a"
    other.config["PROV_CLIENT_KWARG"] = {"scope": "x"}
    oauth = OAuth()
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        oauth.register("prov", api_base_url="https://x.test/")  # no app yet: nothing to check
        assert _recorded(caught) == []
        oauth.init_app(app)
        oauth.init_app(other)
        with app.app_context():
            line = _next_line()
            _ = oauth.prov.api_base_url
            _ = oauth.prov.api_base_url
        oauth.register("prov", api_base_url="https://y.test/")  # rebuilt on next use, not checked again
        with app.app_context():
            assert oauth.prov.api_base_url == "https://y.test/"
        with other.app_context():
            _ = oauth.prov.api_base_url
    first, second = _recorded(caught)
    assert first[:2] == (__file__, line) and "PROV_CLIENTID is ignored" in first[2] and "PROV_CLIENT_ID?" in first[2]
    assert "PROV_CLIENT_KWARG is ignored" in second[2] and "did you mean PROV_CLIENT_KWARGS?" in second[2]


def test_keys_of_another_app_with_a_longer_name_are_not_typos(app: Flask) -> None:
    app.config.update(
        GOOGLE_CLIENT_ID="a", GOOGLE_CLIENT_SECRET="b",
        GOOGLE_WORK_CLIENT_ID="c", GOOGLE_WORK_CLIENT_SECERT="d",
    )
    oauth = OAuth(app)
    with pytest.warns(ConfigurationWarning) as record:
        oauth.register("google")  # before google_work is registered
        oauth.register("google_work", provider="google")
    assert [str(w.message).split(";")[0] for w in record] == [
        "Flask config key GOOGLE_WORK_CLIENT_SECERT is ignored by register('google_work')"
    ]


def test_keys_that_only_share_the_prefix_do_not_warn(app: Flask) -> None:
    app.config.update(
        CACHE_TYPE="SimpleCache", CACHE_DEFAULT_TIMEOUT=300, CACHE_REDIS_URL="redis://",
        TWITTER_ACCESS_TOKEN="bot-token", TWITTER_ACCESS_TOKEN_SECRET="bot-secret", TWITTER_BEARER_TOKEN="b",
        JWT_ACCESS_TOKEN_EXPIRES=60, JWT_REFRESH_TOKEN_EXPIRES=600, JWT_SECRET_KEY="k",
    )
    oauth = OAuth(app)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        oauth.register("cache", api_base_url="https://x.test/")
        oauth.register("twitter", client_id="k", client_secret="s")
        oauth.register("jwt", api_base_url="https://x.test/")


def test_ignored_setting_warns_once_per_registration_and_again_when_registered_again(app: Flask) -> None:
    oauth = OAuth()
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        oauth.register("prov", clientid="a", api_base_url="https://x.test/")
        oauth.init_app(app)
        with app.app_context():
            _ = oauth.prov.api_base_url  # built now: the registration's problem is not reported again
        oauth.register("prov", clientid="b", api_base_url="https://y.test/")
    messages = [message for _, _, message in _recorded(caught)]
    assert len(messages) == 2 and all("unknown setting 'clientid'" in m for m in messages)
