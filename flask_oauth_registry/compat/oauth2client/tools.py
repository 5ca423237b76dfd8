"""oauth2client's ``tools``: ``run_flow`` logs a user in from the command line, and ``argparser`` its flags.

``run_flow(flow, storage, flags)`` keeps its flags and messages; underneath, the
local-webserver path is this library's loopback login
(:func:`flask_oauth_registry.flows.loopback.run_local_server`), which fixes what
oauth2client's one-request server got wrong:

- a ``state`` is sent and checked, and PKCE is on (oauth2client had neither);
- only the request to the redirect path with a ``code`` or ``error`` ends the wait
  (a favicon or a preconnect is answered 404), the wait has a deadline, and the
  port is released whatever happens;
- ``flags=None`` no longer parses ``sys.argv`` (it crashed in Jupyter and in
  programs with their own options): the defaults are used.

``--noauth_local_webserver`` still uses the out-of-band redirect
(``urn:ietf:wg:oauth:2.0:oob``) for providers that support it, and says that
Google no longer does; the pasted answer may be the code or the whole redirect URL.
"""

from __future__ import annotations

import argparse
import errno
import logging
import sys
from collections.abc import Mapping
from typing import Any
from urllib.parse import parse_qsl, urlsplit

from ...flows.loopback import run_local_server
from ...registry.authorization import AuthorizationResponse, new_state
from ...registry.errors import LoginTimeoutError, MismatchingStateError, ProviderError
from . import client
from ._helpers import positional

__all__ = ["argparser", "message_if_missing", "run_flow"]

_CLIENT_SECRETS_MESSAGE = """WARNING: Please configure OAuth 2.0

To make this sample run you will need to populate the client_secrets.json file
found at:

   {file_path}

with information from the APIs Console <https://code.google.com/apis/console>.

"""
_FAILED_START_MESSAGE = """
Failed to start a local webserver listening on either port 8080
or port 8090. Please check your firewall settings and locally
running programs that may be blocking or using those ports.

Falling back to --noauth_local_webserver and continuing with
authorization.
"""
_BROWSER_OPENED_MESSAGE = """
Your browser has been opened to visit:

    {url}

If your browser is on a different machine then exit and re-run this
application with the command-line parameter

  --noauth_local_webserver
"""
_GO_TO_LINK_MESSAGE = """
Go to the following link in your browser:

    {address}
"""
_OOB_GONE_MESSAGE = (
    "Note: Google stopped accepting the out-of-band (copy and paste) flow in 2022-2023; with Google, run "
    "without --noauth_local_webserver (on a remote machine, forward the port: ssh -L 8080:localhost:8080)."
)
#: Seconds the local webserver waits for the browser before giving up (oauth2client waited for ever).
LOGIN_TIMEOUT_SECONDS = 600


def _create_argument_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(add_help=False)
    parser.add_argument("--auth_host_name", default="localhost",
                        help="Hostname when running a local web server.")
    parser.add_argument("--noauth_local_webserver", action="store_true", default=False,
                        help="Do not run a local web server.")
    parser.add_argument("--auth_host_port", default=[8080, 8090], type=int, nargs="*",
                        help="Port web server should listen on.")
    parser.add_argument("--logging_level", default="ERROR",
                        choices=["DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL"],
                        help="Set the logging level of detail.")
    return parser


#: The flags of :func:`run_flow`, as a parent parser: ``ArgumentParser(parents=[tools.argparser])``.
argparser = _create_argument_parser()


def message_if_missing(filename: str) -> str:
    """The message to print when the client secrets file is missing."""
    return _CLIENT_SECRETS_MESSAGE.format(file_path=filename)


