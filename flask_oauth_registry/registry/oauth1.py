"""``OAuth1App``: an OAuth 1.0a (RFC 5849) remote app; requests-oauthlib signs every request.

A login flows one way: :meth:`OAuth1App.authorize_redirect` fetches temporary
credentials (signed, with ``oauth_callback``), saves them as flow state keyed by
their ``oauth_token`` and redirects; :meth:`OAuth1App.authorize_access_token` pops
them once, checks the callback and exchanges them, with the verifier, for token
credentials.  Reading the provider's answers is plain data in, data out
(:func:`parse_credentials_response`); no signature is computed here.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, MutableMapping
from typing import Any
from urllib.parse import parse_qsl

import requests
from flask import Flask, request
from oauthlib.common import add_params_to_uri
from oauthlib.oauth1 import SIGNATURE_TYPE_BODY, SIGNATURE_TYPE_QUERY
from requests_oauthlib import OAuth1
from werkzeug.wrappers import Response as WerkzeugResponse

from .answers import read_protocol_answer
from .config import ClientConfig
from .context import ClientContext
from .errors import (
    BadResponseError,
    ConfigurationError,
    InvalidTokenError,
    MismatchingStateError,
    MissingRequestTokenError,
    MissingVerifierError,
    ProviderError,
)
from .flowstate import extra_data_of, with_extra_data
from .http import send
from .metadata import AUTHORIZATION_ENDPOINT, MetadataField, missing_setting_message
from .remote import RemoteApp
from .userinfo import UserInfo


class SigningAuth(OAuth1):
    """requests-oauthlib's :class:`~requests_oauthlib.OAuth1`, with one fallback.

    RFC 5849 section 3.5.2 allows body signatures only in a form-encoded body; a
    GET, or a JSON or multipart body, is signed in the query string instead of
    failing inside oauthlib.
    """

    def __call__(self, r: requests.PreparedRequest) -> requests.PreparedRequest:
        if self.client.signature_type == SIGNATURE_TYPE_BODY and not _can_carry_form(r):
            self.client.signature_type = SIGNATURE_TYPE_QUERY
        return super().__call__(r)  # type: ignore[no-any-return]


def _can_carry_form(r: requests.PreparedRequest) -> bool:
    if (r.method or "GET").upper() in ("GET", "HEAD"):
        return False
    content_type = r.headers.get("Content-Type", "")
    return not content_type or content_type.startswith("application/x-www-form-urlencoded")


def parse_credentials_response(status: int, body: bytes, what: str) -> dict[str, Any]:
    """Read a temporary- or token-credentials answer (RFC 5849 2.1, 2.3), or raise.

    The body is form-encoded (JSON is accepted, as some providers send it).  An
    error the provider names, or any 4xx, is a :class:`ProviderError` (code
    ``fetch_token_denied`` when unnamed, Authlib's); anything else that is not a
    pair of ``oauth_token`` and ``oauth_token_secret`` is a :class:`BadResponseError`.
    Messages never repeat the body: it may hold credentials.
    """
    data = _decode_body(body)
    error, description = _provider_error(data or {})
    if error or 400 <= status < 500:
        raise ProviderError(
            error=error or "fetch_token_denied",
            description=description or f"the {what} endpoint refused the request (HTTP {status})",
            status_code=status,
        )
    if status != 200:
        raise BadResponseError(description=f"the {what} endpoint answered HTTP {status}")
    if data is None:
        raise BadResponseError(description=f"the {what} answer is neither form-encoded nor JSON")
    for key in ("oauth_token", "oauth_token_secret"):
        if not isinstance(data.get(key), str) or not data[key]:
            raise BadResponseError(description=f"the {what} answer has no {key}")
    return data


#: Settings an OAuth 1.0a app needs only when it uses them, named in the message when missing.
CLIENT_KEY = MetadataField("client_id", "client key", "client_id")
ACCESS_TOKEN_ENDPOINT = MetadataField("token_endpoint", "access-token endpoint", "access_token_url")


def required(app_name: str, value: str | None, wanted: MetadataField) -> str:
    """``value``, or a :class:`ConfigurationError` naming the config key that provides ``wanted``."""
    if not value:
        # OAuth 1.0a has no discovery document: the setting itself is the only source.
        raise ConfigurationError(description=missing_setting_message(app_name, wanted, has_discovery=False))
    return value


def _decode_body(body: bytes) -> dict[str, Any] | None:
    try:
        text = body.decode("utf-8").strip()
    except UnicodeDecodeError:
        return None
    if text.startswith("{"):
        try:
            value = json.loads(text)
        except (ValueError, RecursionError):
            return None
        return value if isinstance(value, dict) else None
    try:
        return dict(parse_qsl(text, keep_blank_values=True, strict_parsing=True)) if text else None
    except ValueError:
        return None


def _provider_error(data: Mapping[str, Any]) -> tuple[str | None, str | None]:
    """``(error, description)`` from RFC 6749-style, Problem Reporting or Twitter-style bodies."""
    error = data.get("error") or data.get("oauth_problem")
    description = data.get("error_description") or data.get("oauth_problem_advice")
    errors = data.get("errors")
    if isinstance(errors, list) and errors and isinstance(errors[0], dict):
        description = description or errors[0].get("message")
    return (str(error) if error else None), (str(description) if description else None)


class OAuth1App(RemoteApp):
    """An OAuth 1.0a client (Authlib's ``FlaskOAuth1App`` API).

    ``client_kwargs`` choose the signature: ``signature_method`` (``HMAC-SHA1``
    default, ``HMAC-SHA256``, ``HMAC-SHA512``, ``RSA-SHA1``, ``RSA-SHA256``,
    ``RSA-SHA512``, ``PLAINTEXT``), ``signature_type`` (``HEADER`` default,
    ``QUERY``, ``BODY``), ``rsa_key`` (PEM text or a file path) and ``realm``.
    """

    def __init__(
        self, config: ClientConfig, context: ClientContext, flask_app: Flask, userinfo_loader: Any = None
    ) -> None:
        super().__init__(config, context, flask_app)
        self._userinfo_loader = userinfo_loader

    # -- signing -------------------------------------------------------------------
    def _auth(
        self, token: str | None = None, token_secret: str | None = None, *,
        callback_uri: str | None = None, verifier: str | None = None,
    ) -> SigningAuth:
        """A fresh signer for one request: oauthlib's nonce and timestamp are per request."""
        client_key = required(self.name, self.config.client_id, CLIENT_KEY)
        return SigningAuth(
            client_key,
            client_secret=self.config.client_secret,
            resource_owner_key=token,
            resource_owner_secret=token_secret,
            callback_uri=callback_uri,
            verifier=verifier,
            signature_method=self.config.signature_method,
            signature_type=self.config.signature_type,
            rsa_key=self.config.rsa_key,
            realm=self.config.realm,
        )

    def _apply_token(self, token: MutableMapping[str, Any], kwargs: dict[str, Any]) -> MutableMapping[str, Any]:
        oauth_token = token.get("oauth_token")
        if not oauth_token:
            raise InvalidTokenError(description="the token has no oauth_token (OAuth 1.0a token credentials)")
        # An explicit auth= wins, as it does in Authlib (a requests keyword over the session's auth).
        kwargs.setdefault("auth", self._auth(str(oauth_token), token.get("oauth_token_secret")))
        return token

    def _credentials_request(self, url: str, params: Mapping[str, Any], auth: SigningAuth, what: str) -> dict[str, Any]:
        """POST to a credentials endpoint with ``params`` as requests keywords; parse the answer."""
        kwargs = self._protocol_kwargs(dict(params))
        kwargs.update(auth=auth, stream=True)
        purpose = f"{what} request"
        response = send(self.session, "POST", url, purpose=purpose, **kwargs)
        answer = read_protocol_answer(response, purpose, kwargs["timeout"])
        return parse_credentials_response(answer.status, answer.body, what)

    # -- temporary credentials and the redirect ------------------------------------------
    def create_authorization_url(self, redirect_uri: str | None = None, **params: Any) -> dict[str, Any]:
        """Fetch temporary credentials and build the authorization URL.

        Returns Authlib's ``{"url", "state", "request_token"}``: ``state`` is the
        temporary ``oauth_token``.  ``params`` are added to the URL and win over
        ``authorize_params``.  Nothing is saved: pass the result to
        :meth:`save_authorize_data`.  Without a redirect URI the callback is ``oob``.
        """
        authorize_url = required(self.name, self.config.authorize_url, AUTHORIZATION_ENDPOINT)
        callback = redirect_uri or self.config.redirect_uri or "oob"
        request_token = self._credentials_request(
            str(self.config.request_token_url), self.config.request_token_params,
            self._auth(callback_uri=callback), "request-token",
        )
        if str(request_token.get("oauth_callback_confirmed", "")).lower() != "true":
            # OAuth 1.0a (RFC 5849 2.1) requires it; without it the provider may ignore our callback.
            raise BadResponseError(description="the request-token answer lacks oauth_callback_confirmed=true")
        query = {**self.config.authorize_params, **params, "oauth_token": request_token["oauth_token"]}
        url = add_params_to_uri(authorize_url, [(k, str(v)) for k, v in query.items() if v is not None])
        return {"url": url, "state": request_token["oauth_token"], "request_token": request_token}

    def save_authorize_data(self, **data: Any) -> None:
        """Save the temporary credentials of a :meth:`create_authorization_url` result as flow state.

        With ``save_request_token`` (Authlib 0.x's hook) they are given to it
        instead; the flow state then only binds the callback to this browser.
        """
        request_token = data.get("request_token")
        state = data.get("state") or (request_token or {}).get("oauth_token")
        if not state or not isinstance(request_token, Mapping) or not request_token.get("oauth_token_secret"):
            raise ConfigurationError(
                description="save_authorize_data() needs the state and request_token of the authorization URL"
            )
        flow: dict[str, Any] = {}
        if self.config.save_request_token is not None:
            self.config.save_request_token(dict(request_token))
        else:
            flow["request_token"] = {
                "oauth_token": request_token["oauth_token"],
                "oauth_token_secret": request_token["oauth_token_secret"],
            }
        if data.get("redirect_uri"):
            flow["redirect_uri"] = data["redirect_uri"]
        flow = with_extra_data(flow, data, ("url", "state", "request_token", "redirect_uri"))
        self._flow_store().save(str(state), flow)

    def authorize_redirect(self, redirect_uri: str | None = None, **params: Any) -> WerkzeugResponse:
        """Start a login: fetch and save temporary credentials, answer with a 302 to the provider."""
        result = self.create_authorization_url(redirect_uri, **params)
        self.save_authorize_data(redirect_uri=redirect_uri, **result)
        return self._redirect(result["url"])

    # -- callback and token credentials --------------------------------------------------
    def authorize_access_token(self, **kwargs: Any) -> dict[str, Any]:
        """Finish a login from the callback request and return the token credentials.

        ``denied`` (the user refused) is a :class:`ProviderError` ``access_denied``;
        a missing, unknown, expired or replayed ``oauth_token`` a
        :class:`MismatchingStateError`.  Keyword arguments override callback values
        (``oauth_verifier``), as in Authlib.
        """
        return self._finish_authorization(kwargs)[0]

    def authorize_access_token_with_data(self, **kwargs: Any) -> tuple[dict[str, Any], dict[str, Any]]:
        """:meth:`authorize_access_token`, also returning the extra data saved by :meth:`save_authorize_data`."""
        token, flow = self._finish_authorization(kwargs)
        return token, extra_data_of(flow)

    def _finish_authorization(self, kwargs: dict[str, Any]) -> tuple[dict[str, Any], dict[str, Any]]:
        """The callback, checked and exchanged: the token credentials and the popped flow state."""
        params = request.form if request.method == "POST" else request.args
        store = self._flow_store()
        if "denied" in params:
            store.discard(params.get("denied") or params.get("oauth_token"))
            raise ProviderError(error="access_denied", description="the user denied access at the provider")
        oauth_token = params.get("oauth_token")
        if not oauth_token:
            raise MismatchingStateError(description="CSRF warning: the callback has no oauth_token")
        flow = store.pop(oauth_token)
        request_token = self._saved_request_token(flow, oauth_token)
        callback_values = {"oauth_verifier": params["oauth_verifier"]} if params.get("oauth_verifier") else {}
        token = self.fetch_access_token(request_token, **{**callback_values, **kwargs})
        self.token = token
        return token, flow

    def _saved_request_token(self, flow: Mapping[str, Any], oauth_token: str) -> Mapping[str, Any]:
        """The temporary credentials of this callback: from its flow state, or from ``fetch_request_token()``."""
        if self.config.fetch_request_token is None:
            request_token = flow.get("request_token")
        else:
            request_token = self.config.fetch_request_token()
            if isinstance(request_token, Mapping) and request_token and request_token.get("oauth_token") != oauth_token:
                raise MismatchingStateError(
                    description="CSRF warning: fetch_request_token() returned the temporary credentials "
                    "of another login"
                )
        if not isinstance(request_token, Mapping) or not request_token:
            raise MissingRequestTokenError(description="no temporary credentials were saved for this callback")
        return request_token

    def fetch_access_token(self, request_token: Mapping[str, Any] | None = None, **kwargs: Any) -> dict[str, Any]:
        """Exchange temporary credentials and a verifier for token credentials (RFC 5849 2.3).

        ``request_token`` is ``{"oauth_token", "oauth_token_secret"}``; the verifier
        comes as ``oauth_verifier=`` (or inside ``request_token``), as in Authlib.
        """
        if not request_token or not request_token.get("oauth_token"):
            raise MissingRequestTokenError(description="fetch_access_token() needs the temporary credentials")
        merged = {**request_token, **kwargs}
        verifier = merged.get("oauth_verifier") or merged.get("verifier")
        if not verifier:
            raise MissingVerifierError(description="the callback has no oauth_verifier")
        endpoint = required(self.name, self.config.access_token_url, ACCESS_TOKEN_ENDPOINT)
        auth = self._auth(str(merged["oauth_token"]), merged.get("oauth_token_secret"), verifier=str(verifier))
        return self._credentials_request(endpoint, self.config.access_token_params, auth, "access-token")

    # -- profile -------------------------------------------------------------------------
    def userinfo(self, **kwargs: Any) -> UserInfo:
        """The user's profile as standard claims, through the provider preset's mapping.

        OAuth 1.0a has no standard userinfo endpoint, so an app without a preset
        (``provider=``) has none.  Keyword arguments go to the API request.
        """
        if self._userinfo_loader is None:
            raise ConfigurationError(
                description=f"{self.name!r} has no userinfo mapping: OAuth 1.0a has no userinfo endpoint; "
                "register it with provider= naming a preset, or call the provider's profile API with get()"
            )
        data = self._userinfo_loader(self, **kwargs)
        if self.config.userinfo_compliance_fix is not None:
            data = self.config.userinfo_compliance_fix(self, data)
        return UserInfo(data)

