"""The ``flask oauth`` commands: the presets, provider checks, and tokens for scripts and jobs.

The extension registers the group on every app it is initialised on (``init_app``),
so ``flask --app myapp oauth --help`` lists them:

- ``providers``: the built-in presets (name, protocol, default scopes);
- ``check [NAME]``: each registered provider, or one: discovery reachable, issuer
  as promised, endpoints present, redirect URIs sane; exit status 1 when a check fails;
- ``login NAME [--device] [--no-browser] [--port N]``: log in from a terminal,
  through the loopback flow or the device flow, and keep the token;
- ``token NAME``: print a fresh access token (refreshed, and written back, when it
  has expired), nothing else on stdout: ``$(flask oauth token google)``;
- ``revoke NAME``: revoke the token at the provider where it can, and forget it.

Tokens are kept in a :class:`~flask_oauth_registry.storage.file.FileStorage` at
``OAUTH_CLI_TOKEN_FILE`` (default :func:`default_token_file`), for the user
:data:`CLI_USER`.  Messages go to stderr; an :class:`OAuthError` is one line,
``error: <code>: <description>``, and exit status 1 (2 for usage errors).

The registry is found through ``current_app.extensions`` rather than imported:
the extension imports this module, so this module must not import the extension.
"""

from __future__ import annotations

import functools
import os
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any, Protocol, TypeVar

import click
from flask import current_app
from flask.cli import AppGroup

from .provider_checks import FAIL, Check, check_remote_app, preset_summary
from .providers import PRESETS, get_preset
from .registry.errors import ConfigurationError, MissingTokenError, OAuthError
from .registry.metadata import REVOCATION_ENDPOINT
from .registry.oauth2 import OAuth2App
from .storage.file import FileStorage

#: The Flask config key of the token file's path.
TOKEN_FILE_KEY = "OAUTH_CLI_TOKEN_FILE"
#: Whose tokens the commands keep: one owner per token file (the file is already the OS user's own).
CLI_USER = "cli"
#: The folder under the user's configuration directory that holds the token file.
APP_DIR_NAME = "flask-oauth-registry"
#: The key of the registry's per-app state in ``app.extensions`` (``registry.extension.EXTENSION_KEY``).
_EXTENSION_KEY = "oauth_registry"

Command = TypeVar("Command", bound=Callable[..., Any])

oauth_cli = AppGroup("oauth", help="OAuth providers of this app, and tokens for scripts and jobs.")


class _Registry(Protocol):
    """What the commands need of the :class:`~flask_oauth_registry.OAuth` registry."""

    def registered_names(self) -> list[str]: ...

    def create_client(self, name: str) -> Any: ...


def default_token_file(environ: Mapping[str, str] | None = None, home: Path | None = None) -> Path:
    """Where the tokens live without ``OAUTH_CLI_TOKEN_FILE``: ``<config dir>/flask-oauth-registry/tokens.json``.

    The configuration directory is ``$XDG_CONFIG_HOME`` when it is an absolute path
    (the XDG rule), else ``~/.config``; on Windows ``%APPDATA%``.
    """
    environ = os.environ if environ is None else environ
    home = Path.home() if home is None else home
    xdg = environ.get("XDG_CONFIG_HOME", "")
    if os.name == "nt" and environ.get("APPDATA"):
        base = Path(environ["APPDATA"])
    elif xdg and os.path.isabs(xdg):
        base = Path(xdg)
    else:
        base = home / ".config"
    return base / APP_DIR_NAME / "tokens.json"


def token_file(config: Mapping[str, Any]) -> Path:
    """The token file of this app: ``OAUTH_CLI_TOKEN_FILE`` (``~`` expanded), else :func:`default_token_file`."""
    configured = config.get(TOKEN_FILE_KEY)
    return Path(os.path.expanduser(str(configured))) if configured else default_token_file()


def _token_storage() -> FileStorage:
    return FileStorage(token_file(current_app.config))


def _registry() -> _Registry:
    state = current_app.extensions.get(_EXTENSION_KEY)
    if state is None:
        raise click.UsageError("this app has no OAuth registry: call OAuth(app) or oauth.init_app(app)")
    return state.registry  # type: ignore[no-any-return]


