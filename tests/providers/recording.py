"""``Recording``: what a provider's public documentation says a login looks like, as data for the login test.

One module per preset in ``tests/providers/recordings/<name>.py`` defines
``RECORDING``: the endpoints the provider documents, the answers it documents
(in this project's own words and sample values), and the normalized claims
``userinfo()`` must produce from them.  ``test_preset_logins.py`` replays each
through Flask's test client and requests-mock.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal


@dataclass(frozen=True)
class Recording:
    """One preset's documented login: authorization redirect, token exchange, profile, refresh."""

    #: register() keywords besides client_id/client_secret (the preset's options: ``tenant=``, ``host=``...).
    options: dict[str, Any]
    #: ``scheme://host/path`` the browser is sent to.
    authorize_endpoint: str
    #: ``scheme://host/path`` the code is exchanged at.
    token_endpoint: str
    #: The token answer as documented (a JSON object, or text such as a form-encoded body).
    token_answer: dict[str, Any] | str
    #: Normalized claims ``userinfo()`` must return (a subset; ``sub`` always included).
    claims: dict[str, Any]
    #: Query parameters the authorization redirect must carry (a subset), e.g. the default scope.
    authorize_params: dict[str, str] = field(default_factory=dict)
    token_content_type: str = "application/json"
    #: How the token request authenticates: ``client_secret_basic``, ``client_secret_post``, ``none``,
    #: or ``custom`` (the preset-specific test checks it; the login test checks only that the code is sent).
    client_auth: Literal["client_secret_basic", "client_secret_post", "none", "custom"] = "client_secret_basic"
    #: The client secret given to register(); ``None`` for presets that make their own (Apple).
    client_secret: str | None = "test-client-secret"
    #: Headers the token request must carry (a subset, case-insensitive names).
    token_headers: dict[str, str] = field(default_factory=dict)
    #: OpenID Connect: the discovery URL and document (its ``jwks_uri`` is served with a generated key).
    discovery: tuple[str, dict[str, Any]] | None = None
    #: Claims of the ID token the provider issues (``iss``, ``aud``, ``nonce``, ``iat``, ``exp`` are added).
    id_token_claims: dict[str, Any] = field(default_factory=dict)
    id_token_alg: str = "RS256"
    #: GET answers of the provider's API (profile, e-mails...): absolute URL -> JSON.
    api: dict[str, Any] = field(default_factory=dict)
    #: Headers every profile call must carry (a subset), e.g. ``Client-Id``.
    api_headers: dict[str, str] = field(default_factory=dict)
    #: The answer to a refresh; ``None`` for providers whose tokens do not refresh.
    refresh_answer: dict[str, Any] | None = None
    #: ``POST`` for providers answering with ``response_mode=form_post`` (Apple).
    callback_method: Literal["GET", "POST"] = "GET"
    #: More fields the provider sends to the callback (Apple's first-login ``user``).
    callback_fields: dict[str, str] = field(default_factory=dict)
    #: ``oauth1``: OAuth 1.0a (request token first); ``jwt_bearer``: no browser (service accounts).
    flow: Literal["code", "oauth1", "jwt_bearer"] = "code"
    #: OAuth 1.0a: the temporary-credentials endpoint.
    request_token_endpoint: str | None = None
    #: The method of the profile calls in ``api``: ``POST`` for RPC-style APIs (Dropbox's ``get_current_account``).
    api_method: Literal["GET", "POST"] = "GET"
