"""``OAuth2App``: an OAuth 2.0 / OpenID Connect remote app, from redirect to API call.

A login flows one way: :meth:`authorize_redirect` builds the URL and saves the flow
state; :meth:`authorize_access_token` pops that state once, checks the callback,
exchanges the code, validates the ID token and returns the token.  The protocol
decisions live in ``authorization``, ``idtoken``, ``oidc`` and ``tokens``; this
module connects them to Flask and HTTP.
"""

from __future__ import annotations

from collections.abc import Mapping, MutableMapping
from typing import TYPE_CHECKING, Any

import jwt
from flask import Flask, has_app_context, request
from oauthlib.oauth2.rfc6749.tokens import prepare_bearer_headers
from werkzeug.wrappers import Response as WerkzeugResponse

from . import authorization, compliance
from .authlib_session import AuthlibSessionShim
from .client_auth import authenticate
from .config import ClientConfig
from .errors import (
    BadResponseError,
    ConfigurationError,
    InvalidIdTokenError,
    InvalidTokenError,
    ProviderError,
    TokenExpiredError,
    UnsupportedTokenTypeError,
)
from .http import ProtocolAnswer, parse_json_object, read_protocol_answer, send
from .idtoken import IdTokenVerifier, verify_signed_userinfo
from .introspection import parse_introspection_response, token_value
from .introspection import request_form as introspection_form
from .oidc import KeySet, ServerMetadata, build_logout_url
from .remote import RemoteApp
from .tokens import OAuth2Token, SingleFlight, is_expired, normalize_token
from .userinfo import UserInfo

if TYPE_CHECKING:
    import requests

    from .extension import AppState

_REQUEST_LEVEL_PARAMS = ("headers", "timeout", "method")


