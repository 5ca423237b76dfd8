"""``OAuth2App``: an OAuth 2.0 / OpenID Connect remote app, from redirect to API call.

A login flows one way: :meth:`~OAuth2App.authorize_redirect` builds the URL and
saves the flow state; :meth:`~OAuth2App.authorize_access_token` reads the callback
once, pops that state once, checks the callback, exchanges the code, validates the
ID token and returns the token.  ``OAuth2App`` is the façade with Authlib's names;
the work is done by parts with one job each: :class:`.ProviderMetadata` (endpoints),
:class:`.TokenEndpoint` (token, revocation, introspection requests),
:class:`.TokenRenewal` (expiry and refresh) and :class:`.OpenIDConnect` (keys, ID
tokens, userinfo, logout), over the pure protocol of ``authorization`` and ``idtoken``.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping, MutableMapping
from functools import partial
from typing import TYPE_CHECKING, Any

from flask import Flask, has_app_context, request
from werkzeug.wrappers import Response as WerkzeugResponse

from . import authorization
from .authlib_session import AuthlibSessionShim
from .authorization import AuthorizationResponse
from .authorization_start import AuthorizationStart
from .config import ClientConfig
from .context import ClientContext
from .dpop_client import DPoPSigner
from .errors import ConfigurationError, InvalidTokenError
from .fapi_profile import iss_check
from .flowstate import extra_data_of
from .machine_token import machine_grant
from .metadata import USERINFO_ENDPOINT, ProviderMetadata
from .oidc import ServerMetadata
from .openid import OpenIDConnect
from .protocol_client import ProtocolClient
from .remote import RemoteApp
from .renewal import TokenRenewal, place_token
from .token_endpoint import TokenEndpoint
from .userinfo import UserInfo

if TYPE_CHECKING:
    import requests

    from ..flows.device import DeviceAuthorization
    from .answers import ProtocolAnswer
    from .dpop import DPoPKey


class OAuth2App(RemoteApp):
    """An OAuth 2.0 client; OpenID Connect switches on with ``openid`` in the scope."""

    is_oauth2 = True
    _renewal: TokenRenewal
    _dpop: DPoPSigner

    def __init__(
        self, config: ClientConfig, context: ClientContext, flask_app: Flask, userinfo_loader: Any = None
    ) -> None:
        super().__init__(config, context, flask_app)
        self._userinfo_loader = userinfo_loader
        protocol = ProtocolClient(self.session, config.timeout, config.requests_settings)
        static = config.metadata
        discovery = None
        if config.server_metadata_url:
            discovery = ServerMetadata(
                config.server_metadata_url, protocol.get_json, cache=context.cache,
                declared_issuer=static.get("issuer"), issuer_policy=config.issuer_policy,
            )
        self._metadata = ProviderMetadata(config.name, static, discovery)
        self._dpop = DPoPSigner(config.dpop, config.dpop_key, context.cache)
        self._tokens = TokenEndpoint(config, self._metadata, protocol, self._dpop)
        self._start = AuthorizationStart(config, self._metadata, self._tokens)
        self._openid = OpenIDConnect(
            config, self._metadata, protocol, context.cache, logout_states=lambda: self._flow_store("logout")
        )
        self._renewal = TokenRenewal(
            config, refresh=self._tokens.refresh,
            fetch_machine_token=machine_grant(config, self._metadata, self._tokens),
            verify_id_token=self._openid.verify_id_token, cache=context.cache,
        )

    # -- provider metadata ---------------------------------------------------------
    def load_server_metadata(self) -> dict[str, Any]:
        """Provider metadata: discovered (cached, with a TTL) under the static settings."""
        return self._metadata.load()

    @property
    def server_metadata(self) -> dict[str, Any]:
        """The metadata known without fetching (static settings, plus what was loaded)."""
        return self._metadata.known

    # -- authorization request -------------------------------------------------------
    def _authorization_request(
        self, redirect_uri: str | None, params: Mapping[str, Any]
    ) -> authorization.AuthorizationRequest:
        """The authorization request: pushed, signed, DPoP-bound as configured (:mod:`.authorization_start`)."""
        return self._start.build(redirect_uri, params)

    def create_authorization_url(self, redirect_uri: str | None = None, **params: Any) -> dict[str, Any]:
        """Build the authorization URL; return ``{"url", "state", "code_verifier", "nonce", ...}``.

        ``params`` are added to the URL and win over ``authorize_params``.
        Nothing is saved: pass the result to :meth:`save_authorize_data`.
        """
        return self._authorization_request(redirect_uri, params).as_authlib_dict()

    def save_authorize_data(self, **data: Any) -> None:
        """Save the flow state of a :meth:`create_authorization_url` result."""
        state = data.get("state")
        if not state:
            raise ConfigurationError(description="save_authorize_data() needs the state of the authorization URL")
        self._flow_store().save(state, authorization.flow_of(data))

    def authorize_redirect(self, redirect_uri: str | None = None, **params: Any) -> WerkzeugResponse:
        """Start a login: save the flow state and answer with a 302 to the provider."""
        built = self._authorization_request(redirect_uri, params)
        self._flow_store().save(built.state, built.saved_flow())
        return self._redirect(built.url)

    # -- callback and token endpoint --------------------------------------------------
    def authorize_access_token(self, **kwargs: Any) -> dict[str, Any]:
        """Finish a login from the callback request and return the token.

        Handles query and ``form_post`` callbacks.  ``claims_options`` adds ID-token
        checks; other keyword arguments go into the token request.
        """
        return self._finish_authorization(kwargs)[0]

    def authorize_access_token_with_data(self, **kwargs: Any) -> tuple[dict[str, Any], dict[str, Any]]:
        """:meth:`authorize_access_token`, also returning the extra data saved with the login's state.

        That is what :meth:`save_authorize_data` was given beyond the protocol's own
        keys (the ready routes keep the return path there); ``{}`` when there was none.
        """
        token, flow = self._finish_authorization(kwargs)
        return token, extra_data_of(flow)

    def _finish_authorization(self, kwargs: dict[str, Any]) -> tuple[dict[str, Any], dict[str, Any]]:
        """The callback, checked and exchanged: the token and the popped flow state."""
        callback = authorization.read_callback(request.form if request.method == "POST" else request.args)
        store = self._flow_store()
        if callback.error:
            store.discard(callback.state)
            raise callback.provider_error()
        flow = store.pop(callback.state)
        token = self.exchange_callback(callback, flow, **kwargs)
        self.token = token
        return token, flow

    def exchange_callback(
        self, callback: AuthorizationResponse, flow: Mapping[str, Any], **kwargs: Any
    ) -> dict[str, Any]:
        """Exchange the code of a callback whose state and error were checked against ``flow`` (what
        :meth:`save_authorize_data` keeps); check ``iss`` and the ID token; return the token, kept nowhere."""
        metadata = self._metadata.load() if self._metadata.configured else {}
        code = authorization.check_authorization_response(callback, *iss_check(self.config.profile, metadata))
        claims_options = kwargs.pop("claims_options", None)
        # RFC 6749 4.1.3: the redirect_uri of the authorization request, not a new one.
        redirect_uri = flow.get("redirect_uri") or kwargs.pop("redirect_uri", None)
        kwargs.pop("redirect_uri", None)
        if flow.get("code_verifier"):
            kwargs["code_verifier"] = flow["code_verifier"]
        # Signed with the key the authorization request named (dpop_jkt), kept in the flow state.
        token = self.fetch_access_token(redirect_uri, dpop_key=self._dpop.key_of_flow(flow), code=code, **kwargs)
        if flow.get("nonce") is not None:
            if "id_token" not in token:
                raise InvalidTokenError(description="the provider returned no id_token for an openid request")
            token["userinfo"] = self._openid.verify_id_token(
                token, nonce=flow["nonce"], max_age=flow.get("max_age"), claims_options=claims_options
            )
        return token

    def run_local_server(self, host: str = "127.0.0.1", port: int = 0, **options: Any) -> dict[str, Any]:
        """Log in from a terminal through a one-shot loopback server: :func:`.flows.loopback.run_local_server`."""
        from ..flows.loopback import run_local_server

        return run_local_server(self, host, port, **options)

    def fetch_access_token(
        self, redirect_uri: str | None = None, *, dpop_key: DPoPKey | None = None, **kwargs: Any
    ) -> dict[str, Any]:
        """Call the token endpoint: authorization code when ``code=`` is given, else the app's grant.

        ``dpop_key`` signs the request's DPoP proof (the login's key); without it, a new one when DPoP is on.
        """
        return self._tokens.fetch_token(kwargs, redirect_uri, dpop_key)

    def revoke_token(self, token: Mapping[str, Any] | str, token_type_hint: str | None = None) -> None:
        """Revoke a token at the provider's revocation endpoint (RFC 7009)."""
        self._tokens.revoke(token, token_type_hint)

    def introspect_token(self, token: Mapping[str, Any] | str, token_type_hint: str | None = None) -> dict[str, Any]:
        """Ask the provider about a token (RFC 7662) and return its answer; ``answer["active"]`` is a bool.

        The endpoint is the metadata's ``introspection_endpoint``; the client
        authenticates as at the token endpoint.  A token dict sends its access
        token, or its refresh token with ``token_type_hint="refresh_token"``.
        """
        return self._tokens.introspect(token, token_type_hint)

    def _introspection_request(
        self, endpoint: str, token: str, token_type_hint: str | None, **request_kwargs: Any
    ) -> tuple[requests.Response, ProtocolAnswer]:
        return self._tokens.introspection_request(endpoint, token, token_type_hint, **request_kwargs)

    def _get_oauth_client(self, **metadata: Any) -> AuthlibSessionShim:
        """For code written against Authlib's internals (flask-oidc): see :class:`.AuthlibSessionShim`."""
        return AuthlibSessionShim(self, metadata)

    def start_device_authorization(self, scope: str | None = None, **params: Any) -> DeviceAuthorization:
        """Start a device login (RFC 8628): the code to show the user; then :meth:`poll_device_token`."""
        from ..flows.device import start_device_authorization

        return start_device_authorization(self._tokens, scope or self.config.scope, params,
                                          dpop_key=self._dpop.new_key())

    def poll_device_token(
        self, flow: DeviceAuthorization, *, timeout: float | None = None,
        on_pending: Callable[[float], None] | None = None, sleep: Callable[[float], None] = time.sleep,
        clock: Callable[[], float] = time.time,
    ) -> dict[str, Any]:
        """Poll until the user decided (:func:`.flows.device.poll_device_token`); the token, its ID token checked."""
        from ..flows.device import poll_device_token

        verify = partial(self._openid.verify_id_token, nonce=None)
        return poll_device_token(self._tokens, flow, verify_id_token=verify, timeout=timeout, on_pending=on_pending,
                                 sleep=sleep, clock=clock)

    # -- API calls and renewal ----------------------------------------------------------
    def _apply_token(self, token: MutableMapping[str, Any], kwargs: dict[str, Any]) -> MutableMapping[str, Any]:
        token = self._refresh_if_expired(token)
        place_token(token, self.config.token_placement, kwargs)
        return token

    def _refresh_if_expired(self, token: MutableMapping[str, Any]) -> MutableMapping[str, Any]:
        """Renew ``token`` when it expires within the leeway; write the new one back and notify once; return it."""
        self._adopt_renewal(token, self._renewal.renew_if_expired(token))
        return token

    # -- OpenID Connect ---------------------------------------------------------------
    def fetch_jwk_set(self, force: bool = False) -> dict[str, Any]:
        """The provider's JWK set as a dict (cached; ``force`` refetches)."""
        return self._openid.fetch_jwk_set(force)

    def parse_id_token(
        self, token: Mapping[str, Any], nonce: str | None, claims_options: Any = None, leeway: int | None = None
    ) -> UserInfo | None:
        """Validate ``token["id_token"]`` (OIDC Core 3.1.3.7); return its claims, ``None`` without one (as Authlib)."""
        if not token.get("id_token"):
            return None
        return self._openid.verify_id_token(token, nonce, claims_options=claims_options, leeway=leeway)

    def userinfo(self, **kwargs: Any) -> UserInfo:
        """The user's claims from the userinfo endpoint (or the preset's profile mapping).

        When the token carries ID-token claims, the answer's ``sub`` must match
        (OIDC Core 5.3.2).
        """
        token = kwargs.get("token") or (self.token if has_app_context() else None)
        if self._userinfo_loader is not None:
            data = self._userinfo_loader(self, **kwargs)
        else:
            endpoint = self._metadata.require(USERINFO_ENDPOINT)
            response = self._request("GET", endpoint, "userinfo request", stream=True, **kwargs)
            data = self._openid.read_userinfo(response, kwargs.get("timeout", self.config.timeout))
        if self.config.userinfo_compliance_fix is not None:
            data = self.config.userinfo_compliance_fix(self, data)
        return self._openid.bound_userinfo(data, token)

    # -- RP-initiated logout ------------------------------------------------------------
    def create_logout_url(
        self, post_logout_redirect_uri: str | None = None, id_token_hint: str | None = None,
        state: str | None = None, **params: Any,
    ) -> dict[str, Any]:
        """The end-session URL (RP-Initiated Logout 1.0); saves ``state`` when redirecting back."""
        return self._openid.create_logout_url(
            post_logout_redirect_uri, id_token_hint, state, params,
            current_token=lambda: self.token if has_app_context() else None,
        )

    def logout_redirect(
        self, post_logout_redirect_uri: str | None = None, id_token_hint: str | None = None, **params: Any
    ) -> WerkzeugResponse:
        """Answer with a 302 to the provider's end-session endpoint; forgets the token on ``g``."""
        result = self.create_logout_url(post_logout_redirect_uri, id_token_hint, **params)
        self.token = None
        return self._redirect(result["url"])

    def validate_logout_response(self) -> dict[str, Any]:
        """Check the ``state`` the provider sent back after logout; return the saved data."""
        return self._openid.validate_logout_response(request.args.get("state"))
