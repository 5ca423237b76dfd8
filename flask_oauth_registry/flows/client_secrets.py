"""Google-format client secrets files (``client_secrets.json``): read once, turned into register() settings.

The Google Cloud console downloads a client's settings as ``{"web": {...}}`` or
``{"installed": {...}}``.  :func:`client_secrets_settings` turns the parsed JSON
into the settings it stands for (pure: data in, data out); :func:`read_client_secrets_file`
reads the file and calls it.  The registry completes a registration with these
settings: whatever the registration, a preset or the Flask config sets wins
(:func:`.registry.settings.build_config`).

What a file gives:

=====================  ==============================================================
file field             setting
=====================  ==============================================================
``client_id``          ``client_id`` (required)
``client_secret``      ``client_secret`` (optional: a public client has none)
``auth_uri``           ``authorize_url`` (required)
``token_uri``          ``access_token_url`` (required)
``revoke_uri``         ``revocation_endpoint`` (optional)
``redirect_uris``      ``web``: the first ``https://`` or loopback ``http://`` one becomes
                       ``client_kwargs["redirect_uri"]``; ``installed``: none (the
                       loopback login builds its own from the port it binds)
=====================  ==============================================================

Every error is a :class:`~flask_oauth_registry.ConfigurationError` naming the file
and the field; no message ever shows a value from the file (it holds the secret).
"""

from __future__ import annotations

import ipaddress
import json
import os
from collections.abc import Mapping
from typing import Any
from urllib.parse import urlsplit

from ..registry.errors import ConfigurationError

#: The client types a file may describe (oauth2client's ``TYPE_WEB`` and ``TYPE_INSTALLED``).
CLIENT_TYPES = ("web", "installed")
#: Fields without which a file cannot stand for a client.
REQUIRED_FIELDS = ("client_id", "auth_uri", "token_uri")
#: File field -> register() setting, for the plain string fields.
_STRING_FIELDS = {
    "client_id": "client_id",
    "client_secret": "client_secret",
    "auth_uri": "authorize_url",
    "token_uri": "access_token_url",
    "revoke_uri": "revocation_endpoint",
}
#: A file downloaded as a template has ``"[[INSERT CLIENT ID HERE]]"`` placeholders (oauth2client refused them).
_PLACEHOLDER_PREFIX = "[["


def read_client_secrets_file(path: str | os.PathLike[str], setting: str = "client_secrets_file") -> dict[str, Any]:
    """The register() settings of the client secrets file at ``path``; ``setting`` names where the path came from.

    The file is read once per call.  A missing or unreadable file, or one that
    is not JSON, is a :class:`ConfigurationError` naming the path and ``setting``.
    """
    if not isinstance(path, str | os.PathLike):
        raise ConfigurationError(description=f"{setting} must be a file path, not {type(path).__name__}")
    source = os.fspath(path)
    try:
        with open(source, encoding="utf-8") as handle:
            text = handle.read()
    except OSError as exc:
        reason = exc.strerror or type(exc).__name__
        raise ConfigurationError(description=f"{setting}: cannot read the client secrets file {source!r} ({reason})"
                                 ) from None
    except UnicodeDecodeError:
        raise ConfigurationError(description=f"{setting}: the client secrets file {source!r} is not UTF-8 text"
                                 ) from None
    try:
        data = json.loads(text)
    except (ValueError, RecursionError) as exc:
        # The position only: json's message would quote nothing, but the file holds a secret.
        where = f" (line {exc.lineno}, column {exc.colno})" if isinstance(exc, json.JSONDecodeError) else ""
        raise ConfigurationError(description=f"{setting}: the client secrets file {source!r} is not JSON{where}"
                                 ) from None
    return client_secrets_settings(data, source)


def client_secrets_settings(data: Any, source: str = "client secrets") -> dict[str, Any]:
    """The register() settings a parsed client secrets file stands for (see the module's table).

    ``source`` (the file's path) names the file in errors.  The file must hold
    exactly one of ``web`` and ``installed``, with :data:`REQUIRED_FIELDS` set.
    """
    client_type, section = _client_section(data, source)
    found = {field: _string_field(section, field, client_type, source) for field in _STRING_FIELDS}
    for field in REQUIRED_FIELDS:
        if found[field] is None:
            raise ConfigurationError(
                description=f"the client secrets file {source!r} has no {field!r} in its {client_type!r} section"
            )
    settings: dict[str, Any] = {_STRING_FIELDS[field]: value for field, value in found.items() if value is not None}
    redirect_uris = _redirect_uris(section, client_type, source)
    if client_type == "web":
        default = next((uri for uri in redirect_uris if is_acceptable_redirect_uri(uri)), None)
        if default is not None:
            settings["client_kwargs"] = {"redirect_uri": default}
    return settings


def _client_section(data: Any, source: str) -> tuple[str, Mapping[str, Any]]:
    """The client type and its section; exactly one known type, as oauth2client required."""
    if not isinstance(data, Mapping):
        raise ConfigurationError(description=f"the client secrets file {source!r} is not a JSON object")
    types = [key for key in CLIENT_TYPES if key in data]
    if not types:
        raise ConfigurationError(
            description=f"the client secrets file {source!r} has neither a 'web' nor an 'installed' section "
            "(download the OAuth client's JSON from the provider's console)"
        )
    if len(types) > 1 or len(data) > 1:
        raise ConfigurationError(
            description=f"the client secrets file {source!r} must hold one client: a 'web' or an 'installed' section"
        )
    section = data[types[0]]
    if not isinstance(section, Mapping):
        raise ConfigurationError(description=f"the client secrets file {source!r}: {types[0]!r} is not a JSON object")
    return types[0], section


def _string_field(section: Mapping[str, Any], field: str, client_type: str, source: str) -> str | None:
    value = section.get(field)
    if value is None or value == "":
        return None
    if not isinstance(value, str):
        raise ConfigurationError(
            description=f"the client secrets file {source!r}: {client_type}.{field} must be a string"
        )
    if value.startswith(_PLACEHOLDER_PREFIX):
        raise ConfigurationError(
            description=f"the client secrets file {source!r}: {client_type}.{field} is a placeholder, not filled in"
        )
    return value


def _redirect_uris(section: Mapping[str, Any], client_type: str, source: str) -> list[str]:
    uris = section.get("redirect_uris") or []
    if not isinstance(uris, list) or not all(isinstance(uri, str) for uri in uris):
        raise ConfigurationError(
            description=f"the client secrets file {source!r}: {client_type}.redirect_uris must be a list of strings"
        )
    return uris


def is_loopback_host(host: str) -> bool:
    """Whether ``host`` names this machine's loopback interface: ``localhost``, 127.0.0.0/8 or ``::1``."""
    if host.lower() == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def is_acceptable_redirect_uri(uri: str) -> bool:
    """Whether ``uri`` may be a default redirect URI: ``https://``, or ``http://`` to a loopback host.

    A plain-http redirect to another host would carry the code in clear text
    (OAuth 2.0 Security BCP 4.1.1); ``urn:ietf:wg:oauth:2.0:oob`` is gone.
    """
    try:
        parts = urlsplit(uri)
        host = parts.hostname
    except ValueError:
        return False
    if not host:
        return False
    return parts.scheme == "https" or (parts.scheme == "http" and is_loopback_host(host))
