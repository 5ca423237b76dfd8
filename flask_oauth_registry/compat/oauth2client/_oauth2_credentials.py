"""``OAuth2Credentials`` and ``AccessTokenCredentials``: oauth2client's user credentials, refreshed by this library.

The members, the JSON, ``authorize(http)``, ``refresh``, ``revoke`` and
``get_access_token`` behave as in oauth2client 4.1.3, with these differences,
each a fix:

- ``repr()`` never shows the access token, refresh token or client secret;
  refresh and exchange failures name the provider's ``error`` only, and no
  response body is logged;
- ``access_token_expired`` is true :data:`EXPIRY_SKEW` before ``token_expiry``, so a
  token is not sent in its last seconds of life;
- a refresh is done once for concurrent callers (per credentials object, and,
  through the storage's lock, across processes for the file storages), re-reading
  the storage first, so rotating refresh tokens are not spent twice;
- ``scopes`` follow the token response's ``scope`` (what was granted) when it has one;
- revocation and ``retrieve_scopes`` send the token in a POST body, never in a URL;
- ``id_token`` is decoded **without verification**, as before, and is not to be
  trusted for identity: :func:`.id_token_claims` verifies ``id_token_jwt``.
"""

from __future__ import annotations

import datetime
import json
import logging
import threading
from typing import Any
from urllib.parse import parse_qsl, urlencode

from . import GOOGLE_REVOKE_URI, GOOGLE_TOKEN_URI, transport
from ._base import AccessTokenInfo, Credentials, decode_expiry, load_json_object, utcnow
from ._errors import (
    AccessTokenCredentialsError,
    Error,
    HttpAccessTokenRefreshError,
    TokenRevokeError,
    provider_message,
)
from ._helpers import _from_bytes, positional, string_to_scopes
from ._id_tokens import extract_id_token

logger = logging.getLogger(__name__)

#: A token is treated as expired this long before ``token_expiry`` (oauth2client used none).
EXPIRY_SKEW = datetime.timedelta(seconds=60)
_FORM = "application/x-www-form-urlencoded"


def parse_token_response(content: bytes | str) -> dict[str, Any]:
    """A token endpoint's answer: JSON, or (Facebook's old way) form-encoded; ``expires`` is read as ``expires_in``."""
    text = _from_bytes(content)
    try:
        answer = json.loads(text)
    except (ValueError, RecursionError):
        answer = dict(parse_qsl(text))
    if not isinstance(answer, dict):
        return {}
    if "expires" in answer and "expires_in" not in answer:
        answer["expires_in"] = answer.pop("expires")
    return answer


def expiry_from(answer: dict[str, Any]) -> datetime.datetime | None:
    """``now + expires_in`` as naive UTC; ``None`` when the answer gives no usable lifetime."""
    try:
        seconds = int(answer["expires_in"])
    except (KeyError, TypeError, ValueError, OverflowError):
        return None
    try:
        return utcnow() + datetime.timedelta(seconds=seconds)
    except OverflowError:
        return None


def _masked(value: Any) -> str:
    return "'***'" if value else repr(value)


