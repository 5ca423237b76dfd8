"""Helpers of the browser tests: serve an app on loopback, and the steps a user takes in Chromium."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING

from flask import Flask
from werkzeug.serving import make_server

from flask_oauth_registry.devprovider import RunningProvider

if TYPE_CHECKING:
    from selenium.webdriver.remote.webdriver import WebDriver


@contextmanager
def serving(app: Flask) -> Iterator[str]:
    """``app`` served by werkzeug on a free loopback port, in a thread; yields its URL."""
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)


def wait_for_text(driver: WebDriver, text: str, timeout: float = 10) -> None:
    from selenium.common.exceptions import StaleElementReferenceException
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import WebDriverWait

    # The page may change under us while a redirect chain completes: look again.
    WebDriverWait(driver, timeout, ignored_exceptions=(StaleElementReferenceException,)).until(
        lambda d: text in d.find_element(By.TAG_NAME, "body").text,
        message=f"{text!r} never appeared on {driver.current_url}",
    )


def click(driver: WebDriver, css: str) -> None:
    from selenium.webdriver.common.by import By

    driver.find_element(By.CSS_SELECTOR, css).click()


def status_code(driver: WebDriver) -> int:
    """HTTP status of the page the browser shows (Navigation Timing)."""
    return int(driver.execute_script("return performance.getEntriesByType('navigation')[0].responseStatus"))


def sign_in_at_provider(driver: WebDriver, provider: RunningProvider, username: str, button: str) -> None:
    from selenium.webdriver.common.by import By

    wait_for_text(driver, "Sign in to continue")
    assert driver.current_url.startswith(provider.url_for("/authorize?"))
    field = driver.find_element(By.ID, "username")
    field.clear()
    field.send_keys(username)
    click(driver, f"button.{button}")
