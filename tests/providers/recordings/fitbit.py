"""Fitbit, from the Web API authorization guide, the token and refresh references and Get Profile."""

from tests.providers.recording import Recording

PROFILE = {"user": {
    "encodedId": "GGNJL9", "displayName": "Sam S.", "fullName": "Sam Sample", "firstName": "Sam", "lastName": "Sample",
    "avatar": "https://static0.fitbit.com/images/profile/defaultProfile_100.png",
    "avatar150": "https://static0.fitbit.com/images/profile/defaultProfile_150.png",
    "avatar640": "https://static0.fitbit.com/images/profile/defaultProfile_640.png",
    "locale": "en_US", "timezone": "America/Los_Angeles", "memberSince": "2019-01-01",
}}

RECORDING = Recording(
    options={},
    authorize_endpoint="https://www.fitbit.com/oauth2/authorize",
    authorize_params={"scope": "profile", "code_challenge_method": "S256"},
    token_endpoint="https://api.fitbit.com/oauth2/token",
    token_answer={"access_token": "eyJhbGciOi-sample-access", "expires_in": 28800,
                  "refresh_token": "c643a63c-sample-refresh", "scope": "profile", "token_type": "Bearer",
                  "user_id": "GGNJL9"},
    client_auth="client_secret_basic",
    api={"https://api.fitbit.com/1/user/-/profile.json": PROFILE},
    claims={"sub": "GGNJL9", "name": "Sam Sample", "given_name": "Sam", "family_name": "Sample",
            "picture": PROFILE["user"]["avatar640"], "locale": "en-US"},
    refresh_answer={"access_token": "eyJhbGciOi-sample-refreshed", "expires_in": 28800,
                    "refresh_token": "c643a63c-sample-refresh-2", "scope": "profile", "token_type": "Bearer",
                    "user_id": "GGNJL9"},
)
