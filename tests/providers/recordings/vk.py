"""VK, from dev.vk.com's authorization-code flow page, its API requests page and users.get."""

from tests.providers.recording import Recording

USERS_GET = {"response": [{
    "id": 210700286, "first_name": "Lindsey", "last_name": "Sample", "can_access_closed": True,
    "is_closed": False, "screen_name": "lindsey_sample", "domain": "lindsey_sample",
    "photo_200": "https://sun1-99.userapi.com/sample-200.jpg",
}]}

RECORDING = Recording(
    options={},
    authorize_endpoint="https://oauth.vk.com/authorize",
    authorize_params={"scope": "email"},
    token_endpoint="https://oauth.vk.com/access_token",
    # No token_type; the user's id and (with the email scope) address ride along.
    token_answer={"access_token": "vk1.a.sample-access", "expires_in": 86400, "user_id": 210700286,
                  "email": "lindsey@example.com"},
    client_auth="client_secret_post",
    api={"https://api.vk.com/method/users.get": USERS_GET},
    claims={"sub": "210700286", "name": "Lindsey Sample", "given_name": "Lindsey", "family_name": "Sample",
            "email": "lindsey@example.com", "preferred_username": "lindsey_sample",
            "picture": "https://sun1-99.userapi.com/sample-200.jpg", "profile": "https://vk.com/lindsey_sample"},
)
