"""Reading a provider's answer to a protocol request: capped, time-bounded, and tolerant of test doubles.

Every protocol answer (token, discovery, JWKS, userinfo, revocation...) is read by
:func:`read_protocol_answer`: capped and time-bounded from the network, at once
from a test double (a patched ``Session.send``), so a hostile or broken provider
cannot make a worker buffer megabytes or wait forever.
"""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import requests
from urllib3 import exceptions as urllib3_exceptions
from urllib3 import response as urllib3_response

from .errors import BadResponseError, RequestTimeoutError
from .http import origin_of

#: The most bytes read from a protocol response (token, metadata, JWKS, userinfo).
MAX_PROTOCOL_BODY = 1024 * 1024


def read_deadline(timeout: Any) -> float | None:
    """Seconds a whole protocol answer may take to arrive: the read part of ``timeout``."""
    if isinstance(timeout, tuple | list):
        timeout = timeout[1] if len(timeout) > 1 else None
    return float(timeout) if isinstance(timeout, int | float) and timeout > 0 else None


def _body_chunks(response: requests.Response) -> Iterator[bytes]:
    """The body as it arrives: with urllib3 2's ``read1``, whatever one socket read gives."""
    read1 = getattr(response.raw, "read1", None)
    if read1 is None:  # urllib3 1.x: chunks of up to 64 KiB
        yield from response.iter_content(65536)
        return
    while True:
        chunk = read1(65536, decode_content=True)
        if not chunk:
            return
        yield chunk


def read_capped(
    response: requests.Response, limit: int = MAX_PROTOCOL_BODY, timeout: Any = None, what: str = "provider's answer"
) -> bytes:
    """The body of a ``stream=True`` response, refusing one larger than ``limit``.

    A protocol message is small; a provider (or something in between) that sends
    megabytes is broken or hostile, and we stop reading instead of buffering it.
    ``timeout`` (the call's timeout) bounds the whole body, not each socket read, so
    a provider dripping bytes cannot hold a worker for longer than the read timeout.
    ``what`` names the answer in error messages.
    """
    try:
        declared = int(response.headers.get("Content-Length", "0") or 0)
    except ValueError:
        declared = 0
    budget = read_deadline(timeout)
    deadline = None if budget is None else time.monotonic() + budget
    try:
        if declared > limit:
            raise BadResponseError(description=f"the {what} is larger than {limit} bytes")
        chunks = []
        size = 0
        for chunk in _body_chunks(response):
            size += len(chunk)
            if size > limit:
                raise BadResponseError(description=f"the {what} is larger than {limit} bytes")
            chunks.append(chunk)
            if deadline is not None and time.monotonic() > deadline:
                raise RequestTimeoutError(description=f"the {what} took longer than {budget:g} s to arrive")
        body = b"".join(chunks)
    except (requests.Timeout, urllib3_exceptions.ReadTimeoutError) as exc:
        raise RequestTimeoutError(description=f"reading the {what} timed out") from exc
    except (requests.RequestException, urllib3_exceptions.HTTPError, OSError) as exc:
        raise BadResponseError(description=f"the {what} was cut off") from exc
    finally:
        response.close()
    response._content = body  # later .json()/.text calls see the body we read
    return body


@dataclass(frozen=True)
class ProtocolAnswer:
    """A provider's answer to a protocol request (token, discovery, JWKS, userinfo...), read whole."""

    status: int
    #: The ``Content-Type`` header, ``""`` when there is none.
    content_type: str
    body: bytes

    @property
    def media_type(self) -> str:
        """The content type without parameters, lower case: ``"application/json"``."""
        return self.content_type.split(";")[0].strip().lower()


def read_protocol_answer(
    response: requests.Response, purpose: str, timeout: Any = None, limit: int = MAX_PROTOCOL_BODY
) -> ProtocolAnswer:
    """Status, content type and body of the answer to a protocol request; the one way such answers are read.

    A real response still on the wire is read with the size cap and the whole-body
    deadline (:func:`read_capped`).  Anything else (a body already read, or a test
    double such as ``MagicMock(spec=requests.Response)`` returned by a patched
    ``Session.send``, which has no socket to read) is read through its public
    surface at once, so a user's test suite never waits for a read timeout.
    """
    if _body_on_the_wire(response):
        body = read_capped(response, limit, timeout, f"answer to the {purpose} from {origin_of(response.url)}")
    else:
        body = _body_in_memory(response, purpose)
        if len(body) > limit:
            raise BadResponseError(description=f"the answer to the {purpose} is larger than {limit} bytes")
    status = getattr(response, "status_code", None)
    if isinstance(status, bool) or not isinstance(status, int):
        raise BadResponseError(description=f"the answer to the {purpose} has no HTTP status")
    return ProtocolAnswer(status, _header(response, "Content-Type"), body)


#: What urllib3 returns for a real HTTP exchange (``BaseHTTPResponse`` since urllib3 2).
_URLLIB3_RESPONSE: type = getattr(urllib3_response, "BaseHTTPResponse", urllib3_response.HTTPResponse)


def _body_on_the_wire(response: Any) -> bool:
    """Whether ``response`` is a real streamed response whose body urllib3 has not read yet.

    ``type()``, not ``isinstance``: ``MagicMock(spec=requests.Response)`` passes ``isinstance``.
    """
    return (
        issubclass(type(response), requests.Response)
        and response._content is False
        and isinstance(response.raw, _URLLIB3_RESPONSE)
    )


def _header(response: Any, name: str) -> str:
    """A response header, ``""`` when absent; a test double's non-string value counts as absent."""
    try:
        value = response.headers.get(name)
    except (AttributeError, TypeError):
        return ""
    return value if isinstance(value, str) else ""


def _public_attribute(response: Any, name: str) -> Any:
    try:
        return getattr(response, name)
    except (AttributeError, RuntimeError, requests.RequestException, OSError):
        # RuntimeError: requests' "content already consumed"; the others: a body that failed to arrive.
        return None


def _body_in_memory(response: Any, purpose: str) -> bytes:
    """The body of a response that is not on the wire: ``content``, else ``text``, else ``json()`` re-encoded.

    A ``MagicMock`` answers every attribute, so only a value of the right type counts:
    Authlib's own tests set just ``text`` or just ``json``.
    """
    content = _public_attribute(response, "content")
    if isinstance(content, bytes):
        return content
    text = _public_attribute(response, "text")
    if isinstance(text, str):
        return text.encode("utf-8")
    try:
        return json.dumps(response.json()).encode("utf-8")
    except RecursionError as exc:
        raise BadResponseError(description=f"the answer to the {purpose} is JSON nested too deeply") from exc
    except (AttributeError, TypeError, ValueError):
        return b""  # no usable body: the caller's parser says what was expected


def parse_json_object(body: bytes, what: str) -> dict[str, Any]:
    """Decode a JSON object or raise :class:`BadResponseError` saying what it was for."""
    try:
        value = json.loads(body)
    except RecursionError as exc:
        # Thousands of nested brackets exhaust the parser's stack: hostile, not a protocol message.
        raise BadResponseError(description=f"the {what} is JSON nested too deeply") from exc
    except (ValueError, UnicodeDecodeError) as exc:
        raise BadResponseError(description=f"the {what} is not valid JSON") from exc
    if not isinstance(value, dict):
        raise BadResponseError(description=f"the {what} is not a JSON object")
    return value
