"""google-auth-oauthlib's ``flow``: ``Flow`` and ``InstalledAppFlow``, same names and signatures.

``Flow.oauth2session`` is a real ``requests_oauthlib.OAuth2Session``, as
google-auth-oauthlib documents, and ``authorization_url`` / ``fetch_token`` go
through it.  ``InstalledAppFlow.run_local_server`` is this library's loopback login
(:func:`flask_oauth_registry.flows.loopback.run_local_server`) driving the flow, so it
keeps every parameter of the original but not its traps:

- the server waits for the request that carries the callback (a favicon, a
  preconnect or a reload is answered 404 and the wait goes on) and checks its
  ``state`` before the code is exchanged;
- it listens on a loopback address only (``bind_addr="0.0.0.0"`` is refused), on
  ``::1`` too for ``localhost``, and frees the port however the login ends;
- a provider's ``error=access_denied`` ends the login at once with a
  :class:`~flask_oauth_registry.ProviderError`, not at the timeout.

A granted scope set that differs from the requested one (Google adds ``openid`` or
earlier grants) is data: ``fetch_token`` returns the token with the granted
``scope`` instead of raising oauthlib's "Scope has changed" ``Warning``.
"""

from __future__ import annotations

import logging
import os
import secrets
from collections.abc import Mapping, Sequence
from typing import Any
from urllib.parse import urlsplit

import requests_oauthlib

from ...flows import loopback
from ...registry.authorization import AuthorizationResponse, check_authorization_response, code_challenge
from ...registry.errors import ConfigurationError, LoginTimeoutError
from .helpers import (
    client_type_of,
    credentials_from_session,
    google_auth,
    read_client_config,
    session_from_client_config,
)

_LOGGER = logging.getLogger(__name__)
# 128 characters of the unreserved set (RFC 7636 4.1's maximum), as google-auth-oauthlib generates.
_VERIFIER_BYTES = 96


class WSGITimeoutError(LoginTimeoutError, AttributeError):
    """No answer came back from the browser before ``timeout_seconds`` (google-auth-oauthlib's name).

    An ``AttributeError`` as upstream (code catching that keeps working), and a
    :class:`~flask_oauth_registry.LoginTimeoutError` like every loopback timeout here.
    """


class Flow:
    """An OAuth 2.0 authorization flow over a ``requests_oauthlib.OAuth2Session``, with Google's defaults.

    Usually built with :meth:`from_client_secrets_file` or :meth:`from_client_config`.
    ``client_config`` is the whole Google-format config (``{"web": {...}}``); the
    attribute keeps its inner section.  ``code_verifier`` is the PKCE verifier, made
    by :meth:`authorization_url` when ``autogenerate_code_verifier`` is on; a web
    app that finishes the login in another request must keep it with the state.
    """

    def __init__(
        self,
        oauth2session: requests_oauthlib.OAuth2Session,
        client_type: str,
        client_config: Mapping[str, Any],
        redirect_uri: str | None = None,
        code_verifier: str | None = None,
        autogenerate_code_verifier: bool = True,
    ) -> None:
        self.client_type = client_type
        self.client_config: dict[str, Any] = dict(client_config[client_type])
        self.oauth2session = oauth2session
        if redirect_uri is not None or oauth2session.redirect_uri is None:
            self.redirect_uri = redirect_uri
        self.code_verifier = code_verifier
        self.autogenerate_code_verifier = autogenerate_code_verifier

    @classmethod
    def from_client_config(
        cls, client_config: Mapping[str, Any], scopes: Sequence[str] | None, **kwargs: Any
    ) -> Any:
        """A flow for the client of ``client_config``; ``kwargs`` go to ``OAuth2Session`` (``redirect_uri=``...).

        ``code_verifier`` and ``autogenerate_code_verifier`` are the flow's own.  A
        config that is neither ``web`` nor ``installed`` is a ``ValueError``.
        """
        client_type = client_type_of(client_config)
        code_verifier = kwargs.pop("code_verifier", None)
        autogenerate_code_verifier = kwargs.pop("autogenerate_code_verifier", True)
        session, config = session_from_client_config(client_config, scopes, **kwargs)
        return cls(session, client_type, config, kwargs.get("redirect_uri"), code_verifier, autogenerate_code_verifier)

    @classmethod
    def from_client_secrets_file(
        cls, client_secrets_file: str | os.PathLike[str], scopes: Sequence[str] | None, **kwargs: Any
    ) -> Any:
        """:meth:`from_client_config` with the config read from a client secrets file."""
        return cls.from_client_config(read_client_config(client_secrets_file), scopes, **kwargs)

    @property
    def redirect_uri(self) -> str | None:
        """The redirect URI: the session's (``self.oauth2session.redirect_uri``)."""
        return self.oauth2session.redirect_uri  # type: ignore[no-any-return]

    @redirect_uri.setter
    def redirect_uri(self, value: str | None) -> None:
        self.oauth2session.redirect_uri = value

    def authorization_url(self, **kwargs: Any) -> tuple[str, str]:
        """The URL to send the user to, and its ``state``: ``(url, state)``.

        ``access_type="offline"`` by default (for a refresh token); PKCE S256 when a
        verifier is set or made.  Other keyword arguments become URL parameters
        (``prompt``, ``login_hint``, ``include_granted_scopes``, ``state``); ``True``
        and ``False`` are sent as ``true`` and ``false``, the form Google reads.
        """
        kwargs.setdefault("access_type", "offline")
        if self.autogenerate_code_verifier and not self.code_verifier:
            self.code_verifier = _new_code_verifier()
        if self.code_verifier:
            kwargs.setdefault("code_challenge", code_challenge(self.code_verifier, "S256"))
            kwargs.setdefault("code_challenge_method", "S256")
        params = {key: _url_value(value) for key, value in kwargs.items()}
        url, state = self.oauth2session.authorization_url(self.client_config["auth_uri"], **params)
        return url, state

    def fetch_token(self, **kwargs: Any) -> dict[str, Any]:
        """Exchange the code (``code=``, or the callback URL as ``authorization_response=``) for the token.

        The session checks the callback's ``state`` against its own.  The token is
        returned and kept on :attr:`oauth2session`; read it as google-auth
        credentials with :attr:`credentials`.
        """
        kwargs.setdefault("client_secret", self.client_config.get("client_secret"))
        kwargs.setdefault("code_verifier", self.code_verifier)
        try:
            token = self.oauth2session.fetch_token(self.client_config["token_uri"], **kwargs)
        except Warning as changed:
            granted = getattr(changed, "token", None)
            if not isinstance(granted, Mapping):
                raise
            # oauthlib's "Scope has changed": the provider granted other scopes than asked. That is the
            # answer, not a failure (seed-apis.md 5.6); the token keeps the granted ``scope``.
            _LOGGER.info("the provider granted other scopes than were requested")
            self.oauth2session.token = dict(granted)
            token = self.oauth2session.token
        return dict(token)

    @property
    def credentials(self) -> Any:
        """The token as ``google.oauth2.credentials.Credentials``; ``ValueError`` before :meth:`fetch_token`."""
        return credentials_from_session(self.oauth2session, self.client_config)

    def authorized_session(self) -> Any:
        """A ``google.auth.transport.requests.AuthorizedSession`` calling with :attr:`credentials`."""
        transport = google_auth("google.auth.transport.requests")
        return transport.AuthorizedSession(self.credentials)


