"""examples/incremental: ``required`` signs in with the app's scopes, then asks for ``files.read`` on top of them."""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest
import requests
from flask import Flask
from flask.testing import FlaskClient

from examples.demo import parse_args
from examples.incremental import create_app
from flask_oauth_registry.devprovider import RunningProvider, serve
from tests.views.support import CountingStorage

ROOT = Path(__file__).resolve().parents[2]
SIGN_IN_SCOPES = {"openid", "profile", "email"}


@pytest.fixture
def provider() -> Iterator[RunningProvider]:
    """A provider of its own: the shared one remembers what alice granted in other tests."""
    with serve() as running:
        yield running


@pytest.fixture
def storage() -> CountingStorage:
    return CountingStorage()


@pytest.fixture
def incremental(provider: RunningProvider, storage: CountingStorage) -> Flask:
    return create_app(storage=storage, DEVPROVIDER_URL=provider.url, TESTING=True)


@pytest.fixture
def client(incremental: Flask) -> FlaskClient:
    return incremental.test_client()


@pytest.fixture
def signed_in(client: FlaskClient, user) -> FlaskClient:
    """Alice, signed in at /profile with the app's scopes only."""
    callback = user.login(client, start="/profile")
    assert callback.status_code == 302 and callback.location == "/profile"
    return client


def query(url: str) -> dict[str, str]:
    return {key: values[0] for key, values in parse_qs(urlsplit(url).query).items()}


def page_text(client: FlaskClient, path: str) -> str:
    page = client.get(path)
    assert page.status_code == 200, page.get_data(as_text=True)
    return page.get_data(as_text=True)


def test_profile_signs_in_with_the_apps_scopes_only(client, user, storage):
    start = client.get("/profile")
    assert start.status_code == 302
    assert query(start.location)["scope"] == "openid profile email"

    callback = client.get(user.consent(start.location))

    assert callback.location == "/profile"
    assert set(storage.only_token("dev")["scope"].split()) == SIGN_IN_SCOPES
    text = page_text(client, "/profile")
    assert "Signed in as alice@example.test" in text and "Alice Liddell" in text


def test_files_asks_for_files_read_with_the_earlier_scopes_and_include_granted_scopes(signed_in, user, provider):
    escalation = signed_in.get("/files")

    assert escalation.status_code == 302
    asked = query(escalation.location)
    assert asked["scope"] == "openid profile email files.read"
    assert asked["include_granted_scopes"] == "true"
    consent_page = user.browser.get(escalation.location).text
    already_granted = set(re.findall(r"<code>([^<]+)</code> <span class=\"granted\">already granted", consent_page))
    assert already_granted == SIGN_IN_SCOPES


def test_after_consent_the_token_has_every_scope_and_files_are_listed(signed_in, user, provider, storage):
    incremental_before = provider.stats()["incremental_authorizations"]

    callback = user.login(signed_in, start="/files")

    assert callback.status_code == 302 and callback.location == "/files"
    assert provider.stats()["incremental_authorizations"] == incremental_before + 1
    assert set(storage.only_token("dev")["scope"].split()) == SIGN_IN_SCOPES | {"files.read"}
    text = page_text(signed_in, "/files")
    assert "notes.txt (1024 bytes)" in text and "holiday.jpg (204800 bytes)" in text
    assert '<code id="scopes">email files.read openid profile</code>' in text
    assert "Signed in as alice@example.test" in page_text(signed_in, "/profile")  # the first grant still works


def test_files_first_signs_in_with_every_scope_at_once(client, user, storage):
    callback = user.login(client, start="/files")

    assert callback.location == "/files"
    assert set(storage.only_token("dev")["scope"].split()) == SIGN_IN_SCOPES | {"files.read"}
    assert "notes.txt" in page_text(client, "/files")


def test_a_denied_escalation_keeps_the_first_grant(signed_in, user, storage):
    denied = user.login(signed_in, start="/files", decision="deny")

    assert denied.status_code == 400 and "access_denied" in denied.get_data(as_text=True)
    assert set(storage.only_token("dev")["scope"].split()) == SIGN_IN_SCOPES
    assert "Signed in as alice@example.test" in page_text(signed_in, "/profile")


def test_an_expired_token_is_refreshed_inside_files_and_written_through_the_storage_once(
    signed_in, user, provider, storage
):
    user.login(signed_in, start="/files")
    _, owner, before = storage.writes[-1]
    storage.set("dev", owner, {**before, "expires_at": int(time.time()) - 1})
    storage.writes.clear()
    refreshes = provider.stats()["refresh_requests"]

    text = page_text(signed_in, "/files")

    assert "notes.txt" in text
    assert provider.stats()["refresh_requests"] == refreshes + 1
    assert [(name, who) for name, who, _ in storage.writes] == [("dev", owner)]
    after = storage.only_token("dev")
    assert after["access_token"] != before["access_token"] and after["expires_at"] > time.time()
    assert "files.read" in after["scope"].split()
    assert after["userinfo"]["sub"] == "alice"  # the login's claims stay with the refreshed token


def test_logout_forgets_the_token_and_ends_the_provider_session(signed_in, user, provider, storage):
    logouts = provider.stats()["logouts"]
    home = page_text(signed_in, "/")
    logout = re.search(r'href="(/oauth/logout/dev\?[^"]+)"', home)
    assert logout, home

    answer = signed_in.get(logout.group(1).replace("&amp;", "&"))

    assert answer.status_code == 302 and answer.location.startswith(provider.url_for("/logout?"))
    back = user.follow(answer.location)
    assert provider.stats()["logouts"] == logouts + 1
    assert storage.deletes == [("dev", storage.writes[0][1])] and storage.users("dev") == []
    assert "You are not signed in." in page_text(signed_in, urlsplit(back).path)
    assert signed_in.get("/profile").status_code == 302  # to the provider again


def test_tokens_stay_out_of_the_session_cookie_by_default(provider, user):
    client = create_app(DEVPROVIDER_URL=provider.url, TESTING=True).test_client()
    user.login(client, start="/profile")
    with client.session_transaction() as session:
        cookie_data = repr(dict(session))
    assert "access_token" not in cookie_data and "refresh_token" not in cookie_data
    assert "Signed in as alice@example.test" in page_text(client, "/profile")


def test_make_demo_serves_it_with_demo_app_incremental():
    process = subprocess.Popen(
        [sys.executable, "-m", "examples.demo", "--port", "0", "--provider-port", "0"],
        cwd=ROOT, env={**os.environ, "DEMO_APP": "incremental"},
        stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True,
    )
    try:
        assert process.stdout is not None
        lines = [process.stdout.readline(), process.stdout.readline()]
        match = re.match(r"Open (http://127\.0\.0\.1:\d+/) and log in", lines[1])
        assert match, lines
        home = requests.get(match.group(1), timeout=10)
        assert home.status_code == 200 and "<h1>Incremental authorization</h1>" in home.text
        process.send_signal(signal.SIGINT)
        assert process.wait(timeout=10) == 0
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
        if process.stdout is not None:
            process.stdout.close()


def test_demo_check_is_refused_for_the_incremental_example(capsys):
    with pytest.raises(SystemExit) as exit_info:
        parse_args(["--app", "incremental", "--check"])
    assert exit_info.value.code == 2
    assert "--check signs in to the quickstart only" in capsys.readouterr().err
