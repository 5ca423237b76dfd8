"""examples/demo.py: ``--check`` signs in end to end; the interactive mode serves until Ctrl-C."""

from __future__ import annotations

import os
import re
import signal
import socket
import subprocess
import sys
import threading
from pathlib import Path

import pytest
import requests
from werkzeug.serving import make_server

from examples.demo import run_check
from examples.quickstart import create_app

ROOT = Path(__file__).resolve().parents[2]
DEMO = ROOT / "examples" / "demo.py"


def run_demo(*args: str, **env: str) -> subprocess.CompletedProcess[str]:
    # Port 0: the OS picks free ports for both servers.
    return subprocess.run(
        [sys.executable, str(DEMO), "--port", "0", "--provider-port", "0", *args],
        cwd=ROOT, env={**os.environ, **env}, capture_output=True, text=True, timeout=60,
    )


def run_demo_with_ports(port: str, provider_port: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, str(DEMO), "--port", port, "--provider-port", provider_port, "--check"],
        cwd=ROOT, capture_output=True, text=True, timeout=60,
    )


def test_a_taken_port_is_named_in_one_line_with_the_make_command_to_run_instead():
    with socket.socket() as held:
        held.bind(("127.0.0.1", 0))
        held.listen()
        port = held.getsockname()[1]
        result = run_demo_with_ports(str(port), "0")
    assert result.returncode == 2
    assert result.stdout == ""  # nothing was started
    match = re.fullmatch(rf"port {port} is in use: run `make demo DEMO_PORT=(\d+) DEVPROVIDER_PORT=0`\n", result.stderr)
    assert match, result.stderr
    assert int(match.group(1)) > port


def test_a_taken_provider_port_is_named_too():
    with socket.socket() as held:
        held.bind(("127.0.0.1", 0))
        held.listen()
        port = held.getsockname()[1]
        result = run_demo_with_ports("0", str(port))
    assert result.returncode == 2
    assert re.fullmatch(rf"port {port} is in use: run `make demo DEMO_PORT=0 DEVPROVIDER_PORT=\d+`\n", result.stderr)


def test_check_signs_in_calls_the_api_refreshes_and_logs_out():
    result = run_demo("--check")
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines() == [
        "ok: signed in as alice", "ok: API call", "ok: token refreshed", "ok: logged out", "demo check passed",
    ]


def test_check_fails_when_the_login_fails(provider, tmp_path, capsys):
    app = create_app(DEVPROVIDER_URL=provider.url, OIDC_CLIENT_SECRET="not-the-secret", TOKEN_CACHE_DIR=str(tmp_path))
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        assert run_check(f"http://127.0.0.1:{server.server_port}/", provider.url) == 1
    finally:
        server.shutdown()
        server.server_close()
    errors = capsys.readouterr().err
    assert "demo check FAILED: the home page does not show the signed-in user (HTTP 400" in errors
    assert "code=" not in errors  # the authorization code is not printed


def test_the_demo_ignores_a_real_providers_settings_in_the_environment():
    result = run_demo("--check", OIDC_ISSUER="https://accounts.example.com", OIDC_CLIENT_SECRET="real-secret")
    assert result.returncode == 0, result.stderr


def test_demo_serves_until_interrupted():
    process = subprocess.Popen(
        [sys.executable, "-m", "examples.demo", "--port", "0", "--provider-port", "0"],
        cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True,
    )
    try:
        assert process.stdout is not None
        lines = [process.stdout.readline(), process.stdout.readline()]
        match = re.match(r"Open (http://127\.0\.0\.1:\d+/) and log in", lines[1])
        assert match, lines
        home = requests.get(match.group(1), timeout=10)
        assert home.status_code == 200 and 'href="/login"' in home.text
        assert home.headers["X-Served-By"] == str(process.pid)

        process.send_signal(signal.SIGINT)
        assert process.wait(timeout=10) == 0
        with pytest.raises(requests.ConnectionError):
            requests.get(match.group(1), timeout=2)
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
        if process.stdout is not None:
            process.stdout.close()
