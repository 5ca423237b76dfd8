"""``make demo``: the development provider and the quickstart app on loopback, until Ctrl-C.

    python -m examples.demo [--port 5000] [--provider-port 5556] [--app quickstart|incremental|fapi2] [--check]

``--app incremental`` (or ``make demo DEMO_APP=incremental``) serves examples/incremental instead;
``--app fapi2`` serves examples/fapi2 and switches the dev provider to PAR and DPoP (with nonces) required.

``--check`` signs in once over HTTP (consent as alice), calls the API, refreshes
the token and logs out, then exits 0 when every step worked and 1 otherwise.
A port already in use ends it at once with exit status 2 and the command to run instead.
"""

from __future__ import annotations

import argparse
import errno
import html
import logging
import os
import re
import signal
import socket
import sys
import tempfile
import threading
from pathlib import Path
from urllib.parse import urljoin

import requests
from werkzeug.serving import make_server

if not __package__:  # run as a file (python examples/demo.py): make "examples" importable
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from flask import Flask  # noqa: E402

from examples import fapi2, incremental  # noqa: E402
from examples.fapi2.registration import new_client_key, provider_settings  # noqa: E402
from examples.quickstart import create_app  # noqa: E402
from flask_oauth_registry.devprovider import (  # noqa: E402
    DEMO_CLIENT_ID,
    DEMO_CLIENT_SECRET,
    ProviderSettings,
    serve,
)

#: The dev provider listens on loopback only (see ``serve``).
PROVIDER_HOST = "127.0.0.1"
#: What ``--app`` may name.
APPS = ("quickstart", "incremental", "fapi2")


class CheckFailed(Exception):
    """A step of ``--check`` did not give the expected answer."""


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m examples.demo", description=__doc__.splitlines()[0])
    parser.add_argument("--host", default=os.environ.get("DEMO_HOST", "127.0.0.1"),
                        help="the app's address (env DEMO_HOST, default 127.0.0.1)")
    parser.add_argument("--port", type=int, default=int(os.environ.get("DEMO_PORT", "5000")),
                        help="the app's port (env DEMO_PORT, default 5000)")
    parser.add_argument("--provider-port", type=int, default=int(os.environ.get("DEVPROVIDER_PORT", "5556")),
                        help="the dev provider's port on 127.0.0.1 (env DEVPROVIDER_PORT, default 5556)")
    parser.add_argument("--app", default=os.environ.get("DEMO_APP", "quickstart"),
                        help="the example: quickstart, incremental or fapi2 (env DEMO_APP, default quickstart)")
    parser.add_argument("--check", action="store_true", help="log in once over HTTP, then exit 0 (ok) or 1")
    args = parser.parse_args(argv)
    if args.app not in APPS:
        parser.error(f"--app must be one of {', '.join(APPS)}, not {args.app!r}")
    if args.check and args.app != "quickstart":
        parser.error("--check signs in to the quickstart only")
    return args


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    busy = ports_in_use(args.host, args.port, args.provider_port)
    if busy:
        print(busy, file=sys.stderr)
        return 2
    if args.check:
        logging.getLogger("werkzeug").setLevel(logging.WARNING)
    # The FAPI 2.0 example authenticates with private_key_jwt: a key made now, its public half registered.
    client_key = new_client_key() if args.app == "fapi2" else None
    settings = provider_settings(client_key) if client_key else ProviderSettings()
    try:
        provider = serve(settings, host=PROVIDER_HOST, port=args.provider_port)
    except OSError as exc:
        print(f"cannot start the dev provider on port {args.provider_port}: {exc}", file=sys.stderr)
        return 2
    with provider, tempfile.TemporaryDirectory(prefix="quickstart-demo-") as cache_dir:
        app = build_app(args.app, provider.url, cache_dir, client_key)
        try:
            server = make_server(args.host, args.port, app, threaded=True)
        except OSError as exc:
            print(f"cannot start the app on {args.host}:{args.port}: {exc}", file=sys.stderr)
            return 2
        url = f"http://{args.host}:{server.server_port}/"
        if args.check:
            threading.Thread(target=server.serve_forever, daemon=True).start()
            try:
                return run_check(url, provider.url)
            finally:
                server.shutdown()
                server.server_close()
        print(f"Development provider: {provider.url}  (users: alice, bob; no passwords)")
        print(f"Open {url} and log in.  Ctrl-C stops both.", flush=True)
        signal.signal(signal.SIGTERM, stop_on_sigterm)
        server.serve_forever()  # returns on Ctrl-C (werkzeug catches KeyboardInterrupt) and closes the socket
        print("\nstopped")
    return 0


