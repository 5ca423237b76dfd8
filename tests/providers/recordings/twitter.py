"""Twitter (X) OAuth 1.0a, from the 3-legged OAuth flow and account/verify_credentials reference."""

from tests.providers.recording import Recording

USER = {
    "id": 6253282, "id_str": "6253282", "name": "Sample Account", "screen_name": "sampleaccount",
    "profile_image_url_https": "https://pbs.twimg.com/profile_images/sample_normal.jpg", "email": "sample@example.com",
}

RECORDING = Recording(
    options={},
    flow="oauth1",
    request_token_endpoint="https://api.twitter.com/oauth/request_token",
    authorize_endpoint="https://api.twitter.com/oauth/authenticate",
    token_endpoint="https://api.twitter.com/oauth/access_token",
    token_answer="oauth_token=6253282-sampletoken&oauth_token_secret=samplesecret&user_id=6253282"
    "&screen_name=sampleaccount",
    token_content_type="application/x-www-form-urlencoded",
    api={"https://api.twitter.com/1.1/account/verify_credentials.json": USER},
    claims={"sub": "6253282", "preferred_username": "sampleaccount", "name": "Sample Account",
            "email": "sample@example.com", "profile": "https://twitter.com/sampleaccount"},
)
