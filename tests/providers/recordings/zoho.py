"""Zoho accounts (US data centre), from Zoho's web-app authorization, access-token and multi-DC pages."""

from tests.providers.recording import Recording

PROFILE = {"First_Name": "Radia", "Email": "radia@example.com", "Last_Name": "Perlman", "Display_Name": "radia.p",
           "ZUID": 712345678}

RECORDING = Recording(
    options={},
    authorize_endpoint="https://accounts.zoho.com/oauth/v2/auth",
    authorize_params={"scope": "AaaServer.profile.Read", "access_type": "offline"},
    token_endpoint="https://accounts.zoho.com/oauth/v2/token",
    token_answer={"access_token": "1000.sample.access", "refresh_token": "1000.sample.refresh",
                  "api_domain": "https://www.zohoapis.com", "token_type": "Bearer", "expires_in": 3600},
    client_auth="client_secret_post",
    api={"https://accounts.zoho.com/oauth/user/info": PROFILE},
    api_headers={"Authorization": "Zoho-oauthtoken 1000.sample.access"},
    claims={"sub": "712345678", "name": "Radia Perlman", "given_name": "Radia", "family_name": "Perlman",
            "preferred_username": "radia.p", "email": "radia@example.com"},
    refresh_answer={"access_token": "1000.sample.refreshed", "api_domain": "https://www.zohoapis.com",
                    "token_type": "Bearer", "expires_in": 3600},
)
