"""A login driven through Flask's test client: the browser's part, from the app's login view to its callback.

The test client keeps the session cookie between the steps, so the app's state
check is the real one.  :func:`probe_state_check` plays an attacker's forged
callback first, to catch an app that does not check state.
"""

from __future__ import annotations

import secrets
from typing import Any, Protocol
from urllib.parse import urlencode

from flask import Flask, url_for

#: Redirects inside the app followed before the provider must have been reached (``required`` -> login route).
MAX_APP_REDIRECTS = 5


class LoginFailed(AssertionError):
    """The login did not end with a token in the app; ``response`` is the app's last answer."""

    def __init__(self, message: str, response: Any = None) -> None:
        super().__init__(message)
        self.response = response


class StateNotChecked(AssertionError):
    """The app's callback exchanged a code that came back with a state it never issued (CSRF, RFC 6749 10.12)."""


class Consent(Protocol):
    """The provider's side of the visit: is ``url`` its authorization endpoint, and the callback parameters."""

    def is_authorization_url(self, url: str) -> bool: ...

    def consent(self, location: str, record: bool) -> tuple[str, dict[str, str], bool]: ...


def default_login_url(app: Flask, name: str) -> str:
    """The ready route ``/oauth/login/<name>`` when the app has the ready routes; else the caller must say."""
    if "oauth.login" not in app.view_functions:
        raise LoginFailed(
            f"the app has no ready routes: pass login_url= (the URL of the view that starts the {name!r} login)"
        )
    with app.test_request_context():
        return url_for("oauth.login", name=name)


def visit_provider(client: Any, login_url: str, provider: Consent) -> tuple[Any, str | None]:
    """GET ``login_url`` and follow the app's redirects until one goes to the provider: (last response, its URL)."""
    response = client.get(login_url)
    for _ in range(MAX_APP_REDIRECTS):
        location = response.headers.get("Location") if 300 <= response.status_code < 400 else None
        if location is None:
            return response, None
        if provider.is_authorization_url(location):
            return response, location
        response = client.get(location)
    return response, None


def return_to_app(client: Any, redirect_uri: str, callback: dict[str, str], form_post: bool) -> Any:
    """The browser back at the app's redirect URI with the callback parameters."""
    if form_post:
        return client.post(redirect_uri, data=callback)
    separator = "&" if "?" in redirect_uri else "?"
    return client.get(redirect_uri + separator + urlencode(callback))


def run_login(client: Any, login_url: str, provider: Consent) -> Any:
    """One whole login: the app's login view, the provider's consent, the app's callback; its response."""
    response, location = visit_provider(client, login_url, provider)
    if location is None:
        raise LoginFailed(
            f"{login_url} did not redirect to the provider's authorization endpoint "
            f"(it answered {response.status_code})", response,
        )
    redirect_uri, callback, form_post = provider.consent(location, True)
    return return_to_app(client, redirect_uri, callback, form_post)


def probe_state_check(client: Any, login_url: str, provider: Consent, was_redeemed: Any) -> None:
    """Start a login, come back with a valid code but a forged state: the app must not exchange that code.

    Whatever the app answers (an error page, an exception) is fine, as long as the
    code never reaches the token endpoint.
    """
    _, location = visit_provider(client, login_url, provider)
    if location is None:
        return  # the real login reports it
    redirect_uri, callback, form_post = provider.consent(location, False)
    forged = {**callback, "state": secrets.token_urlsafe(16)}
    try:
        return_to_app(client, redirect_uri, forged, form_post)
    except Exception:  # noqa: BLE001 - an app raising on a forged state is what we want
        pass
    if was_redeemed(callback.get("code", "")):
        raise StateNotChecked(
            "the app's callback exchanged an authorization code that came back with a state it never issued: "
            "it does not check state, so a forged callback can log a user into the attacker's account"
        )
