"""Heroku, from the Dev Center OAuth article and the Platform API's Account Info reference."""

from tests.providers.recording import Recording

ACCEPT = "application/vnd.heroku+json; version=3"
ACCOUNT = {
    "id": "01234567-89ab-cdef-0123-456789abcdef", "email": "tina@example.com", "name": "Tina Sample",
    "verified": False, "allow_tracking": True, "beta": False, "two_factor_authentication": True,
    "created_at": "2012-01-01T12:00:00Z", "last_login": "2026-01-01T12:00:00Z", "updated_at": "2026-01-01T12:00:00Z",
}

RECORDING = Recording(
    options={},
    authorize_endpoint="https://id.heroku.com/oauth/authorize",
    authorize_params={"scope": "identity"},
    token_endpoint="https://id.heroku.com/oauth/token",
    token_answer={"access_token": "2af695e0-sample-access", "expires_in": 28799,
                  "refresh_token": "95db4d46-sample-refresh", "token_type": "Bearer",
                  "user_id": ACCOUNT["id"], "session_nonce": "2bf3ec81-sample"},
    client_auth="client_secret_post",
    api={"https://api.heroku.com/account": ACCOUNT},
    api_headers={"Accept": ACCEPT},
    claims={"sub": ACCOUNT["id"], "name": "Tina Sample", "email": "tina@example.com"},
    refresh_answer={"access_token": "2af695e0-sample-refreshed", "expires_in": 28799,
                    "refresh_token": "95db4d46-sample-refresh", "token_type": "Bearer", "user_id": ACCOUNT["id"]},
)
