"""Translation between Flask requests/responses and oauthlib's (uri, method, body, headers)."""

from __future__ import annotations

import json
from typing import Any
from urllib.parse import parse_qs, urlsplit

from flask import Response, request
from oauthlib.common import add_params_to_uri
from oauthlib.oauth2.rfc6749.errors import InsufficientScopeError, OAuth2Error


def request_uri() -> str:
    """The URL exactly as the client addressed it (raw query string, for OAuth 1 signatures)."""
    query = request.query_string.decode("latin-1")
    return request.base_url + (f"?{query}" if query else "")


def request_parts(*, with_body: bool = True) -> tuple[str, str, str | None, dict[str, str]]:
    """``(uri, http_method, body, headers)`` for an oauthlib endpoint call.

    The raw body is read with ``get_data`` (never ``request.form``) so oauthlib sees
    exactly what was sent.
    """
    body = request.get_data(as_text=True) if with_body else None
    return request_uri(), request.method, body or None, dict(request.headers)


def form_value(body: str | None, name: str) -> str | None:
    """One parameter of an urlencoded body (without consuming ``request.form``)."""
    values = parse_qs(body or "", keep_blank_values=True).get(name)
    return values[0] if values else None


def oauthlib_response(headers: dict[str, str] | None, body: str | None, status: int) -> Response:
    """Wrap an oauthlib ``(headers, body, status)`` result."""
    return Response(body or "", status=status, headers=headers or {})


def oauth2_error_response(error: OAuth2Error) -> Response:
    """JSON error body plus ``WWW-Authenticate`` for 401s, as RFC 6749/6750 describe."""
    headers = {"Content-Type": "application/json", "Cache-Control": "no-store", **error.headers}
    return Response(error.json, status=error.status_code, headers=headers)


def insufficient_scope_response(scope: str) -> Response:
    """RFC 6750 3.1: 403 ``insufficient_scope`` naming the scope the resource needs.

    oauthlib adds ``WWW-Authenticate`` only to 401 errors, so the challenge is built here.
    """
    error = InsufficientScopeError(description=f"The access token lacks the {scope} scope.")
    headers = {
        "Content-Type": "application/json",
        "Cache-Control": "no-store",
        "WWW-Authenticate": f'Bearer error="{error.error}", scope="{scope}"',
    }
    return Response(error.json, status=error.status_code, headers=headers)


def json_response(data: Any, status: int = 200) -> Response:
    """A JSON response that is not cached."""
    return Response(
        json.dumps(data, indent=1, sort_keys=True),
        status=status,
        headers={"Content-Type": "application/json", "Cache-Control": "no-store"},
    )


def with_iss(location: str, issuer: str) -> str:
    """RFC 9207: add ``iss`` next to ``code``/``error`` (query, or fragment if one is used)."""
    in_fragment = bool(urlsplit(location).fragment)
    return add_params_to_uri(location, [("iss", issuer)], fragment=in_fragment)
