"""The provider's own login session: who is signed in, since when, and which clients they approved.

Kept in Flask's signed session cookie, so there is no server-side session
store; ``/logout`` simply clears it.
"""

from __future__ import annotations

import time
from dataclasses import dataclass

from flask import has_request_context, session

SESSION_KEY = "devprovider_login"


@dataclass(frozen=True)
class LoginState:
    """A signed-in end-user: ``auth_time`` feeds ``max_age`` checks and the ID token."""

    user: str
    auth_time: int
    consented: tuple[str, ...] = ()

    def age(self) -> int:
        """Seconds since the user last actively authenticated."""
        return int(time.time()) - self.auth_time


def current_login() -> LoginState | None:
    """The login in this request's session cookie, or None (also outside a request)."""
    if not has_request_context():
        return None
    data = session.get(SESSION_KEY)
    if not isinstance(data, dict):
        return None
    try:
        consented = tuple(data.get("consented", ()))
        return LoginState(str(data["user"]), int(data["auth_time"]), consented)
    except (KeyError, TypeError, ValueError):
        return None


def sign_in(user: str, client_id: str | None = None) -> LoginState:
    """Record an active authentication now, and consent for ``client_id`` if given.

    Consents are kept only while the same user stays signed in.
    """
    previous = current_login()
    consented = set(previous.consented) if previous and previous.user == user else set()
    if client_id:
        consented.add(client_id)
    state = LoginState(user, int(time.time()), tuple(sorted(consented)))
    session[SESSION_KEY] = {
        "user": state.user,
        "auth_time": state.auth_time,
        "consented": list(state.consented),
    }
    return state


def sign_out() -> bool:
    """End the login session; True if somebody was signed in."""
    return session.pop(SESSION_KEY, None) is not None
