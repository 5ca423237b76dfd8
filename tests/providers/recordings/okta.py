"""Okta with its default custom authorization server, from Okta's OpenID Connect and authorization-server pages."""

from tests.providers.recording import Recording

ISSUER = "https://dev-123456.okta.com/oauth2/default"
DISCOVERY = {
    "issuer": ISSUER,
    "authorization_endpoint": f"{ISSUER}/v1/authorize",
    "token_endpoint": f"{ISSUER}/v1/token",
    "userinfo_endpoint": f"{ISSUER}/v1/userinfo",
    "registration_endpoint": "https://dev-123456.okta.com/oauth2/v1/clients",
    "jwks_uri": f"{ISSUER}/v1/keys",
    "response_types_supported": ["code", "id_token", "code id_token", "code token", "id_token token",
                                 "code id_token token"],
    "response_modes_supported": ["query", "fragment", "form_post", "okta_post_message"],
    "grant_types_supported": ["authorization_code", "implicit", "refresh_token", "password"],
    "subject_types_supported": ["public"],
    "id_token_signing_alg_values_supported": ["RS256"],
    "scopes_supported": ["openid", "profile", "email", "address", "phone", "offline_access"],
    "token_endpoint_auth_methods_supported": ["client_secret_basic", "client_secret_post", "client_secret_jwt",
                                              "private_key_jwt", "none"],
    "code_challenge_methods_supported": ["S256"],
    "introspection_endpoint": f"{ISSUER}/v1/introspect",
    "revocation_endpoint": f"{ISSUER}/v1/revoke",
    "end_session_endpoint": f"{ISSUER}/v1/logout",
}
USER = {"sub": "00uid4BxXw6I6TV4m0g3", "name": "Dorothy Vaughan", "locale": "en-US", "email": "dorothy@example.com",
        "preferred_username": "dorothy@example.com", "given_name": "Dorothy", "family_name": "Vaughan",
        "zoneinfo": "America/Los_Angeles", "updated_at": 1764680000, "email_verified": True}

RECORDING = Recording(
    options={"domain": "dev-123456.okta.com", "client_kwargs": {"scope": "openid profile email offline_access"}},
    discovery=(f"{ISSUER}/.well-known/openid-configuration", DISCOVERY),
    authorize_endpoint=f"{ISSUER}/v1/authorize",
    authorize_params={"scope": "openid profile email offline_access", "code_challenge_method": "S256"},
    token_endpoint=f"{ISSUER}/v1/token",
    token_answer={"token_type": "Bearer", "expires_in": 3600, "access_token": "eyJraWQi.sample.access",
                  "scope": "openid profile email offline_access", "refresh_token": "sample-okta-refresh"},
    id_token_claims={"sub": USER["sub"], "name": USER["name"], "email": USER["email"], "ver": 1,
                     "preferred_username": USER["preferred_username"]},
    api={DISCOVERY["userinfo_endpoint"]: USER},
    claims={"sub": USER["sub"], "name": "Dorothy Vaughan", "email": "dorothy@example.com",
            "preferred_username": "dorothy@example.com"},
    refresh_answer={"token_type": "Bearer", "expires_in": 3600, "access_token": "eyJraWQi.sample.refreshed",
                    "scope": "openid profile email offline_access", "refresh_token": "sample-okta-refresh-2"},
)
