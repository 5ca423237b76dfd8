"""``AuthorizationStart``: an OAuth 2 app's authorization request, plain or sender-constrained.

The plain request is :func:`.authorization.build_authorization_request`'s.  With
DPoP on, a key is made for the login, named by ``dpop_jkt`` (RFC 9449 10) and kept
in the flow state like the PKCE verifier; with ``request_object`` the parameters
travel as a signed ``request`` JWT (RFC 9101); with PAR (``par``, or the metadata's
``require_pushed_authorization_requests``) they are pushed and the browser gets only
``client_id`` and ``request_uri`` (RFC 9126).  The flow state is the same either way.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace
from typing import Any

from . import authorization
from .config import ClientConfig
from .dpop import TOKEN_KEY_MEMBER
from .metadata import AUTHORIZATION_ENDPOINT, ISSUER, ProviderMetadata
from .par import must_push, pushed_authorization_url
from .request_object import request_object_params
from .token_endpoint import TokenEndpoint


class AuthorizationStart:
    """Builds one app's authorization requests; pushes them through ``tokens`` when PAR applies."""

    def __init__(self, config: ClientConfig, metadata: ProviderMetadata, tokens: TokenEndpoint) -> None:
        self.config = config
        self.metadata = metadata
        self.tokens = tokens

    def build(self, redirect_uri: str | None, params: Mapping[str, Any]) -> authorization.AuthorizationRequest:
        """The authorization request for this app: ``params`` win over ``authorize_params``."""
        config = self.config
        endpoint = self.metadata.require(AUTHORIZATION_ENDPOINT, config.authorize_url)
        key = self.tokens.dpop.new_key()
        if key is not None:
            params = {"dpop_jkt": key.thumbprint, **params}
        built = authorization.build_authorization_request(
            endpoint,
            config.client_id,
            redirect_uri or config.redirect_uri,
            config.scope,
            default_params=config.authorize_params,
            params=params,
            code_challenge_method=config.code_challenge_method,
            openid=config.is_oidc,
        )
        if key is not None and key.per_login:
            built.flow[TOKEN_KEY_MEMBER] = key.private_jwk()
        push = must_push(config.par, self.metadata.load() if self.metadata.configured else {})
        if not (push or config.request_object):
            return built
        return self._constrained(built, endpoint, push)

    def _constrained(
        self, built: authorization.AuthorizationRequest, endpoint: str, push: bool
    ) -> authorization.AuthorizationRequest:
        """``built`` as a request object and/or pushed: the same state and flow, another URL."""
        params = built.params
        client_id = self.config.client_id or ""
        if self.config.request_object:
            issuer = self.metadata.require(ISSUER)
            params = request_object_params(params, client_id, issuer, self.config.request_signing)
        if push:
            request_uri = self.tokens.push_authorization_request(params)
            return replace(built, url=pushed_authorization_url(endpoint, client_id, request_uri), params=params)
        separator = "&" if "?" in endpoint else "?"
        return replace(built, url=endpoint + separator + authorization.encode_query(params), params=params)
