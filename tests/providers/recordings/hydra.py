"""Ory Hydra, from its OpenID Connect discovery and the authorization-code and refresh-token guides."""

from tests.providers.recording import Recording

ISSUER = "https://auth.example.com"
DISCOVERY = {
    "issuer": ISSUER,
    "authorization_endpoint": f"{ISSUER}/oauth2/auth",
    "token_endpoint": f"{ISSUER}/oauth2/token",
    "userinfo_endpoint": f"{ISSUER}/userinfo",
    "jwks_uri": f"{ISSUER}/.well-known/jwks.json",
    "revocation_endpoint": f"{ISSUER}/oauth2/revoke",
    "end_session_endpoint": f"{ISSUER}/oauth2/sessions/logout",
    "registration_endpoint": f"{ISSUER}/oauth2/register",
    "response_types_supported": ["code", "code id_token", "id_token", "token id_token", "token",
                                 "token id_token code"],
    "response_modes_supported": ["query", "fragment", "form_post"],
    "grant_types_supported": ["authorization_code", "implicit", "client_credentials", "refresh_token"],
    "subject_types_supported": ["public"],
    "id_token_signing_alg_values_supported": ["RS256"],
    "scopes_supported": ["offline_access", "offline", "openid"],
    "token_endpoint_auth_methods_supported": ["client_secret_post", "client_secret_basic", "private_key_jwt",
                                              "none"],
    "code_challenge_methods_supported": ["plain", "S256"],
}
USER = {"sub": "c9f1e2d3-sample-user", "email": "hedy@example.com", "email_verified": True,
        "name": "Hedy Lamarr"}

RECORDING = Recording(
    options={"host": "auth.example.com"},
    discovery=(f"{ISSUER}/.well-known/openid-configuration", DISCOVERY),
    authorize_endpoint=f"{ISSUER}/oauth2/auth",
    authorize_params={"scope": "openid offline_access email profile"},
    token_endpoint=f"{ISSUER}/oauth2/token",
    token_answer={"access_token": "ory_at_sample", "expires_in": 3599, "refresh_token": "ory_rt_sample",
                  "scope": "openid offline_access email profile", "token_type": "bearer"},
    id_token_claims={"sub": USER["sub"], "sid": "sample-session", "email": USER["email"]},
    api={DISCOVERY["userinfo_endpoint"]: USER},
    claims={"sub": USER["sub"], "email": "hedy@example.com", "name": "Hedy Lamarr"},
    refresh_answer={"access_token": "ory_at_sample_2", "expires_in": 3599, "refresh_token": "ory_rt_sample_2",
                    "scope": "openid offline_access email profile", "token_type": "bearer"},
)
