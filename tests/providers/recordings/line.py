"""LINE Login v2.1, from LINE's discovery document, the Login integration guide and the API reference.

The whole-login test signs the ID token with ES256 as the discovery document
names; tests/providers/test_line.py covers the HS256 (channel secret) ID tokens of web logins.
"""

from tests.providers.recording import Recording

DISCOVERY = {
    "issuer": "https://access.line.me",
    "authorization_endpoint": "https://access.line.me/oauth2/v2.1/authorize",
    "token_endpoint": "https://api.line.me/oauth2/v2.1/token",
    "revocation_endpoint": "https://api.line.me/oauth2/v2.1/revoke",
    "userinfo_endpoint": "https://api.line.me/oauth2/v2.1/userinfo",
    "scopes_supported": ["openid", "profile", "email"],
    "jwks_uri": "https://api.line.me/oauth2/v2.1/certs",
    "response_types_supported": ["code"],
    "subject_types_supported": ["pairwise"],
    "id_token_signing_alg_values_supported": ["ES256"],
    "code_challenge_methods_supported": ["S256"],
}
SUB = "U4af4980629sample0c5ce9a3b1d2e3f4"
USER = {"sub": SUB, "name": "Taro Line", "picture": "https://profile.line-scdn.net/0h-sample"}

RECORDING = Recording(
    options={},
    discovery=("https://access.line.me/.well-known/openid-configuration", DISCOVERY),
    id_token_alg="ES256",
    authorize_endpoint="https://access.line.me/oauth2/v2.1/authorize",
    authorize_params={"scope": "openid profile email", "code_challenge_method": "S256"},
    token_endpoint="https://api.line.me/oauth2/v2.1/token",
    token_answer={"access_token": "bNl4YEFPI-sample-access", "expires_in": 2592000, "refresh_token": "Aa1FdeggRhTn",
                  "scope": "profile openid email", "token_type": "Bearer"},
    client_auth="client_secret_post",
    id_token_claims={"sub": SUB, "amr": ["pwd"], "name": "Taro Line", "picture": USER["picture"],
                     "email": "taro.line@example.com"},
    api={DISCOVERY["userinfo_endpoint"]: USER},
    claims={"sub": SUB, "name": "Taro Line", "picture": USER["picture"], "email": "taro.line@example.com"},
    refresh_answer={"token_type": "Bearer", "scope": "profile openid email", "access_token": "bNl4YEFPI-sample-2",
                    "expires_in": 2592000, "refresh_token": "8iFFRdyxNVNLWYeteMMJ"},
)
