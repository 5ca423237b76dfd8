"""The incremental example in headless Chromium: sign in at /profile, grant files.read at /files, log out."""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

import pytest

from examples.incremental import create_app
from flask_oauth_registry.devprovider import RunningProvider
from tests.browser.support import click, serving, sign_in_at_provider, status_code, wait_for_text

if TYPE_CHECKING:
    from selenium.webdriver.remote.webdriver import WebDriver

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def incremental_url(provider: RunningProvider) -> Iterator[str]:
    """The incremental example on a free loopback port; the module's provider is its own (no earlier grants)."""
    with serving(create_app(DEVPROVIDER_URL=provider.url)) as url:
        yield url


def scopes_on_consent_page(driver: WebDriver) -> dict[str, bool]:
    """Each scope the provider's consent page asks for, and whether it is marked as already granted."""
    from selenium.webdriver.common.by import By

    return {
        item.find_element(By.TAG_NAME, "code").text: bool(item.find_elements(By.CLASS_NAME, "granted"))
        for item in driver.find_elements(By.CSS_SELECTOR, "ul.scopes li")
    }


def test_profile_then_files_asks_only_for_the_new_scope(
    chrome: WebDriver, incremental_url: str, provider: RunningProvider
) -> None:
    chrome.get(incremental_url + "/")
    wait_for_text(chrome, "You are not signed in.")
    click(chrome, 'a[href="/profile"]')
    wait_for_text(chrome, "Sign in to continue")
    assert scopes_on_consent_page(chrome) == {"openid": False, "profile": False, "email": False}
    sign_in_at_provider(chrome, provider, "alice", "allow")
    wait_for_text(chrome, "Signed in as alice@example.test")
    assert chrome.current_url == incremental_url + "/profile"

    incremental = provider.stats()["incremental_authorizations"]
    click(chrome, 'a[href="/files"]')
    wait_for_text(chrome, "Sign in to continue")
    assert "include_granted_scopes=true" in chrome.current_url
    assert scopes_on_consent_page(chrome) == {"openid": True, "profile": True, "email": True, "files.read": False}
    sign_in_at_provider(chrome, provider, "alice", "allow")

    wait_for_text(chrome, "Your files")
    assert chrome.current_url == incremental_url + "/files"
    assert provider.stats()["incremental_authorizations"] == incremental + 1
    body = chrome.find_element("tag name", "body").text
    assert "notes.txt (1024 bytes)" in body and "holiday.jpg (204800 bytes)" in body
    assert chrome.find_element("id", "scopes").text == "email files.read openid profile"

    logouts = provider.stats()["logouts"]
    click(chrome, 'a[href^="/oauth/logout/dev"]')
    wait_for_text(chrome, "You are not signed in.")
    assert chrome.current_url.startswith(incremental_url + "/")
    assert provider.stats()["logouts"] == logouts + 1
    chrome.get(incremental_url + "/files")  # the token is gone: back to the provider, which remembers the grants
    wait_for_text(chrome, "Sign in to continue")
    assert all(scopes_on_consent_page(chrome).values())


def test_denied_files_consent_shows_the_error_page_and_keeps_the_profile(
    chrome: WebDriver, incremental_url: str, provider: RunningProvider
) -> None:
    chrome.get(incremental_url + "/profile")
    sign_in_at_provider(chrome, provider, "bob", "allow")
    wait_for_text(chrome, "Signed in as bob@example.test")

    click(chrome, 'a[href="/files"]')
    sign_in_at_provider(chrome, provider, "bob", "deny")

    wait_for_text(chrome, "access_denied")
    assert chrome.current_url.startswith(incremental_url + "/oauth/callback/dev?")
    assert status_code(chrome) == 400
    assert "Traceback" not in chrome.find_element("tag name", "body").text
    chrome.get(incremental_url + "/profile")
    wait_for_text(chrome, "Signed in as bob@example.test")
