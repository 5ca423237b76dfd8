"""Zoom, from its OAuth for user-authorized apps guide and the Users API's "get a user" (userId=me)."""

from tests.providers.recording import Recording

ME = {
    "id": "KDcuGIm1QgePTO8WbOqwIQ", "first_name": "Jamie", "last_name": "Sample", "display_name": "Jamie Sample",
    "email": "jamie@example.com", "type": 1, "pmi": 3542471135, "timezone": "Europe/Berlin", "verified": 1,
    "dept": "", "created_at": "2024-05-01T09:00:00Z", "last_login_time": "2026-11-30T08:00:00Z",
    "pic_url": "https://lh3.example.com/zoom-sample.png", "language": "en-US", "status": "active",
    "role_id": "2", "account_id": "q6gBJVO5TzexKYTb_I2rpg",
}

RECORDING = Recording(
    options={},
    authorize_endpoint="https://zoom.us/oauth/authorize",
    token_endpoint="https://zoom.us/oauth/token",
    token_answer={"access_token": "eyJzdiI6.sample.access", "token_type": "bearer",
                  "refresh_token": "eyJzdiI6.sample.refresh", "expires_in": 3599, "scope": "user:read:user"},
    client_auth="client_secret_basic",
    api={"https://api.zoom.us/v2/users/me": ME},
    claims={"sub": "KDcuGIm1QgePTO8WbOqwIQ", "name": "Jamie Sample", "given_name": "Jamie",
            "family_name": "Sample", "email": "jamie@example.com", "picture": ME["pic_url"], "locale": "en-US"},
    refresh_answer={"access_token": "eyJzdiI6.sample.refreshed", "token_type": "bearer",
                    "refresh_token": "eyJzdiI6.sample.refresh-2", "expires_in": 3599, "scope": "user:read:user"},
)
