"""oauth2client's ``clientsecrets``: read a ``client_secrets.json`` into ``(client_type, client_info)``.

The file is checked by this library's parser
(:func:`flask_oauth_registry.flows.client_secrets.client_secrets_settings`): one
``web`` or ``installed`` section, ``client_id``, ``auth_uri`` and ``token_uri``
present, no ``[[...]]`` template values.  Unlike oauth2client, ``client_secret``
and ``redirect_uris`` may be absent (a public installed client has no secret), a
file that is not JSON is an :class:`InvalidClientSecretsError` too, and an entry
found in ``cache`` is checked again.  Messages never show a value from the file.
"""

from __future__ import annotations

import json
import os
from typing import IO, Any

from ...flows.client_secrets import client_secrets_settings
from ...registry.errors import ConfigurationError
from ._errors import ClientSecretsError as Error
from ._errors import InvalidClientSecretsError

TYPE_WEB = "web"
TYPE_INSTALLED = "installed"
#: What each client type needs (oauth2client's table; ``client_secret`` and ``redirect_uris`` are optional here).
VALID_CLIENT = {
    TYPE_WEB: {
        "required": ["client_id", "client_secret", "redirect_uris", "auth_uri", "token_uri"],
        "string": ["client_id", "client_secret"],
    },
    TYPE_INSTALLED: {
        "required": ["client_id", "client_secret", "redirect_uris", "auth_uri", "token_uri"],
        "string": ["client_id", "client_secret"],
    },
}
_SECRET_NAMESPACE = "oauth2client:secrets#ns"


def _validate_clientsecrets(clientsecrets_dict: Any) -> tuple[str, dict[str, Any]]:
    """``(client_type, client_info)`` of a parsed file, or :class:`InvalidClientSecretsError`."""
    try:
        client_secrets_settings(clientsecrets_dict, "client secrets")
    except ConfigurationError as exc:
        raise InvalidClientSecretsError(f"Invalid file format: {exc.description}") from None
    client_type, client_info = next(iter(clientsecrets_dict.items()))
    return client_type, dict(client_info)


def load(fp: IO[str]) -> tuple[str, dict[str, Any]]:
    """``(client_type, client_info)`` of an open file."""
    return loads(fp.read())


def loads(s: str | bytes) -> tuple[str, dict[str, Any]]:
    """``(client_type, client_info)`` of the file's text."""
    try:
        obj = json.loads(s)
    except (ValueError, RecursionError):
        raise InvalidClientSecretsError("Invalid file format: not JSON") from None
    return _validate_clientsecrets(obj)


def _loadfile(filename: str | os.PathLike[str]) -> tuple[str, dict[str, Any]]:
    try:
        with open(filename, encoding="utf-8") as fp:
            text = fp.read()
    except OSError as exc:
        raise InvalidClientSecretsError("Error opening file", exc.filename, exc.strerror, exc.errno) from None
    except UnicodeDecodeError:
        raise InvalidClientSecretsError("Invalid file format: not UTF-8 text") from None
    return loads(text)


def loadfile(filename: str | os.PathLike[str], cache: Any = None) -> tuple[str, dict[str, Any]]:
    """``(client_type, client_info)`` of the file at ``filename``.

    ``cache`` is oauth2client's: any object with ``get(key, namespace=)`` and
    ``set(key, value, namespace=)`` (memcache); the parsed file is kept in it under
    its name.
    """
    if not cache:
        return _loadfile(filename)
    key = os.fspath(filename)
    obj = cache.get(key, namespace=_SECRET_NAMESPACE)
    if obj is None:
        client_type, client_info = _loadfile(filename)
        obj = {client_type: client_info}
        cache.set(key, obj, namespace=_SECRET_NAMESPACE)
    return _validate_clientsecrets(obj)


__all__ = ["Error", "InvalidClientSecretsError", "TYPE_INSTALLED", "TYPE_WEB", "VALID_CLIENT", "load", "loadfile",
           "loads"]
