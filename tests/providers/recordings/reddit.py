"""Reddit, from its OAuth2 wiki page and the /api/v1/me reference."""

from tests.providers.recording import Recording

USER_AGENT = "web:com.example.sample:v1.0 (by /u/sample_redditor)"
ME = {
    "id": "1w72", "name": "sample_redditor", "created_utc": 1136073600.0, "has_verified_email": True,
    "icon_img": "https://styles.redditmedia.com/t5_sample/styles/profileIcon_sample.png?width=256&height=256",
    "snoovatar_img": "", "link_karma": 10, "comment_karma": 20, "over_18": False,
    "subreddit": {"display_name_prefixed": "u/sample_redditor", "url": "/user/sample_redditor/"},
}

RECORDING = Recording(
    options={"user_agent": USER_AGENT},
    authorize_endpoint="https://www.reddit.com/api/v1/authorize",
    authorize_params={"scope": "identity", "duration": "permanent"},
    token_endpoint="https://www.reddit.com/api/v1/access_token",
    token_answer={"access_token": "sample-reddit-access", "token_type": "bearer", "expires_in": 86400,
                  "scope": "identity", "refresh_token": "sample-reddit-refresh"},
    client_auth="client_secret_basic",
    token_headers={"User-Agent": USER_AGENT},
    api={"https://oauth.reddit.com/api/v1/me": ME},
    api_headers={"User-Agent": USER_AGENT},
    claims={"sub": "1w72", "name": "sample_redditor", "preferred_username": "sample_redditor",
            "picture": ME["icon_img"], "profile": "https://www.reddit.com/user/sample_redditor"},
    refresh_answer={"access_token": "sample-reddit-refreshed", "token_type": "bearer", "expires_in": 86400,
                    "scope": "identity"},
)
