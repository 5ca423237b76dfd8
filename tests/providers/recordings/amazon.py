"""Login with Amazon, from its authorization-code grant, customer-profile and refresh-token pages."""

from tests.providers.recording import Recording

PROFILE = {"user_id": "amzn1.account.AESAMPLE7EXAMPLE", "email": "morgan@example.com", "name": "Morgan Sample",
           "postal_code": "98109"}

RECORDING = Recording(
    options={},
    authorize_endpoint="https://www.amazon.com/ap/oa",
    authorize_params={"scope": "profile"},
    token_endpoint="https://api.amazon.com/auth/o2/token",
    token_answer={"access_token": "Atza|sample-access", "token_type": "bearer", "expires_in": 3600,
                  "refresh_token": "Atzr|sample-refresh"},
    client_auth="client_secret_post",
    api={"https://api.amazon.com/user/profile": PROFILE},
    claims={"sub": "amzn1.account.AESAMPLE7EXAMPLE", "name": "Morgan Sample", "given_name": "Morgan",
            "family_name": "Sample", "email": "morgan@example.com", "address": {"postal_code": "98109"}},
    refresh_answer={"access_token": "Atza|sample-refreshed", "token_type": "bearer", "expires_in": 3600,
                    "refresh_token": "Atzr|sample-refresh"},
)
