"""Compliance hooks at work: where the token, API, revocation and introspection paths let a provider's fix in.

The hooks are registered on the app's :class:`~.http.ProviderSession` with
requests-oauthlib's ``register_compliance_hook`` and kept by its
:class:`~.compliance_hooks.ComplianceHooks` (so its
``requests_oauthlib.compliance_fixes`` and Authlib-style fixes plug in unchanged);
this module runs them with the arguments each library gives at each point:

- ``access_token_request``: ``(url, headers, request_kwargs)``, the keywords holding
  the form (``{"data": {...}}``, or ``{"params": {...}}`` for a GET), as requests-oauthlib;
- ``refresh_token_request``, ``revoke_token_request``, ``introspect_token_request``:
  ``(url, headers, body)`` with the form-encoded body as a string;
- ``protected_request``: ``(url, headers, data)`` of an API call, with the call's
  token readable as ``session.token`` / ``session.access_token``;
- ``*_response``: the :class:`requests.Response`, returned (possibly changed) before
  the token is parsed from it.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any
from urllib.parse import parse_qsl, urlencode

import requests

from .answers import ProtocolAnswer, read_protocol_answer
from .compliance_hooks import ComplianceHooks
from .http import ProviderSession


def _hooked(session: requests.Session, hook_type: str) -> ComplianceHooks | None:
    """The session's hooks if it has ``hook_type`` hooks to run (a fix may have swapped in a plain session)."""
    if isinstance(session, ProviderSession) and session.compliance.by_type[hook_type]:
        return session.compliance
    return None


def fix_token_request(
    session: requests.Session, kind: str, url: str, headers: dict[str, str], location: dict[str, dict[str, Any]]
) -> tuple[str, dict[str, str], dict[str, dict[str, Any]]]:
    """Run the ``{kind}_request`` hooks (``kind`` is ``access_token`` or ``refresh_token``) on a token request."""
    hooked = _hooked(session, f"{kind}_request")
    if hooked is None:
        return url, headers, location
    if kind == "access_token":
        return hooked.fix_request("access_token_request", url, headers, location)
    (where, form), = location.items()
    url, headers, body = hooked.fix_request("refresh_token_request", url, headers, urlencode(form))
    return url, headers, {where: _form_of(body)}


def fix_token_answer(
    session: requests.Session, kind: str, response: requests.Response, answer: ProtocolAnswer, purpose: str
) -> ProtocolAnswer:
    """Run the ``{kind}_response`` hooks on a token answer already read; return what to parse.

    Like oauthlib, which reads what the hooks leave as JSON first, a body a hook
    turned into a JSON object is parsed as JSON whatever the ``Content-Type``
    (Facebook's fix rewrites a ``text/plain`` form into JSON and keeps the header).
    """
    hooked = _hooked(session, f"{kind}_response")
    if hooked is None:
        return answer
    response._content = answer.body  # hooks read .text/.json() of the body we already read
    fixed = read_protocol_answer(hooked.fix_response(f"{kind}_response", response), purpose)
    if _is_json_object(fixed.body):
        return ProtocolAnswer(fixed.status, "application/json", fixed.body)
    return fixed


def fix_protected_request(
    session: requests.Session, token: Mapping[str, Any], url: str, kwargs: dict[str, Any]
) -> str:
    """Run the ``protected_request`` hooks on an API call; update ``kwargs`` in place and return the URL."""
    hooked = _hooked(session, "protected_request")
    if hooked is None:
        return url
    with hooked.token_in_use(token):
        url, headers, data = hooked.fix_request("protected_request", url, kwargs.get("headers"), kwargs.get("data"))
    kwargs["headers"], kwargs["data"] = headers, data
    return url


def fix_token_hint_request(
    session: requests.Session, hook_type: str, url: str, headers: dict[str, str], form: dict[str, Any]
) -> tuple[str, dict[str, str], dict[str, Any]]:
    """Run the ``revoke_token_request`` or ``introspect_token_request`` hooks (Authlib's) on a request."""
    hooked = _hooked(session, hook_type)
    if hooked is None:
        return url, headers, form
    url, headers, body = hooked.fix_request(hook_type, url, headers, urlencode(form))
    return url, headers, _form_of(body)


def _form_of(body: Any) -> dict[str, Any]:
    """A hook's form-encoded body (``str``/``bytes``) back into fields; a dict passes through."""
    if isinstance(body, Mapping):
        return dict(body)
    if isinstance(body, bytes):
        body = body.decode("utf-8")
    return dict(parse_qsl(body or "", keep_blank_values=True))


def _is_json_object(body: bytes) -> bool:
    if not body.lstrip().startswith(b"{"):
        return False
    try:
        return isinstance(json.loads(body), dict)
    except (ValueError, RecursionError):
        return False
