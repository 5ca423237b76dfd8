"""The ``required`` decorator: a view that runs only for a user who authorized a remote app.

``@oauth.google.required`` or ``@oauth.google.required(scopes=[...])`` (below
``@app.route``).  A user without a token, or whose token lacks one of the scopes,
is sent through the ready routes' login, asking for the scopes already granted,
the app's and the new ones, and comes back to the URL they asked for.  The scopes
come from the decorator only, never from the request.
"""

from __future__ import annotations

import functools
import inspect
from collections.abc import Callable, Mapping, Sequence
from typing import Any

from flask import current_app

from ..registry.errors import ConfigurationError, MissingTokenError
from ..registry.remote import RemoteApp
from ..registry.tokens import is_expired
from .login import reporting_errors, requested_path, start_login
from .scopes import granted_scopes, missing_scopes, parse_scopes
from .state import views_state
from .user_tokens import StoredTokens

View = Callable[..., Any]


def required(name: str, view: View | None = None, scopes: Sequence[str] | str | None = None) -> Any:
    """Guard ``view`` with the remote app ``name``; without ``view``, a decorator that does.

    The app is looked up per request (for the current Flask app).  ``scopes`` on an
    OAuth 1.0a app is a :class:`ConfigurationError` (OAuth 1.0a has no scopes).
    With a :class:`~flask_oauth_registry.storage.RecentReads` storage the check may
    use a read of up to its ``ttl`` seconds ago; a view that then finds the token
    gone (:class:`MissingTokenError` from an API call or ``authorized_session()``)
    sends the user to log in, as the check would have.
    """
    wanted = parse_scopes(scopes)
    if view is None:
        return functools.partial(required, name, scopes=wanted)
    # Flask's ensure_sync wraps only coroutine functions; asking it on every request costs an inspect call.
    is_async = inspect.iscoroutinefunction(view)

    @functools.wraps(view)
    def guarded(*args: Any, **kwargs: Any) -> Any:
        # The app resolved once: each call through Flask's current_app proxy costs more than the lookups themselves.
        flask_app = current_app._get_current_object()  # type: ignore[attr-defined]
        state = views_state(flask_app)
        client = state.client(name)
        check_scopes_apply(client.is_oauth2, name, wanted)
        tokens = state.tokens
        if not tokens.peeks:
            # has_credentials(wanted), without its two levels of delegation and second parse of the scopes.
            if allows(client, client.token, wanted):
                return flask_app.ensure_sync(view)(*args, **kwargs) if is_async else view(*args, **kwargs)
        elif _allowed_by_peek(client, tokens, wanted):
            if not tokens.may_be_stale:
                return flask_app.ensure_sync(view)(*args, **kwargs) if is_async else view(*args, **kwargs)
            try:
                return flask_app.ensure_sync(view)(*args, **kwargs) if is_async else view(*args, **kwargs)
            except MissingTokenError:
                # The recent read was stale (a logout elsewhere): log in, as a fresh check would have said.
                if client.has_credentials(wanted):
                    raise
        with reporting_errors(name):
            return start_login(client, requested_path(), wanted)

    return guarded


def _allowed_by_peek(client: RemoteApp, tokens: StoredTokens, wanted: Sequence[str]) -> bool:
    """``has_credentials(wanted)``, deciding on the storage's ``peek``; that token stays off ``g``.

    A view that uses the token reads it then (``credentials``, API calls); one that
    does not saves the copy, or with :class:`~flask_oauth_registry.storage.RecentReads` the round trip.

    A token the app's own ``fetch_token`` answered (not the storage) is kept on ``g``
    as :attr:`RemoteApp.token` would keep it: it was read now.
    """
    token, peeked = tokens.fetch_for_check(client.context.fetch_token)
    if not peeked and token is not None:
        client.token = token
    return allows(client, token, wanted)


def allows(client: RemoteApp, token: Mapping[str, Any] | None, wanted: Sequence[str]) -> bool:
    """Whether ``token`` is usable (not expired, or renewable) and grants every scope of ``wanted`` (parsed)."""
    if not token:
        return False
    if client.is_oauth2 and not token.get("refresh_token") and is_expired(token, client.config.leeway):
        return False
    # Most views want no particular scope: skip parsing the token's on every request then.
    return not wanted or not missing_scopes(granted_scopes(token), wanted)


def check_scopes_apply(is_oauth2: bool, name: str, scopes: Sequence[str]) -> None:
    """Refuse scopes for an OAuth 1.0a app, naming it."""
    if scopes and not is_oauth2:
        raise ConfigurationError(description=f"{name!r} is an OAuth 1.0a app: scopes do not apply to it")
