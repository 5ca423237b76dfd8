"""The error hierarchy: every failure a caller can see is an :class:`OAuthError`.

::

    OAuthError                          oauth_error
    ├── MismatchingStateError           mismatching_state
    ├── InvalidCallbackError            invalid_callback
    │   └── MissingVerifierError        missing_verifier
    ├── IssuerMismatchError             issuer_mismatch
    ├── ProviderError                   (the provider's code)
    ├── InvalidTokenError               token_invalid
    │   ├── InvalidIdTokenError         token_invalid (``check`` names the check)
    │   │   └── UnknownSigningKeyError  token_invalid (also RuntimeError)
    │   └── TokenExpiredError           token_expired
    ├── MissingTokenError               missing_token
    ├── MissingRequestTokenError        missing_request_token
    ├── UnsupportedTokenTypeError       unsupported_token_type
    ├── UnsafeRequestUrlError           invalid_request_url (also ValueError)
    ├── TransportError                  transport_error
    │   ├── RequestTimeoutError         timeout
    │   ├── ConnectionFailedError       connection_error
    │   └── BadResponseError            bad_response
    ├── LoginTimeoutError               login_timeout
    ├── StorageError                    storage_unavailable
    └── ConfigurationError              configuration_error (also RuntimeError and ValueError)

    ConfigurationWarning                (a UserWarning, not an error)

Every class is built the way Authlib builds its client errors:
``cls(error=None, description=None, uri=None)``, plus keyword-only data of its own
(``status_code=`` on :class:`ProviderError`, ``check=`` on :class:`InvalidIdTokenError`).
A class's code is its ``error`` attribute; the ``error`` argument is for
:class:`OAuthError` itself and :class:`ProviderError` (the provider's code), and a
failure that deserves a code of its own gets a class of its own.  Codes follow
Authlib's where Authlib has one, so ``except`` clauses and error pages written
against Authlib keep working.  Messages are built from fixed text and never
contain a client secret, an authorization code or a token.
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
    #: The description used when none is given.
    description: str | None = None
    uri: str | None = None

    def __init__(self, error: str | None = None, description: str | None = None, uri: str | None = None) -> None:
        # Set on the instance even when it is the class's code: unpickling restores attributes, not arguments.
        self.error = _clean(error) or self.error
        self.description = _clean(self.description if description is None else description)
        self.uri = _clean(uri)
        super().__init__(str(self))

    def __str__(self) -> str:
        if self.description:
            return f"{self.error}: {self.description}"
        return self.error

    def __repr__(self) -> str:
        return f"<{type(self).__name__} {self!s}>"


class MismatchingStateError(OAuthError):
    """The callback's ``state`` is missing, unknown, expired, replayed or foreign.

    This is the login-CSRF defence of RFC 6749 section 10.12: the description
    says which of those it was, the error code is always ``mismatching_state``.
    """

    error = "mismatching_state"
    description = "CSRF warning: the state does not match"


class InvalidCallbackError(OAuthError):
    """The callback is malformed: no ``code`` and no ``error``, or an ``iss`` that is wrong (RFC 9207)."""

    error = "invalid_callback"


class MissingVerifierError(InvalidCallbackError):
    """OAuth 1.0a: the callback (or ``fetch_access_token()``) has no ``oauth_verifier`` (RFC 5849 section 2.2)."""

    error = "missing_verifier"


class IssuerMismatchError(OAuthError):
    """A discovery document's ``issuer`` is not the one its URL (or the declared ``issuer=``) names.

    OIDC Discovery 4.3 and RFC 8414 section 3.3: a document naming another issuer
    may be an impersonation, so it is refused.  Not a :class:`TransportError`:
    retrying will not help, and a caller that retries transport failures must not
    retry a failed security check.
    """

    error = "issuer_mismatch"


class ProviderError(OAuthError):
    """The provider answered with an OAuth error (``access_denied``, ``invalid_grant``...).

    ``error`` keeps the provider's code; ``status_code`` is the HTTP status of the
    answer when there was one (a token endpoint), else ``None`` (a redirect).
    """

    def __init__(
        self,
        error: str | None = None,
        description: str | None = None,
        uri: str | None = None,
        *,
        status_code: int | None = None,
    ) -> None:
        self.status_code = status_code
        super().__init__(error, description, uri)


class InvalidTokenError(OAuthError):
    """A token (usually an ID token) failed validation."""

    error = "token_invalid"


class InvalidIdTokenError(InvalidTokenError):
    """An ID token failed one named check of OpenID Connect Core 3.1.3.7.

    ``check`` names it: ``signature``, ``alg``, ``iss``, ``aud``, ``azp``,
    ``exp``, ``iat``, ``nbf``, ``sub``, ``nonce``, ``at_hash``, ``auth_time``,
    ``kid``, ``format``, or the name of a claim checked through ``claims_options``.
    The description starts with ``ID token rejected (check):``.
    """

    check: str | None = None

    def __init__(
        self,
        error: str | None = None,
        description: str | None = None,
        uri: str | None = None,
        *,
        check: str | None = None,
    ) -> None:
        if check is not None:
            self.check = _clean(check)
        rejected = f"ID token rejected ({self.check})" if self.check else "ID token rejected"
        super().__init__(error, f"{rejected}: {description}" if description else rejected, uri)


class UnknownSigningKeyError(InvalidIdTokenError, RuntimeError):
    """An ID token's ``kid`` is in none of the keys given with ``jwks=``, and no
    ``jwks_uri`` is used to fetch the provider's current keys (check ``kid``).

    Also a ``RuntimeError``, what Authlib raises when it has no ``jwks_uri`` to
    refetch from, so existing handlers still catch it.
    """

    check = "kid"


class TokenExpiredError(InvalidTokenError):
    """The token has expired and cannot be refreshed (no refresh token).

    A subclass of :class:`InvalidTokenError`, which is what Authlib raises in this
    case, so handlers written against Authlib still catch it.
    """

    error = "token_expired"


class MissingTokenError(OAuthError):
    """No token was given, stored on ``g`` or returned by ``fetch_token``."""

    error = "missing_token"


class MissingRequestTokenError(OAuthError):
    """OAuth 1.0a: no temporary credentials are known for this callback."""

    error = "missing_request_token"


class UnsupportedTokenTypeError(OAuthError):
    """The token's ``token_type`` is not one this client can send (only Bearer)."""

    error = "unsupported_token_type"


