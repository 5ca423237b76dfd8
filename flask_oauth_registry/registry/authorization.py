"""The OAuth 2.0 authorization-code protocol as plain data in, data out.

Building the authorization request (RFC 6749 4.1.1, PKCE RFC 7636, OIDC nonce),
reading the callback (RFC 6749 4.1.2, RFC 9207 ``iss``) and reading a token
response (RFC 6749 5.1/5.2).  No Flask, no HTTP: the remote app feeds these.
"""

from __future__ import annotations

import hmac
import re
import secrets
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qsl, quote_plus

from oauthlib.oauth2 import Client as _PkceClient

from .answers import parse_json_object
from .errors import BadResponseError, InvalidCallbackError, ProviderError
from .flowstate import with_extra_data
from .tokens import normalize_token

_URL_SAFE = re.compile(r"[A-Za-z0-9._~-]*")


def encode_query(pairs: list[tuple[str, str]]) -> str:
    """``urlencode`` for a query string, skipping the quoting of values already URL-safe.

    State, nonce, PKCE values and most client ids need no escaping; quoting them
    anyway was the largest cost of building an authorization URL.
    """
    return "&".join(
        (k if _URL_SAFE.fullmatch(k) else quote_plus(k)) + "=" + (v if _URL_SAFE.fullmatch(v) else quote_plus(v))
        for k, v in pairs
    )


#: Keys of create_authorization_url()'s result that are flow state, not URL params (``dpop_key``: the login's
#: DPoP key, :mod:`.dpop_client`).
FLOW_KEYS = ("redirect_uri", "code_verifier", "nonce", "max_age", "dpop_key")


def flow_of(data: Mapping[str, Any]) -> dict[str, Any]:
    """The flow state in ``save_authorize_data(**data)``: the :data:`FLOW_KEYS` that are set, and extra data.

    Keys other than those, ``url`` and ``state`` are kept as the flow's extra data
    (:func:`.flowstate.with_extra_data`), as Authlib keeps every key.
    """
    flow = {k: data[k] for k in FLOW_KEYS if data.get(k) is not None}
    return with_extra_data(flow, data, (*FLOW_KEYS, "url", "state"))


def new_state() -> str:
    """A fresh ``state`` value: 192 bits, URL-safe (RFC 6749 10.10 asks for 128+)."""
    return secrets.token_urlsafe(24)


_PKCE = _PkceClient("pkce")


def pkce_pair(method: str = "S256") -> tuple[str, str]:
    """A new ``(code_verifier, code_challenge)`` (RFC 7636 4.1, 4.2).

    The verifier is 64 characters of ``secrets.token_urlsafe`` (384 bits, all in
    the unreserved set RFC 7636 allows); oauthlib's own generator draws one
    character at a time and was half the cost of a redirect.  The challenge is
    oauthlib's transform.
    """
    verifier = secrets.token_urlsafe(48)
    return verifier, code_challenge(verifier, method)


def code_challenge(verifier: str, method: str) -> str:
    """The ``code_challenge`` for ``verifier`` (RFC 7636 4.2): itself for ``plain``, oauthlib's S256 otherwise.

    oauthlib's transform answers ``None`` when asked for ``plain`` by name.
    """
    if method == "plain":
        return verifier
    return str(_PKCE.create_code_challenge(verifier, method))


@dataclass
class AuthorizationRequest:
    """A built authorization URL and what must be remembered until the callback."""

    url: str
    state: str
    flow: dict[str, Any] = field(default_factory=dict)
    #: The parameters in the URL, in order: what a request object or a push carries instead (:mod:`.par`).
    params: list[tuple[str, str]] = field(default_factory=list, repr=False)

    def saved_flow(self) -> dict[str, Any]:
        """What :class:`.FlowStateStore` keeps until the callback: the flow values that are set."""
        return {k: v for k, v in self.flow.items() if v is not None}

    def as_authlib_dict(self) -> dict[str, Any]:
        """Authlib's ``create_authorization_url`` result: url, state and the flow secrets.

        ``redirect_uri`` is left out, as in Authlib, so that the documented
        ``save_authorize_data(redirect_uri=uri, **result)`` works.
        """
        return {"url": self.url, "state": self.state, **{k: v for k, v in self.flow.items() if k != "redirect_uri"}}


