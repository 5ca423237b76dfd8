"""ORCID OpenID Connect, from ORCID's "Sign in using ORCID" guide and its OpenID Connect notes."""

from tests.providers.recording import Recording

DISCOVERY = {
    "issuer": "https://orcid.org",
    "authorization_endpoint": "https://orcid.org/oauth/authorize",
    "token_endpoint": "https://orcid.org/oauth/token",
    "userinfo_endpoint": "https://orcid.org/oauth/userinfo",
    "jwks_uri": "https://orcid.org/oauth/jwks",
    "scopes_supported": ["openid"],
    "response_types_supported": ["code", "id_token", "id_token token"],
    "subject_types_supported": ["public"],
    "id_token_signing_alg_values_supported": ["RS256"],
    "claims_supported": ["family_name", "given_name", "name", "auth_time", "iss", "sub"],
    "token_endpoint_auth_methods_supported": ["client_secret_post"],
}
ORCID_ID = "0000-0002-1825-0097"
USER = {"id": ORCID_ID, "sub": ORCID_ID, "name": "Josiah Carberry", "given_name": "Josiah",
        "family_name": "Carberry"}

RECORDING = Recording(
    options={},
    discovery=("https://orcid.org/.well-known/openid-configuration", DISCOVERY),
    authorize_endpoint="https://orcid.org/oauth/authorize",
    authorize_params={"scope": "openid"},
    token_endpoint="https://orcid.org/oauth/token",
    # ORCID's token answer names the iD and the record's name beside the usual fields.
    token_answer={"access_token": "3f1e9a52-sample-access", "token_type": "bearer",
                  "refresh_token": "b7c0d4e1-sample-refresh", "expires_in": 631138518, "scope": "openid",
                  "name": "Josiah Carberry", "orcid": ORCID_ID},
    client_auth="client_secret_post",
    id_token_claims={"sub": ORCID_ID, "given_name": "Josiah", "family_name": "Carberry", "amr": "pwd"},
    api={DISCOVERY["userinfo_endpoint"]: USER},
    claims={"sub": ORCID_ID, "name": "Josiah Carberry", "given_name": "Josiah", "family_name": "Carberry",
            "profile": f"https://orcid.org/{ORCID_ID}"},
    refresh_answer={"access_token": "5a6b7c8d-sample-refreshed", "token_type": "bearer",
                    "refresh_token": "9e8d7c6b-sample-refresh-2", "expires_in": 631138518, "scope": "openid",
                    "name": "Josiah Carberry", "orcid": ORCID_ID},
)
