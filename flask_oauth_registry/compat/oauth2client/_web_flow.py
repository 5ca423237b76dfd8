"""``OAuth2WebServerFlow`` and the functions that make one: the authorization-code (and device) flow of oauth2client.

The URL, the token request and the returned credentials are oauth2client's, with
these fixes: boolean parameters are sent as ``true``/``false`` (not ``True``),
``scopes`` of the credentials are what the provider granted when it says so, the
device flow uses RFC 8628's grant type, no response body is logged, and the
decoded ``id_token`` is kept but not trusted (see :mod:`._id_tokens`).
PKCE (``pkce=True``) uses the registry's S256 verifier and challenge.
"""

from __future__ import annotations

import datetime
import logging
import sys
from typing import Any, NamedTuple
from urllib.parse import urlencode

from ...registry.authorization import code_challenge, pkce_pair
from . import (
    GOOGLE_AUTH_URI,
    GOOGLE_DEVICE_URI,
    GOOGLE_REVOKE_URI,
    GOOGLE_TOKEN_INFO_URI,
    GOOGLE_TOKEN_URI,
    clientsecrets,
    transport,
)
from ._errors import FlowExchangeError, OAuth2DeviceCodeError, UnknownClientSecretsFlowError, provider_message
from ._helpers import positional, scopes_to_string, update_query_params
from ._id_tokens import extract_id_token
from ._oauth2_credentials import OAuth2Credentials, expiry_from, parse_token_response

logger = logging.getLogger(__name__)

#: The grant type of the device flow (RFC 8628 3.4); oauth2client sent Google's pre-standard value.
DEVICE_CODE_GRANT = "urn:ietf:params:oauth:grant-type:device_code"
_FORM = "application/x-www-form-urlencoded"


class Flow:
    """Base class of flows (oauth2client's ``client.Flow``)."""


class DeviceFlowInfo(NamedTuple):
    """What the device endpoint answered: the codes, the polling interval, where the user goes, and until when."""

    device_code: str
    user_code: str
    interval: int | None
    verification_url: str
    user_code_expiry: datetime.datetime | None

    @classmethod
    def FromResponse(cls, response: dict[str, Any]) -> DeviceFlowInfo:  # noqa: N802 (oauth2client's name)
        """From the device endpoint's JSON (``verification_url`` or RFC 8628's ``verification_uri``)."""
        try:
            device_code, user_code = response["device_code"], response["user_code"]
        except KeyError:
            raise OAuth2DeviceCodeError("the device endpoint's answer has no device_code or user_code") from None
        verification_url = response.get("verification_url", response.get("verification_uri"))
        if verification_url is None:
            raise OAuth2DeviceCodeError("No verification_url provided in server response")
        return cls(device_code, user_code, response.get("interval"), verification_url, expiry_from(response))

    def __repr__(self) -> str:
        return (f"DeviceFlowInfo(device_code='***', user_code={self.user_code!r}, interval={self.interval!r}, "
                f"verification_url={self.verification_url!r}, user_code_expiry={self.user_code_expiry!r})")


def _flow_params(kwargs: dict[str, Any]) -> dict[str, Any]:
    """The extra authorization parameters: ``access_type=offline`` and ``response_type=code`` unless given."""
    params = {"access_type": "offline", "response_type": "code", **kwargs}
    approval_prompt = params.get("approval_prompt")
    if approval_prompt is not None:
        logger.warning("The approval_prompt parameter for OAuth2WebServerFlow is deprecated. Please use "
                       "prompt instead.")
        if approval_prompt == "force":
            logger.warning('approval_prompt="force" has been adjusted to prompt="consent"')
            params["prompt"] = "consent"
            del params["approval_prompt"]
    return params


