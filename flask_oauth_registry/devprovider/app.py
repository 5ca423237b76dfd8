"""The Flask application factory: wires settings, key, store and oauthlib servers to the views."""

from __future__ import annotations

import secrets
from functools import partial

from flask import Flask

from .device_grant import DevDeviceAuthorizationEndpoint
from .device_views import blueprint as device_blueprint
from .dpop_binding import TokenBinding, install
from .dpop_checks import DPoPNonces, DPoPVerifier
from .keys import key_set, load_or_generate
from .login import current_login
from .oauth1_validator import DevOAuth1Validator, OAuth1Endpoints
from .oauth1_views import blueprint as oauth1_blueprint
from .oidc_validator import DevOIDCValidator, create_oidc_server
from .par_views import blueprint as par_blueprint
from .settings import DEVICE_CODE_GRANT, ProviderSettings
from .state import EXTENSION_KEY, ProviderState, issuer_for
from .stats import Stats
from .store import Store
from .views import blueprint as oidc_blueprint


def create_app(settings: ProviderSettings | None = None) -> Flask:
    """Build the provider as a Flask app (development and tests only).

    With ``settings.issuer`` unset, the issuer is derived from each request's
    host URL; :func:`~flask_oauth_registry.devprovider.serve` sets it to the
    bound address instead.  No environment variable (such as
    ``OAUTHLIB_INSECURE_TRANSPORT``) is set: oauthlib's server side needs none.
    """
    settings = settings or ProviderSettings()
    key = load_or_generate(settings.key_file)
    keys = key_set(key, settings.id_token_algorithms)
    store = Store()
    oidc_validator = DevOIDCValidator(
        settings, store, keys, partial(issuer_for, settings), current_login
    )
    oauth1_validator = DevOAuth1Validator(settings, store, dummy_rsa_key=key.public_pem)
    stats = Stats()
    nonces = DPoPNonces(settings.dpop_nonce_ttl) if settings.dpop_nonce else None
    dpop = DPoPVerifier(
        settings.dpop_proof_window, lambda jkt, jti, ttl: store.use_nonce(("dpop", jkt, jti), ttl), nonces,
        count=stats.incr,
    )
    oidc = create_oidc_server(oidc_validator, settings.access_token_ttl)
    install(
        TokenBinding(settings, dpop),
        [oidc.auth_grant, oidc.openid_connect_auth, oidc.refresh_grant, oidc.credentials_grant,
         oidc.grant_types[DEVICE_CODE_GRANT]],
    )
    state = ProviderState(
        settings=settings,
        key=key,
        store=store,
        stats=stats,
        oidc=oidc,
        oauth1=OAuth1Endpoints.create(oauth1_validator),
        device=DevDeviceAuthorizationEndpoint(oidc_validator, settings, partial(issuer_for, settings)),
        keys=keys,
        dpop=dpop,
    )

    app = Flask(__name__)
    app.secret_key = settings.secret_key or secrets.token_hex(32)
    app.config.update(
        SESSION_COOKIE_NAME="devprovider_session",
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SAMESITE="Lax",
    )
    app.extensions[EXTENSION_KEY] = state
    app.register_blueprint(oidc_blueprint)
    app.register_blueprint(oauth1_blueprint)
    app.register_blueprint(device_blueprint)
    app.register_blueprint(par_blueprint)
    return app
