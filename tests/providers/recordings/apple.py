"""Sign in with Apple, from Apple's discovery document, its authorization and token pages, and its ID-token claims.

Apple posts the callback (form_post); the first one carries the ``user`` field with
the name.  There is no fixed client secret: the preset mints one from the key below.
No refresh here: userinfo() reads the ID token and makes no API call that could
renew it; tests/providers/test_apple.py covers the refresh with a minted secret.
"""

import json

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec

from tests.providers.recording import Recording

#: A Sign in with Apple key as the developer portal hands it out (a PKCS#8 P-256 PEM), made for the test.
PRIVATE_KEY = ec.generate_private_key(ec.SECP256R1()).private_bytes(
    serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
).decode()
DISCOVERY = {
    "issuer": "https://appleid.apple.com",
    "authorization_endpoint": "https://appleid.apple.com/auth/authorize",
    "token_endpoint": "https://appleid.apple.com/auth/token",
    "revocation_endpoint": "https://appleid.apple.com/auth/revoke",
    "jwks_uri": "https://appleid.apple.com/auth/keys",
    "response_types_supported": ["code"],
    "response_modes_supported": ["query", "fragment", "form_post"],
    "subject_types_supported": ["pairwise"],
    "id_token_signing_alg_values_supported": ["RS256"],
    "scopes_supported": ["openid", "email", "name"],
    "token_endpoint_auth_methods_supported": ["client_secret_post"],
    "claims_supported": ["aud", "email", "email_verified", "exp", "iat", "is_private_email", "iss", "nonce",
                         "nonce_supported", "real_user_status", "sub", "transfer_sub"],
}
SUB = "001234.5a6b7c8d9e0f1a2b3c4d5e6f7a8b9c0d.1234"

RECORDING = Recording(
    options={"team_id": "A1B2C3D4E5", "key_id": "KEY123ABCD", "private_key": PRIVATE_KEY},
    client_secret=None,
    client_auth="custom",
    discovery=("https://appleid.apple.com/.well-known/openid-configuration", DISCOVERY),
    authorize_endpoint="https://appleid.apple.com/auth/authorize",
    authorize_params={"scope": "openid email name", "response_mode": "form_post"},
    token_endpoint="https://appleid.apple.com/auth/token",
    token_answer={"access_token": "a1b2c3.sample-access", "token_type": "Bearer", "expires_in": 3600,
                  "refresh_token": "r1d2e3.sample-refresh"},
    id_token_claims={"sub": SUB, "email": "ada@privaterelay.appleid.com", "email_verified": "true",
                     "is_private_email": "true", "auth_time": 1764680000, "nonce_supported": True,
                     "real_user_status": 2},
    callback_method="POST",
    callback_fields={"user": json.dumps({"name": {"firstName": "Ada", "lastName": "Lovelace"},
                                         "email": "ada@privaterelay.appleid.com"})},
    claims={"sub": SUB, "email": "ada@privaterelay.appleid.com", "email_verified": True, "name": "Ada Lovelace",
            "given_name": "Ada", "family_name": "Lovelace", "is_private_email": True},
)