def _remote_app(name: str) -> Any:
    """The remote app ``name``; a usage error (exit status 2) listing the registered ones if unknown."""
    registry = _registry()
    if name not in registry.registered_names():
        known = ", ".join(registry.registered_names()) or "none"
        raise click.BadParameter(f"no remote app named {name!r} is registered (registered: {known})", param_hint="NAME")
    return registry.create_client(name)


def _oauth2_app(name: str, command: str) -> OAuth2App:
    app = _remote_app(name)
    if not isinstance(app, OAuth2App):
        raise ConfigurationError(description=f"{name!r} is an OAuth 1.0a app: `flask oauth {command}` is for OAuth 2")
    return app


def _say(message: str) -> None:
    """A message for the person at the terminal: on stderr, so stdout holds only data."""
    click.echo(message, err=True)


def reports_oauth_errors(command: Command) -> Command:
    """Turn an :class:`OAuthError` into ``error: <code>: <description>`` on stderr and exit status 1.

    ``str(error)`` is built from fixed text and the provider's code and description,
    never from a secret or a token, so it is safe to print; no traceback is shown.
    """

    @functools.wraps(command)
    def run(*args: Any, **kwargs: Any) -> Any:
        try:
            return command(*args, **kwargs)
        except OAuthError as exc:
            _say(f"error: {exc}")
            raise click.exceptions.Exit(1) from None

    return run  # type: ignore[return-value]


# -- providers and check -----------------------------------------------------------------
@oauth_cli.command("providers", short_help="List the built-in provider presets.")
def providers_command() -> None:
    """List the built-in provider presets: name, protocol, default scopes and the options ``register`` takes."""
    presets = [get_preset(name) for name in sorted(PRESETS)]
    rows = [preset_summary(preset) for preset in presets]
    width = max((len(row[0]) for row in rows), default=0)
    protocol_width = max((len(row[1]) for row in rows), default=0)
    for preset, (name, protocol, scopes) in zip(presets, rows, strict=True):
        options = " ".join(f"{option.name}=" for option in preset.options)
        line = f"{name:<{width}}  {protocol:<{protocol_width}}  {scopes or '-'}"
        click.echo(f"{line}  [options: {options}]" if options else line.rstrip())


@oauth_cli.command("check", short_help="Check the registered providers; exit status 1 on a failure.")
@click.argument("name", required=False)
@reports_oauth_errors
def check_command(name: str | None) -> None:
    """Check each registered provider (or NAME): discovery, issuer, endpoints, redirect URIs.

    One line per check; the exit status is 1 when any check fails.
    """
    registry = _registry()
    names = [name] if name else registry.registered_names()
    if not names:
        raise ConfigurationError(description="no remote app is registered: nothing to check")
    checks: list[Check] = []
    width = max(len(each) for each in names)
    for each in names:
        for check in _checks_of(each):
            click.echo(check.line(width))
            checks.append(check)
    failed = sum(1 for check in checks if check.failed)
    if failed:
        _say(f"error: {failed} of {len(checks)} checks failed")
        raise click.exceptions.Exit(1)


def _checks_of(name: str) -> list[Check]:
    """The checks of the app ``name``; one failed check when the app cannot even be built from its settings."""
    try:
        app = _remote_app(name)
    except OAuthError as exc:
        return [Check(name, "configuration", FAIL, str(exc))]
    return check_remote_app(app)


# -- login, token, revoke ------------------------------------------------------------------
@oauth_cli.command("login", short_help="Log in to NAME and keep the token.")
@click.argument("name")
@click.option("--device", is_flag=True, help="Use the device flow: enter a code on any other device.")
@click.option("--no-browser", is_flag=True, help="Print the URL instead of opening a browser (loopback login).")
@click.option("--port", type=click.IntRange(0, 65535), default=None,
              help="The loopback port to listen on for the redirect  [default: a free port].")
