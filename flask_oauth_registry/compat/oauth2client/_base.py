"""The abstract ``Credentials`` and ``Storage`` of oauth2client, and the credential JSON (its ``_module``/``_class``).

``Credentials.new_from_json`` reads what real oauth2client wrote: the JSON names
the class by ``_module`` and ``_class``.  oauth2client imported whatever module
the JSON named; here only the known pairs are mapped to this facade's classes
(nothing named in a file is ever imported), and ``to_json`` writes the original
names, so files stay readable by oauth2client too.
"""

from __future__ import annotations

import datetime
import importlib
import json
import logging
from collections.abc import Mapping
from typing import Any, NamedTuple

from ._errors import UnknownCredentialsTypeError
from ._helpers import _from_bytes

logger = logging.getLogger(__name__)

#: How ``token_expiry`` is written: naive UTC.
EXPIRY_FORMAT = "%Y-%m-%dT%H:%M:%SZ"

#: The module names credential JSON may carry, mapped to this facade's modules.
_MODULE_ALIASES = {
    "oauth2client.client": "client",
    "oauth2client.googleapiclient.client": "client",  # oauth2client rewrote this legacy name too
    "oauth2client.service_account": "service_account",
    "flask_oauth_registry.compat.oauth2client.client": "client",
    "flask_oauth_registry.compat.oauth2client.service_account": "service_account",
}
#: (module, class) written by oauth2client -> the class of this facade that reads it.
_READERS = {
    ("client", "OAuth2Credentials"): "OAuth2Credentials",
    ("client", "AccessTokenCredentials"): "AccessTokenCredentials",
    # Application default credentials of an authorized user: the same fields; written back as OAuth2Credentials.
    ("client", "GoogleCredentials"): "OAuth2Credentials",
    ("service_account", "ServiceAccountCredentials"): "ServiceAccountCredentials",
    ("service_account", "_JWTAccessCredentials"): "ServiceAccountCredentials",
}
#: The classes :meth:`Credentials.to_json` names in ``_class``.
_WRITTEN_CLASSES = frozenset(_READERS.values())
#: Classes oauth2client had that this facade does not provide, and why.
_NOT_PROVIDED = {
    "oauth2client.contrib.gce": "Compute Engine metadata credentials",
    "oauth2client.contrib.appengine": "App Engine credentials",
    "oauth2client.contrib.devshell": "Cloud Shell credentials",
    "oauth2client.contrib._appengine_ndb": "App Engine credentials",
}


def utcnow() -> datetime.datetime:
    """The current time as a naive UTC datetime, the form oauth2client keeps ``token_expiry`` in."""
    return datetime.datetime.now(datetime.UTC).replace(tzinfo=None)


class AccessTokenInfo(NamedTuple):
    """``get_access_token()``'s answer: the token and the seconds it has left (``None``: unknown).

    Its ``repr()`` hides the token.
    """

    access_token: str
    expires_in: int | None

    def __repr__(self) -> str:
        return f"AccessTokenInfo(access_token='***', expires_in={self.expires_in!r})"


def load_json_object(json_data: str | bytes | Mapping[str, Any]) -> dict[str, Any]:
    """A credential JSON document as a dict (a dict is copied); ``ValueError`` for anything else."""
    if isinstance(json_data, Mapping):
        return dict(json_data)
    data = json.loads(_from_bytes(json_data))
    if not isinstance(data, dict):
        raise ValueError("credential JSON must be an object")
    return data


def encode_expiry(value: Any) -> Any:
    """``token_expiry`` as oauth2client writes it."""
    if isinstance(value, datetime.datetime):
        return value.strftime(EXPIRY_FORMAT)
    return value


def decode_expiry(value: Any) -> datetime.datetime | None:
    """``token_expiry`` from JSON; an unparsable value is ``None`` (expiry unknown), as in oauth2client."""
    if isinstance(value, datetime.datetime):
        return value
    if not isinstance(value, str) or not value:
        return None
    try:
        return datetime.datetime.strptime(value, EXPIRY_FORMAT)
    except ValueError:
        return None


