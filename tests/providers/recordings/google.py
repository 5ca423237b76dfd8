"""Google Identity (OpenID Connect), from Google's discovery document and OpenID Connect guide."""

from tests.providers.recording import Recording

DISCOVERY = {
    "issuer": "https://accounts.google.com",
    "authorization_endpoint": "https://accounts.google.com/o/oauth2/v2/auth",
    "token_endpoint": "https://oauth2.googleapis.com/token",
    "userinfo_endpoint": "https://openidconnect.googleapis.com/v1/userinfo",
    "revocation_endpoint": "https://oauth2.googleapis.com/revoke",
    "jwks_uri": "https://www.googleapis.com/oauth2/v3/certs",
    "response_types_supported": ["code", "token", "id_token", "code token", "code id_token", "none"],
    "subject_types_supported": ["public"],
    "id_token_signing_alg_values_supported": ["RS256"],
    "scopes_supported": ["openid", "email", "profile"],
    "token_endpoint_auth_methods_supported": ["client_secret_post", "client_secret_basic"],
    "code_challenge_methods_supported": ["plain", "S256"],
}
USER = {
    "sub": "108234567890123456789", "name": "Grace Hopper", "given_name": "Grace", "family_name": "Hopper",
    "picture": "https://lh3.googleusercontent.com/a/grace", "email": "grace@example.com", "email_verified": True,
    "locale": "en",
}

RECORDING = Recording(
    options={},
    discovery=("https://accounts.google.com/.well-known/openid-configuration", DISCOVERY),
    authorize_endpoint="https://accounts.google.com/o/oauth2/v2/auth",
    authorize_params={"scope": "openid email profile", "code_challenge_method": "S256"},
    token_endpoint="https://oauth2.googleapis.com/token",
    token_answer={
        "access_token": "ya29.sample-access", "expires_in": 3599, "token_type": "Bearer",
        "scope": "openid https://www.googleapis.com/auth/userinfo.email https://www.googleapis.com/auth/userinfo.profile",
        "refresh_token": "1//sample-refresh",
    },
    id_token_claims={"sub": USER["sub"], "email": USER["email"], "email_verified": True, "azp": "test-client-id"},
    api={DISCOVERY["userinfo_endpoint"]: USER},
    claims={"sub": USER["sub"], "email": "grace@example.com", "name": "Grace Hopper", "picture": USER["picture"]},
    refresh_answer={"access_token": "ya29.sample-refreshed", "expires_in": 3599, "token_type": "Bearer"},
)
