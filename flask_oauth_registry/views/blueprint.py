"""The ready routes: a blueprint named ``oauth`` with login, callback and logout for every remote app.

``OAuth(app, routes=True)`` or ``app.register_blueprint(oauth.blueprint(url_prefix="/oauth"))``:

- ``oauth.login``: ``GET /oauth/login/<name>?next=/path``. Only ``next`` is read from
  the query (checked by :func:`.safe_return_path`); it travels in the login's
  server-side flow state, never in the URL or a cookie of its own.
- ``oauth.callback``: ``GET`` and (``response_mode=form_post``) ``POST
  /oauth/callback/<name>``, the redirect URI of every login: stores the token
  through the storage and redirects to the saved ``next``.
- ``oauth.logout``: ``GET`` or ``POST /oauth/logout/<name>?next=/path``: forgets the
  stored token and, where the provider has an ``end_session_endpoint``, ends the
  provider session too (RP-initiated logout) before coming back to ``next``.

The callback stores the token under the storage's default account.  To keep
several accounts of one provider for one user, connect an ``oauth_authorized``
receiver that stores the token itself under its subject and returns ``False``::

    @oauth_authorized.connect_via(app)
    def keep_account(sender, name, token):
        storage.set(name, current_user.get_id(), token, account=token["userinfo"]["sub"])
        return False

and read it back with ``storage.get(name, user, account=sub)``.

An unknown ``<name>`` is a 404.  An :class:`~flask_oauth_registry.OAuthError` at
these routes sends ``oauth_error`` and ends at the error page (or the app's handler).
"""

from __future__ import annotations

from collections.abc import Callable

from flask import Blueprint, request
from werkzeug.wrappers import Response

from ..registry.errors import OAuthError
from .error_page import answer_route_error
from .login import finish_login, log_out, reporting_errors, start_login
from .return_path import safe_return_path
from .state import views_state

#: The blueprint's name: its endpoints are ``oauth.login``, ``oauth.callback`` and ``oauth.logout``.
BLUEPRINT_NAME = "oauth"
DEFAULT_URL_PREFIX = "/oauth"


def _answer(name: str, action: Callable[[], Response]) -> Response:
    """Run a route's work; an OAuthError sends ``oauth_error`` and ends at a page (see :mod:`.error_page`)."""
    try:
        with reporting_errors(name):
            return action()
    except OAuthError as error:
        return answer_route_error(error)


def login(name: str) -> Response:
    """Start a login with ``name`` and come back to the checked ``next``."""
    client = views_state().client_or_404(name)
    return _answer(name, lambda: start_login(client, safe_return_path(request.args.get("next"))))


def callback(name: str) -> Response:
    """Finish the login of ``name``: store the token, redirect to the ``next`` saved at login."""
    state = views_state()
    client = state.client_or_404(name)
    return _answer(name, lambda: finish_login(client, state.tokens))


def logout(name: str) -> Response:
    """Forget the user's token for ``name`` (and end the provider session where it can), then go to ``next``."""
    state = views_state()
    client = state.client_or_404(name)
    return _answer(name, lambda: log_out(client, state.tokens, safe_return_path(request.values.get("next"))))


def make_blueprint(url_prefix: str = DEFAULT_URL_PREFIX) -> Blueprint:
    """A new ``oauth`` blueprint with the ready routes under ``url_prefix``."""
    blueprint = Blueprint(BLUEPRINT_NAME, __name__, url_prefix=url_prefix)
    blueprint.add_url_rule("/login/<name>", "login", login, methods=["GET"])
    blueprint.add_url_rule("/callback/<name>", "callback", callback, methods=["GET", "POST"])
    blueprint.add_url_rule("/logout/<name>", "logout", logout, methods=["GET", "POST"])
    return blueprint
