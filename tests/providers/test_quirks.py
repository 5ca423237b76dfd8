"""The shared quirks: each turns one documented deviation into what RFC 6749 / 6750 expect."""

from __future__ import annotations

import json
from typing import Any

import pytest
import requests

from flask_oauth_registry.providers import quirks


def answer(body: str, content_type: str = "application/json") -> requests.Response:
    response = requests.Response()
    response.status_code = 200
    response._content = body.encode()
    response.headers["Content-Type"] = content_type
    return response


def run_answer_hooks(made: tuple[Any, ...], response: requests.Response) -> dict[str, Any]:
    points = {quirk.point for quirk in made}
    assert points == {"access_token_response", "refresh_token_response"}
    hook = next(q.hook for q in made if q.point == "access_token_response")
    fixed = hook(response)
    assert fixed.headers["Content-Type"] == "application/json"
    return json.loads(fixed.content)  # type: ignore[no-any-return]


def test_form_encoded_token_answer_becomes_json() -> None:
    fields = run_answer_hooks(quirks.form_encoded_token(), answer("access_token=a&expires_in=60", "text/plain"))
    assert fields == {"access_token": "a", "expires_in": "60"}


def test_missing_token_type_is_added_and_a_present_one_kept() -> None:
    assert run_answer_hooks(quirks.default_token_type(), answer('{"access_token": "a"}'))["token_type"] == "Bearer"
    kept = run_answer_hooks(quirks.default_token_type(), answer('{"access_token": "a", "token_type": "mac"}'))
    assert kept["token_type"] == "mac"


def test_renamed_fields_are_renamed_unless_the_standard_one_is_there() -> None:
    made = quirks.renamed_token_fields({"expires": "expires_in"})
    assert run_answer_hooks(made, answer('{"access_token": "a", "expires": 60}')) == {
        "access_token": "a", "expires_in": 60
    }
    both = run_answer_hooks(made, answer('{"access_token": "a", "expires": 1, "expires_in": 2}'))
    assert both["expires_in"] == 2


def test_a_nested_user_token_is_lifted_and_its_secret_not_left_behind() -> None:
    body = {"ok": True, "team": {"id": "T1"}, "authed_user": {"id": "U1", "access_token": "xoxp", "scope": "a"}}
    fields = run_answer_hooks(quirks.nested_token("authed_user", keep=("team",)), answer(json.dumps(body)))
    assert fields["access_token"] == "xoxp" and fields["team"] == {"id": "T1"}
    assert fields["authed_user"] == {"id": "U1", "scope": "a"}


def test_an_answer_that_is_not_a_token_passes_untouched() -> None:
    html = answer("<html>error</html>", "text/html")
    assert quirks.form_encoded_token()[0].hook(html).content == b"<html>error</html>"


def test_request_headers_go_on_token_requests_and_api_calls() -> None:
    made = quirks.request_headers({"Client-Id": "cid"}, "Twitch wants it")
    points = {q.point for q in made}
    assert {"access_token_request", "refresh_token_request", "protected_request"} <= points
    for quirk in made:
        _, headers, data = quirk.hook("https://x.example/", {"Accept": "a"}, {"k": "v"})
        assert headers == {"Accept": "a", "Client-Id": "cid"} and data == {"k": "v"}


def test_authorization_scheme_rewrites_bearer_only() -> None:
    (quirk,) = quirks.authorization_scheme("OAuth")
    _, headers, _ = quirk.hook("https://x.example/", {"Authorization": "Bearer tok"}, None)
    assert headers["Authorization"] == "OAuth tok"
    _, other, _ = quirk.hook("https://x.example/", {"Authorization": "DPoP tok"}, None)
    assert other["Authorization"] == "DPoP tok"


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("https://api.example/me", "https://api.example/me?v=5&site=so"),
        ("https://api.example/me?v=4", "https://api.example/me?v=4&site=so"),
    ],
)
def test_api_query_adds_fixed_parameters_without_overriding(url: str, expected: str) -> None:
    (quirk,) = quirks.api_query({"v": "5", "site": "so"}, "versioned API")
    assert quirk.hook(url, None, None)[0] == expected
