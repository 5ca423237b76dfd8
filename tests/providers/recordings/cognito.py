"""Amazon Cognito, from the user pool's discovery document and the hosted UI endpoint reference pages."""

from tests.providers.recording import Recording

POOL = "eu-west-1_AbCdEf123"
ISSUER = f"https://cognito-idp.eu-west-1.amazonaws.com/{POOL}"
DOMAIN = "sample-app.auth.eu-west-1.amazoncognito.com"
DISCOVERY = {
    "issuer": ISSUER,
    "authorization_endpoint": f"https://{DOMAIN}/oauth2/authorize",
    "token_endpoint": f"https://{DOMAIN}/oauth2/token",
    "userinfo_endpoint": f"https://{DOMAIN}/oauth2/userInfo",
    "revocation_endpoint": f"https://{DOMAIN}/oauth2/revoke",
    "end_session_endpoint": f"https://{DOMAIN}/logout",
    "jwks_uri": f"{ISSUER}/.well-known/jwks.json",
    "response_types_supported": ["code", "token"],
    "scopes_supported": ["openid", "email", "phone", "profile"],
    "subject_types_supported": ["public"],
    "id_token_signing_alg_values_supported": ["RS256"],
    "token_endpoint_auth_methods_supported": ["client_secret_basic", "client_secret_post"],
}
USER = {"sub": "9a1b2c3d-sample-4e5f", "email_verified": "true", "email": "grace.h@example.com",
        "username": "grace", "name": "Grace Hopper"}

RECORDING = Recording(
    options={"domain": DOMAIN, "user_pool_id": POOL},
    discovery=(f"{ISSUER}/.well-known/openid-configuration", DISCOVERY),
    authorize_endpoint=f"https://{DOMAIN}/oauth2/authorize",
    authorize_params={"scope": "openid email profile", "code_challenge_method": "S256"},
    token_endpoint=f"https://{DOMAIN}/oauth2/token",
    token_answer={"access_token": "eyJraWQi.sample.access", "refresh_token": "eyJjdHki.sample.refresh",
                  "token_type": "Bearer", "expires_in": 3600},
    id_token_claims={"sub": USER["sub"], "token_use": "id", "cognito:username": "grace", "email": USER["email"],
                     "email_verified": True, "auth_time": 1764680000},
    api={DISCOVERY["userinfo_endpoint"]: USER},
    claims={"sub": USER["sub"], "email": "grace.h@example.com", "email_verified": True, "name": "Grace Hopper",
            "preferred_username": "grace"},
    refresh_answer={"access_token": "eyJraWQi.sample.refreshed", "token_type": "Bearer", "expires_in": 3600},
)
