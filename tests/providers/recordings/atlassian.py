"""Atlassian OAuth 2.0 (3LO), from the 3LO apps guide, rotating refresh tokens and the /me identity call."""

from tests.providers.recording import Recording

ME = {
    "account_type": "atlassian", "account_id": "112233:aa-sample-account", "email": "mia@example.com",
    "email_verified": True, "name": "Mia Sample", "nickname": "mia",
    "picture": "https://avatar-management.services.atlassian.com/sample/avatar.png", "account_status": "active",
    "last_updated": "2026-05-01T10:00:00.000Z", "locale": "en-US", "zoneinfo": "Australia/Sydney",
    "extended_profile": {"job_title": "Designer", "department": "Design"},
}

RECORDING = Recording(
    options={},
    authorize_endpoint="https://auth.atlassian.com/authorize",
    authorize_params={"audience": "api.atlassian.com", "prompt": "consent",
                      "scope": "read:me read:account offline_access"},
    token_endpoint="https://auth.atlassian.com/oauth/token",
    token_answer={"access_token": "eyJ-sample-access", "expires_in": 3600, "token_type": "Bearer",
                  "refresh_token": "eyJ-sample-refresh", "scope": "read:me read:account offline_access"},
    client_auth="client_secret_post",
    api={"https://api.atlassian.com/me": ME},
    claims={"sub": "112233:aa-sample-account", "name": "Mia Sample", "email": "mia@example.com",
            "email_verified": True, "picture": ME["picture"], "locale": "en-US"},
    # Refresh tokens rotate: each refresh answer holds a new one.
    refresh_answer={"access_token": "eyJ-sample-refreshed", "expires_in": 3600, "token_type": "Bearer",
                    "refresh_token": "eyJ-sample-refresh-2", "scope": "read:me read:account offline_access"},
)
