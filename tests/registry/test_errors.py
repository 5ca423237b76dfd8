"""The error hierarchy: one constructor shape (Authlib's), fixed codes, the tree, and messages safe to log."""

from __future__ import annotations

import ast
import pickle
from pathlib import Path
from typing import Any

import pytest
from flask import Flask

import flask_oauth_registry
from flask_oauth_registry import (
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
    OAuth,
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

#: Every public error and the code it carries when none is given (ProviderError's is the provider's).
CODES: dict[type[OAuthError], str] = {
    OAuthError: "oauth_error",
    MismatchingStateError: "mismatching_state",
    InvalidCallbackError: "invalid_callback",
    MissingVerifierError: "missing_verifier",
    IssuerMismatchError: "issuer_mismatch",
    ProviderError: "oauth_error",
    InvalidTokenError: "token_invalid",
    InvalidIdTokenError: "token_invalid",
    UnknownSigningKeyError: "token_invalid",
    TokenExpiredError: "token_expired",
    MissingTokenError: "missing_token",
    MissingRequestTokenError: "missing_request_token",
    UnsupportedTokenTypeError: "unsupported_token_type",
    UnsafeRequestUrlError: "invalid_request_url",
    TransportError: "transport_error",
    RequestTimeoutError: "timeout",
    ConnectionFailedError: "connection_error",
    BadResponseError: "bad_response",
    LoginTimeoutError: "login_timeout",
    StorageError: "storage_unavailable",
    ConfigurationError: "configuration_error",
}
ERRORS = list(CODES)
#: Codes Authlib's client errors carry, which handlers written against Authlib compare with.
AUTHLIB_CODES = {
    MismatchingStateError: "mismatching_state",
    MissingTokenError: "missing_token",
    TokenExpiredError: "token_expired",
    InvalidTokenError: "token_invalid",
    UnsupportedTokenTypeError: "unsupported_token_type",
    MissingRequestTokenError: "missing_request_token",
}
PACKAGE = Path(flask_oauth_registry.__file__).parent


def by_name(cls: type) -> str:
    return cls.__name__


def described(cls: type[OAuthError], text: str) -> str:
    """The description ``cls(description=text)`` carries: ID-token errors name their check first."""
    if issubclass(cls, InvalidIdTokenError):
        return f"ID token rejected ({cls.check}): {text}" if cls.check else f"ID token rejected: {text}"
    return text


def test_every_exported_error_is_in_the_table() -> None:
    exported = {getattr(flask_oauth_registry, name) for name in flask_oauth_registry.__all__}
    assert {obj for obj in exported if isinstance(obj, type) and issubclass(obj, OAuthError)} == set(CODES)


# -- one constructor shape ---------------------------------------------------------------------


@pytest.mark.parametrize("cls", ERRORS, ids=by_name)
def test_error_built_without_arguments_carries_its_class_code(cls: type[OAuthError]) -> None:
    err = cls()
    assert err.error == CODES[cls]
    assert err.uri is None
    assert str(err).startswith(CODES[cls])


@pytest.mark.parametrize("cls", ERRORS, ids=by_name)
def test_error_takes_authlibs_keywords_and_keeps_its_code(cls: type[OAuthError]) -> None:
    err = cls(description="the thing failed", uri="https://docs.example.test/errors")
    assert (err.error, err.description, err.uri) == (
        CODES[cls], described(cls, "the thing failed"), "https://docs.example.test/errors"
    )


@pytest.mark.parametrize("cls", ERRORS, ids=by_name)
def test_error_takes_authlibs_positional_order_error_description_uri(cls: type[OAuthError]) -> None:
    err = cls("login_required", "sign in first", "https://docs.example.test/login")
    assert (err.error, err.description, err.uri) == (
        "login_required", described(cls, "sign in first"), "https://docs.example.test/login"
    )


@pytest.mark.parametrize("cls", ERRORS, ids=by_name)
def test_str_is_error_colon_description_and_repr_names_the_class(cls: type[OAuthError]) -> None:
    err = cls(description="the thing failed")
    assert str(err) == f"{CODES[cls]}: {described(cls, 'the thing failed')}"
    assert err.args == (str(err),)
    assert repr(err) == f"<{cls.__name__} {err}>"


@pytest.mark.parametrize(("cls", "code"), AUTHLIB_CODES.items(), ids=[c.__name__ for c in AUTHLIB_CODES])
def test_authlib_codes_are_kept(cls: type[OAuthError], code: str) -> None:
    assert cls.error == code


def test_provider_error_keeps_the_providers_code_and_the_http_status() -> None:
    err = ProviderError(error="invalid_grant", description="the code was used", status_code=400)
    assert (err.error, err.status_code, str(err)) == ("invalid_grant", 400, "invalid_grant: the code was used")
    assert ProviderError(error="access_denied").status_code is None


def test_provider_error_status_code_is_keyword_only() -> None:
    with pytest.raises(TypeError):
        ProviderError("invalid_grant", "the code was used", None, 400)  # type: ignore[call-arg]


def test_id_token_error_names_its_check_in_the_attribute_and_the_message() -> None:
    err = InvalidIdTokenError(check="aud", description="the audience is not this client")
    assert err.check == "aud"
    assert str(err) == "token_invalid: ID token rejected (aud): the audience is not this client"


def test_id_token_error_check_is_keyword_only() -> None:
    with pytest.raises(TypeError):
        InvalidIdTokenError(None, "the audience is not this client", None, "aud")  # type: ignore[call-arg]


def test_unknown_signing_key_error_is_the_kid_check() -> None:
    err = UnknownSigningKeyError(description="no such key")
    assert err.check == "kid"
    assert str(err) == "token_invalid: ID token rejected (kid): no such key"


def test_mismatching_state_error_has_authlibs_default_sentence_and_takes_a_precise_one() -> None:
    assert MismatchingStateError().description == "CSRF warning: the state does not match"
    assert MismatchingStateError(description="CSRF warning: replayed").description == "CSRF warning: replayed"


@pytest.mark.parametrize("cls", ERRORS, ids=by_name)
def test_error_survives_pickling(cls: type[OAuthError]) -> None:
    # Task queues and multiprocessing pickle exceptions: they rebuild it from its args, then its attributes.
    err = cls(description="the thing failed", uri="https://docs.example.test/errors")
    copy = pickle.loads(pickle.dumps(err))
    assert type(copy) is cls
    assert (copy.error, copy.description, copy.uri, str(copy)) == (err.error, err.description, err.uri, str(err))


# -- the tree ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("cls", "base", "expected"),
    [
        (IssuerMismatchError, OAuthError, True),
        # A caller that retries transport failures must not retry a failed security check.
        (IssuerMismatchError, TransportError, False),
        (IssuerMismatchError, BadResponseError, False),
        (MissingVerifierError, InvalidCallbackError, True),
        (ConfigurationError, RuntimeError, True),
        (ConfigurationError, ValueError, True),
        (UnknownSigningKeyError, RuntimeError, True),
        (UnknownSigningKeyError, InvalidIdTokenError, True),
        (InvalidIdTokenError, InvalidTokenError, True),
        (TokenExpiredError, InvalidTokenError, True),
        (UnsafeRequestUrlError, ValueError, True),
        (RequestTimeoutError, TransportError, True),
        (ConnectionFailedError, TransportError, True),
        (BadResponseError, TransportError, True),
        (ProviderError, TransportError, False),
        (StorageError, TransportError, False),
        (MismatchingStateError, InvalidCallbackError, False),
        (ConfigurationWarning, UserWarning, True),
        (ConfigurationWarning, OAuthError, False),
    ],
    ids=lambda value: value.__name__ if isinstance(value, type) else str(value),
)
def test_error_tree(cls: type, base: type, expected: bool) -> None:
    assert issubclass(cls, base) is expected


