"""Yahoo OpenID Connect, from Yahoo's discovery document and its OpenID Connect and authorization-code guides."""

from tests.providers.recording import Recording

DISCOVERY = {
    "issuer": "https://api.login.yahoo.com",
    "authorization_endpoint": "https://api.login.yahoo.com/oauth2/request_auth",
    "token_endpoint": "https://api.login.yahoo.com/oauth2/get_token",
    "introspection_endpoint": "https://api.login.yahoo.com/oauth2/introspect",
    "userinfo_endpoint": "https://api.login.yahoo.com/openid/v1/userinfo",
    "jwks_uri": "https://api.login.yahoo.com/openid/v1/certs",
    "response_types_supported": ["code", "token", "id_token", "code token", "code id_token", "token id_token",
                                 "code token id_token"],
    "subject_types_supported": ["public"],
    "id_token_signing_alg_values_supported": ["ES256", "RS256"],
    "scopes_supported": ["openid", "mail-r", "sdps-r"],
    "token_endpoint_auth_methods_supported": ["client_secret_basic", "client_secret_post"],
    "claims_supported": ["aud", "email", "email_verified", "birthdate", "exp", "family_name", "given_name", "iat",
                         "iss", "locale", "name", "sub", "auth_time", "nickname", "picture"],
}
USER = {"sub": "FSUSAMPLE7PPNQ", "name": "Ada Yonath", "given_name": "Ada", "family_name": "Yonath",
        "locale": "en-US", "email": "ada.y@yahoo.example", "email_verified": True,
        "picture": "https://s.yimg.com/ag/images/sample_192sq.jpg", "nickname": "ada"}

RECORDING = Recording(
    options={},
    discovery=("https://api.login.yahoo.com/.well-known/openid-configuration", DISCOVERY),
    id_token_alg="ES256",
    authorize_endpoint="https://api.login.yahoo.com/oauth2/request_auth",
    authorize_params={"scope": "openid email profile"},
    token_endpoint="https://api.login.yahoo.com/oauth2/get_token",
    token_answer={"access_token": "sample-yahoo-access", "token_type": "bearer", "expires_in": 3600,
                  "refresh_token": "sample-yahoo-refresh", "xoauth_yahoo_guid": "FSUSAMPLE7PPNQ"},
    id_token_claims={"sub": USER["sub"], "email": USER["email"], "email_verified": True, "name": USER["name"]},
    api={DISCOVERY["userinfo_endpoint"]: USER},
    claims={"sub": USER["sub"], "name": "Ada Yonath", "email": "ada.y@yahoo.example", "picture": USER["picture"]},
    refresh_answer={"access_token": "sample-yahoo-access-2", "token_type": "bearer", "expires_in": 3600,
                    "refresh_token": "sample-yahoo-refresh", "xoauth_yahoo_guid": "FSUSAMPLE7PPNQ"},
)
