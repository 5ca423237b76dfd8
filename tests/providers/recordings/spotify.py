"""Spotify, from the authorization code flow tutorial, refreshing tokens and Get Current User's Profile."""

from tests.providers.recording import Recording

ME = {
    "country": "SE", "display_name": "Sample Listener", "email": "listener@example.com",
    "explicit_content": {"filter_enabled": False, "filter_locked": False},
    "external_urls": {"spotify": "https://open.spotify.com/user/samplelistener"},
    "followers": {"href": None, "total": 3}, "href": "https://api.spotify.com/v1/users/samplelistener",
    "id": "samplelistener", "product": "premium", "type": "user", "uri": "spotify:user:samplelistener",
    "images": [{"url": "https://i.scdn.co/image/sample-small", "height": 64, "width": 64},
               {"url": "https://i.scdn.co/image/sample-large", "height": 300, "width": 300}],
}

RECORDING = Recording(
    options={},
    authorize_endpoint="https://accounts.spotify.com/authorize",
    authorize_params={"scope": "user-read-email user-read-private"},
    token_endpoint="https://accounts.spotify.com/api/token",
    token_answer={"access_token": "BQDsample-access", "token_type": "Bearer",
                  "scope": "user-read-email user-read-private", "expires_in": 3600,
                  "refresh_token": "AQBsample-refresh"},
    client_auth="client_secret_basic",
    api={"https://api.spotify.com/v1/me": ME},
    claims={"sub": "samplelistener", "name": "Sample Listener", "email": "listener@example.com",
            "email_verified": False, "picture": "https://i.scdn.co/image/sample-large",
            "profile": "https://open.spotify.com/user/samplelistener"},
    # Spotify may leave the refresh token out of a refresh answer: the old one stays valid.
    refresh_answer={"access_token": "BQDsample-refreshed", "token_type": "Bearer",
                    "scope": "user-read-email user-read-private", "expires_in": 3600},
)