@pytest.mark.parametrize("cls", ERRORS, ids=by_name)
def test_every_error_is_an_oauth_error(cls: type[OAuthError]) -> None:
    assert issubclass(cls, OAuthError)


def test_a_missing_verifier_is_still_caught_as_an_invalid_callback(app: Flask) -> None:
    client: Any = OAuth(app).register(
        "dev", client_id="key", client_secret="secret", request_token_url="https://op.example.test/request",
        authorize_url="https://op.example.test/authorize", access_token_url="https://op.example.test/access",
    )
    with pytest.raises(InvalidCallbackError) as caught:
        client.fetch_access_token({"oauth_token": "temporary", "oauth_token_secret": "temporary-secret"})
    assert type(caught.value) is MissingVerifierError
    assert caught.value.error == "missing_verifier"


# -- messages safe to log ----------------------------------------------------------------------


@pytest.mark.parametrize("cls", ERRORS, ids=by_name)
def test_description_is_one_printable_line(cls: type[OAuthError]) -> None:
    err = cls(description="bad answer\r\nX-Injected: yes\x1b[31m", uri="https://op.test/\nerr")
    assert str(err).isprintable() and repr(err).isprintable()
    assert err.uri is not None and err.uri.isprintable()


@pytest.mark.parametrize("cls", ERRORS, ids=by_name)
def test_long_description_is_cut_before_a_trailing_secret(cls: type[OAuthError]) -> None:
    # A provider's error_description may echo the request; what follows 300 characters never shows.
    err = cls(description="x" * 300 + " access_token=SECRET-TOKEN-VALUE")
    assert err.description is not None and len(err.description) == 300
    assert "SECRET-TOKEN-VALUE" not in str(err) and "SECRET-TOKEN-VALUE" not in repr(err)


def test_provider_code_is_cleaned_too() -> None:
    err = ProviderError(error="invalid_grant\r\nSet-Cookie: x", description="no")
    assert err.error.isprintable()


# -- our raise sites -------------------------------------------------------------------------


def _error_calls(path: Path) -> list[tuple[int, str, ast.Call]]:
    names = {cls.__name__ for cls in ERRORS}
    calls = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Call):
            func = node.func
            name = func.id if isinstance(func, ast.Name) else func.attr if isinstance(func, ast.Attribute) else ""
            if name in names:
                calls.append((node.lineno, name, node))
    return calls


def test_package_builds_errors_with_keywords_and_never_overrides_a_fixed_code() -> None:
    """Only OAuthError and ProviderError are given a code; every other class carries its own."""
    offending = []
    for path in sorted(PACKAGE.rglob("*.py")):
        if path.name == "errors.py" or "devprovider" in path.parts:  # the development provider raises oauthlib's
            continue
        for line, name, call in _error_calls(path):
            gives_code = any(keyword.arg == "error" for keyword in call.keywords)
            if call.args or (gives_code and name not in ("OAuthError", "ProviderError")):
                offending.append(f"{path.relative_to(PACKAGE)}:{line}: {ast.unparse(call)[:80]}")
    assert offending == []
