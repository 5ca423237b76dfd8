"""``FakeTransport``: a requests adapter that answers from fake providers, mounted on remote apps' sessions.

Every HTTP call of a remote app goes through its ``session`` (a
:class:`requests.Session`); mounting this adapter there for the provider's origins
makes the fake answer with real :class:`requests.Response` objects, so the
library's whole reading path runs.  Nothing else in the process is intercepted.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from io import BytesIO
from typing import Any

import requests
from requests.adapters import BaseAdapter
from requests.structures import CaseInsensitiveDict

from .records import Answer, Sent, json_answer, parse_sent

#: ``(endpoint name or None for an unknown URL, the request) -> answer``.
Responder = Callable[[Sent], Answer]


class FakeTransport(BaseAdapter):
    """Answers a prepared request with ``responder``; ``endpoint_of(url)`` names the endpoint."""

    def __init__(self, endpoint_of: Callable[[str], str | None], responder: Responder) -> None:
        super().__init__()
        self.endpoint_of = endpoint_of
        self.responder = responder

    def send(self, request: requests.PreparedRequest, stream: bool = False, timeout: Any = None,
             verify: Any = True, cert: Any = None, proxies: Mapping[str, str] | None = None) -> requests.Response:
        url = request.url or ""
        endpoint = self.endpoint_of(url)
        headers = {k: v.decode("latin-1") if isinstance(v, bytes) else v for k, v in request.headers.items()}
        if endpoint is None:
            answer = json_answer({"error": "not_found", "error_description": "no fake endpoint at this URL"}, 404)
        else:
            answer = self.responder(parse_sent(endpoint, request.method or "GET", url, headers, request.body))
        return _response(request, answer)

    def close(self) -> None:
        """Nothing to close: no sockets."""


def _response(request: requests.PreparedRequest, answer: Answer) -> requests.Response:
    response = requests.Response()
    response.status_code = answer.status
    response.headers = CaseInsensitiveDict(answer.headers)
    response.raw = BytesIO(answer.body.encode("utf-8"))
    response.url = request.url or ""
    response.request = request
    response.encoding = "utf-8"
    response.reason = "OK" if answer.status < 400 else "Error"
    return response


class Mounts:
    """Adapters mounted on sessions, and the adapters they replaced, so :meth:`remove` restores each session."""

    def __init__(self) -> None:
        self._replaced: list[tuple[requests.Session, str, BaseAdapter | None]] = []

    def mount(self, session: requests.Session, prefixes: set[str], adapter: BaseAdapter) -> None:
        for prefix in sorted(prefixes):
            self._replaced.append((session, prefix + "/", session.adapters.get(prefix + "/")))
            session.mount(prefix + "/", adapter)

    def remove(self) -> None:
        for session, prefix, previous in reversed(self._replaced):
            if previous is None:
                session.adapters.pop(prefix, None)
            else:
                session.mount(prefix, previous)
        self._replaced.clear()
