"""Mailchimp, from its "Access user data with OAuth 2" guide and the Marketing API root resource."""

from tests.providers.recording import Recording

METADATA = {
    "dc": "us6", "role": "owner", "accountname": "Sample Bakery", "user_id": 35792468,
    "login": {"email": "baker@example.com", "avatar": None, "login_id": 35792468, "login_name": "samplebaker",
              "login_email": "baker@example.com"},
    "login_url": "https://login.mailchimp.com", "api_endpoint": "https://us6.api.mailchimp.com",
}
ACCOUNT = {
    "account_id": "8d3a3db4d97663a9074efcc16", "login_id": "35792468", "account_name": "Sample Bakery",
    "email": "baker@example.com", "first_name": "Robin", "last_name": "Baker", "username": "samplebaker",
    "avatar_url": "https://us6.admin.mailchimp.com/images/sample-avatar.png", "role": "owner",
    "member_since": "2021-03-04T10:00:00+00:00", "pricing_plan_type": "monthly", "account_timezone": "UTC",
}

RECORDING = Recording(
    options={},
    authorize_endpoint="https://login.mailchimp.com/oauth2/authorize",
    token_endpoint="https://login.mailchimp.com/oauth2/token",
    # A token that never expires: expires_in is 0, and there is no scope.
    token_answer={"access_token": "5c6ccc561059aa386da9d112215bae55", "expires_in": 0, "scope": None},
    client_auth="client_secret_post",
    api={"https://login.mailchimp.com/oauth2/metadata": METADATA, "https://us6.api.mailchimp.com/3.0/": ACCOUNT},
    claims={"sub": "35792468", "name": "Robin Baker", "given_name": "Robin", "family_name": "Baker",
            "preferred_username": "samplebaker", "email": "baker@example.com", "picture": ACCOUNT["avatar_url"]},
)
