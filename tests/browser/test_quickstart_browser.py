"""The quickstart example in headless Chromium: login, consent, profile, API call, logout, denied consent."""

from __future__ import annotations

import os
from typing import TYPE_CHECKING

import pytest

from flask_oauth_registry.devprovider import RunningProvider
from tests.browser.support import click, sign_in_at_provider, status_code, wait_for_text

if TYPE_CHECKING:
    from selenium.webdriver.remote.webdriver import WebDriver

pytestmark = pytest.mark.slow


def test_login_profile_api_and_logout(chrome: WebDriver, app_url: str, provider: RunningProvider) -> None:
    logouts = provider.stats()["logouts"]
    chrome.get(app_url + "/")
    click(chrome, 'a[href="/login"]')
    sign_in_at_provider(chrome, provider, "bob", "allow")

    wait_for_text(chrome, "Signed in as Bob Builder")
    assert chrome.current_url == app_url + "/"
    page = chrome.page_source
    assert "bob@example.test" in page and provider.url in page
    if os.environ.get("BROWSER_SCREENSHOT"):  # to look at the page while changing it
        chrome.save_screenshot(os.environ["BROWSER_SCREENSHOT"])

    click(chrome, 'a[href="/api"]')
    wait_for_text(chrome, "answered HTTP 200")
    assert '"client_id": "demo-client"' in chrome.find_element("tag name", "pre").text
    chrome.back()

    click(chrome, 'a[href="/logout"]')
    wait_for_text(chrome, "You are signed out")
    assert chrome.current_url.startswith(app_url + "/logged-out?state=")
    assert provider.stats()["logouts"] == logouts + 1
    chrome.get(app_url + "/")
    wait_for_text(chrome, "You are not signed in.")


def test_denied_consent_shows_the_error_page(chrome: WebDriver, app_url: str, provider: RunningProvider) -> None:
    chrome.get(app_url + "/login")
    sign_in_at_provider(chrome, provider, "alice", "deny")

    wait_for_text(chrome, "access_denied")
    assert chrome.current_url.startswith(app_url + "/auth?")
    assert status_code(chrome) == 400
    body = chrome.find_element("tag name", "body").text
    assert "The user denied the request." in body and "Traceback" not in body
    click(chrome, 'a[href="/"]')
    wait_for_text(chrome, "You are not signed in.")
