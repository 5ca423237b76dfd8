"""Embedded OpenID Provider + OAuth 1.0a provider on 127.0.0.1, for DEVELOPMENT AND TESTS ONLY.

It serves OIDC discovery, JWKS, an authorization endpoint with a plain
login + consent page, token (authorization code + PKCE, rotating refresh
tokens, client credentials, device codes), the device authorization endpoint and
its verification page (RFC 8628), userinfo, revocation, RP-initiated logout,
protected ``/api/me`` and ``/api/files`` (scope ``files.read``, for incremental
authorization with ``include_granted_scopes``), the OAuth 1.0a endpoints under
``/oauth1/`` and test counters under ``/_dev/``.  Pushed authorization
requests (``/par``), DPoP-bound tokens with nonces, signed request objects and
``private_key_jwt`` are there for FAPI 2.0 clients, optional by default and
switchable to required (``ProviderSettings(par=..., dpop=..., dpop_nonce=...)``).
It is built on oauthlib's server classes.

Never use it in production: users sign in without a password, tokens live in
memory, any loopback redirect URI is accepted and the consent form has no CSRF
protection.  It sets no environment variables (oauthlib's server side does not
need ``OAUTHLIB_INSECURE_TRANSPORT``; clients talking to it over http may).

Defaults: OAuth 2 clients ``demo-client`` / ``demo-secret`` (confidential) and
``demo-public`` (public, PKCE S256 required); OAuth 1 client
``demo-oauth1-key`` / ``demo-oauth1-secret``; users ``alice`` and ``bob``.

Run it::

    python -m flask_oauth_registry.devprovider --port 5556

Use it from pytest::

    import pytest
    from flask_oauth_registry.devprovider import serve

    @pytest.fixture(scope="session")
    def provider():
        with serve() as running:          # free port on 127.0.0.1, daemon thread
            yield running                 # running.url is the issuer

    def test_refresh_counted(provider):
        provider.reset_stats()
        ...                               # drive a client against provider.metadata_url
        assert provider.stats()["refresh_requests"] == 1

Other processes can read the same counters with ``GET {url}/_dev/stats`` and
zero them with ``POST {url}/_dev/reset``.
"""

from .app import create_app
from .server import RunningProvider, serve
from .settings import (
    DEMO_CLIENT_ID,
    DEMO_CLIENT_SECRET,
    DEMO_OAUTH1_KEY,
    DEMO_OAUTH1_SECRET,
    DEMO_PUBLIC_CLIENT_ID,
    OAuth1ClientConfig,
    OAuth2ClientConfig,
    ProviderSettings,
    ServiceAccountConfig,
    UserConfig,
    load_settings,
    settings_from_dict,
)

__all__ = [
    "DEMO_CLIENT_ID",
    "DEMO_CLIENT_SECRET",
    "DEMO_OAUTH1_KEY",
    "DEMO_OAUTH1_SECRET",
    "DEMO_PUBLIC_CLIENT_ID",
    "OAuth1ClientConfig",
    "OAuth2ClientConfig",
    "ProviderSettings",
    "RunningProvider",
    "ServiceAccountConfig",
    "UserConfig",
    "create_app",
    "load_settings",
    "serve",
    "settings_from_dict",
]
