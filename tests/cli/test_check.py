"""``flask oauth check``: one line per check, and a non-zero exit status when one fails."""

from __future__ import annotations

import socket
from collections.abc import Iterator

import pytest
from flask import Flask
from flask.testing import FlaskCliRunner

from flask_oauth_registry import OAuth
from flask_oauth_registry.devprovider import DEMO_CLIENT_ID, ProviderSettings, RunningProvider, serve


@pytest.fixture(scope="module")
def impostor() -> Iterator[RunningProvider]:
    """A provider whose discovery document names an issuer other than the one its URL promises."""
    with serve(ProviderSettings(issuer="https://elsewhere.example")) as running:
        yield running


def closed_port() -> int:
    """A loopback port nothing listens on (bound, then released)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def app_with(**registration: object) -> Flask:
    app = Flask(__name__)
    OAuth(app).register("broken", client_id=DEMO_CLIENT_ID, **registration)
    return app


def test_check_passes_against_the_dev_provider(runner: FlaskCliRunner, provider: RunningProvider) -> None:
    result = runner.invoke(args=["oauth", "check"])

    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert f"OK   dev  discovery: reachable at {provider.metadata_url}" in lines
    assert f"OK   dev  issuer: {provider.url} (as its discovery URL promises)" in lines
    assert any(line.startswith("OK   dev  endpoints: token, authorization") for line in lines)
    assert not any(line.startswith("FAIL") for line in lines)


def test_check_of_one_name_checks_only_that_app(cli_app: Flask, runner: FlaskCliRunner) -> None:
    cli_app.extensions["oauth_registry"].registry.register("other")  # no endpoints, no client id: would fail

    result = runner.invoke(args=["oauth", "check", "dev"])

    assert result.exit_code == 0, result.output
    assert all(" dev  " in line for line in result.stdout.splitlines())


def test_check_fails_when_the_discovery_url_is_unreachable() -> None:
    url = f"http://127.0.0.1:{closed_port()}/.well-known/openid-configuration"
    app = app_with(server_metadata_url=url, client_kwargs={"scope": "openid"})

    result = app.test_cli_runner().invoke(args=["oauth", "check"])

    assert result.exit_code == 1
    lines = result.stdout.splitlines()
    assert any(line.startswith(f"FAIL broken  discovery: {url}: connection_error") for line in lines)
    assert "error: 1 of " in result.stderr
    assert "Traceback" not in result.output


def test_check_fails_when_the_issuer_does_not_match(impostor: RunningProvider) -> None:
    served_at = f"http://127.0.0.1:{impostor.port}/.well-known/openid-configuration"
    app = app_with(server_metadata_url=served_at, client_kwargs={"scope": "openid"})

    result = app.test_cli_runner().invoke(args=["oauth", "check", "broken"])

    assert result.exit_code == 1
    issuer_line = next(line for line in result.stdout.splitlines() if "issuer:" in line)
    assert issuer_line.startswith("FAIL broken  issuer:") and "https://elsewhere.example" in issuer_line


def test_check_fails_for_a_redirect_uri_that_is_neither_https_nor_loopback(provider: RunningProvider) -> None:
    app = app_with(server_metadata_url=provider.metadata_url,
                   client_kwargs={"redirect_uri": "http://rp.example.com/callback"})

    result = app.test_cli_runner().invoke(args=["oauth", "check"])

    assert result.exit_code == 1
    assert "FAIL broken  redirect URI: neither https nor loopback http: http://rp.example.com/callback" in (
        result.stdout.splitlines()
    )


def test_check_of_an_unknown_name_is_a_usage_error(runner: FlaskCliRunner) -> None:
    result = runner.invoke(args=["oauth", "check", "nope"])

    assert result.exit_code == 2
    assert "no remote app named 'nope' is registered (registered: dev)" in result.stderr


def test_an_app_whose_settings_cannot_be_built_fails_one_check_and_the_others_go_on() -> None:
    oauth = OAuth()  # an app factory: registered first, built from each app's config later
    oauth.register("broken")
    oauth.register("machine", client_id="c", access_token_url="https://op.example/token")
    app = Flask(__name__)
    app.config["BROKEN_CLIENT_KWARGS"] = "not a dict"
    oauth.init_app(app)

    result = app.test_cli_runner().invoke(args=["oauth", "check"])

    assert result.exit_code == 1
    lines = result.stdout.splitlines()
    assert any(line.startswith("FAIL broken   configuration: configuration_error: ") for line in lines)
    assert "OK   machine  endpoints: token" in lines