@reports_oauth_errors
def login_command(name: str, device: bool, no_browser: bool, port: int | None) -> None:
    """Log in to NAME from this terminal and keep the token for `token` and `revoke`.

    By default a browser opens and comes back to a one-shot server on
    127.0.0.1; with --device, enter the code shown here on any device.
    """
    if device and port is not None:
        raise click.UsageError("--port is for the loopback login, not --device")
    app = _oauth2_app(name, "login")
    if _own_token_grant(app):
        raise ConfigurationError(
            description=f"{name!r} gets its own token without a user: no login needed, run `flask oauth token {name}`"
        )
    storage = _token_storage()
    token = _device_login(app) if device else app.run_local_server(port=port or 0, open_browser=not no_browser)
    storage.set(name, CLI_USER, token)
    _say(f"Logged in to {name}; the token is kept in {storage.path}")


def _device_login(app: OAuth2App) -> dict[str, Any]:
    """The device flow: show the code, poll with a progress line, return the token."""
    flow = app.start_device_authorization()
    _say(f"To log in, open {flow.verification_uri} and enter the code {flow.user_code}")
    if flow.verification_uri_complete:
        _say(f"(or open {flow.verification_uri_complete})")
    progress = ProgressLine()
    try:
        return app.poll_device_token(flow, on_pending=progress.show)
    finally:
        progress.end()


class ProgressLine:
    """The device flow's progress line on stderr, rewritten in place: how long the code stays valid."""

    def __init__(self) -> None:
        self.shown = False

    def show(self, remaining_seconds: float) -> None:
        minutes, seconds = divmod(max(0, int(remaining_seconds)), 60)
        click.echo(f"\rWaiting for you to enter the code... {minutes}:{seconds:02d} left ", nl=False, err=True)
        self.shown = True

    def end(self) -> None:
        if self.shown:
            click.echo("", err=True)


@oauth_cli.command("token", short_help="Print a fresh access token for NAME.")
@click.argument("name")
@reports_oauth_errors
def token_command(name: str) -> None:
    """Print a fresh access token for NAME, and nothing else, on stdout.

    An expired token is refreshed through the app and written back to the token
    file.  An app that gets its own token (client credentials, a service account)
    needs no login: its token is fetched and kept until it expires.
    """
    app = _oauth2_app(name, "token")
    storage = _token_storage()
    stored = storage.get(name, CLI_USER)
    if stored is None:
        token = _own_token(app)
        if token is None:
            raise MissingTokenError(
                description=f"no token for {name!r} in {storage.path}: run `flask oauth login {name}`"
            )
    else:
        token = dict(stored)
        app._refresh_if_expired(token)  # the app's own path: one refresh, update_token and token_update notified
    if token != stored:
        storage.set(name, CLI_USER, token)
    click.echo(token["access_token"])


def _own_token_grant(app: OAuth2App) -> bool:
    """Whether the app gets tokens without a user (client credentials, JWT bearer: :mod:`.machine_token`)."""
    return app._renewal is not None and app._renewal.machine is not None


def _own_token(app: OAuth2App) -> dict[str, Any] | None:
    """The app's own token when it gets one without a user, else ``None``."""
    renewal = app._renewal
    own = renewal.machine_token() if renewal is not None else None
    return dict(own) if own is not None else None


@oauth_cli.command("revoke", short_help="Revoke NAME's token and forget it.")
@click.argument("name")
@reports_oauth_errors
def revoke_command(name: str) -> None:
    """Revoke NAME's token at the provider (where it has a revocation endpoint) and forget it."""
    app = _oauth2_app(name, "revoke")
    storage = _token_storage()
    token = storage.get(name, CLI_USER)
    if token is None:
        raise MissingTokenError(description=f"no token for {name!r} in {storage.path}: nothing to revoke")
    if app.load_server_metadata().get(REVOCATION_ENDPOINT.name):
        # Revoking the refresh token ends the whole grant, its access tokens too (RFC 7009 2.1).
        hint = "refresh_token" if token.get("refresh_token") else "access_token"
        app.revoke_token(token, token_type_hint=hint)
        _say(f"Revoked the token at {name}")
    else:
        _say(f"{name} has no revocation endpoint: the token is forgotten here, but stays valid until it expires")
    storage.delete(name, CLI_USER)
