"""Pushed authorization requests (RFC 9126) as data: when to push, the provider's answer, the redirect after it.

With a push, the authorization parameters go to the provider's
``pushed_authorization_request_endpoint`` in a POST authenticated like a token
request, and the browser is sent to the authorization endpoint with only
``client_id`` and the ``request_uri`` the provider answered.  The sending is the
token endpoint client's (:meth:`.TokenEndpoint.push_authorization_request`).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from .answers import ProtocolAnswer, parse_json_object
from .authorization import encode_query
from .errors import BadResponseError, ProviderError
from .metadata import MetadataField

PAR_ENDPOINT = MetadataField("pushed_authorization_request_endpoint", "pushed authorization request endpoint")


def must_push(par_setting: bool, metadata: Mapping[str, Any]) -> bool:
    """Whether to push: ``client_kwargs["par"]``, or the provider requires it (RFC 9126 5)."""
    return par_setting or bool(metadata.get("require_pushed_authorization_requests"))


def read_par_response(answer: ProtocolAnswer) -> str:
    """The ``request_uri`` of a push's answer (RFC 9126 2.2); an OAuth error keeps the provider's code (2.3)."""
    try:
        data = parse_json_object(answer.body, "pushed authorization response")
    except BadResponseError:
        if answer.status >= 400:
            raise BadResponseError(
                description=f"the pushed authorization request endpoint answered HTTP {answer.status}"
            ) from None
        raise
    if data.get("error"):
        raise ProviderError(
            error=str(data["error"]), description=data.get("error_description"), uri=data.get("error_uri"),
            status_code=answer.status,
        )
    if answer.status not in (200, 201):
        raise BadResponseError(description=f"the pushed authorization request endpoint answered HTTP {answer.status}")
    request_uri = data.get("request_uri")
    if not isinstance(request_uri, str) or not request_uri:
        raise BadResponseError(description="the pushed authorization response has no request_uri")
    return request_uri


def pushed_authorization_url(endpoint: str, client_id: str | None, request_uri: str) -> str:
    """The authorization URL after a push: ``client_id`` and ``request_uri`` only (RFC 9126 4)."""
    separator = "&" if "?" in endpoint else "?"
    return endpoint + separator + encode_query([("client_id", client_id or ""), ("request_uri", request_uri)])