class InstalledAppFlow(Flow):
    """A :class:`Flow` for installed (desktop, command-line) apps: :meth:`run_local_server`."""

    _DEFAULT_AUTH_PROMPT_MESSAGE = loopback.DEFAULT_PROMPT
    _DEFAULT_WEB_SUCCESS_MESSAGE = loopback.DEFAULT_SUCCESS

    def run_local_server(
        self,
        host: str = "localhost",
        bind_addr: str | None = None,
        port: int = 8080,
        authorization_prompt_message: str | None = _DEFAULT_AUTH_PROMPT_MESSAGE,
        success_message: str = _DEFAULT_WEB_SUCCESS_MESSAGE,
        open_browser: bool = True,
        redirect_uri_trailing_slash: bool = True,
        timeout_seconds: float | None = None,
        token_audience: str | None = None,
        browser: str | None = None,
        **kwargs: Any,
    ) -> Any:
        """Log the user in through a one-shot server on ``host:port``; return :attr:`credentials`.

        The redirect URI is ``http://{host}:{port}/`` (without the slash when
        ``redirect_uri_trailing_slash`` is false); the server listens on
        ``bind_addr`` when given, else on ``host``, and either must be a loopback
        address.  ``port=0`` takes a free port.  ``authorization_prompt_message``
        (``{url}`` filled in) is printed to stderr and logged, unless empty;
        ``open_browser`` opens the URL with ``webbrowser.get(browser)``.
        ``token_audience`` goes into the token request as ``audience``, ``kwargs``
        into the authorization URL.  After ``timeout_seconds`` (``None``: no limit)
        it raises :class:`WSGITimeoutError`.
        """
        google_auth("google.oauth2.credentials")  # before the user is sent anywhere
        listen_on = bind_addr or host
        login = _FlowLogin(self, host, redirect_uri_trailing_slash, token_audience)
        try:
            loopback.run_local_server(
                login, host=listen_on, port=port, open_browser=open_browser, timeout_seconds=timeout_seconds,
                authorization_prompt_message=authorization_prompt_message, success_message=success_message,
                redirect_uri_trailing_slash=redirect_uri_trailing_slash, browser=browser, **kwargs,
            )
        except WSGITimeoutError:
            raise
        except LoginTimeoutError as exc:
            raise WSGITimeoutError(description="Timed out waiting for response from authorization server") from exc
        return self.credentials


class _FlowLogin:
    """What the loopback login asks of an app (:class:`.loopback.AuthorizationCodeApp`), answered by a :class:`Flow`.

    The redirect URI names ``host`` (``localhost`` by default) even when the server
    listens on another loopback address (``bind_addr``).
    """

    name = "google_auth_oauthlib"

    def __init__(self, flow: Flow, host: str, trailing_slash: bool, token_audience: str | None) -> None:
        self.flow = flow
        self.host = host
        self.trailing_slash = trailing_slash
        self.token_audience = token_audience

    def create_authorization_url(self, redirect_uri: str | None = None, **params: Any) -> dict[str, Any]:
        port = urlsplit(redirect_uri or "").port
        if port is None:
            raise ConfigurationError(description="the loopback login gave no port for the redirect URI")
        self.flow.redirect_uri = loopback.redirect_uri_for(self.host, port, self.trailing_slash)
        url, state = self.flow.authorization_url(**params)
        return {"url": url, "state": state}

    def exchange_callback(
        self, callback: AuthorizationResponse, flow: Mapping[str, Any], **kwargs: Any
    ) -> dict[str, Any]:
        # The loopback login checked the state and the error; only the code is left to exchange.
        if self.token_audience is not None:
            kwargs["audience"] = self.token_audience
        code = check_authorization_response(callback, issuer=None, iss_required=False)
        return self.flow.fetch_token(code=code, **kwargs)


def _new_code_verifier() -> str:
    return secrets.token_urlsafe(_VERIFIER_BYTES)


def _url_value(value: Any) -> Any:
    """``True``/``False`` as ``true``/``false``: Python's ``str(True)`` is not what providers read."""
    if isinstance(value, bool):
        return "true" if value else "false"
    return value
