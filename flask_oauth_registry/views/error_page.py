"""The default error page: an :class:`OAuthError` a view does not catch becomes a small HTML page, not a 500.

400 for protocol and state errors (a replayed callback, ``access_denied``, a bad
ID token): the user can start again.  502 when the provider failed us (transport
errors, unusable answers, a discovery document naming another issuer).  503 when
the service cannot work as configured (storage down, configuration missing).  The
page shows the error code and description, HTML-escaped; descriptions never hold
a token or secret, and no traceback is shown.

The page stands in for Flask's own 500 page, so it follows Flask's rule for
unhandled exceptions: where Flask propagates them (``PROPAGATE_EXCEPTIONS``, which
defaults to on in testing and debug mode) the error propagates too, and tests
written with ``pytest.raises(OAuthError)`` around the test client keep working.
``OAUTH_ERROR_PAGE = True`` shows the page even then; ``False`` turns it off.  The
app's own handler wins: one registered for ``OAuthError`` (before or after
``init_app``) or for a subclass is used instead.

The ready routes are the library's own views, so an error there always ends at a
page, in testing mode too (a forged callback is a 400, never an exception): the
app's handler when it has one, else this page, unless ``OAUTH_ERROR_PAGE = False``.
"""

from __future__ import annotations

from flask import Flask, current_app, request
from markupsafe import escape
from werkzeug.http import HTTP_STATUS_CODES
from werkzeug.wrappers import Response

from ..registry.errors import (
    ConfigurationError,
    IssuerMismatchError,
    OAuthError,
    ProviderError,
    StorageError,
    TransportError,
)

#: The Flask config key: ``False`` turns the page off, ``True`` shows it even where exceptions propagate.
CONFIG_KEY = "OAUTH_ERROR_PAGE"
# Provider error codes that say the provider failed, not the request (RFC 6749 4.1.2.1).
_PROVIDER_FAILURES = frozenset({"server_error", "temporarily_unavailable"})

_PAGE = """<!doctype html>
<html lang="en">
<head><meta charset="utf-8"><title>{status} {reason}</title></head>
<body>
<h1>{title}</h1>
<p><code>{error}</code>{description}</p>
</body>
</html>
"""


def error_status(error: OAuthError) -> int:
    """The HTTP status the page answers ``error`` with."""
    if isinstance(error, StorageError | ConfigurationError):
        return 503
    if isinstance(error, TransportError | IssuerMismatchError):
        return 502
    if isinstance(error, ProviderError):
        if error.error == "insufficient_scope":
            return 403
        failed = error.error in _PROVIDER_FAILURES or (error.status_code or 0) >= 500
        return 502 if failed else 400
    return 400


def _title(status: int) -> str:
    if status == 503:
        return "Sign-in is unavailable"
    if status == 502:
        return "The sign-in provider could not be used"
    return "Sign-in failed"


def page_enabled(app: Flask) -> bool:
    """``OAUTH_ERROR_PAGE`` when set, else whether Flask would answer an unhandled exception with a page."""
    setting = app.config.get(CONFIG_KEY)
    if setting is not None:
        return bool(setting)
    propagate = app.config.get("PROPAGATE_EXCEPTIONS")
    if propagate is None:
        propagate = app.testing or app.debug
    return not propagate


def render_error_page(error: OAuthError) -> Response:
    """The page for ``error``; re-raises it where the page is off (:func:`page_enabled`)."""
    if not page_enabled(current_app):
        raise error
    return error_page(error)


def answer_route_error(error: OAuthError) -> Response:
    """How a ready route answers ``error``: the app's own handler, else the page, even in testing mode."""
    app = current_app
    handler = app._find_error_handler(error, request.blueprints)  # Flask's own lookup: subclasses, blueprints
    if app.config.get(CONFIG_KEY) is False or (handler is not None and handler is not render_error_page):
        raise error
    return error_page(error)


def error_page(error: OAuthError) -> Response:
    """The HTML page for ``error``, whatever the settings."""
    status = error_status(error)
    body = _PAGE.format(
        status=status,
        reason=escape(HTTP_STATUS_CODES.get(status, "Error")),
        title=escape(_title(status)),
        error=escape(error.error),
        description=f": {escape(error.description)}" if error.description else "",
    )
    response = Response(body, status=status, mimetype="text/html")
    response.headers["Cache-Control"] = "no-store"
    return response


def install_error_page(app: Flask) -> None:
    """Register the page for :class:`OAuthError` unless the app has its own or turned it off."""
    if app.config.get(CONFIG_KEY, True) is False:
        return
    if OAuthError in app.error_handler_spec.get(None, {}).get(None, {}):
        return  # the app registered its own before init_app: it wins
    app.register_error_handler(OAuthError, render_error_page)
