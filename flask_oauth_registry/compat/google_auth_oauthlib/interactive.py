"""google-auth-oauthlib's ``interactive``: ``get_user_credentials`` and the open-port search it uses.

``get_user_credentials(scopes, client_id, client_secret)`` logs a user in to a
Google API from a terminal with an installed-app client and returns
``google.oauth2.credentials.Credentials``: the loopback login of
:meth:`.flow.InstalledAppFlow.run_local_server` on the first free port from
``minimum_port``.
"""

from __future__ import annotations

import socket
from collections.abc import Sequence
from typing import Any

from .flow import InstalledAppFlow

#: The host the server listens on and the redirect URI names.
LOCALHOST = "localhost"
#: Ports tried from ``start`` when :func:`find_open_port` has no ``stop``.
DEFAULT_PORTS_TO_TRY = 100
_GOOGLE_OAUTH2_AUTH_ENDPOINT = "https://accounts.google.com/o/oauth2/auth"
_GOOGLE_OAUTH2_TOKEN_ENDPOINT = "https://oauth2.googleapis.com/token"


def is_port_open(port: int) -> bool:
    """Whether ``port`` on ``localhost`` can be bound and listened on now."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        try:
            sock.bind((LOCALHOST, port))
            sock.listen()
        except OSError:
            return False
        return True


def find_open_port(start: int = 8080, stop: int | None = None) -> int | None:
    """The first open port in ``[start, stop)`` (``stop``: ``start + 100``), or ``None``."""
    if not stop:
        stop = start + DEFAULT_PORTS_TO_TRY
    return next((port for port in range(start, stop) if is_port_open(port)), None)


def get_user_credentials(
    scopes: Sequence[str], client_id: str, client_secret: str, minimum_port: int = 8080,
    maximum_port: int | None = None,
) -> Any:
    """Log the user in with Google's endpoints and an installed-app client; return its credentials.

    A ``ConnectionError`` when no port in ``[minimum_port, maximum_port)`` is free.
    """
    client_config = {
        "installed": {
            "client_id": client_id,
            "client_secret": client_secret,
            "redirect_uris": [],
            "auth_uri": _GOOGLE_OAUTH2_AUTH_ENDPOINT,
            "token_uri": _GOOGLE_OAUTH2_TOKEN_ENDPOINT,
        }
    }
    app_flow = InstalledAppFlow.from_client_config(client_config, scopes=scopes)
    port = find_open_port(start=minimum_port, stop=maximum_port)
    if not port:
        raise ConnectionError("Could not find open port.")
    return app_flow.run_local_server(host=LOCALHOST, port=port)
