"""Patreon, from the OAuth section of its API documentation and the API v2 identity endpoint."""

from tests.providers.recording import Recording

IDENTITY = {
    "data": {
        "type": "user", "id": "1234567",
        "attributes": {
            "email": "creator@example.com", "first_name": "Corey", "last_name": "Sample", "full_name": "Corey Sample",
            "image_url": "https://c8.patreon.com/2/200/1234567", "url": "https://www.patreon.com/coreysample",
            "vanity": "coreysample", "is_email_verified": True,
        },
    },
    "links": {"self": "https://www.patreon.com/api/oauth2/v2/user/1234567"},
}

RECORDING = Recording(
    options={},
    authorize_endpoint="https://www.patreon.com/oauth2/authorize",
    authorize_params={"scope": "identity identity[email]"},
    token_endpoint="https://www.patreon.com/api/oauth2/token",
    token_answer={"access_token": "sample-patreon-access", "refresh_token": "sample-patreon-refresh",
                  "expires_in": 2678400, "scope": "identity identity[email]", "token_type": "Bearer"},
    client_auth="client_secret_post",
    api={"https://www.patreon.com/api/oauth2/v2/identity": IDENTITY},
    claims={"sub": "1234567", "name": "Corey Sample", "given_name": "Corey", "email": "creator@example.com",
            "email_verified": True, "picture": "https://c8.patreon.com/2/200/1234567",
            "profile": "https://www.patreon.com/coreysample", "preferred_username": "coreysample"},
    refresh_answer={"access_token": "sample-patreon-refreshed", "refresh_token": "sample-patreon-refresh-2",
                    "expires_in": 2678400, "scope": "identity identity[email]", "token_type": "Bearer"},
)
