"""Real-browser fixtures: the dev provider and the quickstart app on loopback, and headless Chromium.

Other example apps are served the same way with :func:`tests.browser.support.serving`.

The tests skip when Chromium, chromedriver or selenium is missing, but only
when the ``CI`` environment variable is unset: under CI they must run.  A failing
test leaves a screenshot in ``tests/artifacts/``.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

from examples.quickstart import create_app
from flask_oauth_registry.devprovider import RunningProvider, serve
from tests.browser.support import serving

if TYPE_CHECKING:
    from selenium.webdriver.remote.webdriver import WebDriver

ARTIFACTS = Path(__file__).resolve().parents[1] / "artifacts"
CHROMIUM_FLAGS = (
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
    "--disable-dev-shm-usage", "--window-size=1100,900",
)


def first_executable(override: str | None, *names: str) -> str | None:
    """The override (a path or name) when set, else the first of ``names`` found on PATH."""
    return next(filter(None, map(shutil.which, (override,) if override else names)), None)


def browser_binaries() -> tuple[str, str]:
    """Paths of Chromium and chromedriver (``CHROMIUM_BIN``/``CHROMEDRIVER_BIN`` win); skip or fail if absent."""
    chromium = first_executable(os.environ.get("CHROMIUM_BIN"), "chromium", "chromium-browser", "google-chrome")
    driver = first_executable(os.environ.get("CHROMEDRIVER_BIN"), "chromedriver")
    missing = [name for name, path in (("chromium", chromium), ("chromedriver", driver)) if not path]
    try:
        import selenium  # noqa: F401
    except ImportError:
        missing.append("the selenium package")
    if missing:
        what = ", ".join(missing)
        install = "apt-get install chromium chromium-driver; pip install selenium"
        if os.environ.get("CI"):
            pytest.fail(f"CI is set but {what} is missing ({install})")
        pytest.skip(f"{what} not found and CI is unset ({install})")
    return chromium, driver  # type: ignore[return-value]


@pytest.fixture(scope="module")
def provider() -> Iterator[RunningProvider]:
    with serve() as running:
        yield running


@pytest.fixture(scope="module")
def app_url(provider: RunningProvider, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The quickstart app served by werkzeug on a free loopback port, in a thread."""
    app = create_app(DEVPROVIDER_URL=provider.url, TOKEN_CACHE_DIR=str(tmp_path_factory.mktemp("tokens")))
    with serving(app) as url:
        yield url


@pytest.fixture
def chrome() -> Iterator[WebDriver]:
    """Headless Chromium with a fresh profile (no cookies from other tests)."""
    chromium, driver_path = browser_binaries()
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = chromium
    for flag in CHROMIUM_FLAGS:
        options.add_argument(flag)
    with tempfile.TemporaryDirectory(prefix="chromium-profile-") as profile:
        options.add_argument(f"--user-data-dir={profile}")
        driver = webdriver.Chrome(service=Service(driver_path), options=options)
        driver.set_page_load_timeout(30)
        try:
            yield driver
        finally:
            driver.quit()


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[Any]) -> Iterator[None]:
    """Save a screenshot of the page a failing browser test was on."""
    outcome = yield
    report = outcome.get_result()  # type: ignore[attr-defined]
    driver = getattr(item, "funcargs", {}).get("chrome")
    if report.when == "call" and report.failed and driver is not None:
        ARTIFACTS.mkdir(exist_ok=True)
        path = ARTIFACTS / f"{item.name}.png"
        try:
            driver.save_screenshot(str(path))
            report.sections.append(("screenshot", f"{path} (page {driver.current_url})"))
        except Exception as exc:  # the browser may be the thing that failed
            report.sections.append(("screenshot", f"none: {exc}"))
