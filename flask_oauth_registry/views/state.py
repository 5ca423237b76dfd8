"""``ViewsState``: what the views keep per Flask app, in ``app.extensions``.

The registry's extension creates it at ``init_app`` (see :mod:`.install`); the
routes and the ``required`` decorator find it through :func:`views_state`, so one
registry serving several Flask apps keeps each app's storage and clients apart.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from flask import Flask, abort, current_app

from ..registry.errors import ConfigurationError
from ..registry.remote import RemoteApp
from .user_tokens import StoredTokens

#: The ``app.extensions`` key of the :class:`ViewsState`.
VIEWS_KEY = "oauth_registry_views"


@dataclass(frozen=True)
class ViewsState:
    """One Flask app's view settings: how to find a remote app, and where users' tokens are stored."""

    #: The registry's ``create_client``: the remote app of a name for the current Flask app, or ``None``.
    create_client: Callable[[str], Any]
    #: The storage (given, or a :class:`~flask_oauth_registry.storage.SessionStorage`), keyed by user.
    tokens: StoredTokens

    def client(self, name: str) -> RemoteApp:
        """The remote app ``name``; a :class:`ConfigurationError` naming it when it is not registered."""
        found = self.create_client(name)
        if not isinstance(found, RemoteApp):
            raise ConfigurationError(description=f"no remote app named {name!r} is registered")
        return found

    def client_or_404(self, name: str) -> RemoteApp:
        """The remote app ``name``, or a 404 (a route's ``<name>`` is what the browser sent)."""
        found = self.create_client(name)
        if not isinstance(found, RemoteApp):
            abort(404)
        return found


def views_state(app: Flask | None = None) -> ViewsState:
    """The :class:`ViewsState` of ``app`` (default: the current app)."""
    flask_app = app if app is not None else current_app
    state = flask_app.extensions.get(VIEWS_KEY)
    if not isinstance(state, ViewsState):
        raise ConfigurationError(
            description="the OAuth registry is not initialised on this app: call oauth.init_app(app)"
        )
    return state
