"""google-auth-oauthlib's ``helpers``: a requests-oauthlib session from client secrets, and credentials from it.

The names and return types are google-auth-oauthlib's: ``session_from_client_config``
returns ``(requests_oauthlib.OAuth2Session, client_config)`` and
``credentials_from_session`` a ``google.oauth2.credentials.Credentials``.  The
client secrets are checked by this library's own reader
(:func:`flask_oauth_registry.flows.client_secrets.client_secrets_settings`), so a
bad file fails the same way everywhere: a :class:`~flask_oauth_registry.ConfigurationError`
(also a ``ValueError``, what google-auth-oauthlib raised) naming the missing field.

google-auth is an optional dependency (the ``[google]`` extra): only the functions
that return its types need it, and they say how to install it.
"""

from __future__ import annotations

import datetime
import importlib
import json
import os
from collections.abc import Mapping, Sequence
from types import ModuleType
from typing import Any

import requests_oauthlib

from ...flows.client_secrets import CLIENT_TYPES, client_secrets_settings
from ...registry.errors import ConfigurationError

#: What to install for the functions that return google-auth's types.
INSTALL_HINT = "pip install 'flask-oauth-registry[google]'"


def google_auth(module: str) -> ModuleType:
    """The google-auth module ``module`` (``google.oauth2.credentials``...); a clear error without google-auth."""
    try:
        return importlib.import_module(module)
    except ImportError as exc:
        raise ModuleNotFoundError(
            f"google-auth-oauthlib's credentials are google-auth objects, and google-auth is not installed: "
            f"{INSTALL_HINT}",
            name=module,
        ) from exc


def client_type_of(client_config: Mapping[str, Any]) -> str:
    """``"web"`` or ``"installed"``: the section a Google client secrets config holds, checked.

    The whole section is checked here, once: ``client_id``, ``auth_uri`` and
    ``token_uri`` must be set (``client_secret`` is optional: a public client has none).
    """
    client_secrets_settings(client_config)
    return next(kind for kind in CLIENT_TYPES if kind in client_config)


def session_from_client_config(
    client_config: Mapping[str, Any], scopes: Sequence[str] | None, **kwargs: Any
) -> tuple[requests_oauthlib.OAuth2Session, Mapping[str, Any]]:
    """A ``requests_oauthlib.OAuth2Session`` for the client of ``client_config``, and the config itself.

    ``kwargs`` go to ``OAuth2Session`` (``redirect_uri=``, ``state=``, ``token=``...).
    """
    client_type = client_type_of(client_config)
    section = client_config[client_type]
    session = requests_oauthlib.OAuth2Session(client_id=section["client_id"], scope=scopes, **kwargs)
    return session, client_config


def session_from_client_secrets_file(
    client_secrets_file: str | os.PathLike[str], scopes: Sequence[str] | None, **kwargs: Any
) -> tuple[requests_oauthlib.OAuth2Session, Mapping[str, Any]]:
    """:func:`session_from_client_config` with the config read from a client secrets file."""
    return session_from_client_config(read_client_config(client_secrets_file), scopes, **kwargs)


def read_client_config(path: str | os.PathLike[str]) -> dict[str, Any]:
    """The parsed JSON of the client secrets file at ``path``; the error names the file, never its content."""
    source = os.fspath(path)
    try:
        with open(source, encoding="utf-8") as handle:
            data = json.load(handle)
    except OSError as exc:
        raise ConfigurationError(
            description=f"cannot read the client secrets file {source!r} ({exc.strerror or type(exc).__name__})"
        ) from None
    except ValueError:  # the file holds a secret: json's message is not repeated
        raise ConfigurationError(description=f"the client secrets file {source!r} is not JSON") from None
    if not isinstance(data, dict):
        raise ConfigurationError(description=f"the client secrets file {source!r} is not a JSON object")
    return data


def credentials_from_session(
    session: requests_oauthlib.OAuth2Session, client_config: Mapping[str, Any] | None = None
) -> Any:
    """google-auth credentials for the token ``session`` holds.

    ``client_config`` is the inner section (``{"client_id", "client_secret",
    "token_uri"...}``), so that the credentials can refresh themselves.  A ``"3pi"``
    config gives ``google.auth.external_account_authorized_user.Credentials``;
    anything else ``google.oauth2.credentials.Credentials``, with ``granted_scopes``
    from the token response's ``scope`` (what the user granted, not what was asked).
    A session without a token is a ``ValueError``.
    """
    config = client_config if client_config is not None else {}
    token = session.token
    if not token or not token.get("access_token"):
        raise ValueError("There is no access token for this session, did you call fetch_token?")
    if "3pi" in config:
        credentials = google_auth("google.auth.external_account_authorized_user").Credentials(
            token=token["access_token"],
            refresh_token=token.get("refresh_token"),
            token_url=config.get("token_uri"),
            client_id=config.get("client_id"),
            client_secret=config.get("client_secret"),
            token_info_url=config.get("token_info_url"),
            scopes=session.scope,
        )
    else:
        credentials = google_auth("google.oauth2.credentials").Credentials(
            token["access_token"],
            refresh_token=token.get("refresh_token"),
            id_token=token.get("id_token"),
            token_uri=config.get("token_uri"),
            client_id=config.get("client_id"),
            client_secret=config.get("client_secret"),
            scopes=session.scope,
            granted_scopes=token.get("scope"),
        )
    expires_at = token.get("expires_at")
    if expires_at is not None:
        # google-auth compares expiry with a naive UTC datetime.
        expiry = datetime.datetime.fromtimestamp(float(expires_at), datetime.UTC)
        credentials.expiry = expiry.replace(tzinfo=None)
    return credentials
