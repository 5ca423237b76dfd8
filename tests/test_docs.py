"""The documentation builds without warnings and cannot drift from the code.

The Sphinx site in ``docs/`` is built once with ``-W`` (warnings are errors);
then the configuration page must document every ``{NAME}_{KEY}`` config key and
every ``client_kwargs`` key that ``registry/config.py`` accepts, the errors page
every public exception, and the API page every public name.
"""

from __future__ import annotations

import importlib.util
import os
import subprocess
import sys
from html.parser import HTMLParser
from pathlib import Path

import pytest

import flask_oauth_registry
from flask_oauth_registry.registry.config import CLIENT_KWARGS_KEYS, CONFIG_KEYS

DOCS = Path(__file__).resolve().parent.parent / "docs"


class _Literals(HTMLParser):
    """Collect the text of every inline literal (``<code>``) with the ids of the sections around it."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.found: list[tuple[str, frozenset[str]]] = []
        self._sections: list[str] = []
        self._code_depth = 0
        self._text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "section":
            self._sections.append(dict(attrs).get("id") or "")
        elif tag == "code":
            self._code_depth += 1
            if self._code_depth == 1:
                self._text = []

    def handle_endtag(self, tag: str) -> None:
        if tag == "section" and self._sections:
            self._sections.pop()
        elif tag == "code" and self._code_depth:
            self._code_depth -= 1
            if self._code_depth == 0:
                self.found.append(("".join(self._text).strip(), frozenset(self._sections)))

    def handle_data(self, data: str) -> None:
        if self._code_depth:
            self._text.append(data)


def literals(page: Path, section: str | None = None) -> set[str]:
    """Inline literals of a built HTML page, optionally only those inside the section with this id."""
    parser = _Literals()
    parser.feed(page.read_text(encoding="utf-8"))
    return {text for text, sections in parser.found if section is None or section in sections}


@pytest.fixture(scope="module")
def html_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The site built with warnings as errors, as ``make docs`` builds it."""
    if importlib.util.find_spec("sphinx") is None:
        if os.environ.get("CI"):
            pytest.fail("Sphinx is not installed, and CI must build the docs: install the dev extra", pytrace=False)
        pytest.skip("Sphinx is not installed (pip install -e '.[dev]'); CI builds the docs")
    out = tmp_path_factory.mktemp("docs") / "html"
    result = subprocess.run(
        [sys.executable, "-m", "sphinx", "-W", "--keep-going", "-q", "-b", "html", str(DOCS), str(out)],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    if result.returncode != 0:
        pytest.fail(f"sphinx-build -W failed:\n{result.stderr}{result.stdout}", pytrace=False)
    return out


def _public_exceptions() -> list[str]:
    names = []
    for name in flask_oauth_registry.__all__:
        obj = getattr(flask_oauth_registry, name)
        if isinstance(obj, type) and issubclass(obj, BaseException):
            names.append(name)
    return names


PUBLIC_EXCEPTIONS = _public_exceptions()


def test_the_docs_build_without_warnings(html_dir: Path) -> None:
    for page in ("index", "getting-started", "configuration", "providers", "security", "deployment",
                 "migrating", "errors", "api", "devprovider", "changelog", "protecting-views", "fapi2",
                 "migrating-oauth2client", "migrating-google-auth-oauthlib"):
        assert (html_dir / f"{page}.html").is_file(), f"docs/{page}.rst is missing from the site"


@pytest.mark.parametrize("key", CONFIG_KEYS)
def test_every_flask_config_key_is_documented(html_dir: Path, key: str) -> None:
    documented = literals(html_dir / "configuration.html", section="flask-config-keys")
    assert f"{{NAME}}_{key.upper()}" in documented, (
        f"docs/configuration.rst: add ``{{NAME}}_{key.upper()}`` to the 'Flask config keys' table"
    )


@pytest.mark.parametrize("key", sorted(CLIENT_KWARGS_KEYS))
def test_every_client_kwargs_key_is_documented(html_dir: Path, key: str) -> None:
    documented = literals(html_dir / "configuration.html", section="client-kwargs")
    assert key in documented, f"docs/configuration.rst: add ``{key}`` to the client_kwargs table"


def test_public_exceptions_are_found() -> None:
    assert "OAuthError" in PUBLIC_EXCEPTIONS and "ConfigurationError" in PUBLIC_EXCEPTIONS


@pytest.mark.parametrize("name", PUBLIC_EXCEPTIONS)
def test_every_public_exception_is_on_the_errors_page(html_dir: Path, name: str) -> None:
    documented = literals(html_dir / "errors.html", section="exceptions-and-their-codes")
    assert name in documented, f"docs/errors.rst: add :exc:`~flask_oauth_registry.{name}` to the table"


@pytest.mark.parametrize("name", [n for n in flask_oauth_registry.__all__ if not n.startswith("_")])
def test_every_public_name_is_in_the_api_reference(html_dir: Path, name: str) -> None:
    page = (html_dir / "api.html").read_text(encoding="utf-8")
    assert f'id="flask_oauth_registry.{name}"' in page, f"docs/api.rst: document flask_oauth_registry.{name}"


def test_every_preset_is_described_on_the_providers_pages(html_dir: Path) -> None:
    from flask_oauth_registry.providers import preset_names

    pages = [html_dir / "providers.html", *sorted((html_dir / "providers").glob("*.html"))]
    described = set().union(*(literals(page) for page in pages if page.is_file()))
    missing = [name for name in preset_names() if name not in described]
    assert not missing, f"docs/providers.rst or docs/providers/*.rst: describe the presets {missing}"
