"""``UserOAuth2``'s default storage: oauth2client's ``Storage`` over one of this library's token storages.

oauth2client's Flask helper kept ``credentials.to_json()`` in the session cookie:
the client secret, the refresh token, the access token and the ID token, readable
by anyone holding the cookie.  :class:`UserTokenStorage` keeps only the token
(access and refresh token, expiry, granted scopes, ID token) in a
:class:`~flask_oauth_registry.storage.TokenStorage`, per user
(:class:`~flask_oauth_registry.views.user_tokens.TokenOwners`), and rebuilds the
credentials around it with the client's settings, so the client secret never
leaves the server.  With a cache (``UserOAuth2(app, cache=RedisCache(...))``) the
storage is a :class:`~flask_oauth_registry.storage.CacheStorage` and the cookie
holds only an opaque id; without one, a
:class:`~flask_oauth_registry.storage.SessionStorage` (the token in the signed
cookie, as before, minus the client secret).

A session written by oauth2client (``google_oauth2_credentials`` in the cookie)
is read once, moved to the storage and removed from the cookie.
"""

from __future__ import annotations

import datetime
import logging
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from flask import has_request_context, session

from ....storage.base import TokenStorage
from ....views.scopes import parse_scopes
from ....views.user_tokens import TokenOwners
from .. import client
from .._base import read_credentials

logger = logging.getLogger(__name__)

#: The session key oauth2client's ``DictionaryStorage(flask.session, ...)`` used.
LEGACY_SESSION_KEY = "google_oauth2_credentials"
#: The name tokens are stored under in the token storage.
STORAGE_NAME = "oauth2client"


@dataclass(frozen=True)
class ClientSettings:
    """What credentials need besides the token: the client and where it refreshes and revokes."""

    client_id: str
    client_secret: str | None
    token_uri: str | None
    revoke_uri: str | None = None
    user_agent: str | None = None


def token_from_credentials(credentials: Any) -> dict[str, Any]:
    """The token part of oauth2client credentials, as a JSON dict (no client id or secret)."""
    token: dict[str, Any] = {"access_token": credentials.access_token, "token_type": "Bearer"}
    if credentials.refresh_token:
        token["refresh_token"] = credentials.refresh_token
    expiry = credentials.token_expiry
    if isinstance(expiry, datetime.datetime):
        token["expires_at"] = int(expiry.replace(tzinfo=datetime.UTC).timestamp())
    if credentials.scopes:
        token["scope"] = " ".join(sorted(credentials.scopes))
    id_token_jwt = getattr(credentials, "id_token_jwt", None)
    if id_token_jwt:
        token["id_token"] = id_token_jwt
    return token


def credentials_from_token(token: Mapping[str, Any], settings: ClientSettings) -> client.OAuth2Credentials:
    """oauth2client credentials for a token (a stored one, or a login's), with the client's settings."""
    expiry = None
    expires_at = token.get("expires_at")
    if isinstance(expires_at, int | float):
        expiry = datetime.datetime.fromtimestamp(expires_at, datetime.UTC).replace(tzinfo=None)
    id_token_jwt = token.get("id_token") if isinstance(token.get("id_token"), str) else None
    credentials = client.OAuth2Credentials(
        token.get("access_token"), settings.client_id, settings.client_secret, token.get("refresh_token"),
        expiry, settings.token_uri, settings.user_agent, revoke_uri=settings.revoke_uri,
        id_token=_unverified_claims(id_token_jwt), id_token_jwt=id_token_jwt,
        token_response=None, scopes=list(parse_scopes(token.get("scope"))),
    )
    return credentials


def _unverified_claims(id_token_jwt: str | None) -> dict[str, Any] | None:
    """``credentials.id_token`` as oauth2client filled it (decoded, not verified); never used for identity here."""
    if not id_token_jwt:
        return None
    try:
        return client._extract_id_token(id_token_jwt)
    except client.VerifyJwtTokenError:
        return None


class UserTokenStorage(client.Storage):
    """oauth2client's ``Storage`` for the current user, over a :class:`TokenStorage`.

    ``settings`` is called for the client's settings when credentials are built
    (they may need the provider's metadata).
    """

    def __init__(self, tokens: TokenStorage, owners: TokenOwners, settings: Callable[[], ClientSettings]) -> None:
        super().__init__()
        self.tokens = tokens
        self.owners = owners
        self.settings = settings

    def __repr__(self) -> str:
        return f"<{type(self).__name__} over {type(self.tokens).__name__}>"

    def locked_get(self) -> client.OAuth2Credentials | None:
        user = self.owners.current()
        token = self.tokens.get(STORAGE_NAME, user) if user is not None else None
        if token is None:
            return self._adopt_legacy_session()
        if not token.get("access_token"):
            return None
        return credentials_from_token(token, self.settings())

    def locked_put(self, credentials: Any) -> None:
        user = self.owners.current(create=True)
        if user is None:  # outside a request: there is no user to store for
            raise client.Error("UserOAuth2 stores credentials within a request only")
        self.tokens.set(STORAGE_NAME, user, token_from_credentials(credentials))

    def locked_delete(self) -> None:
        user = self.owners.current()
        if user is not None:
            self.tokens.delete(STORAGE_NAME, user)
        if has_request_context():
            session.pop(LEGACY_SESSION_KEY, None)

    def _adopt_legacy_session(self) -> client.OAuth2Credentials | None:
        """Credentials oauth2client left in the cookie, moved to this storage (and out of the cookie)."""
        if not has_request_context() or LEGACY_SESSION_KEY not in session:
            return None
        legacy = session.pop(LEGACY_SESSION_KEY)
        found = read_credentials(legacy, "the session's oauth2client credentials") if isinstance(legacy, str | bytes) \
            else None
        if not isinstance(found, client.OAuth2Credentials) or not found.access_token:
            return None
        credentials = credentials_from_token(token_from_credentials(found), self.settings())
        self.locked_put(credentials)
        logger.info("moved oauth2client credentials out of the session cookie")
        return credentials