class OAuth2App(RemoteApp):
    """An OAuth 2.0 client; OpenID Connect switches on with ``openid`` in the scope."""

    is_oauth2 = True

    def __init__(self, config: ClientConfig, state: AppState, flask_app: Flask, userinfo_loader: Any = None) -> None:
        super().__init__(config, state, flask_app)
        self._userinfo_loader = userinfo_loader
        # A setting given as None means "not set": it must not hide a discovered value.
        self._static_metadata = {k: v for k, v in config.metadata.items() if v is not None}
        self._metadata_source = (
            ServerMetadata(
                config.server_metadata_url, self._fetch_json, cache=state.cache,
                declared_issuer=self._static_metadata.get("issuer"),
            )
            if config.server_metadata_url
            else None
        )
        self._merged_metadata: dict[str, Any] = dict(self._static_metadata)
        self._merged_from: dict[str, Any] | None = None
        self._keyset = KeySet(
            self._fetch_jwks_document,
            cache=state.cache,
            cache_key=config.server_metadata_url or config.metadata.get("jwks_uri") or f"app:{config.name}",
            static=self._static_metadata.get("jwks"),
        )
        self._single_flight = SingleFlight(
            config.name, cache=state.cache, lock_ttl=_lock_ttl(config.timeout), leeway=config.leeway
        )

    # -- provider metadata ---------------------------------------------------------
    def _fetch_json(self, url: str, purpose: str = "discovery request") -> dict[str, Any]:
        kwargs = self._protocol_kwargs({"stream": True})
        response = send(self.session, "GET", url, purpose=purpose, **kwargs)
        answer = read_protocol_answer(response, purpose, kwargs["timeout"])
        if answer.status != 200:
            raise BadResponseError(description=f"{url} answered HTTP {answer.status}")
        return parse_json_object(answer.body, f"document at {url}")

    def load_server_metadata(self) -> dict[str, Any]:
        """Provider metadata: discovered (cached, with a TTL) under the static settings."""
        if self._metadata_source is None:
            return self._merged_metadata
        loaded = self._metadata_source.get()
        if loaded is not self._merged_from:
            self._merged_metadata = {**loaded, **self._static_metadata}
            self._merged_from = loaded
        return self._merged_metadata

    @property
    def server_metadata(self) -> dict[str, Any]:
        """The metadata known without fetching (static settings, plus what was loaded)."""
        return self._merged_metadata

    def _endpoint(self, explicit: str | None, field: str, key: str, what: str) -> str:
        if explicit:
            return explicit
        value = self.load_server_metadata().get(field)
        if value or key != "server_metadata_url":
            return self.config.require(value, key, what)
        where = f"pass {field}= to register()"
        if not self.config.server_metadata_url:
            where += f" or set {self.config.config_key('server_metadata_url')}"
        raise ConfigurationError(f"{self.name!r} has no {what}: the provider metadata has no {field}; {where}")

    @property
    def _issuer(self) -> str | None:
        return self.load_server_metadata().get("issuer")

    # -- authorization request -------------------------------------------------------
    def create_authorization_url(self, redirect_uri: str | None = None, **params: Any) -> dict[str, Any]:
        """Build the authorization URL; return ``{"url", "state", "code_verifier", "nonce", ...}``.

        ``params`` are added to the URL and win over ``authorize_params``.
        Nothing is saved: pass the result to :meth:`save_authorize_data`.
        """
        endpoint = self._endpoint(self.config.authorize_url, "authorization_endpoint", "authorize_url",
                                  "authorization endpoint")
        built = authorization.build_authorization_request(
            endpoint,
            self.config.client_id,
            redirect_uri or self.config.redirect_uri,
            self.config.scope,
            default_params=self.config.authorize_params,
            params=params,
            code_challenge_method=self.config.code_challenge_method,
            openid=self.config.is_oidc,
        )
        return built.as_authlib_dict()

    def save_authorize_data(self, **data: Any) -> None:
        """Save the flow state of a :meth:`create_authorization_url` result."""
        state = data.get("state")
        if not state:
            raise ConfigurationError("save_authorize_data() needs the state of the authorization URL")
        flow = {k: data[k] for k in authorization.FLOW_KEYS if data.get(k) is not None}
        self._flow_store().save(state, flow)

    def authorize_redirect(self, redirect_uri: str | None = None, **params: Any) -> WerkzeugResponse:
        """Start a login: save the flow state and answer with a 302 to the provider."""
        redirect_uri = redirect_uri or self.config.redirect_uri
        result = self.create_authorization_url(redirect_uri, **params)
        self.save_authorize_data(redirect_uri=redirect_uri, **result)
        return self._redirect(result["url"])

    # -- callback and token endpoint --------------------------------------------------
    def authorize_access_token(self, **kwargs: Any) -> dict[str, Any]:
        """Finish a login from the callback request and return the token.

        Handles query and ``form_post`` callbacks.  ``claims_options`` adds ID-token
        checks; other keyword arguments go into the token request.
        """
        params = request.form if request.method == "POST" else request.args
        store = self._flow_store()
        if params.get("error"):
            store.discard(params.get("state"))
            authorization.check_callback(params, None, False)
        flow = store.pop(params.get("state"))
        metadata = self.load_server_metadata() if self._metadata_source or self._static_metadata else {}
        code = authorization.check_callback(
            params, metadata.get("issuer"), bool(metadata.get("authorization_response_iss_parameter_supported"))
        )
        claims_options = kwargs.pop("claims_options", None)
        if flow.get("code_verifier"):
            kwargs["code_verifier"] = flow["code_verifier"]
        # RFC 6749 4.1.3: the redirect_uri of the authorization request, not a new one.
        redirect_uri = flow.get("redirect_uri") or kwargs.pop("redirect_uri", None)
        kwargs.pop("redirect_uri", None)
        token = self.fetch_access_token(redirect_uri=redirect_uri, code=code, **kwargs)
        if flow.get("nonce") is not None:
            if "id_token" not in token:
                raise InvalidTokenError(description="the provider returned no id_token for an openid request")
            token["userinfo"] = self._verify_id_token(
                token, nonce=flow["nonce"], max_age=flow.get("max_age"), claims_options=claims_options
            )
        self.token = token
        return token

    def fetch_access_token(self, redirect_uri: str | None = None, **kwargs: Any) -> dict[str, Any]:
        """Call the token endpoint: authorization code when ``code=`` is given, else the app's grant."""
        grant_type = kwargs.pop("grant_type", None) or (
            "authorization_code" if "code" in kwargs else self._default_grant()
        )
        body: dict[str, Any] = {**self.config.access_token_params, **kwargs}
        if redirect_uri:
            body["redirect_uri"] = redirect_uri
        body["grant_type"] = grant_type
        if grant_type == "client_credentials" and self.config.scope and "scope" not in body:
            body["scope"] = self.config.scope
        endpoint = self._endpoint(self.config.access_token_url, "token_endpoint", "access_token_url", "token endpoint")
        return self._token_request(endpoint, body)

    def _default_grant(self) -> str:
        if self.config.grant_type:
            return self.config.grant_type
        return "client_credentials"

    def _token_request(self, endpoint: str, body: dict[str, Any]) -> dict[str, Any]:
        request_kwargs: dict[str, Any] = {k: body.pop(k) for k in _REQUEST_LEVEL_PARAMS if k in body}
        method = str(request_kwargs.pop("method", "POST")).upper()
        headers = {"Accept": "application/json", **request_kwargs.pop("headers", {})}
        headers.update(authenticate(self.config, self.config.token_endpoint_auth_method, endpoint, body))
        payload = {k: v for k, v in body.items() if v is not None}
        location = {"params": payload} if method == "GET" else {"data": payload}
        hooks = "refresh_token" if body.get("grant_type") == "refresh_token" else "access_token"
        endpoint, headers, location = compliance.fix_token_request(self.session, hooks, endpoint, headers, location)
        request_kwargs = self._protocol_kwargs(request_kwargs)
        purpose = "token refresh request" if body.get("grant_type") == "refresh_token" else "token request"
        response = send(self.session, method, endpoint, purpose=purpose, headers=headers, stream=True, **location,
                        **request_kwargs)
        answer = read_protocol_answer(response, purpose, request_kwargs["timeout"])
        answer = compliance.fix_token_answer(self.session, hooks, response, answer, purpose)
        return authorization.parse_token_response(answer.status, answer.content_type, answer.body)

    # -- API calls and renewal ----------------------------------------------------------
    def _apply_token(self, token: MutableMapping[str, Any], kwargs: dict[str, Any]) -> MutableMapping[str, Any]:
        token = self._refresh_if_expired(token)
        token_type = token.get("token_type")
        if token_type is not None and str(token_type).lower() != "bearer":
            raise UnsupportedTokenTypeError(description=f"only Bearer tokens can be sent, not {token_type!r}")
        access_token = token.get("access_token")
        if not access_token:
            raise InvalidTokenError(description="the token has no access_token")
        placement = self.config.token_placement
        if placement == "header":
            kwargs["headers"] = prepare_bearer_headers(access_token, dict(kwargs.get("headers") or {}))
        elif placement == "body":
            data = kwargs.get("data")
            kwargs["data"] = {**(data or {}), "access_token": access_token}
        else:
            kwargs["params"] = {**(kwargs.get("params") or {}), "access_token": access_token}
        return token

    def _refresh_if_expired(self, token: MutableMapping[str, Any]) -> MutableMapping[str, Any]:
        """Renew ``token`` in place when it expires within the leeway (:meth:`_renew`); return it."""
        if "expires_at" in token or "expires_in" in token:
            if token.get("expires_at") is None:
                token.update(normalize_token(token))
            if is_expired(token, self.config.leeway):
                token = self._renew(token)
        return token

    def _renew(self, token: MutableMapping[str, Any]) -> MutableMapping[str, Any]:
        """Refresh an expired token once, however many callers hold it; notify once."""
        old = dict(token)
        refresh_token = old.get("refresh_token")
        if refresh_token:
            new, performed = self._single_flight.run(old, lambda: self._refresh(old))
            notify_args = (refresh_token, None)
        elif self._default_grant() == "client_credentials" and not self._has_authorization_endpoint():
            new, performed = self._single_flight.run(old, lambda: self.fetch_access_token())
            notify_args = (None, old.get("access_token"))
        else:
            raise TokenExpiredError(description=f"the {self.name!r} token has expired and has no refresh_token")
        self._store_refreshed(token, old, new)
        if performed:
            self._notify_token_update(OAuth2Token(new), *notify_args)
        return token

    def _has_authorization_endpoint(self) -> bool:
        return bool(
            self.config.authorize_url or self.config.server_metadata_url
            or self._static_metadata.get("authorization_endpoint")
        )

    def _refresh(self, old: Mapping[str, Any]) -> dict[str, Any]:
        endpoint = self.config.refresh_token_url or self._endpoint(
            self.config.access_token_url, "token_endpoint", "access_token_url", "token endpoint"
        )
        body = {
            **self.config.refresh_token_params, "grant_type": "refresh_token", "refresh_token": old["refresh_token"]
        }
        new = self._token_request(endpoint, body)
        new.setdefault("refresh_token", old["refresh_token"])
        self._carry_identity(old, new)
        return new

    def _carry_identity(self, old: Mapping[str, Any], new: MutableMapping[str, Any]) -> None:
        """Keep the login's ``userinfo`` (the ``sub`` binding) in a refreshed token.

        An ID token in the refresh answer must be the same user's (OIDC Core 12.2:
        same ``iss`` and ``sub``, ``aud`` the client, no nonce); its claims then
        replace ``userinfo``.  A mismatch raises before anything is stored.
        """
        known = old.get("userinfo")
        if not (new.get("id_token") and self.config.is_oidc):
            if known is not None:
                new["userinfo"] = known
            return
        claims = self._verify_id_token(new, nonce=None)
        original = known if isinstance(known, Mapping) and known.get("sub") else _unverified_claims(old)
        for claim in ("iss", "sub"):
            if original.get(claim) is not None and str(claims.get(claim)) != str(original[claim]):
                raise InvalidIdTokenError(claim, f"the refreshed ID token's {claim} is not the login's")
        new["userinfo"] = claims

    def revoke_token(self, token: Mapping[str, Any] | str, token_type_hint: str | None = None) -> None:
        """Revoke a token at the provider's revocation endpoint (RFC 7009)."""
        endpoint = self._endpoint(None, "revocation_endpoint", "server_metadata_url", "revocation endpoint")
        if isinstance(token, Mapping):
            value = token.get("refresh_token") if token_type_hint == "refresh_token" else token.get("access_token")
        else:
            value = token
        body: dict[str, Any] = {"token": value}
        if token_type_hint:
            body["token_type_hint"] = token_type_hint
        headers = authenticate(self.config, self.config.token_endpoint_auth_method, endpoint, body)
        endpoint, headers, body = compliance.fix_token_hint_request(
            self.session, "revoke_token_request", endpoint, headers, body
        )
        kwargs = self._protocol_kwargs({})
        response = send(self.session, "POST", endpoint, purpose="revocation request", data=body, headers=headers,
                        stream=True, **kwargs)
        answer = read_protocol_answer(response, "revocation request", kwargs["timeout"])
        if answer.status != 200:
            try:
                data = parse_json_object(answer.body, "revocation response")
            except BadResponseError:
                data = {}
            error = data.get("error") or "revocation_failed"
            raise ProviderError(str(error), data.get("error_description"), status_code=answer.status)

    def introspect_token(self, token: Mapping[str, Any] | str, token_type_hint: str | None = None) -> dict[str, Any]:
        """Ask the provider about a token (RFC 7662) and return its answer; ``answer["active"]`` is a bool.

        The endpoint is the metadata's ``introspection_endpoint``; the client
        authenticates as at the token endpoint.  A token dict sends its access
        token, or its refresh token with ``token_type_hint="refresh_token"``.
        """
        endpoint = self._endpoint(None, "introspection_endpoint", "server_metadata_url", "introspection endpoint")
        _, answer = self._introspection_request(endpoint, token_value(token, token_type_hint), token_type_hint)
        return parse_introspection_response(answer.status, answer.body)

    def _introspection_request(
        self, endpoint: str, token: str, token_type_hint: str | None, **request_kwargs: Any
    ) -> tuple[requests.Response, ProtocolAnswer]:
        """POST an introspection request; return the response (its body read) whatever its status."""
        form = introspection_form(token, token_type_hint)
        headers = {"Accept": "application/json", **(request_kwargs.pop("headers", None) or {})}
        headers.update(authenticate(self.config, self.config.token_endpoint_auth_method, endpoint, form))
        endpoint, headers, form = compliance.fix_token_hint_request(
            self.session, "introspect_token_request", endpoint, headers, form
        )
        kwargs = self._protocol_kwargs(request_kwargs)
        response = send(self.session, "POST", endpoint, purpose="introspection request", data=form, headers=headers,
                        stream=True, **kwargs)
        return response, read_protocol_answer(response, "introspection request", kwargs["timeout"])

    def _get_oauth_client(self, **metadata: Any) -> AuthlibSessionShim:
        """For code written against Authlib's internals (flask-oidc): see :class:`.AuthlibSessionShim`."""
        return AuthlibSessionShim(self, metadata)

    # -- OpenID Connect ---------------------------------------------------------------
    def _fetch_jwks_document(self) -> dict[str, Any]:
        uri = self._endpoint(None, "jwks_uri", "server_metadata_url", "JWKS URI")
        return self._fetch_json(uri, purpose="JWKS request")

    def fetch_jwk_set(self, force: bool = False) -> dict[str, Any]:
        """The provider's JWK set as a dict (cached; ``force`` refetches)."""
        if self._static_metadata.get("jwks"):
            return self._static_metadata["jwks"]
        self._keyset.keys(force=force)
        return self._keyset.document or {"keys": []}

    def _verifier(self, leeway: int | None = None) -> IdTokenVerifier:
        metadata = self.load_server_metadata()
        issuer = self.config.require(metadata.get("issuer"), "server_metadata_url", "issuer")
        algs = [a for a in metadata.get("id_token_signing_alg_values_supported") or ["RS256"] if a != "none"]
        return IdTokenVerifier(
            client_id=self.config.client_id or "",
            issuer=issuer,
            algorithms=algs,
            client_secret=self.config.client_secret,
            leeway=self.config.leeway if leeway is None else leeway,
            trusted_audiences=self.config.trusted_audiences,
        )

    def _verify_id_token(
        self, token: Mapping[str, Any], nonce: str | None, max_age: int | None = None,
        claims_options: Any = None, leeway: int | None = None,
    ) -> UserInfo:
        claims = self._verifier(leeway).verify(
            token["id_token"], self._keyset.lookup, nonce=nonce, access_token=token.get("access_token"),
            max_age=max_age, claims_options=claims_options, refetch_keys=self._keyset.refetch_for_unverified,
        )
        return UserInfo(claims)

    def parse_id_token(
        self, token: Mapping[str, Any], nonce: str | None, claims_options: Any = None, leeway: int | None = None
    ) -> UserInfo | None:
        """Validate ``token["id_token"]`` (OIDC Core 3.1.3.7); return its claims, ``None`` without one (as Authlib)."""
        if not token.get("id_token"):
            return None
        return self._verify_id_token(token, nonce, claims_options=claims_options, leeway=leeway)

    def userinfo(self, **kwargs: Any) -> UserInfo:
        """The user's claims from the userinfo endpoint (or the preset's profile mapping).

        When the token carries ID-token claims, the answer's ``sub`` must match
        (OIDC Core 5.3.2).
        """
        token = kwargs.get("token") or (self.token if has_app_context() else None)
        if self._userinfo_loader is not None:
            data = self._userinfo_loader(self, **kwargs)
        else:
            endpoint = self._endpoint(None, "userinfo_endpoint", "server_metadata_url", "userinfo endpoint")
            response = self._request("GET", endpoint, "userinfo request", stream=True, **kwargs)
            data = self._read_userinfo(response, kwargs.get("timeout", self._timeout))
        if self.config.userinfo_compliance_fix is not None:
            data = self.config.userinfo_compliance_fix(self, data)
        known = (token or {}).get("userinfo") if isinstance(token, Mapping) else None
        if known and known.get("sub") is not None and str(data.get("sub")) != str(known["sub"]):
            raise InvalidTokenError(description="the userinfo sub does not match the ID token's sub")
        return UserInfo(data)

    def _read_userinfo(self, response: Any, timeout: Any) -> dict[str, Any]:
        answer = read_protocol_answer(response, "userinfo request", timeout)
        if answer.status != 200:
            raise ProviderError("userinfo_failed", f"the userinfo endpoint answered HTTP {answer.status}",
                                status_code=answer.status)
        if answer.media_type == "application/jwt":
            return self._verify_signed_userinfo(answer.body.decode("utf-8", "replace").strip())
        return parse_json_object(answer.body, "userinfo response")

    def _verify_signed_userinfo(self, value: str) -> dict[str, Any]:
        metadata = self.load_server_metadata()
        return verify_signed_userinfo(
            value, self._keyset.lookup, algorithms=metadata.get("userinfo_signing_alg_values_supported") or ["RS256"],
            client_id=self.config.client_id, issuer=metadata.get("issuer"),
        )

    # -- RP-initiated logout ------------------------------------------------------------
    def create_logout_url(
        self, post_logout_redirect_uri: str | None = None, id_token_hint: str | None = None,
        state: str | None = None, **params: Any,
    ) -> dict[str, Any]:
        """The end-session URL (RP-Initiated Logout 1.0); saves ``state`` when redirecting back."""
        endpoint = self._endpoint(None, "end_session_endpoint", "server_metadata_url", "end-session endpoint")
        if id_token_hint is None and has_app_context():
            current = self.token
            id_token_hint = current.get("id_token") if current else None
        if post_logout_redirect_uri:
            state = state or authorization.new_state()
            self._flow_store("logout").save(state, {"post_logout_redirect_uri": post_logout_redirect_uri})
        url = build_logout_url(endpoint, {
            "id_token_hint": id_token_hint, "client_id": self.config.client_id,
            "post_logout_redirect_uri": post_logout_redirect_uri, "state": state, **params,
        })
        return {"url": url, "state": state}

    def logout_redirect(
        self, post_logout_redirect_uri: str | None = None, id_token_hint: str | None = None, **params: Any
    ) -> WerkzeugResponse:
        """Answer with a 302 to the provider's end-session endpoint; forgets the token on ``g``."""
        result = self.create_logout_url(post_logout_redirect_uri, id_token_hint, **params)
        self.token = None
        return self._redirect(result["url"])

    def validate_logout_response(self) -> dict[str, Any]:
        """Check the ``state`` the provider sent back after logout; return the saved data."""
        return self._flow_store("logout").pop(request.args.get("state"))


def _unverified_claims(token: Mapping[str, Any]) -> Mapping[str, Any]:
    """The claims of a stored token's ID token, verified at login; ``{}`` when there are none."""
    try:
        claims = jwt.decode(str(token.get("id_token") or ""), options={"verify_signature": False})
    except jwt.PyJWTError:
        return {}
    return claims if isinstance(claims, Mapping) else {}


def _lock_ttl(timeout: Any) -> float:
    """How long a cross-process refresh lock may be held: a whole token request, with margin."""
    total = sum(t for t in timeout if t) if isinstance(timeout, tuple) else float(timeout or 0) * 2
    return max(40.0, total + 5.0)
