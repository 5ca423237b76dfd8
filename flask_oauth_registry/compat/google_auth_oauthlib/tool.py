"""The ``google-oauthlib-tool`` command: log in from a terminal and print (or save) the user's credentials.

Same options and output as google-auth-oauthlib's tool::

    python -m flask_oauth_registry.compat.google_auth_oauthlib.tool \\
        --client-secrets client_secrets.json --scope https://www.googleapis.com/auth/drive.readonly [--save]

It prints ``{"token", "refresh_token", "token_uri", "client_id", "client_secret",
"scopes"}`` as JSON, or with ``--save`` writes the same without ``token`` to
``--credentials`` (readable by its owner only: it holds the refresh token and the
client secret).  ``--headless`` replaces Google's retired out-of-band codes: the
URL is printed, the user opens it on any device, and pastes back the address the
browser was sent to at the end (the page itself does not load); its ``state`` is
checked before the code is exchanged.
"""

from __future__ import annotations

import json
import os
from collections.abc import Sequence
from typing import Any
from urllib.parse import urlsplit

import click

from ...flows import loopback
from ...registry.errors import InvalidCallbackError, OAuthError
from .flow import Flow, InstalledAppFlow

APP_NAME = "google-oauthlib-tool"
DEFAULT_CREDENTIALS_FILENAME = os.path.join(click.get_app_dir(APP_NAME), "credentials.json")
#: The redirect URI of a ``--headless`` login: nothing listens there, the user copies the address.
HEADLESS_REDIRECT_URI = "http://localhost:8080/"
PASTE_PROMPT = "Paste the address your browser was sent to at the end (it starts with http://localhost:8080/)"


def login_by_pasting(app_flow: Flow, redirect_uri: str = HEADLESS_REDIRECT_URI, **kwargs: Any) -> Any:
    """Log in without a server: print the URL, read back the redirected address, exchange its code.

    The pasted address must be the callback of this login: the redirect URI's
    path with a ``code`` (or ``error``) and this login's ``state``.
    """
    app_flow.redirect_uri = redirect_uri
    url, state = app_flow.authorization_url(**kwargs)
    click.echo(f"Please visit this URL on any device to authorize this application:\n{url}", err=True)
    pasted = click.prompt(PASTE_PROMPT, err=True).strip()
    parts = urlsplit(pasted)
    target = f"{parts.path or '/'}?{parts.query}"
    callback = loopback.callback_in_request(target)
    if callback is None:
        raise InvalidCallbackError(description="the pasted address is not the login's callback (no code in it)")
    loopback.check_callback(callback, state)
    app_flow.fetch_token(code=callback.code)
    return app_flow.credentials


def credentials_data(credentials: Any) -> dict[str, Any]:
    """The JSON the tool prints: the authorized-user fields of google-auth credentials."""
    return {
        "token": credentials.token,
        "refresh_token": credentials.refresh_token,
        "token_uri": credentials.token_uri,
        "client_id": credentials.client_id,
        "client_secret": credentials.client_secret,
        "scopes": list(credentials.scopes) if credentials.scopes is not None else None,
    }


def save_credentials(path: str, data: dict[str, Any]) -> None:
    """Write ``data`` as JSON to ``path``, creating its directory; mode 0600, no symbolic link followed."""
    directory = os.path.dirname(path)
    if directory and not os.path.isdir(directory):
        os.makedirs(directory, mode=0o700)
    flags = os.O_WRONLY | os.O_CREAT | os.O_TRUNC | getattr(os, "O_NOFOLLOW", 0)
    handle = os.open(path, flags, 0o600)
    with os.fdopen(handle, "w", encoding="utf-8") as outfile:
        json.dump(data, outfile)


@click.command(name=APP_NAME)
@click.option(
    "--client-secrets", required=True, help="Path to OAuth2 client secret JSON file.",
    type=click.Path(exists=True, file_okay=True, dir_okay=False, resolve_path=True),
)
@click.option("--scope", multiple=True, required=True, help="API scopes to authorize access for.")
@click.option("--save", is_flag=True, default=False, help="Save the credentials to file.")
@click.option(
    "--credentials", default=DEFAULT_CREDENTIALS_FILENAME, show_default=True, help="Path to store OAuth2 credentials.",
    type=click.Path(exists=False, file_okay=True, dir_okay=False, writable=True, resolve_path=True),
)
@click.option(
    "--headless", is_flag=True, default=False,
    help="No browser on this machine: open the printed URL anywhere and paste back where it ends.",
)
@click.option(
    "--port", type=click.IntRange(0, 65535), default=0, show_default=True,
    help="The loopback port of the redirect URI (0: a free one; installed-app clients accept any).",
)
def main(client_secrets: str, scope: Sequence[str], save: bool, credentials: str, headless: bool, port: int) -> None:
    """Log in with the client of --client-secrets and print (or --save) the user's credentials."""
    app_flow = InstalledAppFlow.from_client_secrets_file(client_secrets, scopes=list(scope))
    try:
        creds = login_by_pasting(app_flow) if headless else app_flow.run_local_server(port=port)
    except OAuthError as exc:
        raise click.ClickException(str(exc)) from None
    data = credentials_data(creds)
    if save:
        del data["token"]
        save_credentials(credentials, data)
        click.echo(f"credentials saved: {credentials}")
    else:
        click.echo(json.dumps(data))


if __name__ == "__main__":  # pragma: no cover - python -m
    main()
