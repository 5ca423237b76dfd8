"""Log in with PayPal (sandbox), from the integration guide, the identity API's userinfo and the REST auth page.

PayPal answers ``expires_in`` as a string.  The discovery document is the
sandbox's OpenID Connect configuration, its endpoints as PayPal names them.
"""

from tests.providers.recording import Recording

DISCOVERY = {
    "issuer": "https://www.sandbox.paypal.com",
    "authorization_endpoint": "https://www.sandbox.paypal.com/signin/authorize",
    "token_endpoint": "https://api-m.sandbox.paypal.com/v1/oauth2/token",
    "userinfo_endpoint": "https://api-m.sandbox.paypal.com/v1/oauth2/token/userinfo",
    "jwks_uri": "https://api-m.sandbox.paypal.com/v1/oauth2/certs",
    "scopes_supported": ["openid", "email", "address", "phone", "profile",
                         "https://uri.paypal.com/services/paypalattributes"],
    "response_types_supported": ["code", "code id_token"],
    "grant_types_supported": ["authorization_code", "refresh_token"],
    "subject_types_supported": ["pairwise"],
    "id_token_signing_alg_values_supported": ["HS256", "RS256"],
    "token_endpoint_auth_methods_supported": ["client_secret_basic"],
}
USER_ID = "https://www.paypal.com/webapps/auth/identity/user/mWq6_sample-user-id"
PROFILE = {
    "user_id": USER_ID, "name": "Barbara Liskov", "payer_id": "WDJJHSAMPLE2Y", "verified_account": "true",
    "address": {"street_address": "1 Main St", "locality": "San Jose", "region": "CA", "postal_code": "95131",
                "country": "US"},
    "emails": [{"value": "barbara@example.com", "primary": True, "confirmed": True}],
}
SCOPE = "openid profile email https://uri.paypal.com/services/paypalattributes"

RECORDING = Recording(
    options={"sandbox": True},
    discovery=("https://www.sandbox.paypal.com/.well-known/openid-configuration", DISCOVERY),
    authorize_endpoint="https://www.sandbox.paypal.com/signin/authorize",
    authorize_params={"scope": SCOPE},
    token_endpoint="https://api-m.sandbox.paypal.com/v1/oauth2/token",
    token_answer={"token_type": "Bearer", "expires_in": "28800", "refresh_token": "R23AAGsample-refresh",
                  "access_token": "A23AAHsample-access", "scope": SCOPE},
    client_auth="client_secret_basic",
    id_token_claims={"sub": USER_ID},
    api={"https://api-m.sandbox.paypal.com/v1/identity/oauth2/userinfo": PROFILE},
    claims={"sub": USER_ID, "name": "Barbara Liskov", "email": "barbara@example.com", "email_verified": True,
            "payer_id": "WDJJHSAMPLE2Y", "verified_account": True},
    refresh_answer={"token_type": "Bearer", "expires_in": "28800", "access_token": "A23AAHsample-refreshed",
                    "scope": SCOPE},
)