def build_app(name: str, provider_url: str, cache_dir: str, client_key: dict | None = None) -> Flask:
    """The example ``name``, always on the dev provider and its demo client, whatever OIDC_* the shell has."""
    if name == "fapi2":
        return fapi2.create_app(client_key=client_key, DEVPROVIDER_URL=provider_url)
    if name == "incremental":
        return incremental.create_app(
            DEVPROVIDER_URL=provider_url, DEV_CLIENT_ID=DEMO_CLIENT_ID, DEV_CLIENT_SECRET=DEMO_CLIENT_SECRET
        )
    return create_app(
        DEVPROVIDER_URL=provider_url, OIDC_ISSUER=None, OIDC_API_URL=None,
        OIDC_CLIENT_ID=DEMO_CLIENT_ID, OIDC_CLIENT_SECRET=DEMO_CLIENT_SECRET, TOKEN_CACHE_DIR=cache_dir,
    )


def ports_in_use(host: str, port: int, provider_port: int) -> str | None:
    """One line naming the taken ports and the ``make demo`` command with free ones, or None when both are free.

    Checked before anything starts: werkzeug would otherwise print its own
    message and exit, which does not say how to choose other ports.
    """
    app_taken = not port_is_free(host, port)
    provider_taken = not port_is_free(PROVIDER_HOST, provider_port)
    if not (app_taken or provider_taken):
        return None
    new_port = next_free_port(host, port, avoid={provider_port}) if app_taken else port
    new_provider_port = provider_port
    if provider_taken:
        new_provider_port = next_free_port(PROVIDER_HOST, provider_port, avoid={new_port})
    taken = [p for p, is_taken in ((port, app_taken), (provider_port, provider_taken)) if is_taken]
    what = f"port {taken[0]} is" if len(taken) == 1 else f"ports {taken[0]} and {taken[1]} are"
    return f"{what} in use: run `make demo DEMO_PORT={new_port} DEVPROVIDER_PORT={new_provider_port}`"


def port_is_free(host: str, port: int) -> bool:
    """Whether a server could listen on ``host:port`` now (same socket options as werkzeug's); port 0 always is."""
    if port == 0:
        return True
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    with socket.socket(family, socket.SOCK_STREAM) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind((host, port))
        except OSError as exc:
            return exc.errno != errno.EADDRINUSE  # other errors are the server's to report
    return True


def next_free_port(host: str, port: int, avoid: set[int]) -> int:
    """The first port above ``port`` that is free on ``host`` and not in ``avoid``."""
    candidate = port + 1
    while candidate < 65535 and (candidate in avoid or not port_is_free(host, candidate)):
        candidate += 1
    return candidate


def stop_on_sigterm(signum: int, frame: object) -> None:
    """``kill`` stops the demo as cleanly as Ctrl-C."""
    raise KeyboardInterrupt


def run_check(app_url: str, provider_url: str) -> int:
    """Run :func:`check_login` and report; the exit status of ``--check``."""
    try:
        check_login(app_url, provider_url)
    except (CheckFailed, requests.RequestException) as exc:
        print(f"demo check FAILED: {exc}", file=sys.stderr)
        return 1
    print("demo check passed")
    return 0


def check_login(app_url: str, provider_url: str, username: str = "alice") -> None:
    """Log in, call the API, refresh and log out like a browser would; raise :class:`CheckFailed`."""
    with requests.Session() as browser:
        consent = browser.get(urljoin(app_url, "login"), timeout=10)
        form = re.search(r'<form method="post" action="([^"]+)"', consent.text)
        expect(consent.status_code == 200 and form is not None, "the login did not reach the consent page", consent)
        home = browser.post(urljoin(consent.url, html.unescape(form.group(1))),  # type: ignore[union-attr]
                            data={"username": username, "decision": "allow"}, timeout=10)
        expect(home.status_code == 200 and f"{username}@example.test" in home.text,
               "the home page does not show the signed-in user", home)
        print(f"ok: signed in as {username}")

        api = browser.get(urljoin(app_url, "api"), timeout=10)
        expect(api.status_code == 200 and "answered HTTP 200" in api.text, "the API call failed", api)
        print("ok: API call")

        before = requests.get(f"{provider_url}/_dev/stats", timeout=10).json()["refresh_requests"]
        refreshed = browser.get(urljoin(app_url, "refresh"), timeout=10)
        after = requests.get(f"{provider_url}/_dev/stats", timeout=10).json()["refresh_requests"]
        expect(refreshed.status_code == 200 and after == before + 1, "the token was not refreshed once", refreshed)
        print("ok: token refreshed")

        out = browser.get(urljoin(app_url, "logout"), timeout=10)
        expect(out.status_code == 200 and "You are signed out" in out.text, "the logout did not complete", out)
        print("ok: logged out")


def expect(condition: bool, message: str, response: requests.Response) -> None:
    if not condition:
        raise CheckFailed(f"{message} (HTTP {response.status_code} from {response.url.split('?')[0]})")


if __name__ == "__main__":
    sys.exit(main())
