"""``ProtocolClient``: how one app's protocol requests (discovery, JWKS, token, revocation...) are sent and read.

API calls go through :meth:`.RemoteApp.request`; the requests of the protocol
itself go through here: on the app's pooled session, with its timeout and TLS or
proxy settings, never following a redirect, and with the answer read once by
:func:`.answers.read_protocol_answer` (capped and time-bounded).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import requests

from .answers import ProtocolAnswer, parse_json_object, read_protocol_answer
from .errors import BadResponseError
from .http import send


class ProtocolClient:
    """Sends one app's protocol requests and reads their answers."""

    def __init__(self, session: requests.Session, timeout: Any, requests_settings: Mapping[str, Any]) -> None:
        self.session = session
        self.timeout = timeout
        self.requests_settings = dict(requests_settings)

    def settings(self, overrides: Mapping[str, Any] | None = None) -> dict[str, Any]:
        """Keyword arguments for a protocol request: ``overrides`` (a per-call timeout...) over the app's settings."""
        kwargs = dict(overrides or {})
        kwargs.setdefault("timeout", self.timeout)
        kwargs.setdefault("allow_redirects", False)
        for key, value in self.requests_settings.items():
            kwargs.setdefault(key, value)
        return kwargs

    def exchange(
        self, method: str, url: str, purpose: str, **kwargs: Any
    ) -> tuple[requests.Response, ProtocolAnswer]:
        """Send a request and read its whole answer; return both (compliance hooks want the response)."""
        settings = self.settings(kwargs)
        response = send(self.session, method, url, purpose=purpose, stream=True, **settings)
        return response, read_protocol_answer(response, purpose, settings["timeout"])

    def get_json(self, url: str, purpose: str = "discovery request") -> dict[str, Any]:
        """GET a JSON document (discovery, JWKS); anything but a 200 with a JSON object is a bad response."""
        _, answer = self.exchange("GET", url, purpose)
        if answer.status != 200:
            raise BadResponseError(description=f"{url} answered HTTP {answer.status}")
        return parse_json_object(answer.body, f"document at {url}")
