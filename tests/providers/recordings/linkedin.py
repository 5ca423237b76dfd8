"""Sign In with LinkedIn using OpenID Connect, from LinkedIn's discovery document and its sign-in guide."""

from tests.providers.recording import Recording

DISCOVERY = {
    "issuer": "https://www.linkedin.com/oauth",
    "authorization_endpoint": "https://www.linkedin.com/oauth/v2/authorization",
    "token_endpoint": "https://www.linkedin.com/oauth/v2/accessToken",
    "userinfo_endpoint": "https://api.linkedin.com/v2/userinfo",
    "jwks_uri": "https://www.linkedin.com/oauth/openid/jwks",
    "response_types_supported": ["code"],
    "subject_types_supported": ["pairwise"],
    "id_token_signing_alg_values_supported": ["RS256"],
    "scopes_supported": ["openid", "profile", "email"],
    "claims_supported": ["iss", "aud", "iat", "exp", "sub", "name", "given_name", "family_name", "picture", "email",
                         "email_verified", "locale"],
}
USER = {"sub": "yQ2mT7-kd3", "email_verified": True, "name": "Rosa Parks", "given_name": "Rosa",
        "family_name": "Parks", "locale": {"country": "US", "language": "en"}, "email": "rosa@example.com",
        "picture": "https://media.licdn.com/dms/image/sample/profile-displayphoto-shrink_100_100/0/"}

RECORDING = Recording(
    options={},
    discovery=("https://www.linkedin.com/oauth/.well-known/openid-configuration", DISCOVERY),
    authorize_endpoint="https://www.linkedin.com/oauth/v2/authorization",
    authorize_params={"scope": "openid profile email"},
    token_endpoint="https://www.linkedin.com/oauth/v2/accessToken",
    token_answer={"access_token": "AQV-sample-access", "expires_in": 5183999, "scope": "email,openid,profile",
                  "token_type": "Bearer"},
    client_auth="client_secret_post",
    id_token_claims={"sub": USER["sub"], "email": USER["email"], "email_verified": True, "name": USER["name"]},
    api={DISCOVERY["userinfo_endpoint"]: USER},
    claims={"sub": USER["sub"], "name": "Rosa Parks", "email": "rosa@example.com", "picture": USER["picture"],
            "locale": "en-US", "email_verified": True},
)
