"""The error hierarchy: every failure a caller can see is an :class:`OAuthError`.

Codes follow Authlib's where Authlib has one, so ``except`` clauses and error pages
written against Authlib keep working.  Messages are built here from fixed text and
never contain a client secret, an authorization code or a token.
"""

from __future__ import annotations

_MAX_DESCRIPTION = 300


def _clean(text: object | None) -> str | None:
    """Trim a description (possibly from a provider) to one short printable line."""
    if text is None:
        return None
    value = "".join(ch if ch.isprintable() else " " for ch in str(text))
    return value[:_MAX_DESCRIPTION]


class OAuthError(Exception):
    """Base class: an OAuth or OpenID Connect step failed.

    ``error`` is a short machine-readable code (RFC 6749 section 5.2 style),
    ``description`` a human-readable sentence and ``uri`` an optional link the
    provider gave.  ``str(err)`` is ``"error: description"``.
    """

    error: str = "oauth_error"

    def __init__(
        self, error: str | None = None, description: str | None = None, uri: str | None = None
    ) -> None:
        if error is not None:
            self.error = _clean(error) or self.error
        self.description = _clean(description)
        self.uri = _clean(uri)
        super().__init__(str(self))

    def __str__(self) -> str:
        if self.description:
            return f"{self.error}: {self.description}"
        return self.error

    def __repr__(self) -> str:
        return f"<{type(self).__name__} {self!s}>"


class MissingRequestTokenError(OAuthError):
    """OAuth 1.0a: no temporary credentials are known for this callback."""

    error = "missing_request_token"


class MissingTokenError(OAuthError):
    """No token was given, stored on ``g`` or returned by ``fetch_token``."""

    error = "missing_token"


class InvalidTokenError(OAuthError):
    """A token (usually an ID token) failed validation."""

    error = "token_invalid"


class TokenExpiredError(InvalidTokenError):
    """The token has expired and cannot be refreshed (no refresh token).

    A subclass of :class:`InvalidTokenError`, which is what Authlib raises in this
    case, so handlers written against Authlib still catch it.
    """

    error = "token_expired"


class InvalidIdTokenError(InvalidTokenError):
    """An ID token failed one named check of OpenID Connect Core 3.1.3.7.

    ``check`` names it: ``signature``, ``alg``, ``iss``, ``aud``, ``azp``,
    ``exp``, ``iat``, ``nbf``, ``sub``, ``nonce``, ``at_hash``, ``auth_time``,
    ``kid``, ``format``, or the name of a claim checked through ``claims_options``.
    """

    def __init__(self, check: str, description: str) -> None:
        self.check = check
        super().__init__(description=f"ID token rejected ({check}): {description}")


class UnknownSigningKeyError(InvalidIdTokenError, RuntimeError):
    """An ID token's ``kid`` is in none of the keys given with ``jwks=``, and no
    ``jwks_uri`` is used to fetch the provider's current keys (check ``kid``).

    Also a ``RuntimeError``, what Authlib raises when it has no ``jwks_uri`` to
    refetch from, so existing handlers still catch it.
    """

    def __init__(self, description: str) -> None:
        super().__init__("kid", description)


class UnsupportedTokenTypeError(OAuthError):
    """The token's ``token_type`` is not one this client can send (only Bearer)."""

    error = "unsupported_token_type"


class MismatchingStateError(OAuthError):
    """The callback's ``state`` is missing, unknown, expired, replayed or foreign.

    This is the login-CSRF defence of RFC 6749 section 10.12: the description
    says which of those it was, the error code is always ``mismatching_state``.
    """

    error = "mismatching_state"

    def __init__(self, description: str = "CSRF warning: the state does not match") -> None:
        super().__init__(description=description)


class InvalidCallbackError(OAuthError):
    """The callback is malformed: no ``code``, an ``iss`` that is wrong (RFC 9207), or no
    ``oauth_verifier`` (OAuth 1.0a; then ``error`` is ``missing_verifier``)."""

    error = "invalid_callback"


class ProviderError(OAuthError):
    """The provider answered with an OAuth error (``access_denied``, ``invalid_grant``...).

    ``error`` keeps the provider's code; ``status_code`` is the HTTP status of the
    answer when there was one (a token endpoint), else ``None`` (a redirect).
    """

    def __init__(
        self,
        error: str,
        description: str | None = None,
        uri: str | None = None,
        status_code: int | None = None,
    ) -> None:
        self.status_code = status_code
        super().__init__(error, description, uri)


class ConfigurationError(OAuthError, RuntimeError, ValueError):
    """A remote app is configured wrongly or lacks a setting; names the key to set.

    Also a ``RuntimeError`` (what Authlib raises for a missing endpoint) and a
    ``ValueError`` (what it raises for a bad value), so existing handlers catch it.
    """

    error = "configuration_error"

    def __init__(self, description: str) -> None:
        super().__init__(description=description)


class ConfigurationWarning(UserWarning):
    """A register() keyword, ``client_kwargs`` key or ``{NAME}_*`` config key that nothing reads (likely a typo)."""


class TransportError(OAuthError):
    """Talking to the provider failed below OAuth: the ``__cause__`` is the requests error."""

    error = "transport_error"


class RequestTimeoutError(TransportError):
    """The provider did not answer within the configured timeout."""

    error = "timeout"


class ConnectionFailedError(TransportError):
    """The provider could not be reached (refused, DNS, TLS handshake)."""

    error = "connection_error"


class BadResponseError(TransportError):
    """The provider answered with something that is not a usable protocol message."""

    error = "bad_response"


class UnsafeRequestUrlError(OAuthError, ValueError):
    """An API URL given as relative would leave ``api_base_url``'s origin; the token is not sent.

    ``//host/path``, backslash forms such as ``\\\\host`` and ``https:path`` are
    refused: to call another host, pass an absolute ``https://`` URL.  Also a
    ``ValueError``, as it is a bad argument.
    """

    error = "invalid_request_url"

    def __init__(self, description: str) -> None:
        super().__init__(description=description)


class StorageError(OAuthError):
    """The configured cache failed; nothing falls back to weaker storage silently."""

    error = "storage_unavailable"


__all__ = [
    "BadResponseError",
    "ConfigurationError",
    "ConnectionFailedError",
    "InvalidCallbackError",
    "InvalidIdTokenError",
    "InvalidTokenError",
    "MismatchingStateError",
    "MissingRequestTokenError",
    "MissingTokenError",
    "OAuthError",
    "ProviderError",
    "RequestTimeoutError",
    "StorageError",
    "TokenExpiredError",
    "TransportError",
    "UnknownSigningKeyError",
    "UnsafeRequestUrlError",
    "UnsupportedTokenTypeError",
]
