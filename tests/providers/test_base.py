"""The preset mechanism: options templated into settings, quirks as hooks, lazy lookup by name."""

from __future__ import annotations

import subprocess
import sys
from typing import Any

import pytest
import requests_mock as rm
from flask import Flask

from flask_oauth_registry import ConfigurationError, OAuth
from flask_oauth_registry.providers import PRESETS, get_preset, preset_names
from flask_oauth_registry.providers.base import PresetOption, ProviderPreset, Quirk, preset_settings

TEMPLATED = ProviderPreset(
    name="acme",
    settings={"authorize_url": "https://{domain}/authorize", "client_kwargs": {"scope": "openid {extra}"}},
    options=(PresetOption("domain", "the tenant's host", required=True), PresetOption("extra", "a scope", default="x")),
)


def test_options_fill_the_presets_templates() -> None:
    settings = preset_settings(TEMPLATED, "work", {"domain": "acme.example"})
    assert settings["authorize_url"] == "https://acme.example/authorize"
    assert settings["client_kwargs"] == {"scope": "openid x"}


def test_a_missing_required_option_is_a_configuration_error_naming_it_and_its_config_key() -> None:
    with pytest.raises(ConfigurationError, match=r"domain=.*WORK_DOMAIN"):
        preset_settings(TEMPLATED, "work", {})


@pytest.mark.parametrize("value", ["evil.example/path", "a@b", "host?x=1", "host#f", "a b", "%2F", "x\\y"])
def test_an_option_that_would_change_more_than_a_host_is_refused(value: str) -> None:
    with pytest.raises(ConfigurationError, match="domain="):
        preset_settings(TEMPLATED, "work", {"domain": value})


def test_an_option_outside_its_choices_is_refused() -> None:
    preset = ProviderPreset(name="p", options=(PresetOption("region", "r", choices=("us", "eu")),))
    with pytest.raises(ConfigurationError, match="region='mars' is not one of 'us', 'eu'"):
        preset_settings(preset, "p", {"region": "mars"})


def test_github_enterprise_moves_the_authorize_token_and_api_urls_to_the_host(app: Flask) -> None:
    work = OAuth(app).register("work", provider="github", host="github.example.com", client_id="c", client_secret="s")
    assert work.authorize_url == "https://github.example.com/login/oauth/authorize"
    assert work.access_token_url == "https://github.example.com/login/oauth/access_token"
    assert work.api_base_url == "https://github.example.com/api/v3/"
    public = OAuth(app).register("github", client_id="c", client_secret="s")
    assert public.authorize_url == "https://github.com/login/oauth/authorize"


def test_an_option_can_come_from_the_flask_config(app: Flask) -> None:
    app.config["WORK_HOST"] = "git.example.org"
    work = OAuth(app).register("work", provider="github", client_id="c", client_secret="s")
    assert work.api_base_url == "https://git.example.org/api/v3/"


def test_an_unsafe_option_fails_at_register_when_the_app_is_known(app: Flask) -> None:
    with pytest.raises(ConfigurationError, match="tenant="):
        OAuth(app).register("microsoft", tenant="a/b", client_id="c")


def test_quirks_run_before_the_users_own_compliance_fix(app: Flask) -> None:
    seen: list[str] = []

    def preset_hook(response: Any) -> Any:
        seen.append("preset")
        return response

    def user_fix(session: Any) -> Any:
        session.register_compliance_hook("access_token_response", lambda r: seen.append("user") or r)
        return session

    preset = ProviderPreset(
        name="quirky", settings={"access_token_url": "https://quirky.example/token"},
        quirks=(Quirk("access_token_response", preset_hook, "test"),),
    )
    from flask_oauth_registry.registry import presets as registry_presets

    original = registry_presets.get_preset
    registry_presets.get_preset = lambda name: preset if name == "quirky" else original(name)  # type: ignore[assignment]
    try:
        client = OAuth(app).register("q", provider="quirky", client_id="c", client_secret="s", compliance_fix=user_fix)
        with rm.Mocker() as mock, app.test_request_context("/"):
            mock.post("https://quirky.example/token", json={"access_token": "a", "token_type": "Bearer"})
            client.fetch_access_token(code="x", redirect_uri="https://rp.example/cb")
    finally:
        registry_presets.get_preset = original  # type: ignore[assignment]
    assert seen == ["preset", "user"]


def test_an_unknown_preset_names_the_close_ones(app: Flask) -> None:
    with pytest.raises(ConfigurationError, match="did you mean 'github'"):
        OAuth(app).register("work", provider="githib")


def test_presets_are_listed_without_importing_them() -> None:
    code = (
        "import sys, flask_oauth_registry, flask_oauth_registry.providers as p;"
        "names = p.preset_names();"
        "loaded = [n for n in names if 'flask_oauth_registry.providers.' + n in sys.modules];"
        "print(len(names), loaded)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout.split(" ", 1)
    assert int(out[0]) == len(preset_names()) and out[1].strip() == "[]"


def test_presets_mapping_reads_like_a_dict() -> None:
    assert "github" in PRESETS and "nope" not in PRESETS
    assert PRESETS["github"] is get_preset("github")
    assert list(PRESETS) == list(preset_names()) and len(PRESETS) == len(preset_names())
    with pytest.raises(KeyError):
        PRESETS["nope"]


@pytest.mark.parametrize("name", preset_names())
def test_every_preset_names_its_documentation_and_when_it_was_checked(name: str) -> None:
    preset = get_preset(name)
    assert preset.name == name and preset.title and preset.docs
    assert preset.references and all(ref.startswith("https://") for ref in preset.references)
    assert len(preset.checked) == 10 and preset.checked[4] == "-"
