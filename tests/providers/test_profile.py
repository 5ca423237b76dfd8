"""``Profile``: reading a provider's profile through the app, and the normalization every preset shares."""

from __future__ import annotations

from typing import Any

import pytest
from flask import Flask

from flask_oauth_registry import BadResponseError, MissingTokenError, OAuth, ProviderError
from flask_oauth_registry.providers.profile import Profile, normalize_claims, split_name


def _claims(profile: Any) -> dict[str, Any]:
    return {"sub": profile.get("id"), "name": profile.get("name"), "email": (profile.get("mail") or [None])[0]}


def test_normalize_makes_sub_a_string_and_drops_absent_claims() -> None:
    assert normalize_claims({"sub": 42, "name": None, "email": "", "locale": "en"}) == {"sub": "42", "locale": "en"}


@pytest.mark.parametrize("sub", [None, "", "  ", True])
def test_normalize_refuses_a_profile_without_a_user_id(sub: Any) -> None:
    with pytest.raises(BadResponseError, match="no id"):
        normalize_claims({"sub": sub})


@pytest.mark.parametrize(("name", "parts"), [("Ada Lovelace", ("Ada", "Lovelace")), ("Cher", ("Cher", None)),
                                              (None, (None, None)), ("Jean Luc Picard", ("Jean", "Luc Picard"))])
def test_split_name(name: str | None, parts: tuple[str | None, str | None]) -> None:
    assert split_name(name) == parts


def _register(app: Flask, profile: Profile) -> Any:
    from flask_oauth_registry.providers.base import ProviderPreset
    from flask_oauth_registry.registry import presets as registry_presets

    preset = ProviderPreset(name="p", settings={"api_base_url": "https://api.example/"}, profile=profile)
    original = registry_presets.get_preset
    registry_presets.get_preset = lambda name: preset  # type: ignore[assignment]
    try:
        return OAuth(app).register("p", provider="p", client_id="c", client_secret="s")
    finally:
        registry_presets.get_preset = original  # type: ignore[assignment]


def test_profile_reads_unwraps_merges_extra_calls_and_maps(app: Flask, requests_mock: Any) -> None:
    profile = Profile(url="v1/me", to_claims=_claims, params={"fields": "id,name"}, unwrap=("data", 0),
                      extra={"mail": "v1/me/mail"})
    requests_mock.get("https://api.example/v1/me", json={"data": [{"id": 7, "name": "Ada"}]})
    requests_mock.get("https://api.example/v1/me/mail", json=["ada@example.com"])
    client = _register(app, profile)
    with app.test_request_context("/"):
        info = client.userinfo(token={"access_token": "t", "token_type": "Bearer"})
    assert dict(info) == {"sub": "7", "name": "Ada", "email": "ada@example.com"}
    assert requests_mock.request_history[0].qs == {"fields": ["id,name"]}
    assert requests_mock.request_history[0].headers["Authorization"] == "Bearer t"


def test_a_failing_extra_call_is_left_out(app: Flask, requests_mock: Any) -> None:
    requests_mock.get("https://api.example/me", json={"id": "u1"})
    requests_mock.get("https://api.example/me/mail", status_code=403, json={"message": "scope"})
    client = _register(app, Profile(url="me", to_claims=_claims, extra={"mail": "me/mail"}))
    with app.test_request_context("/"):
        assert dict(client.userinfo(token={"access_token": "t"})) == {"sub": "u1"}


@pytest.mark.parametrize(
    ("status", "body", "error"),
    [(401, '{"error": "invalid_token"}', ProviderError), (200, "<html>", BadResponseError),
     (200, "[1, 2]", BadResponseError), (200, '{"data": []}', BadResponseError)],
)
def test_an_unusable_profile_answer_is_an_oauth_error(
    app: Flask, requests_mock: Any, status: int, body: str, error: type[Exception]
) -> None:
    requests_mock.get("https://api.example/me?secret=x", status_code=status, text=body)
    client = _register(app, Profile(url="me?secret=x", to_claims=_claims, unwrap=("data", 0) if "data" in body else ()))
    with app.test_request_context("/"), pytest.raises(error) as raised:
        client.userinfo(token={"access_token": "t"})
    assert "secret=x" not in str(raised.value)


def test_a_profile_url_from_the_token_needs_a_token(app: Flask) -> None:
    client = _register(app, Profile(url=lambda token: token["id"], to_claims=_claims))
    with app.test_request_context("/"), pytest.raises(MissingTokenError):
        client.userinfo()
