"""Sina Weibo, from the Open Platform wiki's Oauth2/authorize, Oauth2/access_token and 2/users/show pages."""

from tests.providers.recording import Recording

USER = {
    "id": 1404376560, "idstr": "1404376560", "screen_name": "sample_user", "name": "sample_user",
    "province": "11", "city": "5", "location": "Beijing", "description": "A sample account.",
    "url": "https://blog.example.com/sample", "profile_image_url": "https://tvax1.sinaimg.cn/crop/50/sample.jpg",
    "profile_url": "sampleuser", "domain": "sampleuser", "gender": "f", "followers_count": 10,
    "avatar_large": "https://tvax1.sinaimg.cn/crop/180/sample.jpg",
    "avatar_hd": "https://tvax1.sinaimg.cn/crop/1024/sample.jpg", "lang": "zh-cn",
}

RECORDING = Recording(
    options={},
    authorize_endpoint="https://api.weibo.com/oauth2/authorize",
    token_endpoint="https://api.weibo.com/oauth2/access_token",
    # No token_type; the user's id comes as uid.  Weibo has labelled this JSON text/plain.
    token_answer='{"access_token": "2.00sample-access", "remind_in": "157679999", "expires_in": 157679999, '
                 '"uid": "1404376560", "isRealName": "true"}',
    token_content_type="text/plain;charset=UTF-8",
    client_auth="client_secret_post",
    api={"https://api.weibo.com/2/users/show.json": USER},
    claims={"sub": "1404376560", "name": "sample_user", "preferred_username": "sampleuser",
            "picture": USER["avatar_hd"], "profile": "https://weibo.com/sampleuser", "locale": "zh_cn"},
)
