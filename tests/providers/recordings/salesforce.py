"""Salesforce, from the web server flow, OpenID Connect discovery, userinfo and refresh-token help pages."""

from tests.providers.recording import Recording

LOGIN = "https://login.salesforce.com"
DISCOVERY = {
    "issuer": LOGIN,
    "authorization_endpoint": f"{LOGIN}/services/oauth2/authorize",
    "token_endpoint": f"{LOGIN}/services/oauth2/token",
    "revocation_endpoint": f"{LOGIN}/services/oauth2/revoke",
    "userinfo_endpoint": f"{LOGIN}/services/oauth2/userinfo",
    "jwks_uri": f"{LOGIN}/id/keys",
    "introspection_endpoint": f"{LOGIN}/services/oauth2/introspect",
    "scopes_supported": ["id", "api", "web", "full", "chatter_api", "visualforce", "refresh_token", "openid",
                         "profile", "email", "address", "phone", "offline_access"],
    "response_types_supported": ["code", "token", "token id_token"],
    "subject_types_supported": ["public"],
    "id_token_signing_alg_values_supported": ["RS256"],
    "display_values_supported": ["page", "popup", "touch"],
    "token_endpoint_auth_methods_supported": ["client_secret_post", "client_secret_basic", "private_key_jwt"],
}
ORG, USER_ID = "00D5g000000SAMPLE", "0055g000000SAMPLE"
IDENTITY = f"{LOGIN}/id/{ORG}/{USER_ID}"
INSTANCE = "https://acme.my.salesforce.com"
USER = {"sub": IDENTITY, "user_id": USER_ID, "organization_id": ORG, "preferred_username": "joan@acme.example",
        "nickname": "joan", "name": "Joan Clarke", "email": "joan@acme.example", "email_verified": True,
        "given_name": "Joan", "family_name": "Clarke", "zoneinfo": "Europe/London", "locale": "en_GB",
        "picture": f"{INSTANCE}/profilephoto/005/F", "profile": f"{INSTANCE}/{USER_ID}"}
SCOPE = "openid profile email api refresh_token"

RECORDING = Recording(
    options={"client_kwargs": {"scope": SCOPE}},
    discovery=(f"{LOGIN}/.well-known/openid-configuration", DISCOVERY),
    authorize_endpoint=f"{LOGIN}/services/oauth2/authorize",
    authorize_params={"scope": SCOPE, "code_challenge_method": "S256"},
    token_endpoint=f"{LOGIN}/services/oauth2/token",
    token_answer={"access_token": "00D5g000000SAMPLE!sample.access", "refresh_token": "5Aep861sample.refresh",
                  "signature": "c2FtcGxlLXNpZ25hdHVyZQ==", "scope": "refresh_token openid profile email api",
                  "instance_url": INSTANCE, "id": IDENTITY, "token_type": "Bearer", "issued_at": "1764680000000"},
    client_auth="client_secret_post",
    id_token_claims={"sub": IDENTITY, "email": USER["email"], "email_verified": True, "name": USER["name"]},
    api={DISCOVERY["userinfo_endpoint"]: USER},
    claims={"sub": IDENTITY, "email": "joan@acme.example", "name": "Joan Clarke", "picture": USER["picture"]},
    refresh_answer={"access_token": "00D5g000000SAMPLE!sample.refreshed", "signature": "c2FtcGxlLTI=",
                    "scope": "refresh_token openid profile email api", "instance_url": INSTANCE, "id": IDENTITY,
                    "token_type": "Bearer", "issued_at": "1764683600000"},
)
