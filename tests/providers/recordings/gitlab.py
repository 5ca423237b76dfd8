"""GitLab.com as an OpenID Connect provider, from GitLab's OAuth 2.0 API page and its OIDC provider page."""

from tests.providers.recording import Recording

DISCOVERY = {
    "issuer": "https://gitlab.com",
    "authorization_endpoint": "https://gitlab.com/oauth/authorize",
    "token_endpoint": "https://gitlab.com/oauth/token",
    "revocation_endpoint": "https://gitlab.com/oauth/revoke",
    "introspection_endpoint": "https://gitlab.com/oauth/introspect",
    "userinfo_endpoint": "https://gitlab.com/oauth/userinfo",
    "jwks_uri": "https://gitlab.com/oauth/discovery/keys",
    "scopes_supported": ["api", "read_api", "read_user", "read_repository", "write_repository", "openid", "profile",
                         "email"],
    "response_types_supported": ["code"],
    "response_modes_supported": ["query", "fragment", "form_post"],
    "grant_types_supported": ["authorization_code", "password", "client_credentials", "device_code",
                              "refresh_token"],
    "token_endpoint_auth_methods_supported": ["client_secret_basic", "client_secret_post"],
    "subject_types_supported": ["public"],
    "id_token_signing_alg_values_supported": ["RS256"],
    "code_challenge_methods_supported": ["plain", "S256"],
}
USER = {"sub": "1234567", "sub_legacy": "2435sample", "name": "Margaret Hamilton", "nickname": "mhamilton",
        "preferred_username": "mhamilton", "email": "margaret@example.com", "email_verified": True,
        "website": "https://example.com", "profile": "https://gitlab.com/mhamilton",
        "picture": "https://gitlab.com/uploads/-/system/user/avatar/1234567/avatar.png", "groups": ["apollo"]}

RECORDING = Recording(
    options={},
    discovery=("https://gitlab.com/.well-known/openid-configuration", DISCOVERY),
    authorize_endpoint="https://gitlab.com/oauth/authorize",
    authorize_params={"scope": "openid profile email", "code_challenge_method": "S256"},
    token_endpoint="https://gitlab.com/oauth/token",
    token_answer={"access_token": "sample-gitlab-access", "token_type": "Bearer", "expires_in": 7200,
                  "refresh_token": "sample-gitlab-refresh", "scope": "openid profile email",
                  "created_at": 1764680000},
    client_auth="client_secret_post",
    id_token_claims={"sub": USER["sub"], "sub_legacy": USER["sub_legacy"], "auth_time": 1764679990,
                     "email": USER["email"], "email_verified": True},
    api={DISCOVERY["userinfo_endpoint"]: USER},
    claims={"sub": "1234567", "name": "Margaret Hamilton", "email": "margaret@example.com",
            "picture": USER["picture"], "preferred_username": "mhamilton"},
    refresh_answer={"access_token": "sample-gitlab-access-2", "token_type": "Bearer", "expires_in": 7200,
                    "refresh_token": "sample-gitlab-refresh-2", "scope": "openid profile email",
                    "created_at": 1764687200},
)