class UnsafeRequestUrlError(OAuthError, ValueError):
    """An API URL given as relative would leave ``api_base_url``'s origin; the token is not sent.

    ``//host/path``, backslash forms such as ``\\\\host`` and ``https:path`` are
    refused: to call another host, pass an absolute ``https://`` URL.  Also a
    ``ValueError``, as it is a bad argument.
    """

    error = "invalid_request_url"


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


class LoginTimeoutError(OAuthError):
    """The user did not finish a login in time: ``run_local_server`` got no callback, ``poll_device_token`` no approval.

    Not a :class:`RequestTimeoutError`: the provider did not fail to answer, the
    user did not finish in the browser.  The port ``run_local_server`` listened
    on is free again.
    """

    error = "login_timeout"


class StorageError(OAuthError):
    """The configured cache or token storage failed, or refused its file; nothing falls back to weaker storage."""

    error = "storage_unavailable"


class ConfigurationError(OAuthError, RuntimeError, ValueError):
    """A remote app is configured wrongly or lacks a setting; names the key to set.

    Also a ``RuntimeError`` (what Authlib raises for a missing endpoint) and a
    ``ValueError`` (what it raises for a bad value), so existing handlers catch it.
    """

    error = "configuration_error"


class ConfigurationWarning(UserWarning):
    """A register() keyword, ``client_kwargs`` key or ``{NAME}_*`` config key that nothing reads (likely a typo)."""


__all__ = [
    "BadResponseError",
    "ConfigurationError",
    "ConfigurationWarning",
    "ConnectionFailedError",
    "InvalidCallbackError",
    "InvalidIdTokenError",
    "InvalidTokenError",
    "IssuerMismatchError",
    "LoginTimeoutError",
    "MismatchingStateError",
    "MissingRequestTokenError",
    "MissingTokenError",
    "MissingVerifierError",
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
