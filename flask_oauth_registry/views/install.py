"""Installing the views on a Flask app: state, error page and (on request) the ready routes.

Called by :meth:`OAuth.init_app <flask_oauth_registry.OAuth.init_app>`, the
composition root; nothing here imports the extension.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from flask import Flask

from ..registry.errors import ConfigurationError
from ..storage import SessionStorage, TokenStorage
from .access import UserHelpers
from .blueprint import DEFAULT_URL_PREFIX, make_blueprint
from .error_page import install_error_page
from .state import VIEWS_KEY, ViewsState
from .user_tokens import StoredTokens, TokenOwners


def install_views(
    app: Flask,
    create_client: Callable[[str], Any],
    storage: TokenStorage | None = None,
    user_id: Callable[[], Any] | None = None,
    routes: bool | str = False,
) -> tuple[ViewsState, UserHelpers]:
    """Set up the views for ``app``; return its state and the per-user helpers for its remote apps.

    Without ``storage`` tokens of the ready routes and ``required`` go to a
    :class:`SessionStorage` (in the session cookie: readable by the user, at most
    about 4 KB).  ``routes`` is ``True`` (at ``/oauth``) or a URL prefix.
    """
    if storage is not None and not isinstance(storage, TokenStorage):
        raise ConfigurationError(description="storage= must be a TokenStorage (SessionStorage, CacheStorage...)")
    if user_id is not None and not callable(user_id):
        raise ConfigurationError(description="user_id= must be a callable returning the current user's id")
    owners = TokenOwners(user_id)
    tokens = StoredTokens(storage if storage is not None else SessionStorage(), owners)
    state = ViewsState(create_client=create_client, tokens=tokens)
    app.extensions[VIEWS_KEY] = state
    install_error_page(app)
    if routes:
        prefix = routes if isinstance(routes, str) else DEFAULT_URL_PREFIX
        app.register_blueprint(make_blueprint(url_prefix=prefix))
    return state, UserHelpers(owners)
