"""Retry once on 401: does an API's answer ask for a new token (RFC 6750 3.1), and can the call be sent again?

A resource server that refuses a token it no longer accepts (revoked, rotated, its
clock ahead of ours) answers 401 with ``WWW-Authenticate: Bearer error="invalid_token"``.
:func:`may_retry` says when such a call is renewed and sent once more: that
challenge and no other (``insufficient_scope``, a 401 without it, a 403 are the
answer), and only with a body that can be sent twice (not a generator or a file).
:func:`parse_www_authenticate` reads the header as RFC 9110 11.6.1 defines it:
several challenges, case-insensitive schemes and parameter names, quoted values.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

import requests

#: An auth-scheme or auth-param name (RFC 9110 5.6.2 ``token``).
_TOKEN = re.compile(r"[!#$%&'*+.^_`|~0-9A-Za-z-]+")
#: ``= value``: a quoted string (with backslash escapes) or, leniently, anything up to a comma or space.
_PARAM_VALUE = re.compile(r'\s*=\s*("(?:[^"\\]|\\.)*"|[^\s,"]*)')
#: A token68 credential after a scheme (``Negotiate abc==``): it ends the challenge.
_TOKEN68 = re.compile(r"\s+([A-Za-z0-9._~+/-]+=*)\s*(?=,|$)")
_SEPARATORS = re.compile(r"[\s,]*")
_ESCAPED = re.compile(r"\\(.)")


@dataclass(frozen=True)
class Challenge:
    """One challenge of a ``WWW-Authenticate`` header: its scheme (lower case) and parameters (names lower case)."""

    scheme: str
    params: dict[str, str] = field(default_factory=dict)
    token68: str | None = None


def parse_www_authenticate(value: str) -> list[Challenge]:
    """The challenges of a ``WWW-Authenticate`` value, in order; a malformed rest is ignored, never an error."""
    challenges: list[Challenge] = []
    position = 0
    while True:
        separators = _SEPARATORS.match(value, position)
        position = separators.end() if separators else position
        word = _TOKEN.match(value, position)
        if word is None:
            return challenges
        position = word.end()
        param = _PARAM_VALUE.match(value, position)
        if param is not None and challenges:
            challenges[-1].params[word.group().lower()] = _unquote(param.group(1))
            position = param.end()
            continue
        if param is not None:  # a parameter before any scheme: skip it
            position = param.end()
            continue
        token68 = _TOKEN68.match(value, position)
        challenges.append(Challenge(word.group().lower(), {}, token68.group(1) if token68 else None))
        position = token68.end() if token68 else position


def _unquote(value: str) -> str:
    if len(value) >= 2 and value[0] == value[-1] == '"':
        return _ESCAPED.sub(r"\1", value[1:-1])
    return value


def asks_for_new_token(response: requests.Response) -> bool:
    """Whether the answer is 401 with a Bearer (or DPoP, RFC 9449 7.1) challenge saying ``error="invalid_token"``."""
    if response.status_code != 401:
        return False
    challenges = parse_www_authenticate(response.headers.get("WWW-Authenticate", ""))
    return any(c.scheme in ("bearer", "dpop") and c.params.get("error") == "invalid_token" for c in challenges)


def can_send_again(request_kwargs: Mapping[str, Any]) -> bool:
    """Whether a call's body can be sent a second time: not a generator, an iterator, a file or a ``files`` upload."""
    if request_kwargs.get("files"):
        return False
    data = request_kwargs.get("data")
    return data is None or isinstance(data, str | bytes | bytearray | Mapping | list | tuple)


def may_retry(response: requests.Response, request_kwargs: Mapping[str, Any], enabled: bool) -> bool:
    """Whether an API call is renewed and sent once more (``client_kwargs["retry_on_401"]``, default on)."""
    return enabled and asks_for_new_token(response) and can_send_again(request_kwargs)


def send_retrying_once(
    send: Callable[[dict[str, Any]], requests.Response], request_kwargs: dict[str, Any], enabled: bool,
    renew: Callable[[], bool],
) -> requests.Response:
    """``send(request_kwargs)``; when :func:`may_retry` and ``renew()`` got a new token, send the call once more.

    The second call gets the keyword arguments as they were before the first
    (``send`` puts the token on them); its answer is returned whatever it is.
    """
    unsent = dict(request_kwargs)
    response = send(request_kwargs)
    if not may_retry(response, unsent, enabled) or not renew():
        return response
    response.close()
    return send(unsent)
