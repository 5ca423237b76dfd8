"""Naver Login, from its login API reference, developer guide and profile API pages."""

from tests.providers.recording import Recording

ME = {
    "resultcode": "00", "message": "success",
    "response": {
        "id": "32742776", "nickname": "sampler", "name": "Lee Sample", "email": "sample@naver.example",
        "gender": "F", "age": "30-39", "birthday": "10-01", "birthyear": "1990",
        "profile_image": "https://ssl.pstatic.net/static/pwe/address/sample.gif", "mobile": "010-0000-0000",
        "mobile_e164": "+821000000000",
    },
}

RECORDING = Recording(
    options={},
    authorize_endpoint="https://nid.naver.com/oauth2.0/authorize",
    token_endpoint="https://nid.naver.com/oauth2.0/token",
    # Naver gives expires_in as a string.
    token_answer={"access_token": "AAAAsample-access", "refresh_token": "sample-refresh", "token_type": "bearer",
                  "expires_in": "3600"},
    client_auth="client_secret_post",
    api={"https://openapi.naver.com/v1/nid/me": ME},
    claims={"sub": "32742776", "name": "Lee Sample", "nickname": "sampler", "email": "sample@naver.example",
            "picture": ME["response"]["profile_image"], "birthdate": "1990-10-01", "gender": "female"},
    refresh_answer={"access_token": "AAAAsample-refreshed", "token_type": "bearer", "expires_in": "3600"},
)