class OAuth2Credentials(Credentials):
    """Credentials of a user, from a flow (``step2_exchange``) or read back from storage."""

    @positional(8)
    def __init__(
        self,
        access_token: str | None,
        client_id: str | None,
        client_secret: str | None,
        refresh_token: str | None,
        token_expiry: datetime.datetime | None,
        token_uri: str | None,
        user_agent: str | None,
        revoke_uri: str | None = None,
        id_token: dict[str, Any] | None = None,
        token_response: dict[str, Any] | None = None,
        scopes: Any = None,
        token_info_uri: str | None = None,
        id_token_jwt: str | None = None,
    ) -> None:
        self.access_token = access_token
        self.client_id = client_id
        self.client_secret = client_secret
        self.refresh_token = refresh_token
        self.store: Any = None
        self.token_expiry = token_expiry
        self.token_uri = token_uri
        self.user_agent = user_agent
        self.revoke_uri = revoke_uri
        self.id_token = id_token
        self.id_token_jwt = id_token_jwt
        self.token_response = token_response
        self.scopes = set(string_to_scopes(scopes or []))
        self.token_info_uri = token_info_uri
        self.invalid = False
        self._refresh_lock = threading.RLock()

    def __repr__(self) -> str:
        return (
            f"<{type(self).__name__} client_id={self.client_id!r} scopes={sorted(self.scopes)!r} "
            f"token_expiry={self.token_expiry!r} invalid={self.invalid!r} access_token={_masked(self.access_token)} "
            f"refresh_token={_masked(self.refresh_token)} client_secret={_masked(self.client_secret)}>"
        )

    def __getstate__(self) -> dict[str, Any]:
        state = dict(self.__dict__)
        state.pop("store", None)
        state.pop("_refresh_lock", None)
        return state

    def __setstate__(self, state: dict[str, Any]) -> None:
        self.__dict__.update(state)
        self.store = None
        self._refresh_lock = threading.RLock()

    def _serialized(self) -> dict[str, Any]:
        return {
            "access_token": self.access_token, "client_id": self.client_id, "client_secret": self.client_secret,
            "refresh_token": self.refresh_token, "store": self.store, "token_expiry": self.token_expiry,
            "token_uri": self.token_uri, "user_agent": self.user_agent, "revoke_uri": self.revoke_uri,
            "id_token": self.id_token, "id_token_jwt": self.id_token_jwt, "token_response": self.token_response,
            "scopes": sorted(self.scopes), "token_info_uri": self.token_info_uri, "invalid": self.invalid,
        }

    @classmethod
    def from_json(cls, json_data: Any) -> OAuth2Credentials:
        """Credentials from oauth2client's JSON; an unparsable ``token_expiry`` reads as ``None``."""
        data = load_json_object(json_data)
        credentials = cls(
            data["access_token"], data["client_id"], data["client_secret"], data["refresh_token"],
            decode_expiry(data.get("token_expiry")), data["token_uri"], data["user_agent"],
            revoke_uri=data.get("revoke_uri"), id_token=data.get("id_token"),
            id_token_jwt=data.get("id_token_jwt"), token_response=data.get("token_response"),
            scopes=data.get("scopes"), token_info_uri=data.get("token_info_uri"),
        )
        credentials.invalid = bool(data["invalid"])
        return credentials

    # -- using the token -------------------------------------------------------------------
    def authorize(self, http: Any = None) -> Any:
        """Make ``http`` send the token and refresh it on 401; returns ``http``, wrapped in place.

        Without ``http``, a :class:`.transport.RequestsHttp` on a pooled session is made.
        """
        return transport.wrap_http_for_auth(self, http if http is not None else transport.get_http_object())

    def apply(self, headers: dict[Any, Any]) -> None:
        """Set ``Authorization: Bearer <access token>`` in ``headers``."""
        headers["Authorization"] = "Bearer " + str(self.access_token)

    def has_scopes(self, scopes: Any) -> bool:
        """Whether every scope in ``scopes`` (a string or a list) is among ``self.scopes``."""
        return set(string_to_scopes(scopes)).issubset(self.scopes)

    @property
    def access_token_expired(self) -> bool:
        """True when invalid, or when the token expires within :data:`EXPIRY_SKEW`; never without an expiry."""
        if self.invalid:
            return True
        if not self.token_expiry:
            return False
        return utcnow() >= self.token_expiry - EXPIRY_SKEW

    def get_access_token(self, http: Any = None) -> AccessTokenInfo:
        """The access token and its remaining seconds, refreshing it first when missing or expired."""
        if not self.access_token or self.access_token_expired:
            self.refresh(http)
        return AccessTokenInfo(access_token=str(self.access_token), expires_in=self._expires_in())

    def _expires_in(self) -> int | None:
        if self.token_expiry is None:
            return None
        now = utcnow()
        return int((self.token_expiry - now).total_seconds()) if self.token_expiry > now else 0

    def set_store(self, store: Any) -> None:
        """Bind to ``store``: a refresh re-reads it under its lock and writes the new token to it."""
        self.store = store

    def _updateFromCredential(self, other: OAuth2Credentials) -> None:  # noqa: N802 (oauth2client's name)
        self.__dict__.update(other.__getstate__())

    # -- refresh ----------------------------------------------------------------------------
    def refresh(self, http: Any = None) -> None:
        """Get a new access token with the refresh token (or adopt a newer one the storage holds)."""
        self._refresh(http)

    def _refresh(self, http: Any, stale_token: str | None = None) -> None:
        """Refresh once for every caller holding ``stale_token`` (``None``: refresh whatever the token is)."""
        with self._refresh_lock:
            if stale_token is not None and self.access_token and self.access_token != stale_token \
                    and not self.access_token_expired:
                return  # another thread refreshed while this one waited
            if self.store is None:
                self._do_refresh_request(http)
                return
            self.store.acquire_lock()
            try:
                stored = self.store.locked_get()
                if (
                    stored is not None and not stored.invalid and stored.access_token
                    and stored.access_token != self.access_token and not stored.access_token_expired
                ):
                    logger.info("Updated access_token read from Storage")
                    self._updateFromCredential(stored)
                else:
                    self._do_refresh_request(http)
            finally:
                self.store.release_lock()

    def _generate_refresh_request_body(self) -> str:
        return urlencode({
            "grant_type": "refresh_token", "client_id": self.client_id or "",
            "client_secret": self.client_secret or "", "refresh_token": self.refresh_token or "",
        })

    def _generate_refresh_request_headers(self) -> dict[str, str]:
        headers = {"content-type": _FORM}
        if self.user_agent is not None:
            headers["user-agent"] = self.user_agent
        return headers

    def _do_refresh_request(self, http: Any) -> None:
        if not self.token_uri:
            raise HttpAccessTokenRefreshError("the credentials have no token_uri to refresh at")
        logger.info("Refreshing access_token")
        response, content = transport.request(
            http, self.token_uri, method="POST", body=self._generate_refresh_request_body(),
            headers=self._generate_refresh_request_headers(),
        )
        answer = parse_token_response(content)
        if response.status == 200 and isinstance(answer.get("access_token"), str):
            self._adopt(answer)
            if self.store is not None:
                self.store.locked_put(self)
            return
        # The body is not logged: a broken proxy or provider may echo the refresh token back.
        logger.info("Failed to retrieve access token (HTTP %s)", response.status)
        message, refused = provider_message(answer, f"Invalid response {response.status}.")
        if refused:
            self.invalid = True
            if self.store is not None:
                self.store.locked_put(self)
        raise HttpAccessTokenRefreshError(message, status=response.status)

    def _adopt(self, answer: dict[str, Any]) -> None:
        """Take a successful token answer's token, expiry, refresh token, ID token and granted scopes."""
        id_token = answer.get("id_token")
        decoded = extract_id_token(id_token) if isinstance(id_token, str) else None
        self.token_response = answer
        self.access_token = answer["access_token"]
        self.refresh_token = answer.get("refresh_token") or self.refresh_token
        self.token_expiry = expiry_from(answer)
        self.id_token, self.id_token_jwt = decoded, id_token if decoded is not None else None
        if isinstance(answer.get("scope"), str) and answer["scope"]:
            self.scopes = set(string_to_scopes(answer["scope"]))
        self.invalid = False

    # -- revoke and token info --------------------------------------------------------------
    def revoke(self, http: Any = None) -> None:
        """Revoke the refresh token (or the access token); the credentials become invalid and leave the store."""
        self._revoke(http)

    def _revoke(self, http: Any) -> None:
        self._do_revoke(http, self.refresh_token or self.access_token)

    def _do_revoke(self, http: Any, token: str | None) -> None:
        if not self.revoke_uri:
            raise TokenRevokeError("the credentials have no revoke_uri")
        logger.info("Revoking token")
        # RFC 7009 2.1: a POST body; oauth2client put the token in the URL (and so in access logs).
        response, content = transport.request(
            http, self.revoke_uri, method="POST", body=urlencode({"token": token or ""}),
            headers={"content-type": _FORM},
        )
        if response.status != 200:
            error = parse_token_response(content).get("error")
            fallback = f"Invalid response {response.status}."
            raise TokenRevokeError(error if isinstance(error, str) and error else fallback)
        self.invalid = True
        if self.store is not None:
            self.store.delete()

    def retrieve_scopes(self, http: Any = None) -> set[str]:
        """Ask the token-info endpoint which scopes the access token has; sets and returns ``scopes``."""
        self._retrieve_scopes(http)
        return self.scopes

    def _retrieve_scopes(self, http: Any) -> None:
        self._do_retrieve_scopes(http, self.access_token)

    def _do_retrieve_scopes(self, http: Any, token: str | None) -> None:
        if not self.token_info_uri:
            raise Error("the credentials have no token_info_uri")
        response, content = transport.request(
            http, self.token_info_uri, method="POST", body=urlencode({"access_token": token or ""}),
            headers={"content-type": _FORM},
        )
        answer = parse_token_response(content)
        if response.status != 200:
            description = answer.get("error_description")
            raise Error(description if isinstance(description, str) else f"Invalid response {response.status}.")
        self.scopes = set(string_to_scopes(answer.get("scope", "")))


