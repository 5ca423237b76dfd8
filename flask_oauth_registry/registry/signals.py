"""Blinker signals sent by remote apps and the ready routes; the sender is always the Flask application."""

from __future__ import annotations

from blinker import Namespace

_signals = Namespace()

#: Sent once after a token was refreshed (or re-fetched with client credentials).
#: Receivers get ``sender`` (the Flask app), ``name`` (the remote app's name),
#: ``token`` (the new token), ``refresh_token`` (the refresh token that was used,
#: for refreshes) and ``access_token`` (the old access token, for client
#: credentials re-fetches), exactly as Authlib's ``token_update``.
token_update = _signals.signal("token_update")

#: Sent by the ready routes (and ``required``) just before the user is redirected
#: to the provider: ``sender`` (the Flask app), ``name``, ``url`` (the authorization URL).
oauth_before_login = _signals.signal("oauth_before_login")

#: Sent by the ready callback route once a login returned a token, before it is
#: stored: ``sender`` (the Flask app), ``name``, ``token``.  A receiver may return a
#: response, which is sent instead of the redirect to ``next``, or ``False``, which
#: skips storing the token (the receiver keeps it itself), as in Flask-Dance.
oauth_authorized = _signals.signal("oauth_authorized")

#: Sent when a ready route (login, callback, logout, or ``required`` starting a
#: login) fails with an :class:`~flask_oauth_registry.OAuthError`: ``sender`` (the
#: Flask app), ``name``, ``error``.  The error is raised afterwards (the error page).
oauth_error = _signals.signal("oauth_error")

__all__ = ["oauth_authorized", "oauth_before_login", "oauth_error", "token_update"]
