"""Facebook Login, from the manual login flow guide and the Graph API User and picture references."""

from tests.providers.recording import Recording

USER = {
    "id": "10160000000000001", "name": "Sam Sample", "email": "sam@example.com", "first_name": "Sam",
    "last_name": "Sample",
    "picture": {"data": {"height": 50, "width": 50, "is_silhouette": False,
                         "url": "https://platform-lookaside.fbsbx.com/platform/profilepic/?asid=10160000000000001"}},
}

RECORDING = Recording(
    options={},
    authorize_endpoint="https://www.facebook.com/v23.0/dialog/oauth",
    authorize_params={"scope": "email public_profile"},
    token_endpoint="https://graph.facebook.com/v23.0/oauth/access_token",
    token_answer={"access_token": "EAAB-sample-user-token", "token_type": "bearer", "expires_in": 5183944},
    client_auth="client_secret_post",
    api={"https://graph.facebook.com/v23.0/me": USER},
    claims={"sub": "10160000000000001", "name": "Sam Sample", "given_name": "Sam", "family_name": "Sample",
            "email": "sam@example.com", "picture": USER["picture"]["data"]["url"]},
)