class OAuth2WebServerFlow(Flow):
    """The authorization-code flow for web and installed apps, built from a client's settings."""

    @positional(4)
    def __init__(
        self,
        client_id: str,
        client_secret: str | None = None,
        scope: Any = None,
        redirect_uri: str | None = None,
        user_agent: str | None = None,
        auth_uri: str = GOOGLE_AUTH_URI,
        token_uri: str = GOOGLE_TOKEN_URI,
        revoke_uri: str | None = GOOGLE_REVOKE_URI,
        login_hint: str | None = None,
        device_uri: str | None = GOOGLE_DEVICE_URI,
        token_info_uri: str | None = GOOGLE_TOKEN_INFO_URI,
        authorization_header: str | None = None,
        pkce: bool = False,
        code_verifier: str | None = None,
        **kwargs: Any,
    ) -> None:
        if scope is None:
            raise TypeError("The value of scope must not be None")
        self.client_id = client_id
        self.client_secret = client_secret
        self.scope = scopes_to_string(scope)
        self.redirect_uri = redirect_uri
        self.login_hint = login_hint
        self.user_agent = user_agent
        self.auth_uri = auth_uri
        self.token_uri = token_uri
        self.revoke_uri = revoke_uri
        self.device_uri = device_uri
        self.token_info_uri = token_info_uri
        self.authorization_header = authorization_header
        self._pkce = pkce
        self.code_verifier = code_verifier
        self.params = _flow_params(kwargs)

    def __repr__(self) -> str:
        return f"<{type(self).__name__} client_id={self.client_id!r} scope={self.scope!r}>"

    @positional(1)
    def step1_get_authorize_url(self, redirect_uri: str | None = None, state: str | None = None) -> str:
        """The URL to send the user to; ``state`` is sent when given (check it when the user comes back)."""
        if redirect_uri is not None:
            logger.warning("The redirect_uri parameter for OAuth2WebServerFlow.step1_get_authorize_url is "
                           "deprecated. Please move to passing the redirect_uri in via the constructor.")
            self.redirect_uri = redirect_uri
        if self.redirect_uri is None:
            raise ValueError("The value of redirect_uri must not be None.")
        query: dict[str, Any] = {"client_id": self.client_id, "redirect_uri": self.redirect_uri, "scope": self.scope}
        if state is not None:
            query["state"] = state
        if self.login_hint is not None:
            query["login_hint"] = self.login_hint
        if self._pkce:
            if not self.code_verifier:
                self.code_verifier = pkce_pair("S256")[0]
            query["code_challenge"] = code_challenge(self.code_verifier, "S256")
            query["code_challenge_method"] = "S256"
        query.update(self.params)
        return update_query_params(self.auth_uri, query)

    @positional(1)
    def step1_get_device_and_user_codes(self, http: Any = None) -> DeviceFlowInfo:
        """Start the device flow (RFC 8628): the codes to show the user; :class:`OAuth2DeviceCodeError` on failure."""
        if self.device_uri is None:
            raise ValueError("The value of device_uri must not be None.")
        headers = {"content-type": _FORM}
        if self.user_agent is not None:
            headers["user-agent"] = self.user_agent
        body = urlencode({"client_id": self.client_id, "scope": self.scope})
        response, content = transport.request(http, self.device_uri, method="POST", body=body, headers=headers)
        answer = parse_token_response(content)
        if response.status == 200 and answer:
            return DeviceFlowInfo.FromResponse(answer)
        message = f"Invalid response {response.status}."
        if isinstance(answer.get("error"), str):
            message += f" Error: {answer['error']}"
        raise OAuth2DeviceCodeError(message)

    @positional(2)
    def step2_exchange(self, code: Any = None, http: Any = None, device_flow_info: DeviceFlowInfo | None = None
                       ) -> OAuth2Credentials:
        """Credentials for the code (a string, or the redirect's query parameters as a dict) or a device code."""
        if code is None and device_flow_info is None:
            raise ValueError("No code or device_flow_info provided.")
        if code is not None and device_flow_info is not None:
            raise ValueError("Cannot provide both code and device_flow_info.")
        post: dict[str, Any] = {"client_id": self.client_id}
        if device_flow_info is not None:
            post.update(grant_type=DEVICE_CODE_GRANT, device_code=device_flow_info.device_code)
        else:
            if not isinstance(code, str | bytes):
                if "code" not in code:
                    raise FlowExchangeError(code.get("error", "No code was supplied in the query parameters."))
                code = code["code"]
            post.update(code=code.decode("ascii") if isinstance(code, bytes) else code, scope=self.scope,
                        grant_type="authorization_code", redirect_uri=self.redirect_uri)
        headers = {"content-type": _FORM}
        if self.authorization_header is not None:
            headers["Authorization"] = self.authorization_header
        elif self.client_secret is not None:
            post["client_secret"] = self.client_secret
        if self._pkce and self.code_verifier:
            post["code_verifier"] = self.code_verifier
        if self.user_agent is not None:
            headers["user-agent"] = self.user_agent
        response, content = transport.request(http, self.token_uri, method="POST", body=urlencode(post),
                                              headers=headers)
        answer = parse_token_response(content)
        if response.status == 200 and isinstance(answer.get("access_token"), str):
            return self._credentials(answer)
        logger.info("Failed to retrieve access token (HTTP %s)", response.status)
        message, _ = provider_message(answer, f"Invalid response: {response.status}.", separator="")
        raise FlowExchangeError(message)

    def _credentials(self, answer: dict[str, Any]) -> OAuth2Credentials:
        if not answer.get("refresh_token") and self.params.get("access_type") == "offline":
            # Google sends a refresh token on first consent only (or with prompt=consent).
            logger.warning("The token response has no refresh_token although access_type=offline was asked; "
                           "ask again with prompt='consent' to get one.")
        id_token = answer.get("id_token")
        decoded = extract_id_token(id_token) if isinstance(id_token, str) else None
        granted = answer.get("scope")
        return OAuth2Credentials(
            answer["access_token"], self.client_id, self.client_secret, answer.get("refresh_token"),
            expiry_from(answer), self.token_uri, self.user_agent, revoke_uri=self.revoke_uri, id_token=decoded,
            id_token_jwt=id_token if decoded is not None else None, token_response=answer,
            scopes=granted if isinstance(granted, str) and granted else self.scope,
            token_info_uri=self.token_info_uri,
        )