class Credentials:
    """Base class of all credentials: ``authorize``, ``refresh``, ``revoke``, ``apply`` and the JSON form."""

    NON_SERIALIZED_MEMBERS = frozenset(["store"])
    #: The module name written in ``_module``: oauth2client's, so that oauth2client can read the JSON back.
    _JSON_MODULE = "oauth2client.client"

    def authorize(self, http: Any) -> Any:
        """Make ``http`` send these credentials."""
        raise NotImplementedError

    def refresh(self, http: Any) -> None:
        """Get a new access token."""
        raise NotImplementedError

    def revoke(self, http: Any) -> None:
        """Revoke the credentials' token."""
        raise NotImplementedError

    def apply(self, headers: dict[Any, Any]) -> None:
        """Add the credentials to request headers."""
        raise NotImplementedError

    def _serialized(self) -> dict[str, Any]:
        """The members written to JSON, in oauth2client's order (its instance ``__dict__``)."""
        return {}

    def _to_json(self, strip: frozenset[str] | set[str], to_serialize: Mapping[str, Any] | None = None) -> str:
        """JSON of ``to_serialize`` (default :meth:`_serialized`) less ``strip``, with ``_class`` and ``_module``."""
        members = dict(self._serialized() if to_serialize is None else to_serialize)
        for member in strip:
            members.pop(member, None)
        members["token_expiry"] = encode_expiry(members.get("token_expiry"))
        members["_class"] = type(self)._json_class()
        members["_module"] = self._JSON_MODULE
        for key, value in members.items():
            if isinstance(value, bytes):
                members[key] = value.decode("utf-8")
            elif isinstance(value, set | frozenset):
                members[key] = sorted(value)
        return json.dumps(members)

    @classmethod
    def _json_class(cls) -> str:
        # An application's subclass is written as the facade class it extends, which both libraries can read.
        for klass in cls.__mro__:
            if klass.__name__ in _WRITTEN_CLASSES and klass.__module__.startswith(__package__ or ""):
                return klass.__name__
        return cls.__name__

    def to_json(self) -> str:
        """The credentials as oauth2client's JSON (without ``store``)."""
        return self._to_json(self.NON_SERIALIZED_MEMBERS)

    @classmethod
    def new_from_json(cls, json_data: str | bytes | Mapping[str, Any]) -> Credentials:
        """Credentials of the class the JSON names, from JSON written by oauth2client or by :meth:`to_json`.

        Only oauth2client's own credential classes are read (see the module
        docstring); any other ``_module``/``_class`` is an
        :class:`UnknownCredentialsTypeError` (a ``ValueError``), and nothing is imported.
        """
        data = load_json_object(json_data)
        module, class_name = data.get("_module"), data.get("_class")
        if not isinstance(module, str) or not isinstance(class_name, str):
            raise UnknownCredentialsTypeError("the credential JSON names no _module and _class")
        if module in _NOT_PROVIDED:
            raise UnknownCredentialsTypeError(f"{_NOT_PROVIDED[module]} ({module}.{class_name}) are not provided")
        alias = _MODULE_ALIASES.get(module)
        reader = _READERS.get((alias, class_name)) if alias else None
        if reader is None:
            raise UnknownCredentialsTypeError(f"unknown credentials type {module}.{class_name}")
        # A fixed module of this package (``client`` or ``service_account``), never the name the JSON gives.
        klass = getattr(importlib.import_module(f"{__package__}.{alias}"), reader)
        return klass.from_json(data)  # type: ignore[no-any-return]

    @classmethod
    def from_json(cls, unused_data: Any) -> Credentials:
        """Credentials from their JSON; each concrete class reads its own members."""
        return Credentials()


class Storage:
    """Where credentials are kept: ``get``/``put``/``delete`` take the lock and call the ``locked_*`` methods.

    ``lock`` is any object with ``acquire()`` and ``release()`` (a
    :class:`threading.Lock`); a subclass may take an inter-process lock too in
    :meth:`acquire_lock`.  ``get()`` returns credentials bound to this storage
    (``set_store``), so that a refresh writes the new token back here.
    """

    def __init__(self, lock: Any = None) -> None:
        self._lock = lock

    def acquire_lock(self) -> None:
        """Take the storage's lock (a refresh holds it while it re-reads, renews and writes)."""
        if self._lock is not None:
            self._lock.acquire()

    def release_lock(self) -> None:
        """Release the lock taken by :meth:`acquire_lock`."""
        if self._lock is not None:
            self._lock.release()

    def locked_get(self) -> Any:
        """Read the credentials; the lock is held."""
        raise NotImplementedError

    def locked_put(self, credentials: Any) -> None:
        """Write the credentials; the lock is held."""
        raise NotImplementedError

    def locked_delete(self) -> None:
        """Forget the credentials; the lock is held."""
        raise NotImplementedError

    def get(self) -> Any:
        """The stored credentials (bound to this storage), or ``None``."""
        self.acquire_lock()
        try:
            credentials = self.locked_get()
        finally:
            self.release_lock()
        if credentials is not None and getattr(credentials, "store", None) is not self:
            set_store = getattr(credentials, "set_store", None)
            if set_store is not None:
                set_store(self)
        return credentials

    def put(self, credentials: Any) -> None:
        """Store ``credentials``."""
        self.acquire_lock()
        try:
            self.locked_put(credentials)
        finally:
            self.release_lock()

    def delete(self) -> None:
        """Forget the stored credentials."""
        self.acquire_lock()
        try:
            self.locked_delete()
        finally:
            self.release_lock()


def read_credentials(content: str | bytes, where: str) -> Credentials | None:
    """Credentials from a storage's raw content, or ``None`` (logged, without the content) when it holds none.

    A storage that holds something unreadable (a pickle, broken JSON, another
    class) reads as empty, as oauth2client's file storage did; the next ``put``
    replaces it.
    """
    try:
        return Credentials.new_from_json(content)
    except (ValueError, KeyError, TypeError, AttributeError, UnicodeDecodeError, RecursionError) as exc:
        logger.warning("%s holds no readable credentials (%s); treating it as empty", where, type(exc).__name__)
        return None
