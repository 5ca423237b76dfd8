"""Kakao Login, from its REST API guide (get token, refresh, retrieve user information)."""

from tests.providers.recording import Recording

ME = {
    "id": 123456789, "connected_at": "2026-11-01T09:00:00Z",
    "properties": {"nickname": "Sample", "profile_image": "https://k.kakaocdn.net/sample_640.jpg",
                   "thumbnail_image": "https://k.kakaocdn.net/sample_110.jpg"},
    "kakao_account": {
        "profile_nickname_needs_agreement": False, "profile_image_needs_agreement": False,
        "profile": {"nickname": "Sample", "thumbnail_image_url": "https://k.kakaocdn.net/sample_110.jpg",
                    "profile_image_url": "https://k.kakaocdn.net/sample_640.jpg", "is_default_image": False},
        "name_needs_agreement": False, "name": "Kim Sample",
        "email_needs_agreement": False, "is_email_valid": True, "is_email_verified": True,
        "email": "sample@example.kr",
    },
}

RECORDING = Recording(
    options={},
    authorize_endpoint="https://kauth.kakao.com/oauth/authorize",
    token_endpoint="https://kauth.kakao.com/oauth/token",
    token_answer={"token_type": "bearer", "access_token": "kakao-sample-access", "expires_in": 21599,
                  "refresh_token": "kakao-sample-refresh", "refresh_token_expires_in": 5183999,
                  "scope": "account_email profile_image profile_nickname name"},
    client_auth="client_secret_post",
    api={"https://kapi.kakao.com/v2/user/me": ME},
    claims={"sub": "123456789", "name": "Kim Sample", "nickname": "Sample", "email": "sample@example.kr",
            "email_verified": True, "picture": "https://k.kakaocdn.net/sample_640.jpg"},
    # A refresh answer names a new refresh token only when the old one is close to expiring.
    refresh_answer={"token_type": "bearer", "access_token": "kakao-sample-refreshed", "expires_in": 21599},
)
