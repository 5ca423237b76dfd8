"""oauth2client's exceptions, each also an :class:`~flask_oauth_registry.OAuthError`.

oauth2client raised them positionally (``FlowExchangeError("invalid_grant")``), and
code compares ``str(err)`` with what it expects; both still work.  Being
``OAuthError`` subclasses as well means a Flask app's ``OAuthError`` handler, or the
library's error page, answers them like any other login failure, instead of a 500.
Messages are built from fixed text and the provider's ``error`` and
``error_description``: never a token, a client secret or a response body.
"""

from __future__ import annotations

from typing import Any

from ...registry.errors import ConfigurationError, OAuthError


class Error(OAuthError):
    """Base error for this module (oauth2client's ``client.Error``)."""

    error = "oauth2client_error"

    def __init__(self, *args: Any) -> None:
        message = " ".join(str(arg) for arg in args) if args else None
        super().__init__(description=message)
        # oauth2client's callers may read ``err.args``: keep what was passed.
        self.args = args

    def __str__(self) -> str:
        return self.description or self.error


class FlowExchangeError(Error):
    """Exchanging a code (or a device code) for a token failed."""

    error = "flow_exchange_error"


class AccessTokenRefreshError(Error):
    """Refreshing the access token failed."""

    error = "access_token_refresh_error"


class HttpAccessTokenRefreshError(AccessTokenRefreshError):
    """The token endpoint refused a refresh; ``status`` is the HTTP status of its answer."""

    def __init__(self, *args: Any, status: int | None = None) -> None:
        super().__init__(*args)
        self.status = status


class TokenRevokeError(Error):
    """The revocation endpoint refused to revoke the token."""

    error = "token_revoke_error"


class UnknownClientSecretsFlowError(Error):
    """The client secrets file names a client type no flow handles (not ``web`` or ``installed``)."""

    error = "unknown_client_secrets_flow"


class AccessTokenCredentialsError(Error):
    """An ``AccessTokenCredentials`` token expired: it has no refresh token to renew it."""

    error = "access_token_credentials_error"


class VerifyJwtTokenError(Error):
    """An ID token (or other JWT) could not be read or failed a check."""

    error = "token_invalid"


class NonAsciiHeaderError(Error):
    """A header name or value to send is not ASCII."""

    error = "non_ascii_header"


class ApplicationDefaultCredentialsError(Error):
    """Application default credentials were asked for: this facade does not provide them."""

    error = "application_default_credentials_error"


class OAuth2DeviceCodeError(Error):
    """Asking for a device and user code failed."""

    error = "device_code_error"


class CryptoUnavailableError(Error, NotImplementedError):
    """A signing or verifying feature is missing (oauth2client raised it without pyOpenSSL or PyCrypto)."""

    error = "crypto_unavailable"


class UnknownCredentialsTypeError(Error, ValueError):
    """A credential JSON names a ``_module``/``_class`` this facade does not read (never imported)."""

    error = "unknown_credentials_type"


class ClientSecretsError(Error):
    """Base error of :mod:`.clientsecrets` (oauth2client's ``clientsecrets.Error``)."""


class InvalidClientSecretsError(ClientSecretsError, ConfigurationError):
    """The client secrets file is missing, unreadable or not in the expected format.

    Also a :class:`~flask_oauth_registry.ConfigurationError` (so a ``ValueError``):
    oauth2client raised a plain ``ValueError`` for a file that is not JSON.
    """

    error = "configuration_error"


class AppIdentityError(VerifyJwtTokenError):
    """A signed JWT failed verification (oauth2client's ``crypt.AppIdentityError``); names the check only."""


def provider_message(answer: Any, fallback: str, separator: str = ": ") -> tuple[str, bool]:
    """oauth2client's message for an error answer: ``error[: error_description]``, else ``fallback``.

    Returns the message and whether the answer carried an OAuth ``error``.  The
    provider's strings are cut short and stripped of control characters by
    :class:`OAuthError`; nothing else of the body is used.
    """
    if isinstance(answer, dict) and isinstance(answer.get("error"), str) and answer["error"]:
        message = answer["error"]
        description = answer.get("error_description")
        if isinstance(description, str) and description:
            message += separator + description
        return message, True
    return fallback, False


__all__ = [
    "AccessTokenCredentialsError",
    "AppIdentityError",
    "AccessTokenRefreshError",
    "ApplicationDefaultCredentialsError",
    "ClientSecretsError",
    "CryptoUnavailableError",
    "Error",
    "FlowExchangeError",
    "HttpAccessTokenRefreshError",
    "InvalidClientSecretsError",
    "NonAsciiHeaderError",
    "OAuth2DeviceCodeError",
    "TokenRevokeError",
    "UnknownClientSecretsFlowError",
    "UnknownCredentialsTypeError",
    "VerifyJwtTokenError",
    "provider_message",
]
