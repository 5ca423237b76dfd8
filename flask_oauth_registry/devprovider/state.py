"""The per-app provider state (settings, key, store, counters, oauthlib servers and endpoints) the views share."""

from __future__ import annotations

from dataclasses import dataclass

from flask import current_app, has_request_context, request
from oauthlib.oauth2.rfc8628.endpoints import DeviceAuthorizationEndpoint
from oauthlib.openid import Server

from .dpop_checks import DPoPVerifier
from .keys import KeySet, SigningKey
from .oauth1_validator import OAuth1Endpoints
from .settings import ProviderSettings
from .stats import Stats
from .store import Store

EXTENSION_KEY = "devprovider"


def issuer_for(settings: ProviderSettings) -> str:
    """The configured issuer, else the base URL the current request came in on."""
    if settings.issuer:
        return settings.issuer.rstrip("/")
    if has_request_context():
        return request.host_url.rstrip("/")
    return "http://127.0.0.1"


@dataclass(frozen=True)
class ProviderState:
    """Everything one provider app owns; stored in ``app.extensions["devprovider"]``."""

    settings: ProviderSettings
    key: SigningKey
    store: Store
    stats: Stats
    oidc: Server
    oauth1: OAuth1Endpoints
    #: The device authorization endpoint (RFC 8628 3.1); ``/token`` answers the device_code grant.
    device: DeviceAuthorizationEndpoint
    #: The ID-token signing keys (``key`` plus an ES256 key when a client wants one), published at ``/jwks``.
    keys: KeySet
    #: DPoP proof checks with replay memory and nonces (RFC 9449), shared by ``/token``, ``/par`` and resources.
    dpop: DPoPVerifier

    def issuer(self) -> str:
        """See :func:`issuer_for`."""
        return issuer_for(self.settings)

    def endpoint(self, path: str) -> str:
        """Absolute URL of one of the provider's paths."""
        return self.issuer() + path


def provider_state() -> ProviderState:
    """The state of the app handling the current request."""
    return current_app.extensions[EXTENSION_KEY]