@positional(2)
def flow_from_clientsecrets(
    filename: str, scope: Any, redirect_uri: str | None = None, message: str | None = None, cache: Any = None,
    login_hint: str | None = None, device_uri: str | None = None, pkce: bool | None = None,
    code_verifier: str | None = None, prompt: str | None = None,
) -> OAuth2WebServerFlow:
    """A flow from a ``client_secrets.json``; with ``message``, an invalid file exits the program with it."""
    try:
        client_type, info = clientsecrets.loadfile(filename, cache=cache)
    except clientsecrets.InvalidClientSecretsError as exc:
        if message is None:
            raise
        sys.exit(f"The client secrets were invalid: \n{exc}\n{message}" if exc.args else message)
    if client_type not in (clientsecrets.TYPE_WEB, clientsecrets.TYPE_INSTALLED):
        raise UnknownClientSecretsFlowError(f"This OAuth 2.0 flow is unsupported: {client_type!r}")
    optional = {"revoke_uri": info.get("revoke_uri"), "device_uri": device_uri, "pkce": pkce,
                "code_verifier": code_verifier, "prompt": prompt, "token_info_uri": info.get("token_info_uri")}
    return OAuth2WebServerFlow(
        info["client_id"], info.get("client_secret"), scope, redirect_uri=redirect_uri, auth_uri=info["auth_uri"],
        token_uri=info["token_uri"], login_hint=login_hint,
        **{name: value for name, value in optional.items() if value is not None},
    )


@positional(4)
def credentials_from_code(
    client_id: str, client_secret: str | None, scope: Any, code: Any, redirect_uri: str = "postmessage",
    http: Any = None, user_agent: str | None = None, token_uri: str = GOOGLE_TOKEN_URI,
    auth_uri: str = GOOGLE_AUTH_URI, revoke_uri: str | None = GOOGLE_REVOKE_URI,
    device_uri: str | None = GOOGLE_DEVICE_URI, token_info_uri: str | None = GOOGLE_TOKEN_INFO_URI,
    pkce: bool = False, code_verifier: str | None = None,
) -> OAuth2Credentials:
    """Exchange a code obtained elsewhere (Google Sign-In's ``postmessage``) in one call."""
    flow = OAuth2WebServerFlow(
        client_id, client_secret, scope, redirect_uri=redirect_uri, user_agent=user_agent, auth_uri=auth_uri,
        token_uri=token_uri, revoke_uri=revoke_uri, device_uri=device_uri, token_info_uri=token_info_uri,
        pkce=pkce, code_verifier=code_verifier,
    )
    return flow.step2_exchange(code, http=http)


@positional(3)
def credentials_from_clientsecrets_and_code(
    filename: str, scope: Any, code: Any, message: str | None = None, redirect_uri: str = "postmessage",
    http: Any = None, cache: Any = None, device_uri: str | None = None,
) -> OAuth2Credentials:
    """Like :func:`credentials_from_code`, with the client's settings from a ``client_secrets.json``."""
    flow = flow_from_clientsecrets(filename, scope, message=message, cache=cache, redirect_uri=redirect_uri,
                                   device_uri=device_uri)
    return flow.step2_exchange(code, http=http)

