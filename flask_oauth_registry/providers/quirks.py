"""The provider quirks presets share, as compliance hooks with requests-oauthlib's names and signatures.

Each function here makes :class:`~.base.Quirk` values for one kind of deviation
from RFC 6749 / 6750: a token answer that is form-encoded, lacks or misspells a
field, or nests the token; a header every request must carry; a token sent in
the query or under another scheme.  A preset lists the quirks it needs, so a
reader sees a provider's deviations in its own module, named.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from typing import Any
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

import requests

from ..registry.errors import ConfigurationError
from ..registry.remote import join_api_url
from .base import Quirk, chain_fixes

_TOKEN_ANSWERS = ("access_token_response", "refresh_token_response")
_TOKEN_REQUESTS = ("access_token_request", "refresh_token_request")


def _rewrite_answer(
    response: requests.Response, change: Callable[[dict[str, Any]], dict[str, Any]]
) -> requests.Response:
    """Apply ``change`` to a JSON-object answer (or a form-encoded one, read as fields); other bodies pass."""
    fields = _answer_fields(response)
    if fields is None:
        return response
    response._content = json.dumps(change(fields)).encode("utf-8")
    response.headers["Content-Type"] = "application/json"
    return response


def _answer_fields(response: requests.Response) -> dict[str, Any] | None:
    body = (response.content or b"").strip()
    if body.startswith(b"{"):
        try:
            value = json.loads(body)
        except (ValueError, RecursionError):
            return None
        return value if isinstance(value, dict) else None
    if body and b"=" in body and not body.startswith(b"<"):
        return dict(parse_qsl(body.decode("utf-8", "replace"), keep_blank_values=True))
    return None


def on_token_answers(change: Callable[[dict[str, Any]], dict[str, Any]], why: str) -> tuple[Quirk, ...]:
    """A quirk that changes the fields of every token answer (code exchange and refresh)."""
    return tuple(Quirk(point, lambda response: _rewrite_answer(response, change), why) for point in _TOKEN_ANSWERS)


def form_encoded_token() -> tuple[Quirk, ...]:
    """Token answers sent as ``application/x-www-form-urlencoded`` (or ``text/plain``) instead of JSON."""
    return on_token_answers(dict, "token answers are form-encoded")


def default_token_type(token_type: str = "Bearer") -> tuple[Quirk, ...]:
    """Token answers without ``token_type`` (RFC 6749 5.1 requires it): the provider means ``token_type``."""

    def add(fields: dict[str, Any]) -> dict[str, Any]:
        if "access_token" in fields and not fields.get("token_type"):
            fields["token_type"] = token_type
        return fields

    return on_token_answers(add, "token answers lack token_type")


def renamed_token_fields(renames: Mapping[str, str]) -> tuple[Quirk, ...]:
    """Token answer fields spelt differently from RFC 6749 5.1, e.g. ``{"expires": "expires_in"}``."""

    def rename(fields: dict[str, Any]) -> dict[str, Any]:
        for theirs, ours in renames.items():
            if theirs in fields and ours not in fields:
                fields[ours] = fields.pop(theirs)
        return fields

    shown = ", ".join(f"{theirs} for {ours}" for theirs, ours in renames.items())
    return on_token_answers(rename, f"token answers say {shown}")


def nested_token(key: str, keep: tuple[str, ...] = ()) -> tuple[Quirk, ...]:
    """The user's token nested under ``key`` (Slack's ``authed_user``): lifted to the top, ``keep`` kept beside it."""

    def lift(fields: dict[str, Any]) -> dict[str, Any]:
        inner = fields.get(key)
        if not isinstance(inner, dict) or "access_token" not in inner or fields.get("access_token"):
            return fields
        lifted = {name: fields[name] for name in keep if name in fields}
        rest = {name: value for name, value in inner.items() if name not in ("access_token", "refresh_token")}
        return {**lifted, **inner, key: rest}

    return on_token_answers(lift, f"the token is nested under {key!r}")


def request_headers(headers: Mapping[str, str], why: str) -> tuple[Quirk, ...]:
    """Headers the provider wants on token requests and API calls (Twitch's ``Client-Id``, a versioned ``Accept``)."""
    fixed = dict(headers)

    def on_token_request(url: str, given: Any, data: Any) -> tuple[str, Any, Any]:
        return url, {**(given or {}), **fixed}, data

    points = (*_TOKEN_REQUESTS, "protected_request", "revoke_token_request", "introspect_token_request")
    return tuple(Quirk(point, on_token_request, why) for point in points)


def api_headers(headers: Mapping[str, str], why: str) -> tuple[Quirk, ...]:
    """Headers the provider wants on API calls only."""
    fixed = dict(headers)

    def on_api_call(url: str, given: Any, data: Any) -> tuple[str, Any, Any]:
        return url, {**(given or {}), **fixed}, data

    return (Quirk("protected_request", on_api_call, why),)


def authorization_scheme(scheme: str) -> tuple[Quirk, ...]:
    """API calls send ``Authorization: <scheme> <token>`` instead of ``Bearer`` (Yandex's ``OAuth``)."""

    def rewrite(url: str, headers: Any, data: Any) -> tuple[str, Any, Any]:
        headers = dict(headers or {})
        value = headers.get("Authorization", "")
        if value[:7].lower() == "bearer ":
            headers["Authorization"] = f"{scheme} {value[7:]}"
        return url, headers, data

    return (Quirk("protected_request", rewrite, f"API calls authenticate with the {scheme!r} scheme"),)


def api_query(params: Mapping[str, str], why: str) -> tuple[Quirk, ...]:
    """Fixed query parameters every API call carries (an API version, a site, an application key)."""
    fixed = dict(params)

    def add(url: str, headers: Any, data: Any) -> tuple[str, Any, Any]:
        return add_query(url, fixed), headers, data

    return (Quirk("protected_request", add, why),)


def add_query(url: str, params: Mapping[str, str]) -> str:
    """``url`` with ``params`` added to its query (values already there are kept)."""
    parts = urlsplit(url)
    query = parse_qsl(parts.query, keep_blank_values=True)
    present = {key for key, _ in query}
    query += [(key, value) for key, value in params.items() if key not in present]
    return urlunsplit(parts._replace(query=urlencode(query)))


class ApiBaseFromToken:
    """A compliance fix: relative API URLs are joined onto a base URL the token carries.

    Salesforce answers each token with the ``instance_url`` of the user's org and
    Zoho with the ``api_domain`` of the user's data centre: the API host is the
    token's, not the app's.  With no ``api_base_url`` set, ``client.get("path")``
    goes to ``token[field]``; absolute URLs pass unchanged.  A preset adds it from
    ``configure`` (it needs the session, whose ``token`` is the call's).
    """

    def __init__(self, field: str) -> None:
        self.field = field

    def __call__(self, session: Any) -> Any:
        field = self.field

        def join(url: str, headers: Any, data: Any) -> tuple[str, Any, Any]:
            if url.startswith(("https://", "http://")):
                return url, headers, data
            token = session.token or {}
            base = token.get(field)
            if not isinstance(base, str) or not base.startswith("https://"):
                raise ConfigurationError(
                    description=f"a relative API URL needs api_base_url= or a token carrying an https {field}"
                )
            return join_api_url(base.rstrip("/") + "/", url), headers, data

        session.register_compliance_hook("protected_request", join)
        return session

    def __repr__(self) -> str:
        return f"ApiBaseFromToken({self.field!r})"


def with_compliance_fix(settings: Mapping[str, Any], fix: Callable[[Any], Any]) -> dict[str, Any]:
    """``settings`` whose ``compliance_fix`` runs ``fix`` first (for a preset's ``configure``)."""
    return {**settings, "compliance_fix": chain_fixes(fix, settings.get("compliance_fix"))}
