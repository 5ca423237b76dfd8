"""Blinker signals sent by remote apps; the sender is always the Flask application."""

from __future__ import annotations

from blinker import Namespace

_signals = Namespace()

#: Sent once after a token was refreshed (or re-fetched with client credentials).
#: Receivers get ``sender`` (the Flask app), ``name`` (the remote app's name),
#: ``token`` (the new token), ``refresh_token`` (the refresh token that was used,
#: for refreshes) and ``access_token`` (the old access token, for client
#: credentials re-fetches), exactly as Authlib's ``token_update``.
token_update = _signals.signal("token_update")

__all__ = ["token_update"]
