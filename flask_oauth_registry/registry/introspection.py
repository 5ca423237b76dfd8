"""Token introspection (RFC 7662): which token value to send, and reading the answer."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from .answers import parse_json_object
from .errors import BadResponseError, MissingTokenError, ProviderError


def token_value(token: Mapping[str, Any] | str | None, token_type_hint: str | None = None) -> str:
    """The token string to send: the refresh token when hinted so, else the access token.

    Used for introspection and revocation (RFC 7009 takes the same ``token`` and
    ``token_type_hint`` parameters).  A string is sent as it is.
    """
    if isinstance(token, Mapping):
        member = "refresh_token" if token_type_hint == "refresh_token" else "access_token"
        value = token.get(member)
    else:
        value = token
    if not value or not isinstance(value, str):
        raise MissingTokenError(description="no token to send: pass the token or its string")
    return value


def request_form(token: str, token_type_hint: str | None) -> dict[str, Any]:
    """The form of an introspection request (RFC 7662 2.1), before client authentication."""
    form: dict[str, Any] = {"token": token}
    if token_type_hint:
        form["token_type_hint"] = token_type_hint
    return form


def parse_introspection_response(status: int, body: bytes) -> dict[str, Any]:
    """Read an introspection answer (RFC 7662 2.2, 2.3), or raise.

    An error answer is a :class:`ProviderError` with the provider's code
    (``introspection_failed`` when it names none); a 200 that is not a JSON object
    with a boolean ``active`` is a :class:`BadResponseError`.  Messages never repeat
    the body: it may describe the token.
    """
    if status != 200:
        try:
            data = parse_json_object(body, "introspection response")
        except BadResponseError:
            data = {}
        error = data.get("error") or "introspection_failed"
        description = data.get("error_description") or f"the introspection endpoint answered HTTP {status}"
        raise ProviderError(error=str(error), description=str(description), status_code=status)
    data = parse_json_object(body, "introspection response")
    if not isinstance(data.get("active"), bool):
        raise BadResponseError(description="the introspection response has no boolean 'active' member")
    return data
