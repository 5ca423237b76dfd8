"""flask-oauth-registry: OAuth 1.0a, OAuth 2.0 and OpenID Connect clients for Flask.

The public API is Authlib's Flask client API; change the import and keep your code::

    from flask_oauth_registry import OAuth

    oauth = OAuth(app)
    oauth.register("google", client_id=..., client_secret=...)
"""

from __future__ import annotations

from typing import Any

from ._version import __version__
from .flows.device import DeviceAuthorization
from .registry.errors import (
    BadResponseError,
    ConfigurationError,
    ConfigurationWarning,
    ConnectionFailedError,
    InvalidCallbackError,
    InvalidIdTokenError,
    InvalidTokenError,
    IssuerMismatchError,
    LoginTimeoutError,
    MismatchingStateError,
    MissingRequestTokenError,
    MissingTokenError,
    MissingVerifierError,
    OAuthError,
    ProviderError,
    RequestTimeoutError,
    StorageError,
    TokenExpiredError,
    TransportError,
    UnknownSigningKeyError,
    UnsafeRequestUrlError,
    UnsupportedTokenTypeError,
)
from .registry.extension import OAuth
from .registry.oauth2 import OAuth2App
from .registry.remote import RemoteApp
from .registry.signals import oauth_authorized, oauth_before_login, oauth_error, token_update
from .registry.userinfo import UserInfo

#: Authlib's name for the OAuth 2 app class, for code written against it.
FlaskOAuth2App = OAuth2App


def __getattr__(name: str) -> Any:
    # OAuth1App imports requests-oauthlib's OAuth1 machinery: load it on first use.
    if name in ("OAuth1App", "FlaskOAuth1App"):
        from .registry.oauth1 import OAuth1App

        return OAuth1App
    raise AttributeError(name)


__all__ = [
    "BadResponseError",
    "ConfigurationError",
    "ConfigurationWarning",
    "ConnectionFailedError",
    "DeviceAuthorization",
    "FlaskOAuth1App",
    "FlaskOAuth2App",
    "InvalidCallbackError",
    "InvalidIdTokenError",
    "InvalidTokenError",
    "IssuerMismatchError",
    "LoginTimeoutError",
    "MismatchingStateError",
    "MissingRequestTokenError",
    "MissingTokenError",
    "MissingVerifierError",
    "OAuth",
    "OAuth1App",
    "OAuth2App",
    "OAuthError",
    "ProviderError",
    "RemoteApp",
    "RequestTimeoutError",
    "StorageError",
    "TokenExpiredError",
    "TransportError",
    "UnknownSigningKeyError",
    "UnsafeRequestUrlError",
    "UnsupportedTokenTypeError",
    "UserInfo",
    "__version__",
    "oauth_authorized",
    "oauth_before_login",
    "oauth_error",
    "token_update",
]
