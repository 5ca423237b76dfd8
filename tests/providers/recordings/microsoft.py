"""Microsoft identity platform v2.0 with tenant="organizations", from its OpenID Connect and auth-code pages."""

from tests.providers.recording import Recording

TENANT = "72f988bf-86f1-41af-91ab-2d7cd011db47"
DISCOVERY = {
    "issuer": "https://login.microsoftonline.com/{tenantid}/v2.0",
    "authorization_endpoint": "https://login.microsoftonline.com/organizations/oauth2/v2.0/authorize",
    "token_endpoint": "https://login.microsoftonline.com/organizations/oauth2/v2.0/token",
    "userinfo_endpoint": "https://graph.microsoft.com/oidc/userinfo",
    "end_session_endpoint": "https://login.microsoftonline.com/organizations/oauth2/v2.0/logout",
    "jwks_uri": "https://login.microsoftonline.com/organizations/discovery/v2.0/keys",
    "response_modes_supported": ["query", "fragment", "form_post"],
    "response_types_supported": ["code", "id_token", "code id_token", "id_token token"],
    "scopes_supported": ["openid", "profile", "email", "offline_access"],
    "subject_types_supported": ["pairwise"],
    "id_token_signing_alg_values_supported": ["RS256"],
    "token_endpoint_auth_methods_supported": ["client_secret_post", "private_key_jwt", "client_secret_basic"],
}
USER = {"sub": "AAAAAAAAAAAAAAAAAAAAAIkzqFVrSaSaFHy782bbtaQ", "name": "Megan Bowen", "family_name": "Bowen",
        "given_name": "Megan", "picture": "https://graph.microsoft.com/v1.0/me/photo/$value",
        "email": "megan@contoso.example"}

RECORDING = Recording(
    options={"tenant": "organizations"},
    discovery=("https://login.microsoftonline.com/organizations/v2.0/.well-known/openid-configuration", DISCOVERY),
    authorize_endpoint="https://login.microsoftonline.com/organizations/oauth2/v2.0/authorize",
    authorize_params={"scope": "openid email profile offline_access"},
    token_endpoint="https://login.microsoftonline.com/organizations/oauth2/v2.0/token",
    token_answer={"token_type": "Bearer", "scope": "openid email profile offline_access User.Read",
                  "expires_in": 3599, "ext_expires_in": 3599, "access_token": "eyJ0eXAi.sample.access",
                  "refresh_token": "0.AAAA-sample-refresh"},
    id_token_claims={"iss": f"https://login.microsoftonline.com/{TENANT}/v2.0", "tid": TENANT, "sub": USER["sub"],
                     "oid": "00000000-0000-0000-66f3-3332eca7ea81", "preferred_username": "megan@contoso.example",
                     "name": "Megan Bowen", "ver": "2.0"},
    api={DISCOVERY["userinfo_endpoint"]: USER},
    claims={"sub": USER["sub"], "name": "Megan Bowen", "email": "megan@contoso.example"},
    refresh_answer={"token_type": "Bearer", "expires_in": 3599, "access_token": "eyJ0eXAi.sample.refreshed",
                    "refresh_token": "0.AAAA-sample-refresh-2", "scope": "openid email profile offline_access"},
)
