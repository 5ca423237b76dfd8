"""``UserHelpers``: the current user's side of a remote app (``credentials``, ``required``...).

Each remote app delegates its per-user helpers here (through the
:class:`~flask_oauth_registry.registry.context.UserAccess` protocol its context
carries), so the registry core knows nothing of storage, sessions or views.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from flask import g, has_app_context

from ..registry.errors import ConfigurationError, MissingTokenError
from ..registry.remote import RemoteApp
from .required import allows, check_scopes_apply, required
from .scopes import granted_scopes, parse_scopes
from .session import AuthorizedSession
from .user_tokens import TokenOwners


class UserHelpers:
    """Implements :class:`~flask_oauth_registry.registry.context.UserAccess` for one Flask app."""

    def __init__(self, owners: TokenOwners) -> None:
        self.owners = owners

    def required(self, app: RemoteApp, view: Callable[..., Any] | None, scopes: Sequence[str] | None) -> Any:
        """``app.required``: checked here for the protocol, looked up again by name per request."""
        check_scopes_apply(app.is_oauth2, app.name, parse_scopes(scopes))
        return required(app.name, view, scopes)

    def credentials(self, app: RemoteApp) -> Any:
        """The current user's token: on ``g``, else from ``fetch_token`` (the storage by default)."""
        return app.token if has_app_context() else None

    def has_credentials(self, app: RemoteApp, scopes: Sequence[str] | None) -> bool:
        """A token that is usable (not expired, or renewable) and grants every one of ``scopes``."""
        wanted = parse_scopes(scopes)
        check_scopes_apply(app.is_oauth2, app.name, wanted)
        return allows(app, self.credentials(app), wanted)

    def granted_scopes(self, app: RemoteApp) -> frozenset[str]:
        """The scopes of the current user's token; OAuth 1.0a has none."""
        return granted_scopes(self.credentials(app)) if app.is_oauth2 else frozenset()

    def claim(self, app: RemoteApp, claim: str) -> Any:
        """A claim about the current user: from the ID token's claims, else from ``app.userinfo()``.

        The userinfo answer is fetched at most once per request and app; an app
        without a userinfo source (OAuth 1.0a without a preset) answers ``None``.
        """
        token = self.credentials(app)
        if not token:
            return None
        known = token.get("userinfo")
        if isinstance(known, dict) and known.get(claim) is not None:
            return known[claim]
        cache_key = f"_oauth_userinfo_{app.name}"
        info = g.get(cache_key)
        if info is None:
            try:
                info = dict(app.userinfo())  # type: ignore[attr-defined]
            except ConfigurationError:
                info = {}
            setattr(g, cache_key, info)
        return info.get(claim)

    def authorized_session(self, app: RemoteApp) -> AuthorizedSession:
        """A session calling as the current user; :class:`MissingTokenError` without a token."""
        token = self.credentials(app)
        if not token:
            raise MissingTokenError(description=f"no token for {app.name!r}: the user has not authorized it")
        return AuthorizedSession(app, token, owner=self.owners.current())
