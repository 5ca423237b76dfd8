"""The library's blinker signals, also exported from the package root.

``token_update`` (a token was renewed), and for the ready routes ``oauth_before_login``,
``oauth_authorized`` and ``oauth_error``.  Every sender is the real Flask app.
"""

from .registry.signals import oauth_authorized, oauth_before_login, oauth_error, token_update

__all__ = ["oauth_authorized", "oauth_before_login", "oauth_error", "token_update"]
