"""Sign in with Slack (OpenID Connect), from Slack's discovery document and the openid.connect.* method pages.

Token rotation on: openid.connect.token then issues refresh tokens and answers refreshes.
"""

from tests.providers.recording import Recording

DISCOVERY = {
    "issuer": "https://slack.com",
    "authorization_endpoint": "https://slack.com/openid/connect/authorize",
    "token_endpoint": "https://slack.com/api/openid.connect.token",
    "userinfo_endpoint": "https://slack.com/api/openid.connect.userInfo",
    "jwks_uri": "https://slack.com/openid/connect/keys",
    "scopes_supported": ["openid", "profile", "email"],
    "response_types_supported": ["code"],
    "response_modes_supported": ["form_post"],
    "grant_types_supported": ["authorization_code"],
    "subject_types_supported": ["public"],
    "id_token_signing_alg_values_supported": ["RS256"],
    "token_endpoint_auth_methods_supported": ["client_secret_post", "client_secret_basic"],
    "claims_parameter_supported": False,
}
USER = {
    "ok": True, "sub": "U0SAMPLE1", "https://slack.com/user_id": "U0SAMPLE1", "https://slack.com/team_id": "T0SAMPLE",
    "email": "mae@example.com", "email_verified": True, "date_email_verified": 1764680000, "name": "Mae Jemison",
    "picture": "https://secure.gravatar.com/avatar/sample-512.png", "given_name": "Mae", "family_name": "Jemison",
    "locale": "en-US", "https://slack.com/team_name": "Sample Team", "https://slack.com/team_domain": "sampleteam",
}

RECORDING = Recording(
    options={},
    discovery=("https://slack.com/.well-known/openid-configuration", DISCOVERY),
    authorize_endpoint="https://slack.com/openid/connect/authorize",
    authorize_params={"scope": "openid profile email"},
    token_endpoint="https://slack.com/api/openid.connect.token",
    token_answer={"ok": True, "access_token": "xoxe.xoxp-1-sample", "token_type": "Bearer",
                  "refresh_token": "xoxe-1-sample-refresh", "expires_in": 43200},
    client_auth="client_secret_post",
    id_token_claims={"sub": USER["sub"], "https://slack.com/team_id": "T0SAMPLE", "email": USER["email"],
                     "email_verified": True, "name": USER["name"]},
    api={DISCOVERY["userinfo_endpoint"]: USER},
    claims={"sub": "U0SAMPLE1", "email": "mae@example.com", "name": "Mae Jemison", "picture": USER["picture"],
            "https://slack.com/team_id": "T0SAMPLE"},
    refresh_answer={"ok": True, "access_token": "xoxe.xoxp-1-sample-2", "token_type": "Bearer",
                    "refresh_token": "xoxe-1-sample-refresh-2", "expires_in": 43200},
)
