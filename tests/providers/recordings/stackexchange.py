"""Stack Exchange, from the API's authentication page, the /me method and the common wrapper."""

from tests.providers.recording import Recording

ME = {
    "items": [{
        "badge_counts": {"bronze": 12, "silver": 4, "gold": 1}, "account_id": 9876543, "is_employee": False,
        "reputation": 1234, "creation_date": 1500000000, "user_type": "registered", "user_id": 1122334,
        "location": "Lisbon", "website_url": "https://sample.example.com",
        "link": "https://stackoverflow.com/users/1122334/sample-asker",
        "profile_image": "https://www.gravatar.com/avatar/sample?s=256&d=identicon&r=PG",
        "display_name": "Sample Asker",
    }],
    "has_more": False, "quota_max": 10000, "quota_remaining": 9990,
}

RECORDING = Recording(
    options={"key": "sample-app-key(("},
    authorize_endpoint="https://stackoverflow.com/oauth",
    token_endpoint="https://stackoverflow.com/oauth/access_token/json",
    # "expires" rather than expires_in, and no token_type.
    token_answer={"access_token": "sample-access))", "expires": 86400},
    client_auth="client_secret_post",
    api={"https://api.stackexchange.com/2.3/me": ME},
    claims={"sub": "9876543", "name": "Sample Asker", "picture": ME["items"][0]["profile_image"],
            "profile": "https://stackoverflow.com/users/1122334/sample-asker", "site_user_id": 1122334},
)
