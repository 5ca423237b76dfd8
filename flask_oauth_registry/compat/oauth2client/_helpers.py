"""oauth2client's small helpers (its ``_helpers`` and 3.x ``util``): the positional decorator, scopes, bytes, URLs.

Code written for oauth2client 3.x imports these from ``oauth2client.util``; the
facade's :mod:`.util` re-exports them.
"""

from __future__ import annotations

import base64
import functools
import inspect
import json
import logging
from collections.abc import Callable, Iterable, Mapping
from typing import Any, TypeVar
from urllib.parse import parse_qs, urlencode, urlsplit, urlunsplit

logger = logging.getLogger(__name__)

POSITIONAL_WARNING = "WARNING"
POSITIONAL_EXCEPTION = "EXCEPTION"
POSITIONAL_IGNORE = "IGNORE"
POSITIONAL_SET = frozenset([POSITIONAL_WARNING, POSITIONAL_EXCEPTION, POSITIONAL_IGNORE])

#: What :func:`positional` does when a call passes too many positional arguments (oauth2client's default).
positional_parameters_enforcement = POSITIONAL_WARNING

_SYM_LINK_MESSAGE = "File: {0}: Is a symbolic link."
_IS_DIR_MESSAGE = "{0}: Is a directory"
_MISSING_FILE_MESSAGE = "Cannot access {0}: No such file or directory"

Func = TypeVar("Func", bound=Callable[..., Any])


def positional(max_positional_args: int | Callable[..., Any]) -> Any:
    """A decorator limiting how many arguments may be passed positionally (oauth2client's ``@positional``).

    ``@positional(2)`` on ``def f(a, b, c=None)`` makes ``f(1, 2, 3)`` warn (or
    raise ``TypeError``, per :data:`positional_parameters_enforcement`).  Used bare,
    ``@positional`` allows the parameters without defaults.
    """

    def decorate(wrapped: Func, limit: int) -> Func:
        @functools.wraps(wrapped)
        def positional_wrapper(*args: Any, **kwargs: Any) -> Any:
            if len(args) > limit:
                plural = "" if limit == 1 else "s"
                message = (
                    f"{wrapped.__name__}() takes at most {limit} positional argument{plural} ({len(args)} given)"
                )
                if positional_parameters_enforcement == POSITIONAL_EXCEPTION:
                    raise TypeError(message)
                if positional_parameters_enforcement == POSITIONAL_WARNING:
                    logger.warning(message)
            return wrapped(*args, **kwargs)

        return positional_wrapper  # type: ignore[return-value]

    if isinstance(max_positional_args, int):
        limit = max_positional_args
        return lambda wrapped: decorate(wrapped, limit)
    spec = inspect.getfullargspec(max_positional_args)
    required = len(spec.args) - len(spec.defaults or ())
    return decorate(max_positional_args, required)


def scopes_to_string(scopes: str | bytes | Iterable[str]) -> str:
    """One space-separated string of scopes (a string is returned as it is)."""
    if isinstance(scopes, bytes):
        return scopes.decode("utf-8")
    if isinstance(scopes, str):
        return scopes
    return " ".join(scopes)


def string_to_scopes(scopes: str | Iterable[str] | None) -> list[str]:
    """A list of scopes from a space-separated string (a list is returned as a list)."""
    if not scopes:
        return []
    if isinstance(scopes, str):
        return scopes.split(" ")
    return list(scopes)


def parse_unique_urlencoded(content: str) -> dict[str, str]:
    """The parameters of a query string, each allowed once (``ValueError`` on a repeated key)."""
    parsed = parse_qs(content, keep_blank_values=True)
    params = {}
    for key, values in parsed.items():
        if len(values) != 1:
            raise ValueError(f"URL-encoded content contains a repeated value: {key}")
        params[key] = values[0]
    return params


def update_query_params(uri: str, params: Mapping[str, Any]) -> str:
    """``uri`` with ``params`` set in its query (replacing the same keys); ``ValueError`` on a repeated key."""
    parts = urlsplit(uri)
    query = parse_unique_urlencoded(parts.query)
    query.update({key: _query_value(value) for key, value in params.items()})
    return urlunsplit(parts._replace(query=urlencode(query)))


def _query_value(value: Any) -> str:
    # oauth2client sent include_granted_scopes=True as "True"; OAuth providers expect "true".
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def _add_query_parameter(url: str, name: str, value: Any) -> str:
    """``url`` with ``name=value`` in its query; unchanged when ``value`` is ``None``."""
    if value is None:
        return url
    return update_query_params(url, {name: value})


def dict_to_tuple_key(dictionary: Mapping[str, Any]) -> tuple[tuple[str, Any], ...]:
    """A hashable key for a dict: its sorted items (3.x ``util.dict_to_tuple_key``)."""
    return tuple(sorted(dictionary.items()))


def _to_bytes(value: str | bytes, encoding: str = "ascii") -> bytes:
    if isinstance(value, bytes):
        return value
    if isinstance(value, str):
        return value.encode(encoding)
    raise ValueError(f"{type(value).__name__} could not be converted to bytes")


def _from_bytes(value: str | bytes) -> str:
    if isinstance(value, bytes):
        return value.decode("utf-8")
    if isinstance(value, str):
        return value
    raise ValueError(f"{type(value).__name__} could not be converted to unicode")


def _urlsafe_b64encode(raw_bytes: str | bytes) -> bytes:
    return base64.urlsafe_b64encode(_to_bytes(raw_bytes, encoding="utf-8")).rstrip(b"=")


def _urlsafe_b64decode(b64string: str | bytes) -> bytes:
    data = _to_bytes(b64string)
    return base64.urlsafe_b64decode(data + b"=" * (-len(data) % 4))


def _json_encode(data: Any) -> str:
    return json.dumps(data, separators=(",", ":"))