def build_authorization_request(
    endpoint: str,
    client_id: str | None,
    redirect_uri: str | None,
    scope: str | None,
    *,
    default_params: Mapping[str, Any] | None = None,
    params: Mapping[str, Any] | None = None,
    code_challenge_method: str | None = "S256",
    openid: bool = False,
) -> AuthorizationRequest:
    """Build the authorization URL.

    ``params`` (per call) win over ``default_params`` (``authorize_params``); a
    ``state``, ``nonce`` or ``code_verifier`` given in ``params`` is used instead of
    a fresh one (Authlib allows this).
    """
    merged = {**(default_params or {}), **(params or {})}
    state = merged.pop("state", None) or new_state()
    flow: dict[str, Any] = {"redirect_uri": redirect_uri}
    scope = merged.pop("scope", scope)
    if isinstance(scope, list | tuple | set):
        scope = " ".join(scope)
    query: list[tuple[str, Any]] = [("response_type", merged.pop("response_type", "code")), ("client_id", client_id)]
    if redirect_uri:
        query.append(("redirect_uri", redirect_uri))
    if scope:
        query.append(("scope", scope))
    query.append(("state", state))
    verifier = merged.pop("code_verifier", None)
    if code_challenge_method:
        if verifier is None:
            verifier, challenge = pkce_pair(code_challenge_method)
        else:
            challenge = code_challenge(verifier, code_challenge_method)
        flow["code_verifier"] = verifier
        query += [("code_challenge", challenge), ("code_challenge_method", code_challenge_method)]
    nonce = merged.pop("nonce", None)
    if openid or (scope and "openid" in scope.split()):
        nonce = nonce or secrets.token_urlsafe(24)
    if nonce:
        flow["nonce"] = nonce
        query.append(("nonce", nonce))
    if merged.get("max_age") is not None:
        flow["max_age"] = int(merged["max_age"])
    query += [(k, v) for k, v in merged.items() if v is not None]
    separator = "&" if "?" in endpoint else "?"
    pairs = [(k, str(v)) for k, v in query if v is not None]
    return AuthorizationRequest(url=endpoint + separator + encode_query(pairs), state=state, flow=flow, params=pairs)


@dataclass(frozen=True)
class AuthorizationResponse:
    """What the provider sent back to the redirect URI (RFC 6749 4.1.2, 4.1.2.1; RFC 9207 ``iss``).

    ``repr()`` leaves the code out: it is a credential until it is exchanged.
    """

    state: str | None = None
    code: str | None = field(default=None, repr=False)
    iss: str | None = None
    error: str | None = None
    error_description: str | None = None
    error_uri: str | None = None

    def provider_error(self) -> ProviderError:
        """The provider's refusal (``access_denied``...) as the error to raise."""
        return ProviderError(error=str(self.error), description=self.error_description, uri=self.error_uri)


def _param(params: Mapping[str, Any], name: str) -> str | None:
    value = params.get(name)
    return None if value is None else str(value)


def read_callback(params: Mapping[str, Any]) -> AuthorizationResponse:
    """Read a callback's query (or ``form_post`` form) into an :class:`AuthorizationResponse`.

    An empty ``error``, ``code`` or ``state`` counts as absent; an empty ``iss``
    does not (it is an issuer that cannot match, not a missing one).
    """
    return AuthorizationResponse(
        state=_param(params, "state") or None,
        code=_param(params, "code") or None,
        iss=_param(params, "iss"),
        error=_param(params, "error") or None,
        error_description=_param(params, "error_description"),
        error_uri=_param(params, "error_uri"),
    )


def check_authorization_response(response: AuthorizationResponse, issuer: str | None, iss_required: bool) -> str:
    """Check a successful callback's ``iss`` and ``code``; return the code.

    The state is checked before this by the flow-state store, and an ``error``
    answer never gets here.  ``iss_required`` is the metadata's
    ``authorization_response_iss_parameter_supported``.
    """
    iss = response.iss
    if issuer is not None and (iss is not None or iss_required):
        # RFC 9207 section 2.4: defends against mix-up attacks between providers.
        if iss is None:
            raise InvalidCallbackError(description="the provider promises an iss parameter and the callback has none")
        if not hmac.compare_digest(iss.encode(), issuer.encode()):
            raise InvalidCallbackError(description="the callback's iss is not this provider's issuer (mix-up defence)")
    if not response.code:
        raise InvalidCallbackError(description="the callback has neither a code nor an error")
    return response.code


def _form_fields(body: bytes, strict: bool = False) -> dict[str, str] | None:
    try:
        return dict(parse_qsl(body.decode("utf-8"), keep_blank_values=True, strict_parsing=strict))
    except (UnicodeDecodeError, ValueError):
        return None


def parse_token_response(status: int, content_type: str, body: bytes) -> dict[str, Any]:
    """Read a token endpoint answer into a normalized token, or raise.

    An ``error`` member (even with 200, as GitHub does) is a :class:`ProviderError`;
    anything that is not a token is a :class:`BadResponseError`.
    """
    data: dict[str, Any] | None
    if "application/x-www-form-urlencoded" in content_type or "text/plain" in content_type:
        data = _form_fields(body)
    else:
        try:
            data = parse_json_object(body, "token response")
        except BadResponseError:
            # Without any Content-Type (a test double's ``text``, a terse provider) the
            # other format in use is form encoding; only a well-formed one is accepted.
            data = None if content_type else _form_fields(body, strict=True)
    if data is None or not data:
        if status >= 400:
            raise BadResponseError(description=f"the token endpoint answered HTTP {status} without an OAuth error")
        raise BadResponseError(description="the token endpoint's answer is not a JSON object")
    if data.get("error"):
        raise ProviderError(
            error=str(data["error"]),
            description=data.get("error_description"),
            uri=data.get("error_uri"),
            status_code=status,
        )
    if status >= 400:
        raise BadResponseError(description=f"the token endpoint answered HTTP {status}")
    access_token = data.get("access_token")
    if not isinstance(access_token, str) or not access_token:
        raise BadResponseError(description="the token response has no access_token")
    if "token_type" not in data:
        data["token_type"] = "Bearer"
    return normalize_token(data)
