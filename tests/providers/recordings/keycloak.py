"""Keycloak, from a realm's discovery document and the securing-apps guide's OpenID Connect endpoints."""

from tests.providers.recording import Recording

REALM = "https://sso.example.com/realms/staff"
OIDC = f"{REALM}/protocol/openid-connect"
DISCOVERY = {
    "issuer": REALM,
    "authorization_endpoint": f"{OIDC}/auth",
    "token_endpoint": f"{OIDC}/token",
    "introspection_endpoint": f"{OIDC}/token/introspect",
    "userinfo_endpoint": f"{OIDC}/userinfo",
    "end_session_endpoint": f"{OIDC}/logout",
    "jwks_uri": f"{OIDC}/certs",
    "revocation_endpoint": f"{OIDC}/revoke",
    "device_authorization_endpoint": f"{OIDC}/auth/device",
    "grant_types_supported": ["authorization_code", "implicit", "refresh_token", "password", "client_credentials"],
    "response_types_supported": ["code", "none", "id_token", "token", "id_token token", "code id_token"],
    "subject_types_supported": ["public", "pairwise"],
    "id_token_signing_alg_values_supported": ["PS384", "ES384", "RS384", "HS256", "RS256", "ES256", "PS256"],
    "scopes_supported": ["openid", "profile", "email", "offline_access", "roles", "web-origins"],
    "token_endpoint_auth_methods_supported": ["private_key_jwt", "client_secret_basic", "client_secret_post",
                                              "tls_client_auth", "client_secret_jwt"],
    "code_challenge_methods_supported": ["plain", "S256"],
}
USER = {"sub": "f2a1c3d4-5e6f-4a7b-8c9d-0e1f2a3b4c5d", "email_verified": True, "name": "Mary Jackson",
        "preferred_username": "mjackson", "given_name": "Mary", "family_name": "Jackson",
        "email": "mary@example.com"}

RECORDING = Recording(
    options={"host": "sso.example.com", "realm": "staff"},
    discovery=(f"{REALM}/.well-known/openid-configuration", DISCOVERY),
    authorize_endpoint=f"{OIDC}/auth",
    authorize_params={"scope": "openid profile email"},
    token_endpoint=f"{OIDC}/token",
    token_answer={"access_token": "eyJhbGciOi.sample.access", "expires_in": 300, "refresh_expires_in": 1800,
                  "refresh_token": "eyJhbGciOi.sample.refresh", "token_type": "Bearer", "not-before-policy": 0,
                  "session_state": "0b7f1c2e-sample", "scope": "openid profile email"},
    id_token_claims={"sub": USER["sub"], "typ": "ID", "azp": "test-client-id", "preferred_username": "mjackson",
                     "email": USER["email"], "email_verified": True, "name": USER["name"]},
    api={DISCOVERY["userinfo_endpoint"]: USER},
    claims={"sub": USER["sub"], "name": "Mary Jackson", "email": "mary@example.com",
            "preferred_username": "mjackson"},
    refresh_answer={"access_token": "eyJhbGciOi.sample.refreshed", "expires_in": 300, "refresh_expires_in": 1800,
                    "refresh_token": "eyJhbGciOi.sample.refresh-2", "token_type": "Bearer", "not-before-policy": 0,
                    "session_state": "0b7f1c2e-sample", "scope": "openid profile email"},
)
