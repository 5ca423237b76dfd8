"""``FakeProvider``: what every in-process fake provider does, on requests-mock.

A fake provider is a set of :class:`Endpoint` (a name, a method, a URL and a
handler answering like the real endpoint).  The base routes them on a requests-mock
``Mocker``, tells what the app sent to each (:meth:`FakeProvider.sent`) and answers
the next call to one with an OAuth error when a test asks
(:meth:`FakeProvider.fail_next`).  Subclasses say which endpoints they have, check
what a real provider checks, and hold real generated keys (:mod:`tests.fakes.keys`).
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qs, urlencode, urlsplit

import requests_mock

#: ``handler(request, context) -> body``: requests-mock's ``text=`` callback.
Handler = Callable[[Any, Any], str]


@dataclass(frozen=True)
class Endpoint:
    """One endpoint of a fake provider; ``url`` is exact (any query) or a pattern matched from the start."""

    name: str
    method: Any  # "GET", "POST" or requests_mock.ANY
    url: str | re.Pattern[str]
    handler: Handler

    def matches(self, request: Any) -> bool:
        if self.method is not requests_mock.ANY and request.method != self.method:
            return False
        if isinstance(self.url, re.Pattern):
            return self.url.match(request.url) is not None
        return bool(request.url.split("?")[0] == self.url)


@dataclass(frozen=True)
class OAuthErrorAnswer:
    """An error a test asked an endpoint to answer once (RFC 6749 5.2 shape)."""

    error: str
    description: str | None
    status: int


class FakeProvider:
    """Routes :meth:`endpoints` on a ``Mocker``; records nothing itself: the ``Mocker``'s history is the record."""

    def __init__(self) -> None:
        self.mocker: Any = None
        self._endpoints: dict[str, Endpoint] = {}
        self._failures: dict[str, list[OAuthErrorAnswer]] = {}

    def endpoints(self) -> list[Endpoint]:
        """The provider's endpoints; subclasses list theirs."""
        raise NotImplementedError

    def install(self, mocker: Any) -> None:
        """Route every endpoint on ``mocker`` (a ``requests_mock.Mocker`` or the ``requests_mock`` fixture)."""
        self.mocker = mocker
        for endpoint in self.endpoints():
            self._endpoints[endpoint.name] = endpoint
            mocker.register_uri(endpoint.method, endpoint.url, text=self._answering(endpoint))

    # -- what the tests ask for ----------------------------------------------------------
    def fail_next(self, endpoint: str, error: str, description: str | None = None, status: int = 400) -> None:
        """Answer the next call to ``endpoint`` with the OAuth error ``error`` (then answer normally again)."""
        if endpoint not in self._endpoints:
            raise KeyError(f"no endpoint {endpoint!r}; known: {', '.join(self._endpoints)}")
        self._failures.setdefault(endpoint, []).append(OAuthErrorAnswer(error, description, status))

    def sent(self, endpoint: str) -> list[Any]:
        """The requests the app sent to ``endpoint``, oldest first (answered by the fake or by an override)."""
        wanted = self._endpoints[endpoint]
        return [r for r in self.mocker.request_history if wanted.matches(r)]

    def requests_to(self, url: str, method: str = "GET") -> list[Any]:
        """The requests the app sent to ``url`` (any query) with ``method``."""
        return [r for r in self.mocker.request_history if r.url.split("?")[0] == url and r.method == method]

    # -- answering -------------------------------------------------------------------------
    def error_answer(self, context: Any, failure: OAuthErrorAnswer) -> str:
        """The body of an OAuth error answer: JSON, as RFC 6749 5.2 says; OAuth 1.0a fakes send a form."""
        context.status_code = failure.status
        context.headers["Content-Type"] = "application/json"
        body = {"error": failure.error, "error_description": failure.description}
        return json.dumps({k: v for k, v in body.items() if v is not None})

    def _answering(self, endpoint: Endpoint) -> Handler:
        def answer(request: Any, context: Any) -> str:
            queued = self._failures.get(endpoint.name)
            if queued:
                return self.error_answer(context, queued.pop(0))
            return endpoint.handler(request, context)

        return answer


def json_answer(context: Any, document: Any) -> str:
    """A JSON body with its content type, as requests-mock's ``json=`` sends it."""
    context.headers["Content-Type"] = "application/json"
    return json.dumps(document)


def form_answer(context: Any, fields: dict[str, str]) -> str:
    """A form-encoded body with its content type (OAuth 1.0a credentials, OAuth errors of form-speaking providers)."""
    context.headers["Content-Type"] = "application/x-www-form-urlencoded"
    return urlencode(fields)


def query_of(url: str) -> dict[str, str]:
    """The query parameters of ``url``, first value of each, blanks kept (requests-mock's ``qs`` lowercases values)."""
    return {k: v[0] for k, v in parse_qs(urlsplit(url).query, keep_blank_values=True).items()}


def form_of(request: Any) -> dict[str, str]:
    """The form a request sent, first value of each field."""
    return {k: v[0] for k, v in parse_qs(request.text or "").items()}
