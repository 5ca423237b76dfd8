"""The provider's metadata document (OIDC Discovery 1.0 3, RFC 8414), following its settings.

PAR, DPoP, ``private_key_jwt`` and request objects are advertised only when the
settings switch them on or a client registered keys, so a provider with the
default settings describes exactly what it did before those features existed.
"""

from __future__ import annotations

from typing import Any

from .client_jwt import CLIENT_ALGORITHMS
from .dpop_checks import DPOP_ALGORITHMS
from .jwt_bearer import JWT_BEARER_GRANT
from .oidc_validator import ENABLED_GRANTS
from .settings import OFF, REQUIRED, SUPPORTED_SCOPES
from .state import ProviderState

SECRET_AUTH_METHODS = ["client_secret_basic", "client_secret_post", "none"]
CLAIMS = [
    "iss", "sub", "aud", "exp", "iat", "auth_time", "nonce", "azp", "at_hash",
    "name", "preferred_username", "given_name", "family_name", "email", "email_verified",
]


def metadata(st: ProviderState) -> dict[str, Any]:
    """The discovery document for the current issuer."""
    iss = st.issuer()
    settings = st.settings
    auth_methods = SECRET_AUTH_METHODS + (["private_key_jwt"] if settings.has_key_clients else [])
    doc: dict[str, Any] = {
        "issuer": iss,
        "authorization_endpoint": f"{iss}/authorize",
        "token_endpoint": f"{iss}/token",
        "userinfo_endpoint": f"{iss}/userinfo",
        "jwks_uri": f"{iss}/jwks",
        "revocation_endpoint": f"{iss}/revoke",
        "end_session_endpoint": f"{iss}/logout",
        "device_authorization_endpoint": f"{iss}/device_authorization",
        "scopes_supported": list(SUPPORTED_SCOPES),
        "response_types_supported": ["code"],
        "response_modes_supported": ["query"],
        "grant_types_supported": list(ENABLED_GRANTS) + ([JWT_BEARER_GRANT] if settings.service_accounts else []),
        "code_challenge_methods_supported": ["S256"],
        "id_token_signing_alg_values_supported": list(settings.id_token_algorithms),
        "token_endpoint_auth_methods_supported": auth_methods,
        "revocation_endpoint_auth_methods_supported": auth_methods,
        "subject_types_supported": ["public"],
        "claims_supported": CLAIMS,
        "prompt_values_supported": ["none", "login", "consent", "select_account"],
        "authorization_response_iss_parameter_supported": True,
        "claims_parameter_supported": False,
        "request_parameter_supported": settings.has_key_clients,
        "request_uri_parameter_supported": False,
    }
    if settings.has_key_clients:
        doc["token_endpoint_auth_signing_alg_values_supported"] = list(CLIENT_ALGORITHMS)
        doc["request_object_signing_alg_values_supported"] = list(CLIENT_ALGORITHMS)
    if settings.par != OFF:
        doc["pushed_authorization_request_endpoint"] = f"{iss}/par"
        doc["require_pushed_authorization_requests"] = settings.par == REQUIRED
    if settings.dpop != OFF:
        doc["dpop_signing_alg_values_supported"] = list(DPOP_ALGORITHMS)
    return doc
