"""What an app sent to a fake provider (:class:`Sent`) and how the fake answers (:class:`Answer`)."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qsl, urlencode, urlsplit


@dataclass(frozen=True)
class Sent:
    """One request the app sent (or, for ``authorization``, the browser was sent to).

    ``endpoint`` is the fake endpoint's name (``discovery``, ``jwks``, ``authorization``,
    ``token``, ``userinfo``, ``revocation``, ``end_session``, ``api``; OAuth 1.0a:
    ``request_token``, ``access_token``); ``params`` are the query and form fields.
    """

    endpoint: str
    method: str
    url: str
    params: dict[str, str] = field(default_factory=dict)
    headers: dict[str, str] = field(default_factory=dict, repr=False)
    body: str = field(default="", repr=False)

    @property
    def path(self) -> str:
        return urlsplit(self.url).path


def parse_sent(endpoint: str, method: str, url: str, headers: dict[str, str], body: Any) -> Sent:
    """A :class:`Sent` from a request's parts; form bodies are read into ``params`` beside the query."""
    text = body.decode("utf-8", "replace") if isinstance(body, bytes) else (body or "")
    params = dict(parse_qsl(urlsplit(url).query, keep_blank_values=True))
    if "json" not in headers.get("Content-Type", ""):
        params.update(parse_qsl(text, keep_blank_values=True))
    return Sent(endpoint, method, url, params, headers, text)


@dataclass(frozen=True)
class Answer:
    """A fake endpoint's answer: status, headers, body."""

    status: int
    body: str = ""
    headers: dict[str, str] = field(default_factory=dict)


def json_answer(document: Any, status: int = 200, **headers: str) -> Answer:
    return Answer(status, json.dumps(document), {"Content-Type": "application/json", "Cache-Control": "no-store",
                                                 **headers})


def form_answer(fields: dict[str, str], status: int = 200) -> Answer:
    return Answer(status, urlencode(fields), {"Content-Type": "application/x-www-form-urlencoded"})


def oauth_error(error: str, description: str | None = None, status: int = 400) -> Answer:
    """An RFC 6749 5.2 error answer; 401 errors carry a Bearer challenge so clients renew (RFC 6750 3.1)."""
    body = {"error": error, **({"error_description": description} if description else {})}
    headers = {"WWW-Authenticate": f'Bearer error="{error}"'} if status == 401 else {}
    return json_answer(body, status, **headers)
