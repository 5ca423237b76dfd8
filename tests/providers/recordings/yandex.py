"""Yandex ID, from its "get an authorization code", refresh-token and user-information pages."""

from tests.providers.recording import Recording

INFO = {
    "login": "sample.user", "id": "1000034426", "client_id": "test-client-id", "psuid": "1.AAAA.sample",
    "display_name": "Sample", "real_name": "Ivan Samplov", "first_name": "Ivan", "last_name": "Samplov",
    "sex": "male", "default_email": "sample.user@yandex.ru", "emails": ["sample.user@yandex.ru"],
    "birthday": "1990-01-31", "default_avatar_id": "131652443", "is_avatar_empty": False,
}

RECORDING = Recording(
    options={},
    authorize_endpoint="https://oauth.yandex.ru/authorize",
    authorize_params={"scope": "login:info login:email login:avatar"},
    token_endpoint="https://oauth.yandex.ru/token",
    token_answer={"token_type": "bearer", "access_token": "y0_sample-access", "expires_in": 31536000,
                  "refresh_token": "1:sample-refresh", "scope": "login:info login:email login:avatar"},
    api={"https://login.yandex.ru/info": INFO},
    api_headers={"Authorization": "OAuth y0_sample-access"},
    claims={"sub": "1000034426", "name": "Ivan Samplov", "given_name": "Ivan", "family_name": "Samplov",
            "preferred_username": "sample.user", "email": "sample.user@yandex.ru",
            "picture": "https://avatars.yandex.net/get-yapic/131652443/islands-200"},
    refresh_answer={"token_type": "bearer", "access_token": "y0_sample-refreshed", "expires_in": 31536000,
                    "refresh_token": "1:sample-refresh-2"},
)
