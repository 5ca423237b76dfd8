"""Twitch, from the authorization code grant, refresh and Helix Get Users references."""

from tests.providers.recording import Recording

USERS = {"data": [{
    "id": "141981764", "login": "sampledev", "display_name": "SampleDev", "type": "", "broadcaster_type": "partner",
    "description": "A sample channel.", "profile_image_url": "https://static-cdn.jtvnw.net/jtv_user_pictures/sample.png",
    "offline_image_url": "", "view_count": 0, "email": "sampledev@example.com", "created_at": "2016-12-14T20:32:28Z",
}]}

RECORDING = Recording(
    options={},
    authorize_endpoint="https://id.twitch.tv/oauth2/authorize",
    authorize_params={"scope": "user:read:email"},
    token_endpoint="https://id.twitch.tv/oauth2/token",
    # Twitch sends the scope as a JSON array.
    token_answer={"access_token": "rfx2uswqe8l4g1mkagrvg5tv0ks3", "expires_in": 14124,
                  "refresh_token": "5b93chm6hdve3mycz05zfzatkfdenfspp1h1ar2xxdalen01", "scope": ["user:read:email"],
                  "token_type": "bearer"},
    client_auth="client_secret_post",
    api={"https://api.twitch.tv/helix/users": USERS},
    api_headers={"Client-Id": "test-client-id", "Authorization": "Bearer rfx2uswqe8l4g1mkagrvg5tv0ks3"},
    claims={"sub": "141981764", "name": "SampleDev", "preferred_username": "sampledev",
            "email": "sampledev@example.com", "email_verified": True,
            "picture": USERS["data"][0]["profile_image_url"], "profile": "https://www.twitch.tv/sampledev"},
    refresh_answer={"access_token": "1ssjqsqfy6bads1ws7m03gras79zfr", "refresh_token": "eyJfMzUtNDU0OC4MWYwLTQ5MDY5",
                    "scope": ["user:read:email"], "token_type": "bearer"},
)
