"""Auth0, from a tenant's discovery document and the Authentication API's authorize, token and userinfo pages."""

from tests.providers.recording import Recording

DOMAIN = "dev-sample.us.auth0.com"
DISCOVERY = {
    "issuer": f"https://{DOMAIN}/",
    "authorization_endpoint": f"https://{DOMAIN}/authorize",
    "token_endpoint": f"https://{DOMAIN}/oauth/token",
    "device_authorization_endpoint": f"https://{DOMAIN}/oauth/device/code",
    "userinfo_endpoint": f"https://{DOMAIN}/userinfo",
    "mfa_challenge_endpoint": f"https://{DOMAIN}/mfa/challenge",
    "jwks_uri": f"https://{DOMAIN}/.well-known/jwks.json",
    "registration_endpoint": f"https://{DOMAIN}/oidc/register",
    "revocation_endpoint": f"https://{DOMAIN}/oauth/revoke",
    "end_session_endpoint": f"https://{DOMAIN}/oidc/logout",
    "scopes_supported": ["openid", "profile", "offline_access", "name", "given_name", "family_name", "nickname",
                         "email", "email_verified", "picture", "created_at", "identities", "phone", "address"],
    "response_types_supported": ["code", "token", "id_token", "code token", "code id_token", "token id_token",
                                 "code token id_token"],
    "code_challenge_methods_supported": ["S256", "plain"],
    "response_modes_supported": ["query", "fragment", "form_post"],
    "subject_types_supported": ["public"],
    "id_token_signing_alg_values_supported": ["HS256", "RS256", "PS256"],
    "token_endpoint_auth_methods_supported": ["client_secret_basic", "client_secret_post", "private_key_jwt"],
}
USER = {"sub": "auth0|65f0sample", "nickname": "katherine", "name": "Katherine Johnson",
        "picture": "https://s.gravatar.com/avatar/sample.png", "updated_at": "2026-11-30T09:00:00.000Z",
        "email": "katherine@example.com", "email_verified": True}

RECORDING = Recording(
    options={"domain": DOMAIN, "audience": "https://api.example.com/",
             "client_kwargs": {"scope": "openid profile email offline_access"}},
    discovery=(f"https://{DOMAIN}/.well-known/openid-configuration", DISCOVERY),
    authorize_endpoint=f"https://{DOMAIN}/authorize",
    authorize_params={"scope": "openid profile email offline_access", "audience": "https://api.example.com/"},
    token_endpoint=f"https://{DOMAIN}/oauth/token",
    token_answer={"access_token": "eyJhbGciOi.sample.access", "refresh_token": "v1.sample-refresh",
                  "scope": "openid profile email offline_access", "expires_in": 86400, "token_type": "Bearer"},
    client_auth="client_secret_post",
    id_token_claims={"sub": USER["sub"], "name": USER["name"], "email": USER["email"], "email_verified": True},
    api={DISCOVERY["userinfo_endpoint"]: USER},
    claims={"sub": USER["sub"], "name": "Katherine Johnson", "email": "katherine@example.com",
            "picture": USER["picture"]},
    refresh_answer={"access_token": "eyJhbGciOi.sample.refreshed", "scope": "openid profile email offline_access",
                    "expires_in": 86400, "token_type": "Bearer"},
)
