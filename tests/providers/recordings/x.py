"""X OAuth 2.0 with PKCE, from the authorization code and user access token guides and the users/me reference."""

from tests.providers.recording import Recording

ME = {"data": {"id": "2244994945", "name": "Sample Developer", "username": "sampledev",
               "profile_image_url": "https://pbs.twimg.com/profile_images/sample/avatar_normal.jpg"}}

RECORDING = Recording(
    options={},
    authorize_endpoint="https://x.com/i/oauth2/authorize",
    authorize_params={"scope": "tweet.read users.read offline.access", "code_challenge_method": "S256"},
    token_endpoint="https://api.x.com/2/oauth2/token",
    token_answer={"token_type": "bearer", "expires_in": 7200, "access_token": "bWRWZ-sample-access",
                  "scope": "tweet.read users.read offline.access", "refresh_token": "bWRWZ-sample-refresh"},
    client_auth="client_secret_basic",
    api={"https://api.x.com/2/users/me": ME},
    claims={"sub": "2244994945", "name": "Sample Developer", "preferred_username": "sampledev",
            "picture": ME["data"]["profile_image_url"], "profile": "https://x.com/sampledev"},
    refresh_answer={"token_type": "bearer", "expires_in": 7200, "access_token": "bWRWZ-sample-refreshed",
                    "scope": "tweet.read users.read offline.access", "refresh_token": "bWRWZ-sample-refresh-2"},
)