class AccessTokenCredentials(OAuth2Credentials):
    """A bare access token obtained elsewhere; it cannot be refreshed (a 401 is an AccessTokenCredentialsError)."""

    def __init__(self, access_token: str, user_agent: str | None, revoke_uri: str | None = None) -> None:
        super().__init__(access_token, None, None, None, None, None, user_agent, revoke_uri=revoke_uri)

    @classmethod
    def from_json(cls, json_data: Any) -> AccessTokenCredentials:
        data = load_json_object(json_data)
        return cls(data["access_token"], data.get("user_agent"), revoke_uri=data.get("revoke_uri"))

    def _refresh(self, http: Any, stale_token: str | None = None) -> None:
        raise AccessTokenCredentialsError("The access_token is expired or invalid and can't be refreshed.")

    def _revoke(self, http: Any) -> None:
        self._do_revoke(http, self.access_token)


class AssertionCredentials(OAuth2Credentials):
    """Credentials refreshed with a signed assertion (the JWT-bearer grant, RFC 7523) instead of a refresh token."""

    #: The grant type of the refresh request.
    GRANT_TYPE = "urn:ietf:params:oauth:grant-type:jwt-bearer"

    @positional(2)
    def __init__(
        self, assertion_type: str | None, user_agent: str | None = None, token_uri: str = GOOGLE_TOKEN_URI,
        revoke_uri: str | None = GOOGLE_REVOKE_URI, **unused_kwargs: Any,
    ) -> None:
        super().__init__(None, None, None, None, None, token_uri, user_agent, revoke_uri=revoke_uri)
        self.assertion_type = assertion_type

    def _serialized(self) -> dict[str, Any]:
        return {**super()._serialized(), "assertion_type": self.assertion_type}

    def _generate_refresh_request_body(self) -> str:
        return urlencode({"assertion": self._generate_assertion(), "grant_type": self.GRANT_TYPE})

    def _generate_assertion(self) -> str:
        """The signed assertion of one refresh request."""
        raise NotImplementedError

    def _revoke(self, http: Any) -> None:
        self._do_revoke(http, self.access_token)

    def sign_blob(self, blob: bytes | str) -> tuple[str | None, bytes]:
        """Sign ``blob`` with the credentials' key: ``(key id, signature)``."""
        raise NotImplementedError("This method is abstract.")
