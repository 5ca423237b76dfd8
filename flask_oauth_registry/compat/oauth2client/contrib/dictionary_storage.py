"""oauth2client's ``DictionaryStorage``: credentials JSON kept under one key of any dict-like object.

``flask_util`` used it on ``flask.session``, which put the client secret and the
tokens into the browser's cookie; this facade's ``UserOAuth2`` keeps them server-side
instead.  Any dict (a cache, a server-side session) still works here.  An entry
that is not readable credentials reads as ``None`` (logged, without its content).
"""

from __future__ import annotations

import logging
from collections.abc import MutableMapping
from typing import Any

from .. import client
from .._base import read_credentials

logger = logging.getLogger(__name__)


class DictionaryStorage(client.Storage):
    """Store and retrieve credentials to and from a dictionary-like object, under ``key``."""

    def __init__(self, dictionary: MutableMapping[str, Any], key: str, lock: Any = None) -> None:
        super().__init__(lock=lock)
        self._dictionary = dictionary
        self._key = key

    def __repr__(self) -> str:
        return f"{type(self).__name__}(key={self._key!r})"

    def locked_get(self) -> client.Credentials | None:
        """The credentials stored under the key, bound to this storage, or ``None``."""
        serialized = self._dictionary.get(self._key)
        if serialized is None:
            return None
        credentials = read_credentials(serialized, f"the entry {self._key!r}")
        if credentials is not None:
            credentials.set_store(self)  # type: ignore[attr-defined]
        return credentials

    def locked_put(self, credentials: Any) -> None:
        """Store ``credentials.to_json()`` under the key."""
        self._dictionary[self._key] = credentials.to_json()

    def locked_delete(self) -> None:
        """Remove the key."""
        self._dictionary.pop(self._key, None)
