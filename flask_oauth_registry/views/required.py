"""The ``required`` decorator: a view that runs only for a user who authorized a remote app.

``@oauth.google.required`` or ``@oauth.google.required(scopes=[...])`` (below
``@app.route``).  A user without a token, or whose token lacks one of the scopes,
is sent through the ready routes' login, asking for the scopes already granted,
the app's and the new ones, and comes back to the URL they asked for.  The scopes
come from the decorator only, never from the request.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Sequence
from typing import Any

from flask import current_app

from ..registry.errors import ConfigurationError
from .login import reporting_errors, requested_path, start_login
from .scopes import parse_scopes
from .state import views_state

View = Callable[..., Any]


def required(name: str, view: View | None = None, scopes: Sequence[str] | str | None = None) -> Any:
    """Guard ``view`` with the remote app ``name``; without ``view``, a decorator that does.

    The app is looked up per request (for the current Flask app).  ``scopes`` on an
    OAuth 1.0a app is a :class:`ConfigurationError` (OAuth 1.0a has no scopes).
    """
    wanted = parse_scopes(scopes)
    if view is None:
        return functools.partial(required, name, scopes=wanted)

    @functools.wraps(view)
    def guarded(*args: Any, **kwargs: Any) -> Any:
        # The app resolved once: each call through Flask's current_app proxy costs more than the lookups themselves.
        flask_app = current_app._get_current_object()  # type: ignore[attr-defined]
        client = views_state(flask_app).client(name)
        check_scopes_apply(client.is_oauth2, name, wanted)
        if client.has_credentials(wanted):
            return flask_app.ensure_sync(view)(*args, **kwargs)
        with reporting_errors(name):
            return start_login(client, requested_path(), wanted)

    return guarded


def check_scopes_apply(is_oauth2: bool, name: str, scopes: Sequence[str]) -> None:
    """Refuse scopes for an OAuth 1.0a app, naming it."""
    if scopes and not is_oauth2:
        raise ConfigurationError(description=f"{name!r} is an OAuth 1.0a app: scopes do not apply to it")
