"""The README's quick start runs as written: its code blocks, executed, log a user in."""

from __future__ import annotations

import re
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import requests_mock as rm

from tests.registry.test_authlib_examples import _google_provider

README = Path(__file__).resolve().parent.parent / "README.md"


def _python_blocks() -> list[str]:
    return re.findall(r"```python\n(.*?)```", README.read_text(encoding="utf-8"), flags=re.S)


def _readme_app():
    google, github = _python_blocks()[:2]
    namespace: dict = {"__name__": "readme_quickstart"}
    exec(compile(google + github, str(README), "exec"), namespace)  # noqa: S102 - our own README
    app = namespace["app"]
    app.config["SERVER_NAME"] = "localhost"
    return app


def test_readme_quick_start_answers_a_denied_consent_with_a_4xx_page_not_a_500() -> None:
    app = _readme_app()
    with rm.Mocker() as m:
        _google_provider(m, app.config["GOOGLE_CLIENT_ID"])
        client = app.test_client()
        state = parse_qs(urlsplit(client.get("/login").location).query)["state"][0]
        resp = client.get(f"/auth?error=access_denied&error_description=The+user+said+no&state={state}")
        assert 400 <= resp.status_code < 500
        assert "Sign-in failed (access_denied)" in resp.text
        assert not any(r.url.startswith("https://oauth2.googleapis.com/token") for r in m.request_history)
        with client.session_transaction() as session:
            assert "user" not in session


def test_readme_quick_start_escapes_what_the_provider_sends_back() -> None:
    app = _readme_app()
    with rm.Mocker() as m:
        _google_provider(m, app.config["GOOGLE_CLIENT_ID"])
        client = app.test_client()
        state = parse_qs(urlsplit(client.get("/login").location).query)["state"][0]
        resp = client.get(f"/auth?error=%3Cscript%3Ex%3C/script%3E&state={state}")
        assert 400 <= resp.status_code < 500
        assert "<script>" not in resp.text


def test_readme_quick_start_google_and_github_work_as_written() -> None:
    google, github = _python_blocks()[:2]
    namespace: dict = {"__name__": "readme_quickstart"}
    exec(compile(google + github, str(README), "exec"), namespace)  # noqa: S102 - our own README
    app = namespace["app"]
    app.config["SERVER_NAME"] = "localhost"
    with rm.Mocker() as m:
        _google_provider(m, app.config["GOOGLE_CLIENT_ID"])
        client = app.test_client()
        resp = client.get("/login")
        query = parse_qs(urlsplit(resp.location).query)
        m._example_state["nonce"] = query["nonce"][0]
        assert query["scope"] == ["openid email profile"] and query["code_challenge_method"] == ["S256"]
        resp = client.get(f"/auth?code=c&state={query['state'][0]}")
        assert resp.status_code == 302
        with client.session_transaction() as session:
            assert session["user"]["email"] == "ada@example.com"

        m.post("https://github.com/login/oauth/access_token", json={"access_token": "gho", "token_type": "bearer"})
        m.get("https://api.github.com/user/repos", json=[{"id": 1}, {"id": 2}])
        m.get("https://api.github.com/user", json={"id": 7, "login": "octo", "name": "Octo Cat"})
        m.get("https://api.github.com/user/emails", json=[{"email": "o@example.com", "primary": True,
                                                          "verified": True}])
        resp = client.get("/github/login")
        state = parse_qs(urlsplit(resp.location).query)["state"][0]
        body = client.get(f"/github/auth?code=c&state={state}").get_json()
        assert body["repos"] == 2
        assert body["user"]["sub"] == "7" and body["user"]["email"] == "o@example.com"