class _FlowAsApp:
    """The oauth2client flow seen as the remote app the loopback login drives."""

    name = "oauth2client"

    def __init__(self, flow: Any, http: Any) -> None:
        self.flow = flow
        self.http = http
        self.credentials: Any = None

    def create_authorization_url(self, redirect_uri: str | None = None, **params: Any) -> dict[str, Any]:
        self.flow.redirect_uri = redirect_uri
        state = new_state()
        return {"url": self.flow.step1_get_authorize_url(state=state), "state": state}

    def exchange_callback(self, callback: AuthorizationResponse, flow: Mapping[str, Any], **kwargs: Any
                          ) -> dict[str, Any]:
        self.credentials = self.flow.step2_exchange(callback.code, http=self.http)
        return {}


def _turn_on_pkce(flow: Any) -> None:
    # PKCE costs nothing and protects the code on its way back through the browser; the user's flow keeps a verifier.
    if isinstance(flow, client.OAuth2WebServerFlow) and not flow._pkce:
        flow._pkce = True
        flow.code_verifier = None


def _local_server_login(flow: Any, flags: Any, http: Any) -> Any | None:
    """The credentials from the loopback login, or ``None`` when no port could be bound."""
    app = _FlowAsApp(flow, http)
    for port in flags.auth_host_port:
        try:
            run_local_server(
                app, host=flags.auth_host_name, port=port, timeout_seconds=LOGIN_TIMEOUT_SECONDS,
                authorization_prompt_message=_BROWSER_OPENED_MESSAGE,
                success_message="The authentication flow has completed.",
            )
        except OSError as exc:
            if exc.errno in (errno.EADDRINUSE, errno.EACCES, errno.EADDRNOTAVAIL):
                continue
            raise
        except ProviderError:
            sys.exit("Authentication request was rejected.")
        except (MismatchingStateError, LoginTimeoutError) as exc:
            sys.exit(f"Authentication has failed: {exc}")
        except client.FlowExchangeError as exc:
            sys.exit(f"Authentication has failed: {exc}")
        return app.credentials
    return None


def _pasted_code(answer: str, state: str) -> str:
    """The code from what the user pasted: the code itself, or the redirect URL that carries it."""
    answer = answer.strip()
    if "code=" not in answer and "error=" not in answer:
        return answer
    params = dict(parse_qsl(urlsplit(answer).query or answer))
    if params.get("error"):
        sys.exit("Authentication request was rejected.")
    if params.get("state") != state:
        sys.exit("Authentication has failed: the pasted URL is not from this login (state mismatch)")
    return params.get("code", "")


def _copy_paste_login(flow: Any, http: Any) -> Any:
    flow.redirect_uri = client.OOB_CALLBACK_URN
    state = new_state()
    authorize_url = flow.step1_get_authorize_url(state=state)
    print(_GO_TO_LINK_MESSAGE.format(address=authorize_url))
    print(_OOB_GONE_MESSAGE)
    code = _pasted_code(input("Enter verification code: "), state)
    try:
        return flow.step2_exchange(code, http=http)
    except client.FlowExchangeError as exc:
        sys.exit(f"Authentication has failed: {exc}")


@positional(3)
def run_flow(flow: Any, storage: Any, flags: argparse.Namespace | None = None, http: Any = None) -> Any:
    """Log the user in, store the credentials in ``storage`` and return them.

    ``flags`` are parsed from :data:`argparser` (``None``: the defaults, not
    ``sys.argv``).  Rejection and failures end the program with oauth2client's
    messages (``sys.exit``); a failure of the provider or the network is the
    library's :class:`~flask_oauth_registry.OAuthError`.
    """
    if flags is None:
        flags = argparser.parse_args([])
    logging.getLogger().setLevel(getattr(logging, flags.logging_level))
    _turn_on_pkce(flow)
    credential = None
    if not flags.noauth_local_webserver:
        credential = _local_server_login(flow, flags, http)
        if credential is None:
            print(_FAILED_START_MESSAGE)
    if credential is None:
        credential = _copy_paste_login(flow, http)
    storage.put(credential)
    credential.set_store(storage)
    print("Authentication successful.")
    return credential
